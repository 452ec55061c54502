"""Projects from the first released schema open today, losing nothing; an upgrade is
preceded by an owner-only backup; a project from a newer qualcode is refused.

`fixtures/schema_0001.db` was written by schema 0001 (see make_schema_0001.py). A
later schema is simulated with a copy of the migrations plus one more revision.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from qualcode.db import engine, migrate
from qualcode.db.engine import open_project
from qualcode.db.schema_version import SCHEMA_REVISION

from .conftest import Cli

FIXTURE = Path(__file__).with_name("fixtures") / "schema_0001.db"
NEXT = f"{int(SCHEMA_REVISION) + 1:04d}"  # a revision after the one this release writes

NEXT_REVISION = '''
"""test-only revision {revision}: adds a column and a table, as a real upgrade would"""
import sqlalchemy as sa
from alembic import op

revision = "{revision}"
down_revision = "{down}"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("quote") as batch:
        batch.add_column(sa.Column("note", sa.String(), nullable=True))
    op.create_table("probe", sa.Column("id", sa.Integer(), primary_key=True))
    {extra}


def downgrade() -> None:
    pass
'''


def rows(db: Path) -> dict[str, list[dict[str, Any]]]:
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    tables = [r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
    out = {t: [dict(r) for r in conn.execute(f'SELECT * FROM "{t}"')] for t in tables}
    conn.close()
    return out


def survives(before: dict[str, list[dict[str, Any]]], after: dict[str, list[dict[str, Any]]],
             ) -> list[str]:
    """Every old row is still there, with every old column's value."""
    lost = []
    for table, old_rows in before.items():
        if table == "alembic_version":
            continue
        new_rows = after.get(table, [])
        for row in old_rows:
            if not any(all(new.get(k) == v for k, v in row.items()) for new in new_rows):
                lost.append(f"{table}: {row}")
    return lost


@pytest.fixture
def old_project(tmp_path: Path) -> Path:
    db = tmp_path / "old.db"
    shutil.copyfile(FIXTURE, db)
    db.chmod(0o600)
    return db


def test_fixture_is_a_schema_0001_project_with_data(old_project: Path) -> None:
    conn = sqlite3.connect(old_project)
    assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == ("0001",)
    counts = [conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]
              for t in ("quote", "coding", "event", "review", "source", "participant")]
    assert all(counts), counts


def test_first_schema_opens_today_and_every_row_survives(cli: Cli, old_project: Path) -> None:
    before = rows(old_project)
    result = cli("--db", str(old_project), "quotes", "--json")
    assert result.code == 0, result.err
    quotes = result.json()
    assert len(quotes) == len(before["quote"])
    assert "« Sans internet on est coincé. » Ça m’inquiète\u00a0!" in [q["text"] for q in quotes]
    assert cli("--db", str(old_project), "code", "1", "reassurance").code == 0
    after = rows(old_project)
    assert survives(before, after) == []
    assert sqlite3.connect(old_project).execute("PRAGMA integrity_check").fetchone() == ("ok",)


@pytest.fixture
def next_schema(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Pretend this qualcode writes the schema after today's."""
    migrations = tmp_path / "migrations"
    shutil.copytree(migrate.MIGRATIONS, migrations,
                    ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(migrate, "MIGRATIONS", migrations)
    monkeypatch.setattr(engine, "SCHEMA_REVISION", NEXT)
    return migrations / "versions" / f"{NEXT}_test.py"


def test_upgrade_backs_up_first_then_keeps_every_row(cli: Cli, old_project: Path,
                                                     next_schema: Path) -> None:
    next_schema.write_text(NEXT_REVISION.format(extra="pass", revision=NEXT, down=SCHEMA_REVISION),
                           encoding="utf-8")
    before = rows(old_project)
    digest = hashlib.sha256(str(before).encode()).hexdigest()
    os.umask(0)
    result = cli("--db", str(old_project), "quotes", "--json")
    assert result.code == 0, result.err
    (backup,) = old_project.parent.glob("old.db.before-0001-*.bak")
    assert backup.stat().st_mode & 0o777 == 0o600
    assert hashlib.sha256(str(rows(backup)).encode()).hexdigest() == digest
    after = rows(old_project)
    assert after["alembic_version"] == [{"version_num": NEXT}]
    assert "probe" in after and all("note" in q for q in after["quote"])
    assert survives(before, after) == []
    assert open_project(str(backup), warn=False) is not None  # the backup opens (and upgrades)


def test_failed_upgrade_leaves_the_project_as_it_was(cli: Cli, old_project: Path,
                                                     next_schema: Path) -> None:
    next_schema.write_text(NEXT_REVISION.format(extra='raise RuntimeError("boom")', revision=NEXT,
                                               down=SCHEMA_REVISION),
                           encoding="utf-8")
    before = rows(old_project)
    result = cli("--db", str(old_project), "quotes")
    assert result.code == 1 and result.err.count("\n") == 1
    assert "schema upgrade failed" in result.err and ".bak" in result.err
    assert rows(old_project) == before


def test_newer_schema_is_refused_in_one_line(cli: Cli, old_project: Path) -> None:
    conn = sqlite3.connect(old_project)
    conn.execute("UPDATE alembic_version SET version_num = '0042'")
    conn.commit()
    conn.close()
    before = old_project.read_bytes()
    result = cli("--db", str(old_project), "quotes")
    assert result.code == 1 and result.out == ""
    assert result.err == (f"qualcode: {old_project}: this project was written by a newer "
                          "qualcode (schema 0042); upgrade qualcode\n")
    assert old_project.read_bytes() == before
    assert not list(old_project.parent.glob("*.bak"))
