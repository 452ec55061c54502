"""Importing the corpus's quote table, in process and as users run it (issue 24, item 4).

`run` is what `qualcode import raw/quotes.csv` does (parse, then one transaction of
`write_sources`) into a copy of the corpus's empty project; `floor` reads the same CSV
with the `csv` module and inserts the same participant, source and quote rows with raw
`sqlite3` executemany into another copy. Every row is a turn, a second "Oui." included,
in both.

`created` is the whole-process floor of `qualcode init` + `qualcode import`: one
standard-library process that creates the project the way `init` does at the SQL level
(a new owner-only file, the connection's pragmas, every `CREATE` statement of the
schema, the design and codebook rows `init` wrote, taken from the corpus's empty
project so the schema has no second copy here), then inserts the same rows.
`python -m benchmarks.cases.import_tables CORPUS_FOLDER TARGET` runs it.
"""

from __future__ import annotations

import csv
import hashlib
import os
import sqlite3
import sys
import tempfile
import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING

from benchmarks.harness import Case, Corpus
from qualcode.db.sqlite import configure
from qualcode.importers.base import is_moderator_label

if TYPE_CHECKING:
    from qualcode.services.imports import ImportSummary


def import_table(corpus: Corpus, table: Path) -> ImportSummary:
    """What `qualcode import TABLE` does, into a copy of the corpus's empty project."""
    from qualcode.db.engine import open_project
    from qualcode.services.imports import parse_files, write_sources

    with tempfile.TemporaryDirectory(prefix="qualcode-bench-") as tmp:
        project = open_project(str(corpus.fresh_empty(Path(tmp))), warn=False)
        try:
            parsed = parse_files([table])
            with project.write() as session:
                (summary,) = write_sources(session, [(str(table), parsed[0])], group=None,
                                           coder="bench")
        finally:
            project.close()
    return summary


def run(corpus: Corpus) -> int:
    return import_table(corpus, corpus.raw / "quotes.csv").quotes_added


def insert_speakers(conn: sqlite3.Connection, speakers: list[tuple[int, str]]
                    ) -> dict[tuple[int, str], int]:
    """The floors' participants, (group id, label) each: their ids by the same key."""
    conn.executemany(
        "INSERT INTO participant (group_id, label, is_moderator, attributes) "
        "VALUES (?, ?, ?, '{}')",
        [(g, s, is_moderator_label(s)) for g, s in speakers])
    return {(g, s): i for i, g, s in conn.execute(
        "SELECT id, group_id, label FROM participant")}


def insert_table(conn: sqlite3.Connection, table: Path) -> int:
    """The quote table's participants, source and quotes, in one transaction."""
    data = table.read_bytes()
    with table.open(encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        next(reader)
        rows = list(reader)
    conn.execute("BEGIN IMMEDIATE")
    groups = dict(conn.execute("SELECT name, id FROM study_group"))
    speakers = sorted({(groups[g], s) for g, s, _text in rows})
    people = insert_speakers(conn, speakers)
    source = conn.execute(
        "INSERT INTO source (name, kind, format, content_hash, imported_at) "
        "VALUES (?, 'table', 'csv', ?, datetime('now'))",
        (table.name, hashlib.sha256(data).hexdigest())).lastrowid
    position: dict[int, int] = {}
    quotes = []
    for group, speaker, text in rows:
        gid, pid = groups[group], people[(groups[group], speaker)]
        digest = hashlib.sha256(
            unicodedata.normalize("NFC", text).encode("utf-8")).hexdigest()[:32]
        position[gid] = position.get(gid, 0) + 1
        quotes.append((gid, pid, source, position[gid], text, digest))
    conn.executemany(
        "INSERT INTO quote (group_id, participant_id, source_id, position, text, "
        "text_hash) VALUES (?, ?, ?, ?, ?, ?)", quotes)
    conn.execute("COMMIT")
    return len(quotes)


def floor(corpus: Corpus) -> int:
    with tempfile.TemporaryDirectory(prefix="qualcode-bench-") as tmp:
        conn = sqlite3.connect(corpus.fresh_empty(Path(tmp)))
        try:
            configure(conn)
            return insert_table(conn, corpus.raw / "quotes.csv")
        finally:
            conn.close()


def created(folder: Path, target: Path) -> int:
    """A new project at `target` made as `init` makes it, then the table inserted."""
    os.close(os.open(target, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    conn = sqlite3.connect(target)
    try:
        configure(conn)
        conn.execute("ATTACH DATABASE ? AS made", (f"file:{folder / 'empty.db'}?mode=ro",))
        schema = conn.execute(
            "SELECT type, name, sql FROM made.sqlite_master "
            "WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite%' ORDER BY rowid").fetchall()
        conn.execute("BEGIN IMMEDIATE")
        for _kind, _name, statement in schema:
            conn.execute(statement)
        for kind, name, _sql in schema:
            if kind == "table":
                conn.execute(f'INSERT INTO main."{name}" SELECT * FROM made."{name}"')
        conn.execute("COMMIT")
        conn.execute("DETACH DATABASE made")
        return insert_table(conn, folder / "raw" / "quotes.csv")
    finally:
        conn.close()



CASES = [
    Case("import quote table (csv)", run, floor, repeat=3,
         notes="qualcode import of raw/quotes.csv vs csv + sqlite3 executemany of the same "
               "rows; both into a copy of the same empty project"),
]


if __name__ == "__main__":
    print(created(Path(sys.argv[1]), Path(sys.argv[2])))
