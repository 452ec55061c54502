"""Floors written with the standard library alone, so that a whole-process floor pays
only Python's start-up and `sqlite3`: imported by the in-process cases and run as
`python -m benchmarks.floors WHAT DB [ARG]` by the whole-process ones. Agreement's floor
is the exception the issue names: NumPy and the `krippendorff` package, imported only
there."""

from __future__ import annotations

import json
import sqlite3
import sys
from collections.abc import Callable, Iterator
from typing import Any

RESERVED_CODERS = ("consensus", "auto")
"""Coders that are not people (qualcode's `config.RESERVED_CODERS`, not imported: it
would pull qualcode's start-up into the floor)."""


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


def tree_order(conn: sqlite3.Connection) -> list[tuple[int, str, int | None, bool]]:
    """Codes parents first, siblings by position: (id, name, parent, exclusive)."""
    children: dict[int | None, list[tuple[int, str, int | None, bool]]] = {}
    for cid, name, parent, exclusive in conn.execute(
            "SELECT id, name, parent_id, exclusive FROM code ORDER BY position, id"):
        children.setdefault(parent, []).append((cid, name, parent, bool(exclusive)))
    out: list[tuple[int, str, int | None, bool]] = []

    def walk(parent: int | None) -> None:
        for node in children.get(parent, []):
            out.append(node)
            walk(node[0])

    walk(None)
    return out


def segment_pieces(db: str) -> Iterator[str]:
    """Every coding as one row with its theme, cell, speaker and attributes: the JSON
    `qualcode segments --format json` prints."""
    conn = sqlite3.connect(db)
    try:
        tree = tree_order(conn)
        order = {cid: i for i, (cid, *_rest) in enumerate(tree)}
        name = {cid: n for cid, n, _p, _e in tree}
        parent = {cid: p for cid, _n, p, _e in tree}

        def top(code: int) -> str:
            while parent[code] is not None:
                code = parent[code]  # type: ignore[assignment]
            return name[code]

        dims = conn.execute("SELECT id, name FROM dimension ORDER BY position, id").fetchall()
        levels: dict[int, dict[int, str]] = {}
        for gid, did, level in conn.execute(
                "SELECT gl.group_id, gl.dimension_id, l.name FROM group_level gl "
                "JOIN level l ON l.id = gl.level_id"):
            levels.setdefault(gid, {})[did] = level
        cells: dict[str, dict[str, str]] = {}
        for gid, gname, attributes in conn.execute(
                "SELECT id, name, attributes FROM study_group ORDER BY position, id"):
            cell = {d: levels[gid][did] for did, d in dims if did in levels.get(gid, {})}
            cells[gname] = {**cell, **{k: str(v) for k, v in json.loads(attributes).items()}}
        found = conn.execute(
            "SELECT g.name, p.label, p.is_moderator, p.attributes, q.id, q.text, c.code_id, "
            "k.name, c.span_start, c.span_end, c.memo, g.position, q.position "
            "FROM coding c JOIN quote q ON q.id = c.quote_id "
            "JOIN study_group g ON g.id = q.group_id "
            "JOIN participant p ON p.id = q.participant_id "
            "JOIN coder k ON k.id = c.coder_id").fetchall()
    finally:
        conn.close()
    found.sort(key=lambda r: (order[r[6]], r[11], r[12], r[8] or 0))
    parsed: dict[str, dict[str, Any]] = {}
    for row in found:
        if row[3] not in parsed:
            parsed[row[3]] = json.loads(row[3])
    people = dict.fromkeys(k for r in found for k in parsed[r[3]])
    columns = ["theme", "code", "coder", "group",
               *dict.fromkeys(k for cell in cells.values() for k in cell), "speaker",
               "moderator", *(f"participant {k}" for k in people), "quote", "start", "end",
               "text", "memo"]

    def rows() -> Iterator[dict[str, Any]]:
        for gname, speaker, moderator, attrs, qid, text, code, who, start, end, memo, *_ \
                in found:
            yield {"theme": top(code), "code": name[code], "coder": who, "group": gname,
                   **cells.get(gname, {}), "speaker": speaker, "moderator": bool(moderator),
                   **{f"participant {k}": v for k, v in parsed[attrs].items()},
                   "quote": qid, "start": start, "end": end,
                   "text": text if start is None else text[start:end], "memo": memo or ""}

    return _indented(columns, rows())


def segments(db: str) -> str:
    return "".join(segment_pieces(db))


