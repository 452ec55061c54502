"""A second connection reads beside the first only when it sees the same snapshot."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from qualcode.db import sqlite as sqlite_db
from qualcode.db.alongside import alongside
from qualcode.db.engine import create_project
from qualcode.db.reader import Reader
from qualcode.db.reading import reading

COUNT = "SELECT count(*) FROM quote"


def _project(tmp_path: Path) -> str:
    db = str(tmp_path / "p.db")
    create_project(db).close()
    _write(db, "INSERT INTO study_group (name, position, attributes) VALUES ('G1', 1, '{}')",
           "INSERT INTO participant (group_id, label, is_moderator, attributes) "
           "VALUES (1, 'P1', 0, '{}')")
    _add_quote(db)
    return db


def _write(db: str, *statements: str) -> None:
    connection = sqlite_db.connect(db)
    try:
        connection.execute("BEGIN IMMEDIATE")
        for statement in statements:
            connection.execute(statement)
        connection.execute("COMMIT")
    finally:
        connection.close()


def _add_quote(db: str) -> None:
    _write(db, "INSERT INTO quote (group_id, participant_id, position, text, text_hash) "
               "SELECT 1, 1, coalesce(max(position), 0) + 1, 'Ça va ?', 'h' FROM quote")


def test_the_work_runs_on_a_second_connection_of_the_same_file(tmp_path: Path) -> None:
    db = _project(tmp_path)
    seen: list[Reader] = []

    def work(reader: Reader) -> int:
        seen.append(reader)
        return int(reader.rows(COUNT)[0][0])

    with reading(db) as reader:
        assert alongside(reader, work)() == 1
    assert len(seen) == 1 and seen[0] is not reader


def test_a_write_between_the_two_snapshots_sends_the_work_to_the_first(tmp_path: Path) -> None:
    db = _project(tmp_path)
    with reading(db) as reader:
        assert reader.rows(COUNT) == [(1,)]  # the first snapshot starts here
        _add_quote(db)
        assert alongside(reader, lambda r: r.rows(COUNT)[0][0])() == 1


def test_a_failure_beside_is_met_again_on_the_first_connection(tmp_path: Path) -> None:
    db = _project(tmp_path)
    with reading(db) as reader:
        def work(other: Reader) -> str:
            if other is not reader:
                raise sqlite3.OperationalError("database is locked")
            return "first"

        assert alongside(reader, work)() == "first"


def test_a_database_in_memory_is_read_on_its_own_connection() -> None:
    reader = Reader(sqlite3.connect(":memory:"))
    seen: list[Reader] = []
    alongside(reader, seen.append)()
    assert seen == [reader]
