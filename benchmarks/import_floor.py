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

No rapidfuzz: `init` checks the codebook's names for near duplicates with rapidfuzz's
`fuzz.ratio` (`qualcode.domain.codebook._check_tree`, to warn of two names that are
probably one code), but imports it only for a pair whose lengths and letters let the
ratio reach the threshold (`_may_be_near`); no pair of the harness's codebook (the
study's) does, so `init` never loads rapidfuzz there, and neither does its floor.
"""

from __future__ import annotations

import csv
import os
import sqlite3
import sys
from pathlib import Path

from qualcode.db.sqlite import configure
from qualcode.importers.moderators import is_moderator_label

RESERVED = ("group", "speaker", "text", "id", "moderator", "codes", "coder")
"""A quote table's columns that are not participant attributes (as qualcode's importer
reads a table: `qualcode.importers.quote_table.RESERVED`)."""


def insert_speakers(conn: sqlite3.Connection, speakers: list[tuple[int, str]],
                    attributes: dict[tuple[int, str], str] | None = None
                    ) -> dict[tuple[int, str], int]:
    """The floors' participants, (group id, label) each: their ids by the same key.
    `attributes`: a speaker's attributes as JSON text, when the table has some."""
    known = attributes or {}
    conn.executemany(
        "INSERT INTO participant (group_id, label, is_moderator, attributes) "
        "VALUES (?, ?, ?, ?)",
        [(g, s, is_moderator_label(s), known.get((g, s), "{}")) for g, s in speakers])
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
        names = [h.strip().casefold() for h in header]
        g_at, s_at, t_at = (names.index(name) for name in ("group", "speaker", "text"))
        rows = [(row[g_at], row[s_at], row[t_at], row) for row in reader]
    # The generated corpora's tables are group, speaker, text; the demo's also has each
    # quote's id and its speaker's attributes, which qualcode keeps: so does the floor.
    key_at = names.index("id") if "id" in names else None
    extra = [(i, header[i].strip()) for i, n in enumerate(names) if n and n not in RESERVED]
    conn.execute("BEGIN IMMEDIATE")
    groups = dict(conn.execute("SELECT name, id FROM study_group"))
    speakers = sorted({(groups[g], s) for g, s, _text, _row in rows})
    attributes: dict[tuple[int, str], str] = {}
    if extra:
        import json

        for g, s, _text, row in rows:  # a new participant's are its first row's
            if (groups[g], s) not in attributes:
                attributes[(groups[g], s)] = json.dumps(
                    {name: row[i] for i, name in extra if row[i]})
    people = insert_speakers(conn, speakers, attributes)
    source = conn.execute(
        "INSERT INTO source (name, kind, format, content_hash, imported_at) "
        "VALUES (?, 'table', 'csv', ?, datetime('now'))",
        (table.name, hashlib.sha256(data).hexdigest())).lastrowid
    position: dict[int, int] = {}
    quotes = []
    for group, speaker, text, row in rows:
        gid, pid = groups[group], people[(groups[group], speaker)]
        digest = hashlib.sha256(
            unicodedata.normalize("NFC", text).encode("utf-8")).hexdigest()[:32]
        position[gid] = position.get(gid, 0) + 1
        quotes.append((gid, pid, source, position[gid], text,
                       row[key_at] or None if key_at is not None else None, digest))
    conn.executemany(
        "INSERT INTO quote (group_id, participant_id, source_id, position, text, "
        "external_id, text_hash) VALUES (?, ?, ?, ?, ?, ?, ?)", quotes)
    conn.execute("COMMIT")
    return len(quotes)


def created(folder: Path, target: Path) -> None:
    """A new project at `target` made as `init` makes it from the study and codebook it
    reads: the same files are read and parsed (`tomllib`, PyYAML: what `init` needs to
    read them), the rows are taken from the corpus's empty project. The codebook is
    read as `yaml.safe_load` reads it, on libyaml when PyYAML has it (`CSafeLoader`, the
    safe loader's C twin, as `init` reads it: the pure-Python parser takes 35 ms more
    over the study's codebook, and would make the floor slower than the command)."""
    import tomllib

    import yaml

    tomllib.loads((folder / "raw" / "study.toml").read_text(encoding="utf-8"))
    yaml.load((folder / "raw" / "codebook.yaml").read_text(encoding="utf-8"),  # noqa: S506
              Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
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
