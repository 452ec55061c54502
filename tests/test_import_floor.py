"""The whole-process floor of `init` + `import` (benchmarks.import_floor): two processes
that leave the project the user's two commands leave, and that read what `init` reads."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks import corpus as corpora
from benchmarks.harness import Corpus

REPO = Path(__file__).resolve().parents[1]
TABLES = {"study_group": "name, position", "code": "name, parent_id, position",
          "participant": "group_id, label, is_moderator",
          "quote": "group_id, text, text_hash"}
"""Columns compared: the floor numbers speakers and turns its own way."""


@pytest.fixture(scope="module")
def smoke(tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    return corpora.load("smoke", tmp_path_factory.mktemp("corpora"))


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, *args], cwd=REPO, capture_output=True, text=True)


def _rows(db: Path) -> dict[str, list[tuple[object, ...]]]:
    conn = sqlite3.connect(db)
    try:
        return {t: conn.execute(f"SELECT {c} FROM {t} ORDER BY {c}").fetchall()
                for t, c in TABLES.items()}
    finally:
        conn.close()


def test_the_floor_leaves_what_init_and_import_leave(smoke: Corpus, tmp_path: Path) -> None:
    floor, ours = tmp_path / "floor.db", tmp_path / "ours.db"
    for step in ("init", "import"):
        assert _run("-m", "benchmarks.import_floor", step, str(smoke.db.parent),
                    str(floor)).returncode == 0
    raw = smoke.raw
    assert _run("-m", "qualcode", "--db", str(ours), "init", "--study", str(raw / "study.toml"),
                "--codebook", str(raw / "codebook.yaml")).returncode == 0
    assert _run("-m", "qualcode", "--db", str(ours), "import",
                str(raw / "quotes.csv")).returncode == 0
    mine = _rows(floor)
    assert mine == _rows(ours)
    assert len(mine["quote"]) == smoke.quotes


def test_the_init_step_reads_the_study_and_the_codebook(smoke: Corpus, tmp_path: Path) -> None:
    """A floor that skipped reading them would be no floor of `init`: a broken codebook
    stops it."""
    folder = tmp_path / "corpus"
    (folder / "raw").mkdir(parents=True)
    (folder / "empty.db").write_bytes((smoke.db.parent / "empty.db").read_bytes())
    (folder / "raw" / "study.toml").write_bytes((smoke.raw / "study.toml").read_bytes())
    (folder / "raw" / "codebook.yaml").write_text("codes: [unclosed", encoding="utf-8")
    made = _run("-m", "benchmarks.import_floor", "init", str(folder), str(tmp_path / "p.db"))
    assert made.returncode != 0 and "yaml" in made.stderr.lower()
