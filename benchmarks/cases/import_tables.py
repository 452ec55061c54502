"""Importing the corpus's quote table, in process and as users run it (issue 24, item 4).

`run` is what `qualcode import raw/quotes.csv` does (parse, then one transaction of
`write_sources`) into a copy of the corpus's empty project; `floor` reads the same CSV
with the `csv` module and inserts the same participant, source and quote rows with raw
`sqlite3` executemany into another copy. Every row is a turn, a second "Oui." included,
in both.

Its whole-process floor, with `init`'s, is `benchmarks.import_floor`.
"""

from __future__ import annotations

import sqlite3
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from benchmarks.harness import Case, Corpus
from benchmarks.import_floor import insert_table
from qualcode.db.sqlite import configure

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
    with tempfile.TemporaryDirectory(prefix="qualcode-bench-") as tmp:
        conn = sqlite3.connect(corpus.fresh_empty(Path(tmp)))
        try:
            configure(conn)
            return insert_table(conn, corpus.raw / "quotes.csv")
        finally:
            conn.close()


CASES = [
    Case("import quote table (csv)", run, floor, repeat=3,
         notes="qualcode import of raw/quotes.csv vs csv + sqlite3 executemany of the same "
               "rows; both into a copy of the same empty project"),
]
