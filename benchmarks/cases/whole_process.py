"""Commands as users feel them: whole processes, start-up included (issue 24, item 6).

Each case runs `python -m qualcode …` on the corpus and, as its floor, a script that
opens the same file and computes the same output in a process of its own
(`benchmarks.floors`: the standard library, or rapidfuzz for search and NumPy with the
`krippendorff` package for agreement, as the issue states those floors). A floor also
pays the start-up of the libraries the command cannot do without, as the engineering
brief's rule has it ("an absolute time … report it beside its floor (for start-up: the
bare import of the libraries it needs)"): PyYAML where the output depends on a YAML
file (the report's indicators, `init`'s codebook), `tomllib` for `init`'s study, NumPy
for search (qualcode's engine scores its candidates as NumPy vectors:
`qualcode/search/engine.py`, `kept.py`). The in-process case timing the same work is
named `beside`, and the table shows its median in the same line: the gap between the
two is start-up and imports. Where qc can do the same
thing, its command is timed in the same turns (`benchmarks.peers`), against a qc
project holding the same texts and codings. The `--version` floor is Python's start-up
with `import sqlite3`. Each process's own peak memory is under the table's details.
"""

from __future__ import annotations

import shutil
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from benchmarks import peers, process
from benchmarks.corpus import DEMO
from benchmarks.harness import SIZES, Case, Corpus, Timed

_FOLDER = Path(__file__).resolve().parents[1] / "out" / "whole"

CODE = "data security"
"""A theme with sub-codes, coded on about a quarter of the quotes."""
QUERY = "donnees sante"


def _python(*args: str) -> Timed:
    return process.run([sys.executable, *args]).timed()


def _qualcode(corpus: Corpus, *args: str) -> Timed:
    return _python("-m", "qualcode", "--db", str(corpus.db), *args)


def _qc(*args: str) -> Callable[[Corpus], Timed]:
    """qc's command on the qc project of the same corpus (built on first use)."""
    def peer(corpus: Corpus) -> Timed:
        return peers.qc(peers.qc_project(corpus), *args).timed()

    return peer


SEARCH_FLOOR = """
import sqlite3, sys, unicodedata
import numpy  # the brief's rule: a floor pays the bare import of the libraries the command needs
from rapidfuzz import fuzz, process
def fold(t):
    return "".join(c for c in unicodedata.normalize("NFD", t.casefold())
                   if not unicodedata.combining(c))
conn = sqlite3.connect(sys.argv[1])
texts = [fold(t) for (t,) in conn.execute("SELECT text FROM quote")]
print(process.extract(fold(sys.argv[2]), texts, scorer=fuzz.partial_ratio, limit=20))
"""
"""`qualcode search`'s floor: rapidfuzz's partial ratio of the folded query against every
folded quote, the 20 best printed. It imports NumPy without using it: qualcode's search
engine is built on NumPy as well as rapidfuzz (it scores on NumPy vectors), so the
command cannot start without it, and by the brief's rule a floor pays the bare import of
the libraries its command needs (~60 ms here); the hits it prints are the same."""


def _export(corpus: Corpus) -> Timed:
    _FOLDER.mkdir(parents=True, exist_ok=True)
    target = _FOLDER / f"{corpus.size}.qdpx"
    target.unlink(missing_ok=True)
    try:
        return _qualcode(corpus, "export", str(target), "--no-validate")
    finally:
        target.unlink(missing_ok=True)


def _qc_export(corpus: Corpus) -> Timed:
    _FOLDER.mkdir(parents=True, exist_ok=True)
    target = _FOLDER / f"{corpus.size}-qc.qdpx"
    target.unlink(missing_ok=True)
    try:
        return peers.qc(peers.qc_project(corpus), "export", str(target)).timed()
    finally:
        target.unlink(missing_ok=True)


def _coded_table(corpus: Corpus) -> Timed:
    _FOLDER.mkdir(parents=True, exist_ok=True)
    target = _FOLDER / f"{corpus.size}-coded.csv"
    try:
        return _qualcode(corpus, "quotes", "--format", "csv", "-o", str(target), "--force")
    finally:
        target.unlink(missing_ok=True)


def _fresh(name: str) -> Path:
    folder = _FOLDER / name
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return folder


def _init_import(corpus: Corpus) -> Timed:
    """`qualcode init` with the corpus's study and codebook, then `import quotes.csv`:
    two processes, as a user starts a project."""
    db = str(_fresh(f"import-{corpus.size}") / "project.db")
    raw = corpus.raw
    init = process.run([sys.executable, "-m", "qualcode", "--db", db, "init", "--study",
                        str(raw / "study.toml"), "--codebook", str(raw / "codebook.yaml")])
    init.check()
    imported = process.run([sys.executable, "-m", "qualcode", "--db", db, "import",
                            str(raw / "quotes.csv")]).check()
    return Timed(init.seconds + imported.seconds,
                 {process.RSS: max(init.rss, imported.rss) / 2**20})


