"""Plain SQL on the driver's own connection: the read path that needs no SQLAlchemy.

A read command (`report`, `quotes`, `segments`, `search`, `agreement`) spends its time in
one or two queries; importing SQLAlchemy and SQLModel to send them cost half a second
more than the queries themselves at the demo's size. So the queries those commands
share with the workbench and the write path are written once, in `?` style, against a
`Reader`: one made from a sqlite3 connection (`qualcode.db.reading`), or from an open
Session (`reader_of`), which is how the workbench, the services and PostgreSQL run the
very same statements.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from contextlib import suppress
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlmodel import Session

Params = Sequence[Any] | Mapping[str, Any]
"""`?` placeholders take a sequence; `:name` ones a mapping (a name may recur)."""
_NAMED = re.compile(r"(?<![:\w]):([A-Za-z_]\w*)")
FETCH = 50_000
"""Rows a streamed query brings at a time: big enough to amortise the driver's calls,
small enough that a million codings are never all in memory."""


class Reader:
    """A DB-API connection and how its driver wants its parameters marked."""

    def __init__(self, connection: Any, *, qmark: bool = True) -> None:
        self.connection = connection
        self.qmark = qmark
        self._translated: dict[str, str] = {}

    def sql(self, text: str) -> str:
        """`text` in the driver's style: sqlite3 reads `?` and `:name` as written;
        psycopg wants `%s` and `%(name)s` (and a `%` of a LIKE pattern doubled)."""
        if self.qmark:
            return text
        found = self._translated.get(text)
        if found is None:
            doubled = text.replace("%", "%%").replace("?", "%s")
            found = self._translated[text] = _NAMED.sub(r"%(\1)s", doubled)
        return found

    def _run(self, cursor: Any, text: str, params: Params) -> None:
        cursor.execute(self.sql(text), params if isinstance(params, Mapping) else tuple(params))

    def joined(self, expression: str) -> str:
        """SQL aggregating `expression` over a group into one comma-separated text, for
        the passes that would otherwise bring a million rows into Python: SQLite before
        3.44 has no `string_agg` and PostgreSQL no `group_concat`."""
        aggregate = "group_concat" if self.qmark else "string_agg"
        return f"{aggregate}(CAST({expression} AS TEXT), ',')"

    def listed_ids(self, name: str) -> str:
        """A subquery of the integers in the JSON array passed as parameter `name`: a
        set of ids of any size in one parameter, which both connections of a read
        can use (a temporary table is seen by its own connection only)."""
        if self.qmark:
            return f"SELECT value FROM json_each(:{name})"
        return f"SELECT CAST(value AS bigint) FROM json_array_elements_text(CAST(:{name} AS json))"

    def rows(self, text: str, params: Params = ()) -> list[tuple[Any, ...]]:
        cursor = self.connection.cursor()
        try:
            self._run(cursor, text, params)
            return [tuple(r) for r in cursor.fetchall()]
        finally:
            cursor.close()

    def row(self, text: str, params: Params = ()) -> tuple[Any, ...] | None:
        found = self.rows(text, params)
        return found[0] if found else None

    def stream(self, text: str, params: Params = ()) -> Iterator[list[tuple[Any, ...]]]:
        """The rows in batches of FETCH, for passes over every coding."""
        cursor = self.connection.cursor()
        try:
            self._run(cursor, text, params)
            while batch := cursor.fetchmany(FETCH):
                yield batch
        finally:
            # a stream left by an error is closed when collected, maybe after its
            # connection: its cursor has nothing left to free, and the driver's complaint
            # would reach the user as a traceback after the error's own line
            with suppress(Exception):
                cursor.close()


def json_value(value: Any) -> Any:
    """A JSON column as Python: SQLite hands back its text, psycopg the parsed value."""
    if isinstance(value, str | bytes):
        import json

        return json.loads(value or "null")
    return value


def reader_of(source: Reader | Session) -> Reader:
    """The Reader of an open Session's connection (its transaction, its snapshot), or
    `source` itself: the shared queries take either."""
    if isinstance(source, Reader):
        return source
    bind = source.get_bind()
    return Reader(source.connection().connection, qmark=bind.dialect.name == "sqlite")