def _indented(columns: list[str], rows: Iterator[dict[str, Any]]) -> Iterator[str]:
    """`json.dumps(rows, ensure_ascii=False, indent=1)` byte for byte, for flat rows, a
    row at a time as the command writes it: the strings through the C encoder, since
    with `indent` the json module falls back to its pure-Python encoder (slower than the
    command itself at a million rows)."""
    from json.encoder import encode_basestring

    def scalar(value: object) -> str:
        if isinstance(value, str):
            return encode_basestring(value)
        if value is None:
            return "null"
        if isinstance(value, bool):
            return "true" if value else "false"
        return str(value)

    keys = [f"  {encode_basestring(c)}: " for c in columns]
    opening = "[\n"
    for row in rows:
        yield opening + " {\n" + ",\n".join(
            k + scalar(row.get(c, "")) for k, c in zip(keys, columns, strict=True)) + "\n }"
        opening = ",\n"
    yield "[]\n" if opening == "[\n" else "\n]\n"


def agreement(db: str) -> str:
    """Krippendorff's alpha (the `krippendorff` package) for every code and exclusive
    parent, over the matrices `qualcode agreement` builds: quotes touched by a coder as
    units; 1 where the coder applied the code or a descendant, 0 where they coded or
    reviewed the quote otherwise, missing where they never touched it; for an exclusive
    parent, one category per set of its children applied."""
    from itertools import chain

    import krippendorff
    import numpy as np

    def integers(rows: list[tuple[int, ...]], width: int) -> Any:
        flat = chain.from_iterable(rows)
        return np.fromiter(flat, dtype=np.int64, count=width * len(rows)).reshape(-1, width)

    conn = sqlite3.connect(db)
    try:
        marks = ",".join("?" * len(RESERVED_CODERS))
        coders = [i for (i,) in conn.execute(
            f"SELECT id FROM coder WHERE name NOT IN ({marks}) AND (id IN "
            "(SELECT coder_id FROM coding) OR id IN (SELECT coder_id FROM review)) "
            "ORDER BY name", RESERVED_CODERS)]
        chosen = ",".join(map(str, coders))
        codings = integers(conn.execute("SELECT coder_id, quote_id, code_id FROM coding "
                                        f"WHERE coder_id IN ({chosen})").fetchall(), 3)
        reviews = integers(conn.execute("SELECT coder_id, quote_id FROM review "
                                        f"WHERE coder_id IN ({chosen})").fetchall(), 2)
        tree = tree_order(conn)
    finally:
        conn.close()
    row_of = np.full(max(coders) + 1, -1, dtype=np.int64)
    row_of[coders] = np.arange(len(coders))
    quotes = np.unique(np.concatenate([codings[:, 1], reviews[:, 1]]))
    rows, cols = row_of[codings[:, 0]], np.searchsorted(quotes, codings[:, 1])
    touched = np.zeros((len(coders), quotes.size), dtype=bool)
    touched[rows, cols] = True
    touched[row_of[reviews[:, 0]], np.searchsorted(quotes, reviews[:, 1])] = True
    children: dict[int | None, list[int]] = {}
    for cid, _n, parent, _e in tree:
        children.setdefault(parent, []).append(cid)

    def family(code: int) -> list[int]:
        return [code, *chain.from_iterable(family(c) for c in children.get(code, []))]

    applied = {cid: np.isin(codings[:, 2], family(cid)) for cid, *_ in tree}
    matrices = []
    for cid, *_ in tree:
        values = np.where(touched, 0.0, np.nan)
        values[rows[applied[cid]], cols[applied[cid]]] = 1.0
        matrices.append(values)
    for pid, _n, _p, exclusive in tree:
        if exclusive:
            sets = np.zeros(touched.shape, dtype=np.int64)
            for bit, child in enumerate(children.get(pid, [])):
                sets[rows[applied[child]], cols[applied[child]]] |= 1 << bit
            matrices.append(np.where(touched, sets, np.nan))
    alphas: list[float | None] = []
    for values in matrices:
        try:
            alphas.append(float(krippendorff.alpha(reliability_data=values,
                                                   level_of_measurement="nominal")))
        except ValueError:  # one value only: alpha undefined
            alphas.append(None)
    return json.dumps(alphas)


FLOORS: dict[str, Callable[..., str | Iterator[str]]] = {
    "report": report, "quotes": quotes_with_code, "segments": segment_pieces,
    "agreement": agreement}


if __name__ == "__main__":
    what, db, *rest = sys.argv[1:]
    printed = FLOORS[what](db, *rest)
    sys.stdout.writelines([printed] if isinstance(printed, str) else printed)
