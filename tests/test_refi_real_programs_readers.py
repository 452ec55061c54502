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


# --- QualCoder's own importer, when its source is at hand --------------------------------

QUALCODER_RUN = r'''
import ast, builtins, json, sqlite3, sys
from pathlib import Path

src, qdpx, work = Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3])
builtins._ = lambda s: s
sys.path.insert(0, str(work / "stubs"))
import qualcoder.refi as refi  # noqa: E402  (QualCoder's file, beside our stubs)

db = sqlite3.connect(work / "qc.sqlite")
main = ast.parse((src / "__main__.py").read_text(encoding="utf-8"))
made = set()
for node in ast.walk(main):  # the tables QualCoder creates for a new project
    if isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant) \
            and isinstance(node.args[0].value, str) \
            and node.args[0].value.startswith("CREATE TABLE "):
        table = node.args[0].value.split()[2]
        if table not in made:
            made.add(table)
            db.execute(node.args[0].value)
(work / "project" / "documents").mkdir(parents=True, exist_ok=True)


class App:
    conn = db
    project_path = str(work / "project")
    settings = {"directory": "", "codername": "default", "ai_enable": "False"}
    ai_models = []

    def write_config_ini(self, *args):
        pass


class Log:
    lines = []

    def append(self, line):
        self.lines.append(str(line))


refi.QtWidgets.QFileDialog.PATH = qdpx
refi.RefiImport(App(), Log(), "qdpx")
q = lambda sql: [list(r) for r in db.execute(sql)]
print(json.dumps({
    "codings": q("SELECT t.owner, c.name, t.seltext, ifnull(t.memo, '') FROM code_text t "
                 "JOIN code_name c ON c.cid = t.cid"),
    "annotations": q("SELECT a.owner, a.memo, substr(s.fulltext, a.pos0 + 1, a.pos1 - a.pos0) "
                     "FROM annotation a JOIN source s ON s.id = a.fid"),
    "cases": q("SELECT c.name, substr(s.fulltext, t.pos0 + 1, t.pos1 - t.pos0) FROM case_text t "
               "JOIN cases c ON c.caseid = t.caseid JOIN source s ON s.id = t.fid"),
    "log": Log.lines,
}, ensure_ascii=False))
'''

STUBS = {
    "PyQt6/__init__.py": "",
    "PyQt6/QtWidgets.py": (
        "class _Any:\n"
        "    def __init__(self, *a, **k): pass\n"
        "    def __getattr__(self, name): return _Any()\n"
        "    def __call__(self, *a, **k): return _Any()\n"
        "class QFileDialog(_Any):\n"
        "    PATH = ''\n"
        "    class Option: DontUseNativeDialog = 0\n"
        "    @staticmethod\n"
        "    def getOpenFileName(*a, **k): return (QFileDialog.PATH, True)\n"
        "def __getattr__(name): return _Any\n"),
    "PyQt6/QtCore.py": "from PyQt6.QtWidgets import _Any\ndef __getattr__(name): return _Any()\n",
    "PyQt6/QtGui.py": "from PyQt6.QtWidgets import _Any\ndef __getattr__(name): return _Any\n",
    "qualcoder/__init__.py": "",
    "qualcoder/color_selector.py": "colors = ['#777777'] * 200\ndef color_matcher(c): return c\n",
    "qualcoder/GUI/__init__.py": "",
    "qualcoder/GUI/ui_dialog_refi_export_endings.py": "class Ui_Dialog_refi_export_line_endings:"
                                                      "\n    pass\n",
    "qualcoder/helpers.py": "from PyQt6.QtWidgets import _Any\nclass Message(_Any):\n    pass\n",
}


@pytest.fixture
def qualcoder_src() -> Path:
    """QualCoder's `src/qualcoder` (LGPL, so not copied here): a checkout named by
    QUALCODER_SRC. Its importer needs Qt only for dialogs, which the harness stubs."""
    root = os.environ.get("QUALCODER_SRC")
    if not root or not (Path(root) / "src/qualcoder/refi.py").is_file():
        pytest.skip("set QUALCODER_SRC to a QualCoder checkout to run its REFI-QDA importer")
    return Path(root) / "src/qualcoder"


def test_qualcoders_importer_keeps_coders_codings_memos_and_speakers(
        cli: Cli, demo_db: Path, tmp_path: Path, qualcoder_src: Path) -> None:
    db = str(demo_db)
    assert cli("--db", db, "--coder", "bob", "code", "3", "data security",
               "--memo", "sûr « oui »").code == 0
    assert cli("--db", db, "--coder", "bob", "code", "5", "data security").code == 0
    assert cli("--db", db, "code", "3", "--memo", "À revoir").code == 0
    out = tmp_path / "demo.qdpx"
    assert cli("--db", db, "export", str(out)).code == 0
    work = tmp_path / "qc"
    for name, body in STUBS.items():
        (work / "stubs" / name).parent.mkdir(parents=True, exist_ok=True)
        (work / "stubs" / name).write_text(body, encoding="utf-8")
    shutil.copyfile(qualcoder_src / "refi.py", work / "stubs/qualcoder/refi.py")
    done = subprocess.run([sys.executable, "-c", QUALCODER_RUN, str(qualcoder_src), str(out),
                           str(work)], capture_output=True, text=True, check=False, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    read = json.loads(done.stdout.splitlines()[-1])
    with sqlite3.connect(demo_db) as conn:
        codings = sorted(conn.execute(
            "SELECT k.name, d.name, q.text, ifnull(c.memo, '') FROM coding c JOIN coder k "
            "ON k.id = c.coder_id JOIN code d ON d.id = c.code_id JOIN quote q "
            "ON q.id = c.quote_id"))
        speakers = sorted(conn.execute(
            "SELECT p.label || ' (' || g.name || ')', q.text FROM quote q JOIN participant p "
            "ON p.id = q.participant_id JOIN study_group g ON g.id = q.group_id"))
        memos = sorted(conn.execute(
            "SELECT k.name, m.text, q.text FROM memo m JOIN coder k ON k.id = m.coder_id "
            "JOIN quote q ON q.id = m.quote_id"))
    assert sorted(map(tuple, read["codings"])) == codings, read["log"]
    assert sorted(map(tuple, read["cases"])) == speakers
    assert sorted(map(tuple, read["annotations"])) == memos
