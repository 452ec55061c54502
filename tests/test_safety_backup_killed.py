"""A backup killed half-way leaves nothing under the name asked for, so the next try
works (issue "Hardening, round two", item 10)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from .conftest import REPO, Cli

KILLED = """
import os, signal, sys, sqlite3
import qualcode.db.sqlite as target_module
real = sqlite3.connect
class Dying:
    def connect(self, path, *a, **k):
        con = real(path, *a, **k)
        if "sauvegarde" in str(path):  # the copy has begun: die as `kill -9` would
            os.kill(os.getpid(), signal.SIGKILL)
        return con
    def __getattr__(self, name):
        return getattr(sqlite3, name)
target_module.sqlite3 = Dying()
from qualcode.services.backup import backup
backup(sys.argv[1], __import__("pathlib").Path(sys.argv[2]))
"""


def test_a_killed_backup_leaves_no_file_under_its_name(cli: Cli, demo_db: Path,
                                                       tmp_path: Path) -> None:
    target = tmp_path / "sauvegarde.db"
    run = subprocess.run([sys.executable, "-c", KILLED, str(demo_db), str(target)],
                         cwd=REPO, capture_output=True, text=True)
    assert run.returncode == -9, run.stderr
    assert not target.exists()
    result = cli("--db", str(demo_db), "backup", str(target))
    assert result.code == 0, result.err
    assert "22 quotes" in result.out
    assert target.stat().st_mode & 0o777 == 0o600
