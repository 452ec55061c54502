"""Integrity lives in the schema: direct SQL inserts that break it are refused."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel

from qualcode.db import models as _models  # noqa: F401 (puts the tables in SQLModel.metadata)
from qualcode.db.engine import create_project
from qualcode.db.migrate import head_revision
from qualcode.db.schema_version import SCHEMA_REVISION


@pytest.fixture
def raw(tmp_path: Path) -> sqlite3.Connection:
    db = tmp_path / "p.db"
    create_project(str(db)).close()
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA foreign_keys = ON")
    conn.executescript(
        """
        INSERT INTO study_group (id, name, position, attributes) VALUES (1, 'G1', 0, '{}');
        INSERT INTO participant (id, group_id, label, is_moderator, attributes)
            VALUES (1, 1, 'P1', 0, '{}');
        INSERT INTO quote (id, group_id, participant_id, position, text, text_hash)
            VALUES (1, 1, 1, 1, 'Sans internet on est coincé.', 'h');
        INSERT INTO code (id, name, position, description, include, exclude, example,
                          keywords, exclusive) VALUES (1, 'hacking', 0, '', '', '', '', '[]', 0);
        INSERT INTO coder (id, name) VALUES (1, 'alice');
        """
    )
    return conn


def test_schema_revision_constant_is_alembic_head() -> None:
    assert head_revision() == SCHEMA_REVISION


def test_migrations_build_exactly_the_models(tmp_path: Path) -> None:
    project = create_project(str(tmp_path / "m.db"))
    with project.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
    project.close()
    assert diff == []


def test_code_names_are_unique(raw: sqlite3.Connection) -> None:
    with pytest.raises(sqlite3.IntegrityError):
        raw.execute("INSERT INTO code (name, position, description, include, exclude, example,"
                    " keywords, exclusive) VALUES ('hacking', 1, '', '', '', '', '[]', 0)")


def test_one_whole_quote_coding_per_quote_code_coder(raw: sqlite3.Connection) -> None:
    raw.execute("INSERT INTO coding (quote_id, code_id, coder_id, created_at) "
                "VALUES (1, 1, 1, '2026-01-01')")
    with pytest.raises(sqlite3.IntegrityError):
        raw.execute("INSERT INTO coding (quote_id, code_id, coder_id, created_at) "
                    "VALUES (1, 1, 1, '2026-01-02')")


def test_one_coding_per_span_but_distinct_spans_allowed(raw: sqlite3.Connection) -> None:
    insert = ("INSERT INTO coding (quote_id, code_id, coder_id, span_start, span_end, created_at)"
              " VALUES (1, 1, 1, ?, ?, '2026-01-01')")
    raw.execute(insert, (0, 5))
    raw.execute(insert, (6, 10))
    with pytest.raises(sqlite3.IntegrityError):
        raw.execute(insert, (0, 5))


@pytest.mark.parametrize("span", [(5, 5), (-1, 3), (4, None)])
def test_spans_must_be_forward(raw: sqlite3.Connection, span: tuple[int, int | None]) -> None:
    with pytest.raises(sqlite3.IntegrityError):
        raw.execute("INSERT INTO coding (quote_id, code_id, coder_id, span_start, span_end,"
                    " created_at) VALUES (1, 1, 1, ?, ?, '2026-01-01')", span)


@pytest.mark.parametrize(
    "sql",
    [
        "INSERT INTO coding (quote_id, code_id, coder_id, created_at) VALUES (99, 1, 1, 'x')",
        "INSERT INTO coding (quote_id, code_id, coder_id, created_at) VALUES (1, 99, 1, 'x')",
        "INSERT INTO participant (group_id, label, is_moderator, attributes) "
        "VALUES (42, 'P9', 0, '{}')",
        "INSERT INTO review (quote_id, coder_id, created_at) VALUES (1, 7, 'x')",
    ],
)
def test_foreign_keys_hold(raw: sqlite3.Connection, sql: str) -> None:
    with pytest.raises(sqlite3.IntegrityError):
        raw.execute(sql)


def test_speaker_labels_unique_within_a_group(raw: sqlite3.Connection) -> None:
    with pytest.raises(sqlite3.IntegrityError):
        raw.execute("INSERT INTO participant (group_id, label, is_moderator, attributes) "
                    "VALUES (1, 'P1', 0, '{}')")


def test_quote_offsets_checked(raw: sqlite3.Connection) -> None:
    with pytest.raises(sqlite3.IntegrityError):
        raw.execute('INSERT INTO quote (group_id, participant_id, position, start, "end", text,'
                    " text_hash) VALUES (1, 1, 2, 10, 3, 't', 'h')")


def test_new_project_is_owner_only_and_in_wal_mode(tmp_path: Path) -> None:
    db = tmp_path / "p.db"
    create_project(str(db)).close()
    assert db.stat().st_mode & 0o777 == 0o600
    assert sqlite3.connect(db).execute("PRAGMA journal_mode").fetchone()[0] == "wal"
