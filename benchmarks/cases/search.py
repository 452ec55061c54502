"""Search as you type, and code suggestions for every quote.

`search` times `SearchIndex.search` on a handful of typical queries (typos, missing
accents, a word still being typed, a quoted phrase). Its floor is what SPEC names:
bare `rapidfuzz.process.extract` of the same folded queries over the same folded
quote texts, with `fuzz.ratio` — the scorer the index uses, and the cheapest one
rapidfuzz has, so the floor is as low as a full scan can go. The index is built
once per process (the runner's warm-up call), as the workbench builds it once.
Two more cases record, against the same floor, what the obvious alternatives cost:
a scan with `fuzz.partial_ratio` (what a scanning search needs to find a word inside
a turn) and a naive Python loop over the texts (timed once, for the record).

`search index: kept, read` times what `search` does before its query: reading the
index kept in the project (`qualcode.search.kept`, written once by the first search),
against reading every text bare. `search index: every quote indexed` times what the
first search after an import (or an upgrade) adds: every quote folded, tokenised and
its entry written, rolled back so the corpus keeps its index, against reading and
folding every text (what any index must do).

`suggest all` times suggestions for every participant's quote against one pass of the
folded texts (the work every matcher must at least do).

`suggestions: training` times learning from the project's coding (reading the coded
quotes, stems, one model per code) against the in-process JSON report, the time the
issue sets it under. `suggestions for one quote` times what the workbench's `s` asks
once the models are trained (at warm-up): a quote's suggestions with their reasons,
against the keywords alone on the same quote.
"""

from __future__ import annotations

import sqlite3
from functools import cache
from pathlib import Path

from rapidfuzz import fuzz, process

from benchmarks.harness import Case, Corpus, read_project

QUERIES = ("securite donees", "montre conectee", "carte vital", "dossier medical partag",
           '"tous mes documents"', "hacke")
LIMIT = 50


@cache
def _index(db: Path) -> object:
    from qualcode.db.engine import open_project
    from qualcode.search.engine import SearchIndex

    project = open_project(str(db), warn=False)
    try:
        with project.read() as session:
            return SearchIndex.load(session)
    finally:
        project.close()


@cache
def _folded(db: Path) -> list[str]:
    from qualcode.search.normalise import fold

    conn = sqlite3.connect(db)
    try:
        return [fold(t) for (t,) in conn.execute("SELECT text FROM quote ORDER BY id")]
    finally:
        conn.close()


def _folded_queries() -> list[str]:
    from qualcode.search.normalise import fold

    return [fold(q.replace('"', "")) for q in QUERIES]


def run(corpus: Corpus) -> int:
    from qualcode.search.engine import SearchIndex

    index = _index(corpus.db)
    assert isinstance(index, SearchIndex)
    return sum(len(index.search(q, limit=LIMIT)) for q in QUERIES)


def floor(corpus: Corpus) -> int:
    texts = _folded(corpus.db)
    return sum(len(process.extract(q, texts, scorer=fuzz.ratio, limit=LIMIT))
               for q in _folded_queries())


def partial_scan(corpus: Corpus) -> int:
    """What a scanning search needs to find a word inside a turn: `partial_ratio`."""
    texts = _folded(corpus.db)
    return sum(len(process.extract(q, texts, scorer=fuzz.partial_ratio, limit=LIMIT))
               for q in _folded_queries())


def naive_loop(corpus: Corpus) -> int:
    """The same scan as the floor, written as a plain Python loop."""
    texts = _folded(corpus.db)
    found = 0
    for q in _folded_queries():
        scores = sorted(((fuzz.ratio(q, t), i) for i, t in enumerate(texts)), reverse=True)
        found += len(scores[:LIMIT])
    return found


@cache
def _kept(db: Path) -> None:
    """The corpus's index written, as its first `search` writes it."""
    from qualcode.db.engine import open_project
    from qualcode.db.reader import reader_of
    from qualcode.search import kept

    project = open_project(str(db), warn=False)
    try:
        with project.write() as session:
            reader = reader_of(session)
            kept.keep(reader, kept.read(reader).fresh)
    finally:
        project.close()


def kept_read(corpus: Corpus) -> int:
    from qualcode.db.reading import reading
    from qualcode.search.engine import SearchIndex

    _kept(corpus.db)
    with reading(str(corpus.db)) as reader:
        index = SearchIndex.load(reader, read_texts=False)
        assert not index.fresh.entries
        return len(index.ids)


