"""Importing a coded quote table: the bulk path for codings (issue: within 2x the floor).

The table is the corpus project written by `quotes --format csv` (one row per quote and
coder, codes joined by `;`), made once per corpus outside the timing. `run` is what
`qualcode import coded.csv` does into a project with only the design and codebook;
`floor` reads the same CSV with the `csv` module and inserts the same participants,
quotes and codings with raw `sqlite3` executemany, resolving names with plain dicts.
"""

from __future__ import annotations

import csv
import hashlib
import sqlite3
import tempfile
import unicodedata
from pathlib import Path

from benchmarks.cases.import_tables import import_table
from benchmarks.harness import Case, Corpus
from benchmarks.import_floor import insert_speakers


def _table(corpus: Corpus) -> Path:
    path = corpus.db.parent / "coded.csv"
    if not path.is_file():
        from benchmarks.harness import read_project
        from qualcode.exporters.quote_table import write_csv
        from qualcode.services.quote_table import coded_table

        table = read_project(corpus.db, coded_table)
        with path.open("wb") as sink:
            write_csv(table, sink)
    return path


def run(corpus: Corpus) -> int:
    return import_table(corpus, _table(corpus)).codings_added


def floor(corpus: Corpus) -> int:
    table = _table(corpus)
    with tempfile.TemporaryDirectory(prefix="qualcode-bench-") as tmp:
        conn = sqlite3.connect(corpus.fresh_empty(Path(tmp)))
        try:
            data = table.read_bytes()
            with table.open(encoding="utf-8-sig", newline="") as fh:
                reader = csv.reader(fh)
                next(reader)
                rows = list(reader)
            with conn:
                groups = dict(conn.execute("SELECT name, id FROM study_group"))
                codes = dict(conn.execute("SELECT name, id FROM code"))
                speakers = sorted({(groups[r[1]], r[2]) for r in rows})
                people = insert_speakers(conn, speakers)
                coders = sorted({r[4] for r in rows if r[4]})
                conn.executemany("INSERT INTO coder (name) VALUES (?)", [(c,) for c in coders])
                coder_ids = dict(conn.execute("SELECT name, id FROM coder"))
                source = conn.execute(
                    "INSERT INTO source (name, kind, format, content_hash, imported_at) "
                    "VALUES (?, 'table', 'csv', ?, datetime('now'))",
                    (table.name, hashlib.sha256(data).hexdigest())).lastrowid
                position: dict[int, int] = {}
                quote_of: dict[str, int] = {}
                quotes: list[tuple[object, ...]] = []
                for key, group, speaker, text, *_ in rows:
                    if key in quote_of:
                        continue
                    gid = groups[group]
                    position[gid] = position.get(gid, 0) + 1
                    digest = hashlib.sha256(
                        unicodedata.normalize("NFC", text).encode("utf-8")).hexdigest()[:32]
                    quote_of[key] = len(quotes) + 1
                    quotes.append((gid, people[(gid, speaker)], source, position[gid], text,
                                   key, digest))
                conn.executemany(
                    "INSERT INTO quote (group_id, participant_id, source_id, position, text, "
                    "external_id, text_hash) VALUES (?, ?, ?, ?, ?, ?, ?)", quotes)
                codings = [(quote_of[r[0]], codes[name], coder_ids[r[4]])
                           for r in rows if r[4] for name in r[5].split(";") if name]
                conn.executemany(
                    "INSERT INTO coding (quote_id, code_id, coder_id, created_at) "
                    "VALUES (?, ?, ?, datetime('now'))", codings)
        finally:
            conn.close()
    return len(codings)


CASES = [
    Case("import coded quote table (csv)", run, floor, repeat=3,
         notes="qualcode import of the corpus written by `quotes --format csv` (one row per "
               "quote and coder) vs csv + sqlite3 executemany of the same participants, "
               "quotes and codings"),
]
