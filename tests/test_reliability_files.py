"""Files on disk: owner-only whatever the umask, a warning for a project others can
read, and one clear line for a project file that is not a database, is locked by
another program, or sits on a full disk."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from qualcode.db import sqlite as sqlite_module

from .conftest import REPO, Cli
from .test_cli_import_and_code import dump


@pytest.fixture
def project(cli: Cli, tmp_path: Path) -> Path:
    db = tmp_path / "p.db"
    assert cli("--db", str(db), "init", "--study", str(REPO / "data/study.toml"),
               "--codebook", str(REPO / "codebooks/numerique-sante.yaml")).code == 0
    return db


def test_everything_written_is_owner_only_even_with_umask_000(cli: Cli, tmp_path: Path) -> None:
    os.umask(0)
    db = tmp_path / "p.db"
    assert cli("--db", str(db), "init", "--codebook",
               str(REPO / "codebooks/numerique-sante.yaml")).code == 0
    assert cli("--db", str(db), "backup", "b.db").code == 0
    assert cli("--db", str(db), "codebook", "export", "cb.yaml").code == 0
    assert cli("--db", str(db), "report", "-o", "r.json").code == 0
    for name in ("p.db", "b.db", "cb.yaml", "r.json"):
        assert (tmp_path / name).stat().st_mode & 0o777 == 0o600, name
    for extra in tmp_path.glob("p.db-*"):  # SQLite's own -wal/-shm follow the database's mode
        assert extra.stat().st_mode & 0o077 == 0, extra


def test_project_readable_by_others_gets_a_warning(cli: Cli, project: Path) -> None:
    quiet = cli("--db", str(project), "quotes")
    assert quiet.code == 0 and quiet.err == ""
    project.chmod(0o644)
    loud = cli("--db", str(project), "quotes")
    assert loud.code == 0
    assert loud.err == (f"warning: {project} is readable by other users; "
                        f"`chmod 600 {project}` protects it\n")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"group,speaker,text\nG1,A,x\n", "not a qualcode project (not an SQLite database)"),
        (b"SQLite format 3\x00" + b"\xff" * 2000, "not a qualcode project"),
        (b"", "not a qualcode project (not an SQLite database)"),
    ],
)
def test_not_a_database(cli: Cli, tmp_path: Path, content: bytes, message: str) -> None:
    bad = tmp_path / "bad.db"
    bad.write_bytes(content)
    bad.chmod(0o600)
    result = cli("--db", str(bad), "quotes")
    assert result.code == 1 and result.err.count("\n") == 1
    assert result.err.startswith(f"qualcode: {bad}: {message}")


LOCKER = """
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN EXCLUSIVE")
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
conn.execute("COMMIT")
"""


def hold_lock(db: Path, seconds: float) -> subprocess.Popen[str]:
    proc = subprocess.Popen([sys.executable, "-c", LOCKER, str(db), str(seconds)],
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "locked"
    return proc


def test_locked_beyond_the_busy_timeout_is_one_clear_line(cli: Cli, project: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QUALCODE_BUSY_TIMEOUT_MS", "300")
    before = dump(project)
    holder = hold_lock(project, 30)
    try:
        result = cli("--db", str(project), "code", "1", "hacking")
    finally:
        holder.kill()
        holder.wait()
    assert result.code == 1 and result.err == (
        f"qualcode: {project}: the project is busy: another program kept it locked for 0.3 s;"
        " nothing was written, try again\n")
    assert dump(project) == before


def test_a_short_lock_is_waited_for_not_shown(cli: Cli, project: Path, tmp_path: Path) -> None:
    table = tmp_path / "t.csv"
    table.write_text("group,speaker,text\nG1,P1,« Ça m’inquiète. »\n", encoding="utf-8")
    holder = hold_lock(project, 1.5)
    result = cli("--db", str(project), "import", str(table))
    assert holder.wait() == 0
    assert result.code == 0 and result.err == "", result.err
    assert "1 quotes added" in result.out


def test_full_disk_is_one_clear_line_and_writes_nothing(cli: Cli, project: Path, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """A full disk, simulated: the file may not grow by a single page."""
    real = sqlite_module.configure

    def capped(dbapi_conn: sqlite3.Connection) -> None:
        """Every connection, whichever path opens it (sqlite3 alone or SQLAlchemy's)."""
        real(dbapi_conn)
        pages = dbapi_conn.execute("PRAGMA page_count").fetchone()[0]
        dbapi_conn.execute(f"PRAGMA max_page_count = {pages}")

    table = tmp_path / "big.csv"
    rows = "".join(f"G1,P{i % 9},« Verbatim numéro {i} : " + "données de santé " * 40 + "»\n"
                   for i in range(400))
    table.write_text("group,speaker,text\n" + rows, encoding="utf-8")
    before = dump(project)
    monkeypatch.setattr(sqlite_module, "configure", capped)
    result = cli("--db", str(project), "import", str(table))
    monkeypatch.undo()
    assert result.code == 1 and result.err == (
        f"qualcode: {project}: the disk is full (or the project reached its size limit); "
        "nothing was written: free some space and try again\n")
    assert dump(project) == before
