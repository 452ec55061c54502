"""`init` makes an SQLite project from a schema script generated from the migrations, with
sqlite3 alone (issue 24): the script is a lock file of the migrations, a project made
from it is the one Alembic makes, and `init` keeps every guarantee it had."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from qualcode.db.creating import creating
from qualcode.db.engine import create_project, migrated_project
from qualcode.db.schema_script import SCRIPT, migrated
from qualcode.db.schema_version import SCHEMA_REVISION
from qualcode.errors import UserError

from .conftest import REPO, Cli
from .heavy_imports import run_probed
from .postgres import postgres_server, postgres_url  # noqa: F401 (fixtures)

STUDY = REPO / "data" / "study.toml"
CODEBOOK = REPO / "codebooks" / "numerique-sante.yaml"


def schema(path: Path) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]], str]:
    connection = sqlite3.connect(path)
    try:
        return (connection.execute(
                    "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY rowid"
                ).fetchall(),
                connection.execute("SELECT version_num FROM alembic_version").fetchall(),
                connection.execute("PRAGMA journal_mode").fetchone()[0])
    finally:
        connection.close()


def test_the_committed_script_is_the_migrations_own() -> None:
    assert SCRIPT.read_text(encoding="utf-8") == migrated(), (
        "the migrations changed: run `make schema` and commit qualcode/db/schema/sqlite.sql")


def test_a_project_from_the_script_is_the_one_alembic_makes(tmp_path: Path) -> None:
    create_project(str(tmp_path / "script.db")).close()
    migrated_project(str(tmp_path / "alembic.db")).close()
    made = schema(tmp_path / "script.db")
    assert made == schema(tmp_path / "alembic.db")
    assert made[1] == [(SCHEMA_REVISION,)] and made[2] == "wal"
    assert (tmp_path / "script.db").stat().st_mode & 0o777 == 0o600


def test_a_failed_init_leaves_no_file(tmp_path: Path) -> None:
    db = tmp_path / "p.db"
    with pytest.raises(UserError), creating(str(db)) as writer:
        writer.execute("INSERT INTO meta (\"key\", value) VALUES ('k', 'v')")
        raise UserError("stop")
    assert list(tmp_path.iterdir()) == []


def test_init_never_overwrites_a_project(cli: Cli, tmp_path: Path) -> None:
    db = tmp_path / "p.db"
    assert cli("--db", str(db), "init", "--study", str(STUDY)).code == 0
    before = db.read_bytes()
    result = cli("--db", str(db), "init", "--codebook", str(CODEBOOK))
    assert result.code != 0 and "a project already exists here" in result.err
    assert db.read_bytes() == before


def test_a_refused_codebook_leaves_no_project(cli: Cli, tmp_path: Path) -> None:
    book = tmp_path / "book.yaml"
    book.write_text("name: Livre\nversion: '1'\ncodes:\n  - name: accès\n    key: a\n"
                    "  - name: coût\n    key: a\n", encoding="utf-8")
    db = tmp_path / "p.db"
    result = cli("--db", str(db), "init", "--study", str(STUDY), "--codebook", str(book))
    assert result.code != 0
    assert not db.exists()




def test_init_imports_no_sqlalchemy(tmp_path: Path) -> None:
    db = tmp_path / "p.db"
    done = run_probed("--db", str(db), "init", "--study", str(STUDY), "--codebook",
                      str(CODEBOOK))
    assert "IMPORTED []" in done.stderr, done.stderr[-2000:]
    assert "created" in done.stdout


def _init_and_read(cli: Cli, db: str) -> tuple[object, ...]:
    result = cli("--db", db, "init", "--study", str(STUDY), "--codebook", str(CODEBOOK))
    assert result.code == 0, result.err
    tree = cli("--db", db, "codebook", "show")
    history = cli("--db", db, "log")
    report = cli("--db", db, "report", "--format", "json")
    assert tree.code == history.code == report.code == 0, tree.err + history.err + report.err
    return result.out.split(", ", 1)[1], tree.out, history.out.count("init"), report.json()


@pytest.mark.postgres
def test_init_on_a_server_writes_what_it_writes_in_a_file(cli: Cli, tmp_path: Path,
                                                          postgres_url: str) -> None:  # noqa: F811
    assert _init_and_read(cli, postgres_url) == _init_and_read(cli, str(tmp_path / "p.db"))
