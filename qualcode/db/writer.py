"""Plain SQL writes on the driver's own connection: `Reader`'s counterpart for writing.

`init` on an SQLite project spends more time importing SQLAlchemy and SQLModel than
writing its few hundred rows, so the services it calls (the design, the codebook, the
journal) write through a `Writer`: one on the sqlite3 connection `qualcode.db.creating`
opens, or one on an open Session's connection (`writer_of`), which is how the other
commands, the workbench and PostgreSQL run the very same statements in their action's
transaction.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from qualcode.db.reader import Params, Reader

if TYPE_CHECKING:
    from sqlmodel import Session


class Writer(Reader):
    """A Reader that also inserts and updates, in its connection's open transaction."""

    def __init__(self, connection: Any, *, qmark: bool = True,
                 session: Session | None = None) -> None:
        super().__init__(connection, qmark=qmark)
        self._session = session

    @property
    def session(self) -> Session:
        """The Session this Writer runs in, for the writes still made through the ORM
        (a corrected transcript, a code a coded table adds, a team member's role); a
        plain sqlite3 Writer is only opened for imports that need none
        (`qualcode.db.writing`)."""
        if self._session is None:
            raise AssertionError("this write needs a Session: see needs_session in db.writing")
        return self._session

    @property
    def postgres(self) -> bool:
        return not self.qmark

    def execute(self, text: str, params: Params = ()) -> int:
        """Run one statement; how many rows it changed."""
        cursor = self.connection.cursor()
        try:
            self._run(cursor, text, params)
            return int(cursor.rowcount)
        finally:
            cursor.close()

    def executemany(self, text: str, rows: Iterable[tuple[Any, ...]]) -> None:
        """Run one statement for each row; an empty list runs nothing."""
        if rows:
            cursor = self.connection.cursor()
            try:
                cursor.executemany(self.sql(text), rows)
            finally:
                cursor.close()

    def insert(self, text: str, params: Params = ()) -> int:
        """Run an INSERT into a table with an `id` key; the new row's id (sqlite3 knows
        it from the statement, PostgreSQL says it when asked with RETURNING)."""
        cursor = self.connection.cursor()
        try:
            if self.postgres:
                self._run(cursor, f"{text} RETURNING id", params)
                return int(cursor.fetchone()[0])
            self._run(cursor, text, params)
            return int(cursor.lastrowid)
        finally:
            cursor.close()

    def json(self, value: Any) -> str:
        """A JSON column's value, as the ORM writes it (its `json.dumps`), so a row
        reads back the same whichever path wrote it."""
        return json.dumps(value)

    def now(self) -> Any:
        """The current UTC time for a timestamp column: the text the ORM stores in
        SQLite, a timezone-aware value for PostgreSQL's `timestamptz`."""
        moment = datetime.now(UTC)
        return moment if self.postgres else moment.strftime("%Y-%m-%d %H:%M:%S.%f")


def writer_of(source: Writer | Session) -> Writer:
    """The Writer of an open Session's connection, in its transaction, or `source`
    itself. The Session's pending changes are flushed first, so the statements see them
    and the constraints check them in order."""
    if isinstance(source, Writer):
        return source
    source.flush()
    bind = source.get_bind()
    return Writer(source.connection().connection, qmark=bind.dialect.name == "sqlite",
                  session=source)
