"""A teammate's simultaneous action, told as one clear line instead of a driver error.

On a shared PostgreSQL server two actions can pass their checks at the same moment and
then collide in the database: two renames of one code to the same new name, two
adjudicators settling one quote. The server keeps the data right (a unique index, a
deadlock victim); what the losing user needs is to know that nothing of theirs was
written and why, so they can look again.
"""

from __future__ import annotations

from sqlalchemy.exc import DBAPIError

from qualcode.errors import UserError

# unique_violation, serialization_failure, deadlock_detected (PostgreSQL SQLSTATEs).
_COLLISIONS = {"23505", "40001", "40P01"}


def concurrent_change(exc: BaseException) -> UserError | None:
    """The one line for a collision with a teammate's transaction; None for other errors."""
    if not isinstance(exc, DBAPIError):
        return None
    if getattr(exc.orig, "sqlstate", None) not in _COLLISIONS:
        return None
    return UserError("a teammate changed the same thing at the same moment; nothing of this "
                     "action was written: look again and retry")
