"""Rows by the hundred thousand, inserted in the caller's transaction.

A plain DB-API executemany on the session's connection: the ORM and Core bulk paths
build a parameter dict per row, which costs more than the insert itself at 100,000
quotes or a million codings, and these rows need none of their care. On SQLite the
connection's page cache is widened for the statement (64 MiB instead of 2): the quote
and coding indexes take their keys in no useful order, and a cache too small for them
wrote pages out and read them back mid-insert, a fifth of a 100,000-quote insert. The
cache is narrowed again afterwards, freeing those pages. An insert that at least
doubles its table builds the table's plain indexes after the rows (`_indexes_after`),
and a column without a value in any row is not bound (`_nulls_written`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from itertools import repeat
from operator import is_, itemgetter
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
    if db.postgres:
        db.executemany(_insert(table, columns, ["?"] * len(columns)), rows)
        return
    values, bound = _nulls_written(rows)
    (cache,) = db.row("PRAGMA cache_size") or (0,)
    db.execute(f"PRAGMA cache_size = -{ROOMY_CACHE_KIB}")
    try:
        with _indexes_after(db, table, len(rows)):
            db.executemany(_insert(table, columns, values), bound)
    finally:
        db.execute(f"PRAGMA cache_size = {int(cache)}")


def _insert(table: str, columns: Sequence[str], values: Sequence[str]) -> str:
    return (f"INSERT INTO {table} ({', '.join(columns)}) "  # noqa: S608
            f"VALUES ({', '.join(values)})")


def _nulls_written(rows: list[tuple[Any, ...]]
                   ) -> tuple[list[str], Iterable[tuple[Any, ...]]]:
    """The VALUES of an insert of `rows`, and what to bind: a column that is None in
    every row is written as the literal NULL instead of bound. sqlite3 looks for an
    adapter for every None it binds, which took 0.1 s of a 100,000-quote insert (a
    table has no offsets and often no ids: 3 columns of 9)."""
    width = len(rows[0])
    empty = {i for i, value in enumerate(rows[0]) if value is None
             and all(map(is_, map(itemgetter(i), rows), repeat(None)))}
    kept = [i for i in range(width) if i not in empty]
    if not empty or len(kept) < 2:  # one value a row: itemgetter would not make tuples
        return ["?"] * width, rows
    return ["NULL" if i in empty else "?" for i in range(width)], map(itemgetter(*kept), rows)


@contextmanager
def _indexes_after(db: Writer, table: str, count: int) -> Iterator[None]:
    """`table`'s plain indexes dropped while `count` rows go in, and made again after
    them, when the table held fewer rows than that: SQLite then builds each index from
    its keys sorted once, instead of placing them one by one in a growing b-tree
    (100,000 quotes: 0.45 s -> 0.25 s of insert and 0.12 s of index). The statements
    are the project's own (`sqlite_master`), run again in the same transaction, so the
    schema is unchanged and a failed import rolls the drops back with the rest. Unique
    indexes stay: they check the rows as they come."""
    held = db.row(f"SELECT count(*) FROM (SELECT 1 FROM {table} LIMIT ?)",  # noqa: S608
                  (count,))
    indexes = [] if held is None or held[0] >= count else db.rows(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? "
        "AND sql IS NOT NULL AND sql NOT LIKE 'CREATE UNIQUE %'", (table,))
    for name, _sql in indexes:
        db.execute(f'DROP INDEX "{name}"')
    yield
    # Not on failure: the caller rolls the drops back with the rows, and SQLite may
    # already have (a full disk ends the transaction), when making them again would
    # raise "already exists" in place of the error the user must read.
    for _name, sql in indexes:
        db.execute(sql)
