"""The whole-process floor of `qualcode init` + `qualcode import TABLE` (issue 24, item 4),
and the rows the in-process import floor inserts.

Two processes, as a user runs two commands (and as qc's two are timed): `created`
reads the study and the codebook `init` reads, with the libraries it needs to read
them, and creates the project the way `init` does at the SQL level (a new owner-only
file, the connection's pragmas, every `CREATE` statement of the schema, the design and
codebook rows `init` wrote, taken from the corpus's empty project so the schema has no
second copy here); `imported` inserts the quote table's participants, source and quotes
with `csv` and `sqlite3`. A module of its own, light to start: the harness's modules are
not its floor's to pay. `python -m benchmarks.import_floor init|import FOLDER TARGET`.
"""

from __future__ import annotations

import csv
import os
import sqlite3
import sys
from pathlib import Path

from qualcode.db.sqlite import configure
from qualcode.importers.moderators import is_moderator_label


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
    import hashlib  # the import step's: the text hashes
    import unicodedata

    data = table.read_bytes()
    with table.open(encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader)
        at = [header.index(name) for name in ("group", "speaker", "text")]
        rows = [[row[i] for i in at] for row in reader]  # the demo's has ids and attributes
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


def created(folder: Path, target: Path) -> None:
    """A new project at `target` made as `init` makes it from the study and codebook it
    reads: the same files are read and parsed (`tomllib`, PyYAML: what `init` needs to
    read them), the rows are taken from the corpus's empty project."""
    import tomllib

    import yaml

    tomllib.loads((folder / "raw" / "study.toml").read_text(encoding="utf-8"))
    yaml.safe_load((folder / "raw" / "codebook.yaml").read_text(encoding="utf-8"))
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
    finally:
        conn.close()


def imported(folder: Path, target: Path) -> int:
    """The corpus's quote table inserted into the project at `target`."""
    conn = sqlite3.connect(target)
    try:
        configure(conn)
        return insert_table(conn, folder / "raw" / "quotes.csv")
    finally:
        conn.close()


if __name__ == "__main__":
    step, folder, target = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
    if step == "init":
        created(folder, target)
    else:
        print(imported(folder, target))