def read_floor(corpus: Corpus) -> int:
    conn = sqlite3.connect(corpus.db)
    try:
        return len(conn.execute("SELECT id, text FROM quote ORDER BY id").fetchall())
    finally:
        conn.close()


def index_every_quote(corpus: Corpus) -> int:
    from qualcode.db import sqlite as sqlite_db
    from qualcode.db.reader import Reader
    from qualcode.search import kept

    conn = sqlite3.connect(corpus.db)
    try:
        sqlite_db.configure(conn)
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("DELETE FROM search_entry")
        reader = Reader(conn)
        return kept.keep(reader, kept.read(reader).fresh)
    finally:
        conn.rollback()
        conn.close()


def build_floor(corpus: Corpus) -> int:
    from qualcode.search.normalise import fold

    conn = sqlite3.connect(corpus.db)
    try:
        return len([fold(t) for (t,) in conn.execute("SELECT text FROM quote ORDER BY id")])
    finally:
        conn.close()


def suggest_run(corpus: Corpus) -> int:
    from qualcode.db.engine import open_project
    from qualcode.search.suggest import suggest_all

    project = open_project(str(corpus.db), warn=False)
    try:
        with project.read() as session:
            return sum(len(s) for s in suggest_all(session).values())
    finally:
        project.close()


def suggest_floor(corpus: Corpus) -> int:
    from qualcode.search.normalise import WORD, fold

    conn = sqlite3.connect(corpus.db)
    try:
        return sum(len(WORD.findall(fold(t))) for (t,) in conn.execute(
            "SELECT q.text FROM quote q JOIN participant p ON p.id = q.participant_id "
            "WHERE NOT p.is_moderator ORDER BY q.id"))
    finally:
        conn.close()


@cache
def _trained(db: Path) -> object:
    from qualcode.search.suggest import suggester

    return read_project(db, suggester)


@cache
def _some_text(db: Path) -> str:
    conn = sqlite3.connect(db)
    try:
        return str(conn.execute(
            "SELECT q.text FROM quote q JOIN participant p ON p.id = q.participant_id "
            "WHERE NOT p.is_moderator AND length(q.text) > 80 ORDER BY q.id LIMIT 1 OFFSET 50"
        ).fetchone()[0])
    finally:
        conn.close()


def train(corpus: Corpus) -> int:
    from qualcode.search.suggest import suggester

    model = read_project(corpus.db, suggester)
    return len(model.learned.examples) if model.learned is not None else 0


def report_in_process(corpus: Corpus) -> object:
    from benchmarks.cases.report_json import run as report

    return report(corpus)


def one_quote(corpus: Corpus) -> int:
    from qualcode.search.suggest import Suggester

    model = _trained(corpus.db)
    assert isinstance(model, Suggester)
    return len(model.suggest(_some_text(corpus.db)))


def one_quote_keywords(corpus: Corpus) -> int:
    from qualcode.search.suggest import Suggester

    model = _trained(corpus.db)
    assert isinstance(model, Suggester)
    return len(model.keywords.match(_some_text(corpus.db)))


CASES = [
    Case("search (6 typical queries)", run, floor,
         notes="SearchIndex.search (vocabulary + postings) vs process.extract(fuzz.ratio) "
               "over the folded texts; index built at warm-up"),
    Case("search: partial_ratio scan (for the record)", partial_scan, floor, repeat=1,
         notes="the same queries scanned with fuzz.partial_ratio"),
    Case("search: naive Python loop (for the record)", naive_loop, floor, repeat=1,
         notes="the floor's scan as a Python loop calling fuzz.ratio per text"),
    Case("search index: kept, read", kept_read, read_floor, repeat=3,
         notes="SearchIndex.load as `search` calls it (the kept entries, their posting "
               "lists, texts left in the project) vs reading every text with sqlite3"),
    Case("search index: every quote indexed", index_every_quote, build_floor, repeat=3,
         notes="what the first search after an import adds (entries deleted, every quote "
               "folded, tokenised and written, rolled back) vs reading and folding every "
               "text"),
    Case("suggest all quotes", suggest_run, suggest_floor, sizes=("1k", "10k"), repeat=2,
         notes="suggest_all vs reading, folding and splitting every participant's quote"),
    Case("suggestions: training", train, report_in_process, repeat=2,
         notes="search.suggest.suggester (coded quotes, stems, a model per code) vs the "
               "in-process JSON report"),
    Case("suggestions for one quote", one_quote, one_quote_keywords,
         notes="a trained Suggester's suggest (reasons included) vs keywords alone"),
]
