"""Importing the corpus's quote table into a project that has only its design and codebook.

`run` is what `qualcode import raw/quotes.csv` does (parse, then one transaction of
`write_sources`); `floor` reads the same CSV with the `csv` module and inserts the same
participant, source and quote rows with raw `sqlite3` executemany. Both start from a
copy of the same empty project, so the copy costs them alike. Every row is a turn, a
second "Oui." included, in both.
"""

from __future__ import annotations

import csv
import hashlib
import sqlite3
import tempfile
import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING

from benchmarks.harness import Case, Corpus
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


def floor(corpus: Corpus) -> int:
    table = corpus.raw / "quotes.csv"
    with tempfile.TemporaryDirectory(prefix="qualcode-bench-") as tmp:
        conn = sqlite3.connect(corpus.fresh_empty(Path(tmp)))
        try:
            data = table.read_bytes()
            with table.open(encoding="utf-8", newline="") as fh:
                reader = csv.reader(fh)
                next(reader)
                rows = list(reader)
            with conn:
                groups = dict(conn.execute("SELECT name, id FROM study_group"))
                speakers = sorted({(groups[g], s) for g, s, _ in rows})
                conn.executemany(
                    "INSERT INTO participant (group_id, label, is_moderator, attributes) "
                    "VALUES (?, ?, ?, '{}')",
                    [(g, s, is_moderator_label(s)) for g, s in speakers])
                people = {(g, s): i for i, g, s in conn.execute(
                    "SELECT id, group_id, label FROM participant")}
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
        finally:
            conn.close()
    return len(quotes)


CASES = [
    Case("import quote table (csv)", run, floor, repeat=3,
         notes="qualcode import of raw/quotes.csv vs csv + sqlite3 executemany of the same "
               "rows; both into a copy of the same empty project"),
]
