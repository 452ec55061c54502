"""`merge` trusts nothing of the other file and changes nothing of it (issue "Hardening,
round two", items 8 and 10)."""

from __future__ import annotations

import os
import shutil
import sqlite3
from pathlib import Path

import pytest

from .conftest import Cli
from .tui_support import sql


def other_project(cli: Cli, demo_db: Path, tmp_path: Path) -> Path:
    """A teammate's copy of the demo, with one coding of theirs."""
    other = tmp_path / "bob.db"
    assert cli("--db", str(demo_db), "backup", str(other)).code == 0
    assert cli("--db", str(other), "--coder", "bob", "code", "3", "hacking").code == 0
    con = sqlite3.connect(other)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.execute("PRAGMA journal_mode = DELETE")
    con.close()
    return other


def codings(db: Path) -> int:
    return int(str(sql(db, "SELECT COUNT(*) FROM coding")[0][0]))


def test_the_open_project_under_another_name_is_refused(cli: Cli, demo_db: Path,
                                                        tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    link = tmp_path / "lien.db"
    link.symlink_to(demo_db)
    monkeypatch.chdir(demo_db.parent)
    for name in (str(link), demo_db.name, f"./{demo_db.name}", str(demo_db.parent / "." /
                                                                     demo_db.name)):
        result = cli("--db", str(demo_db), "merge", name)
        assert result.code != 0 and "cannot merge a project into itself" in result.err, name


def test_a_good_merge_leaves_the_other_file_exactly_as_it_was(cli: Cli, demo_db: Path,
                                                              tmp_path: Path) -> None:
    other = other_project(cli, demo_db, tmp_path)
    before = other.read_bytes()
    total = codings(demo_db)
    result = cli("--db", str(demo_db), "merge", str(other))
    assert result.code == 0, result.err
    assert codings(demo_db) == total + 1
    assert other.read_bytes() == before
    assert not Path(f"{other}-wal").exists() and not Path(f"{other}-shm").exists()


@pytest.mark.parametrize(("damage", "words"), [
    (["ALTER TABLE coding RENAME TO coding_old",
      "CREATE VIEW coding AS WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) "
      "SELECT * FROM coding_old, r"], "not a qualcode project"),
    (["CREATE VIEW tout AS SELECT * FROM quote"], "holds a view"),
    (["CREATE TRIGGER t AFTER INSERT ON memo BEGIN DELETE FROM quote; END"], "holds a trigger"),
    (["UPDATE coding SET span_start = 0, span_end = 100000 WHERE id = (SELECT max(id) FROM "
      "coding)"], "covers characters outside its quote"),
    (["UPDATE code SET keywords = '[\"pas fini' WHERE name = 'hacking'"], "damaged keywords"),
    (["PRAGMA foreign_keys = OFF", "UPDATE coding SET code_id = 99999 WHERE id = (SELECT "
      "max(id) FROM coding)"], "points to a missing code"),
])
def test_an_inconsistent_file_is_refused_before_anything_is_taken(
        cli: Cli, demo_db: Path, tmp_path: Path, damage: list[str], words: str) -> None:
    other = other_project(cli, demo_db, tmp_path)
    con = sqlite3.connect(other)
    for statement in damage:
        con.execute(statement)
    con.commit()
    con.close()
    kept = tmp_path / "kept.db"
    shutil.copyfile(other, kept)
    total = codings(demo_db)
    result = cli("--db", str(demo_db), "merge", str(other))
    assert result.code != 0
    assert words in result.err, result.err
    assert "nothing was merged" in result.err or "left as it is" in result.err
    assert len(result.err.strip().splitlines()) == 1
    assert codings(demo_db) == total
    assert other.read_bytes() == kept.read_bytes()
    assert os.listdir(tmp_path).count("bob.db-wal") == 0
