"""Opening a project to write one action, with sqlite3 alone when the action allows it.

`import` of a quote table spends its time in one bulk insert; importing SQLAlchemy and
SQLModel before it cost more than the insert at the demo's size. So an action whose
statements are all plain SQL (`qualcode.db.writer`) writes on a sqlite3 connection with
`open_project`'s checks and pragmas, in one BEGIN IMMEDIATE transaction. The rest (a
PostgreSQL server, a schema to upgrade, an action that also needs the ORM) goes through
`open_project` and a Session's Writer: the same statements either way.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from qualcode.config import is_url
from qualcode.db import sqlite as sqlite_db
from qualcode.db.reader import Reader
from qualcode.db.schema_version import SCHEMA_REVISION
from qualcode.db.writer import Writer, writer_of

if TYPE_CHECKING:
    from qualcode.db.engine import Project


class _NeedsSession(Exception):
    """The action turned out to need the ORM: its sqlite3 transaction is rolled back."""


class Writable:
    """A project checked (and opened, when SQLAlchemy must) before the command's work,
    so a missing or foreign project is refused before a long parse, as `open_project`
    refused it; each `action` is then one transaction."""

    def __init__(self, db: str, project: Project | None) -> None:
        self.db = db
        self.project = project

    @contextmanager
    def action(self, *, needs_session: Callable[[Reader], bool]) -> Iterator[Writer]:
        """A Writer for one action, committed on success, rolled back on failure.
        `needs_session` is asked inside the sqlite3 transaction, before anything is
        written: when it says yes, the action runs in a Session (`Writer.session`)."""
        if self.project is None:
            try:
                with _plain(self.db, needs_session) as writer:
                    yield writer
                return
            except _NeedsSession:
                from qualcode.db.engine import open_project

                self.project = open_project(self.db, warn=False)  # checked already
        with self.project.write() as session:
            yield writer_of(session)


@contextmanager
def writable(db: str) -> Iterator[Writable]:
    """The project at `db`, checked now and closed on exit."""
    if is_url(db) or sqlite_db.check_project(Path(db)) != SCHEMA_REVISION:
        from qualcode.db.engine import open_project

        opened = Writable(db, open_project(db, warn=False))  # `check_project` warned
    else:
        opened = Writable(db, None)
    try:
        yield opened
    finally:
        if opened.project is not None:
            opened.project.close()


@contextmanager
def _plain(db: str, needs_session: Callable[[Reader], bool]) -> Iterator[Writer]:
    try:
        connection = sqlite_db.connect(db)
        try:
            connection.execute("BEGIN IMMEDIATE")
            writer = Writer(connection)
            if needs_session(writer):
                raise _NeedsSession
            yield writer
            connection.execute("COMMIT")
        finally:
            connection.close()  # a transaction still open is rolled back
    except sqlite3.Error as exc:
        explained = sqlite_db.explain(exc, db)
        if explained is not None:
            raise explained from None
        raise
