"""The harness's `demo` size is the demo `make demo` builds: the issue asks the read
commands to hold their floors there too."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

from benchmarks import corpus as corpora
from benchmarks.cases import whole_process

CODINGS = ("SELECT q.text, c.name, k.name FROM coding x JOIN quote q ON q.id = x.quote_id "
           "JOIN code c ON c.id = x.code_id JOIN coder k ON k.id = x.coder_id ORDER BY 1, 2, 3")


def test_the_demo_corpus_is_the_demo(tmp_path: Path) -> None:
    demo = corpora.load(corpora.DEMO, tmp_path / "corpora")
    made = tmp_path / "made.db"
    subprocess.run([sys.executable, "-m", "qualcode", "--db", str(made), "demo", "--no-tui"],
                   check=True, capture_output=True)
    ours, theirs = sqlite3.connect(demo.db), sqlite3.connect(made)
    assert ours.execute(CODINGS).fetchall() == theirs.execute(CODINGS).fetchall()
    assert demo.quotes == 22 == theirs.execute("SELECT count(*) FROM quote").fetchone()[0]
    assert sorted(p.name for p in demo.raw.iterdir()) == ["codebook.yaml", "quotes.csv",
                                                          "study.toml"]
    assert corpora.read_manifest(demo.db.parent) is not None
    assert corpora.load(corpora.DEMO, tmp_path / "corpora").db == demo.db  # cached


def test_every_whole_process_case_runs_on_the_demo_but_agreement() -> None:
    on_demo = {c.name for c in whole_process.CASES if corpora.DEMO in c.sizes}
    assert on_demo == {c.name for c in whole_process.CASES} - whole_process.NOT_ON_THE_DEMO
    assert "process: report --format json" in on_demo
