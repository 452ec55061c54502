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
from qualcode.i18n import _

# unique_violation, serialization_failure, deadlock_detected (PostgreSQL SQLSTATEs).
_COLLISIONS = {"23505", "40001", "40P01"}
_REFUSED = "42501"  # insufficient_privilege, also raised by row-level security


def concurrent_change(exc: BaseException) -> UserError | None:
    """The one line for a collision with a teammate's transaction, or for a write the
    server's team roles refuse; None for other errors."""
    if not isinstance(exc, DBAPIError):
        return None
    state = getattr(exc.orig, "sqlstate", None)
    if state == _REFUSED:
        return UserError(_("the team server refused this change: your role may not write it "
                         "(another coder's work, the consensus or the codebook); nothing "
                         "was written"))
    if state not in _COLLISIONS:
        return None
    return UserError(_("a teammate changed the same thing at the same moment; nothing of this "
                     "action was written: look again and retry"))
