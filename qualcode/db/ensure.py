"""An insert that holds when many processes first add the same row at once.

A lookup followed by an insert races on a shared PostgreSQL server: between the two, a
teammate's transaction can insert the same unique key, and the insert then fails with a
unique violation. The insert runs inside a savepoint, so losing the race rolls back only
that insert, and the caller reads the row the winner committed, within the same user
action. On SQLite a writing transaction starts with BEGIN IMMEDIATE, so the race cannot
happen there, but the same code path is taken. (Plain SQL writes give way with
`ON CONFLICT … DO NOTHING` instead, as `coder_id` and `ensure_group` do.)
"""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, SQLModel


def insert_unless_taken(session: Session, row: SQLModel) -> bool:
    """Insert `row` in a savepoint; False when a concurrent transaction holds its key.

    Only the savepoint is rolled back, so the rest of the user action stands.
    """
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError:
        return False
    return True
