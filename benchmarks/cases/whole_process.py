"""Commands as users feel them: whole processes, start-up included (issue 24, item 6).

Each case runs `python -m qualcode …` on a copy of the corpus and, as its floor, a
standard-library script (`benchmarks.floors`, or rapidfuzz for search) that opens the
same file and computes the same output in a process of its own. The in-process cases
beside them say where inside the command the time goes; these say what a scripted
workflow waits for. The `--version` floor is Python's start-up with `import sqlite3`.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from benchmarks.harness import Case, Corpus, Timed

_FOLDER = Path(__file__).resolve().parents[1] / "out" / "whole"


def _timed(*args: str) -> Timed:
    start = time.perf_counter()
    done = subprocess.run([sys.executable, *args], stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, check=False)
    seconds = time.perf_counter() - start
    if done.returncode:
        raise RuntimeError(done.stderr.decode(errors="replace")[-400:])
    return Timed(seconds)


def _qualcode(corpus: Corpus, *args: str) -> Timed:
    return _timed("-m", "qualcode", "--db", str(corpus.db), *args)


SEARCH_FLOOR = """
import sqlite3, sys, unicodedata
from rapidfuzz import fuzz, process
def fold(t):
    return "".join(c for c in unicodedata.normalize("NFD", t.casefold())
                   if not unicodedata.combining(c))
conn = sqlite3.connect(sys.argv[1])
texts = [fold(t) for (t,) in conn.execute("SELECT text FROM quote")]
print(process.extract(fold(sys.argv[2]), texts, scorer=fuzz.partial_ratio, limit=20))
"""


def _export(corpus: Corpus) -> Timed:
    _FOLDER.mkdir(parents=True, exist_ok=True)
    copy = corpus.fresh_copy(_FOLDER)
    target = _FOLDER / f"{corpus.size}.qdpx"
    target.unlink(missing_ok=True)
    try:
        return _timed("-m", "qualcode", "--db", str(copy), "export", str(target),
                      "--no-validate")
    finally:
        target.unlink(missing_ok=True)


CASES = [
    Case("process: --version", lambda c: _qualcode(c, "--version"),
         lambda c: _timed("-c", "import sqlite3"),
         notes="qualcode --version vs python -c 'import sqlite3'"),
    Case("process: report --format json", lambda c: _qualcode(c, "report", "--format", "json"),
         lambda c: _timed("-m", "benchmarks.floors", "report", str(c.db)),
         notes="whole process vs a stdlib script: one GROUP BY with the code closure"),
    Case("process: quotes --code --json",
         lambda c: _qualcode(c, "quotes", "--code", "data security", "--json"),
         lambda c: _timed("-m", "benchmarks.floors", "quotes", str(c.db), "data security"),
         notes="whole process vs a stdlib script: the code's subtree, its quotes and codes"),
    Case("process: search", lambda c: _qualcode(c, "search", "donnees sante"),
         lambda c: _timed("-c", SEARCH_FLOOR, str(c.db), "donnees sante"),
         notes="whole process vs rapidfuzz over the folded texts, start-up included"),
    Case("process: export .qdpx", _export, sizes=("1k", "10k"), repeat=3,
         notes="whole process, no schema check; 100k is densely coded (1.16M selections) "
               "and still held in memory before it streams"),
]
