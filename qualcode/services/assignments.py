"""The double-coding sample as `agreement --assigned` reads it: plain queries on a
Reader, so the read command needs no SQLAlchemy (drawing the sample is `assign`'s)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from qualcode.db.reader import Reader, reader_of

if TYPE_CHECKING:
    from sqlmodel import Session


def assigned_quotes(source: Reader | Session, coders: list[str]) -> set[int]:
    """Quotes assigned to every one of `coders` (the double-coded sample they share)."""
    reader = reader_of(source)
    sets = []
    for name in coders:
        rows = reader.rows("SELECT a.quote_id FROM assignment a JOIN coder k "
                           "ON k.id = a.coder_id WHERE k.name = ?", (name,))
        sets.append({q for q, in rows})
    return set.intersection(*sets) if sets else set()


def coders_with_assignments(source: Reader | Session) -> list[str]:
    rows = reader_of(source).rows("SELECT DISTINCT k.name FROM assignment a JOIN coder k "
                                  "ON k.id = a.coder_id ORDER BY k.name")
    return [name for name, in rows]
