"""Opening a project only to read it, as fast as Python opens an SQLite file.

The checks are `open_project`'s own (a project file of ours, owner-only warning), the
connection gets the same pragmas, and the whole read is one snapshot (one transaction).
What would need SQLAlchemy goes through `open_project` instead, which is then imported:
a project whose schema must first be upgraded, and a PostgreSQL server.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from qualcode.config import is_url
from qualcode.db import sqlite as sqlite_db
from qualcode.db.reader import Reader, reader_of
from qualcode.db.schema_version import SCHEMA_REVISION


@contextmanager
def reading(db: str) -> Iterator[Reader]:
    """A Reader over the project at `db`, closed (its snapshot released) on exit;
    SQLite's failures a user can act on come out as one line."""
    if is_url(db) or not _current(db):
        yield from _through_sqlalchemy(db)
        return
    try:
        connection = sqlite_db.connect(db)
        try:
            connection.execute("BEGIN")
            yield Reader(connection)
        finally:
            connection.close()
    except sqlite3.Error as exc:
        explained = sqlite_db.explain(exc, db)
        if explained is not None:
            raise explained from None
        raise


def _current(db: str) -> bool:
    """Whether the file is a project at this release's schema (else `open_project`
    upgrades it, or says why it cannot be opened)."""
    return sqlite_db.check_project(Path(db)) == SCHEMA_REVISION


def _through_sqlalchemy(db: str) -> Iterator[Reader]:
    from qualcode.db.engine import open_project

    project = open_project(db, warn=False)  # `_current` warned already
    try:
        with project.read() as session:
            yield reader_of(session)
    finally:
        project.close()
