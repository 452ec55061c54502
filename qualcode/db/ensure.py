"""Get-or-create that holds when many processes first use the same name at once.

A lookup followed by an insert races on a shared PostgreSQL server: between the two, a
teammate's transaction can insert the same unique name, and the insert then fails with a
unique violation. The insert runs inside a savepoint, so losing the race rolls back only
that insert; the row the winner committed is then read, within the same user action.
On SQLite a writing transaction starts with BEGIN IMMEDIATE, so the race cannot happen
there, but the same code path is taken.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, SQLModel

ATTEMPTS = 5


def get_or_create(session: Session, find: Callable[[], int | None],
                  make: Callable[[], SQLModel]) -> int:
    """The id `find` returns, or the id of the row `make` builds, inserted race-safely.

    `find` must see rows other transactions committed meanwhile (a fresh SELECT does under
    READ COMMITTED); the loop is bounded so a constraint that can never be met (a name
    refused for another reason) surfaces as its own IntegrityError instead of spinning.
    """
    for attempt in range(ATTEMPTS):
        found = find()
        if found is not None:
            return found
        row: Any = make()
        if insert_unless_taken(session, row, last_try=attempt == ATTEMPTS - 1):
            assert row.id is not None
            return int(row.id)
    raise AssertionError("unreachable")  # pragma: no cover - the loop returns or raises


def insert_unless_taken(session: Session, row: SQLModel, *, last_try: bool = False) -> bool:
    """Insert `row` in a savepoint; False when a concurrent transaction holds its key.

    Only the savepoint is rolled back, so the rest of the user action stands. With
    `last_try` the unique violation is raised instead, for callers that retry.
    """
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError:
        if last_try:
            raise
        return False
    return True