def _import_floor(corpus: Corpus) -> Timed:
    """`benchmarks.import_floor`, two processes as the user's two commands: a new
    project made as `init` makes it from the study and codebook it reads (schema,
    design, codebook), then the same rows inserted, by the standard library."""
    target = str(_fresh(f"import-floor-{corpus.size}") / "project.db")
    made, filled = (process.run([sys.executable, "-m", "benchmarks.import_floor", step,
                                 str(corpus.db.parent), target]).check()
                    for step in ("init", "import"))
    return Timed(made.seconds + filled.seconds,
                 {process.RSS: max(made.rss, filled.rss) / 2**20})


def _qc_init_import(corpus: Corpus) -> Timed:
    texts = peers.corpus_texts(corpus)
    return peers.init_and_import(_fresh(f"qc-import-{corpus.size}"), texts).timed()


def _floors(what: str, *args: str) -> Callable[[Corpus], Timed]:
    def floor(corpus: Corpus) -> Timed:
        return _python("-m", "benchmarks.floors", what, str(corpus.db), *args)

    return floor


NOT_ON_THE_DEMO = {"process: agreement --format json"}
"""The demo has one coder (`seed`): agreement refuses it, as it should."""

CASES = [case if case.name in NOT_ON_THE_DEMO else replace(case, sizes=(DEMO, *SIZES))
         for case in [
    Case("process: --version", lambda c: _qualcode(c, "--version"),
         lambda c: _python("-c", "import sqlite3"),
         peer=_qc("version"), peer_name="qc version",
         notes="qualcode --version vs python -c 'import sqlite3'"),
    Case("process: report --format json", lambda c: _qualcode(c, "report", "--format", "json"),
         _floors("report"),
         peer=_qc("codes", "stats", "--by-document", "--recursive-counts"),
         peer_name="qc codes stats --by-document --recursive-counts (codes × documents)",
         beside="report json",
         notes="whole process vs a script printing the same JSON (benchmarks.floors.report: "
               "the standard library, and PyYAML for the indicators file it shows)"),
    *(Case(f"process: report --format {fmt}",
           (lambda f: lambda c: _qualcode(c, "report", "--format", f))(fmt),
           beside=f"report {fmt}", repeat=3, notes=f"the whole report as {fmt}, to stdout")
      for fmt in ("md", "csv")),
    Case("process: quotes --code --json",
         lambda c: _qualcode(c, "quotes", "--code", CODE, "--json"),
         _floors("quotes", CODE),
         peer=_qc("codes", "find", CODE, "--recursive-codes", "--json", "--before", "0",
                  "--after", "0"),
         peer_name=f"qc codes find '{CODE}' --recursive-codes --json -B 0 -C 0",
         notes="whole process vs a stdlib script: the code's subtree, its quotes and codes"),
    Case("process: quotes --json", lambda c: _qualcode(c, "quotes", "--json"),
         _floors("quotes"), repeat=3,
         notes="whole process vs a stdlib script: every quote with its codes"),
    Case("process: segments --format json",
         lambda c: _qualcode(c, "segments", "--format", "json"),
         _floors("segments"), repeat=3,
         notes="every coding as a row, with cell and attributes, vs a stdlib script "
               "printing the same JSON"),
    Case("process: segments (csv)", lambda c: _qualcode(c, "segments"), repeat=3,
         notes="every coding as a CSV row, to stdout (what a spreadsheet opens); no floor"),
    Case("process: quotes --format csv -o", _coded_table, repeat=3,
         notes="the coded quote table (a row per quote and coder) into a file; no floor"),
    Case("process: search", lambda c: _qualcode(c, "search", QUERY),
         lambda c: _python("-c", SEARCH_FLOOR, str(c.db), QUERY),
         notes="whole process vs rapidfuzz over the folded texts, start-up included, "
               "with NumPy imported (unused): qualcode's engine scores on NumPy vectors, "
               "and by the brief's rule a floor pays the bare import of the libraries "
               "its command needs"),
    Case("process: agreement --format json",
         lambda c: _qualcode(c, "agreement", "--format", "json"),
         _floors("agreement"), repeat=3,
         beside="agreement",
         notes="4 statistics and alpha's bootstrap interval vs the krippendorff package's "
               "alpha on the same matrices, reading included"),
    Case("process: export .qdpx", _export, peer=_qc_export, repeat=3,
         peer_name="qc export FILE.qdpx", beside="refi export qdpx",
         notes="whole process, no schema check"),
    Case("process: init + import quotes.csv", _init_import,
         _import_floor,
         peer=_qc_init_import, repeat=3,
         peer_name="qc init + qc corpus import TEXTS --recursive --importer verbatim",
         beside="import quote table (csv)",
         notes="init with the study and codebook, then the quote table, vs two processes: "
               "the same study and codebook read and a new project made with the same "
               "schema and rows, then the table inserted with sqlite3"),
]]
