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
from typing import Any

from sqlmodel import Session

ROOMY_CACHE_KIB = 64 << 10


def insert_rows(session: Session, table: str, columns: Sequence[str],
                rows: list[tuple[Any, ...]]) -> None:
    """`rows` into `table`'s `columns` (names as SQL writes them, quoted if need be)."""
    if not rows:
        return
    conn = session.connection()
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    statement = (f"INSERT INTO {table} ({', '.join(columns)}) "
                 f"VALUES ({', '.join([mark] * len(columns))})")
    if conn.dialect.name != "sqlite":
        conn.exec_driver_sql(statement, rows)
        return
    (cache,) = conn.exec_driver_sql("PRAGMA cache_size").one()
    conn.exec_driver_sql(f"PRAGMA cache_size = -{ROOMY_CACHE_KIB}")
    try:
        conn.exec_driver_sql(statement, rows)
    finally:
        conn.exec_driver_sql(f"PRAGMA cache_size = {int(cache)}")
