"""Rows by the hundred thousand, inserted in the caller's transaction.

A plain DB-API executemany on the session's connection: the ORM and Core bulk paths
build a parameter dict per row, which costs more than the insert itself at 100,000
quotes or a million codings, and these rows need none of their care. On SQLite the
connection's page cache is widened for the statement (64 MiB instead of 2): the quote
and coding indexes take their keys in no useful order, and a cache too small for them
wrote pages out and read them back mid-insert, a fifth of a 100,000-quote insert. The
cache is narrowed again afterwards, freeing those pages.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from qualcode.db.writer import Writer, writer_of

if TYPE_CHECKING:
    from sqlmodel import Session

ROOMY_CACHE_KIB = 64 << 10


def insert_rows(source: Writer | Session, table: str, columns: Sequence[str],
                rows: list[tuple[Any, ...]]) -> None:
    """`rows` into `table`'s `columns` (names as SQL writes them, quoted if need be)."""
    if not rows:
        return
    db = writer_of(source)
    statement = (f"INSERT INTO {table} ({', '.join(columns)}) "  # noqa: S608
                 f"VALUES ({', '.join(['?'] * len(columns))})")
    if db.postgres:
        db.executemany(statement, rows)
        return
    (cache,) = db.row("PRAGMA cache_size") or (0,)
    db.execute(f"PRAGMA cache_size = -{ROOMY_CACHE_KIB}")
    try:
        db.executemany(statement, rows)
    finally:
        db.execute(f"PRAGMA cache_size = {int(cache)}")
