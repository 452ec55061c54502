"""Our export read by a real third-party importer (issue 18): pyqdpx, installed from PyPI
into a folder of the test session (it needs Python ≥ 3.12 and lxml, too heavy for the
`dev` extra). Skipped with the reason when no such Python or no network is at hand."""

from __future__ import annotations

import glob
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import Cli

PROBE = """
import json, sys
from pyqdpx import QDPX
qde = QDPX(sys.argv[1]).get_project()
print(json.dumps({
    "users": sorted(u.name for u in qde.users.values()),
    "selections": [[s.user.name, s.code.name, s.text, s.description]
                   for src in qde.sources.values() for s in src.coded_selections.values()],
}, ensure_ascii=False))
"""


def _python312() -> str | None:
    """A Python pyqdpx runs on (it uses 3.12 f-strings)."""
    candidates = [sys.executable, shutil.which("python3.13") or "", shutil.which("python3.12")
                  or "", *sorted(glob.glob(os.path.expanduser(
                      "~/.pyenv/versions/3.1[2-9]*/bin/python3")), reverse=True)]
    for cand in filter(None, candidates):
        ok = subprocess.run([cand, "-c", "import sys; assert sys.version_info >= (3, 12)"],
                            capture_output=True, check=False)
        if ok.returncode == 0:
            return cand
    return None


@pytest.fixture(scope="session")
def pyqdpx(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path]:
    python = _python312()
    if python is None:
        pytest.skip("pyqdpx needs Python >= 3.12, and none is installed here")
    target = tmp_path_factory.mktemp("pyqdpx")
    done = subprocess.run([python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                           "--target", str(target), "pyqdpx==0.1.8"], capture_output=True,
                          text=True, timeout=300, check=False)
    if done.returncode != 0:
        pytest.skip(f"pyqdpx could not be installed (offline?): {done.stderr.strip()[-200:]}")
    return python, target


def read_with_pyqdpx(reader: tuple[str, Path], qdpx: Path) -> dict[str, list[object]]:
    python, target = reader
    done = subprocess.run([python, "-c", PROBE, str(qdpx)], capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(target)}, check=False, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.splitlines()[-1])


def test_pyqdpx_reads_every_coder_coding_memo_and_speaker(
        cli: Cli, demo_db: Path, tmp_path: Path, pyqdpx: tuple[str, Path]) -> None:
    db = str(demo_db)
    assert cli("--db", db, "--coder", "bob", "code", "3", "data security",
               "--memo", "sûr « oui »").code == 0
    assert cli("--db", db, "--coder", "bob", "code", "5", "data security").code == 0
    assert cli("--db", db, "code", "3", "--memo", "À revoir").code == 0
    out = tmp_path / "demo.qdpx"
    assert cli("--db", db, "export", str(out)).code == 0
    read = read_with_pyqdpx(pyqdpx, out)
    with sqlite3.connect(demo_db) as conn:
        codings = sorted(conn.execute(
            "SELECT k.name, d.name, q.text, c.memo FROM coding c JOIN coder k ON k.id = c.coder_id "
            "JOIN code d ON d.id = c.code_id JOIN quote q ON q.id = c.quote_id"))
        speakers = sorted(conn.execute(
            "SELECT p.label || ' (' || g.name || ')', q.text FROM quote q JOIN participant p "
            "ON p.id = q.participant_id JOIN study_group g ON g.id = q.group_id"))
    assert {"bob", "seed"} <= set(read["users"])  # type: ignore[arg-type]
    selections = [tuple(s) for s in read["selections"]]  # type: ignore[arg-type]
    cases = {(code, text) for _, code, text, _ in selections if code.endswith(")")}
    assert sorted(cases) == speakers  # who said each quote
    coded = sorted((u, c, t, m) for u, c, t, m in selections if not c.endswith(")"))
    assert coded == codings  # every coding, its coder and its memo
    assert any(u == "bob" and m == "sûr « oui »" for u, _, _, m in coded)
    # quote memos are notes, which pyqdpx does not read (QualCoder does: see the export)
