"""Floors written with the standard library alone, so that a whole-process floor pays
only Python's start-up and `sqlite3`: imported by the in-process cases and run as
`python -m benchmarks.floors WHAT DB` by the whole-process ones."""

from __future__ import annotations

import json
import sqlite3
import sys


def closure_values(conn: sqlite3.Connection) -> str:
    """Every (ancestor, descendant) pair of the code tree as an SQL VALUES list."""
    parent = dict(conn.execute("SELECT id, parent_id FROM code").fetchall())
    pairs = []
    for code in parent:
        node: int | None = code
        while node is not None:
            pairs.append(f"({node}, {code})")
            node = parent[node]
    return ", ".join(pairs)


def counts(conn: sqlite3.Connection, closure: str) -> list[tuple[int, int, int, int, int]]:
    """Per theme and group: quotes, participants, codings: the report's cells."""
    conn.execute("CREATE TEMP TABLE IF NOT EXISTS cl (descendant INTEGER, ancestor INTEGER, "
                 "PRIMARY KEY (descendant, ancestor)) WITHOUT ROWID")
    conn.execute("DELETE FROM cl")
    conn.execute(f"INSERT INTO cl (ancestor, descendant) VALUES {closure}")
    return conn.execute(
        "SELECT cl.ancestor, q.group_id, COUNT(DISTINCT q.id), COUNT(DISTINCT q.participant_id),"
        " COUNT(*) FROM coding c JOIN coder k ON k.id = c.coder_id "
        "JOIN cl ON cl.descendant = c.code_id JOIN quote q ON q.id = c.quote_id "
        "JOIN participant p ON p.id = q.participant_id "
        "WHERE NOT p.is_moderator AND k.name <> 'auto' GROUP BY cl.ancestor, q.group_id"
    ).fetchall()


def report(db: str) -> str:
    conn = sqlite3.connect(db)
    try:
        return json.dumps(counts(conn, closure_values(conn)))
    finally:
        conn.close()


def quotes_with_code(db: str, code: str) -> str:
    """The quotes carrying a code or a sub-code, with their codes, as JSON."""
    conn = sqlite3.connect(db)
    try:
        (top,) = conn.execute("SELECT id FROM code WHERE name = ?", (code,)).fetchone()
        under = [int(a) for a, in conn.execute(
            "WITH RECURSIVE t(id) AS (SELECT ? UNION ALL SELECT c.id FROM code c JOIN t "
            "ON c.parent_id = t.id) SELECT id FROM t", (top,))]
        marks = ",".join("?" * len(under))
        rows = conn.execute(
            "SELECT q.id, q.text, g.name, p.label, group_concat(k.name || ':' || c2.name) "
            "FROM quote q JOIN study_group g ON g.id = q.group_id "
            "JOIN participant p ON p.id = q.participant_id "
            "JOIN coding c ON c.quote_id = q.id JOIN code c2 ON c2.id = c.code_id "
            "JOIN coder k ON k.id = c.coder_id "
            f"WHERE q.id IN (SELECT quote_id FROM coding WHERE code_id IN ({marks})) "
            "GROUP BY q.id ORDER BY g.position, q.position", under).fetchall()
        return json.dumps(rows, ensure_ascii=False)
    finally:
        conn.close()


if __name__ == "__main__":
    what, db, *rest = sys.argv[1:]
    sys.stdout.write(report(db) if what == "report" else quotes_with_code(db, *rest))
