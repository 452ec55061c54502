"""Making a new project and writing its first rows, as fast as Python creates a file.

An SQLite project is created with sqlite3 alone: the owner-only file, the connection's
pragmas, then, in one transaction, the schema script generated from the migrations
(`qualcode.db.schema_script`) and whatever the caller writes (`init`'s design, codebook
and event). A failure anywhere leaves no file behind. A PostgreSQL database is made by
the migrations through `create_project`, and the caller's rows go through a Session's
connection: the same statements either way.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from qualcode.config import is_url
from qualcode.db import sqlite as sqlite_db
from qualcode.db.writer import Writer, writer_of

SCRIPT = Path(__file__).with_name("schema") / "sqlite.sql"
"""`qualcode.db.schema_script`'s script, named here: that module, which `make schema`
runs, imports tempfile (4 ms of `init`, with shutil, random, bz2 and lzma) for the
migrations' scratch project. A test holds the two names to the same file."""


@contextmanager
def creating(db: str) -> Iterator[Writer]:
    """A Writer on a new project at `db`; committed on exit, refused when a project is
    there already, and gone (file and all) when anything fails on the way."""
    if is_url(db):
        yield from _through_sqlalchemy(db)
        return
    sqlite_db.create_owner_only(Path(db))
    try:
        connection = sqlite_db.connect(db)
        try:
            # executescript commits a transaction it finds open, so it begins its own
            connection.executescript("BEGIN IMMEDIATE;\n" + SCRIPT.read_text(encoding="utf-8"))
            yield Writer(connection)
            connection.execute("COMMIT")
        finally:
            connection.close()
    except BaseException as exc:
        sqlite_db.discard_project_file(db)
        explained = sqlite_db.explain(exc, db) if isinstance(exc, sqlite3.Error) else None
        if explained is not None:
            raise explained from None
        raise


def _through_sqlalchemy(db: str) -> Iterator[Writer]:
    from qualcode.db.engine import create_project

    project = create_project(db)
    try:
        with project.write() as session:
            yield writer_of(session)
    finally:
        project.close()
