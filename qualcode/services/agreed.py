"""Consensus that includes agreement: quotes every coder of the team coded alike.

Only disagreements reach an adjudicator, so without this the consensus would hold none
of the codings the team agreed on, and `report --consensus` would leave out exactly the
least disputable material. A quote is settled by agreement when at least two human
coders coded it (or marked it "none applies") and all of them applied the same codes;
when the quote was assigned for double coding, every assigned coder must have coded it.
An adjudicated quote keeps its adjudication.

Agreement is read from the codings each time, never copied into the consensus coder's
rows: a later change by one coder reopens the quote at once, and on a team server a
coder's action never has to write the consensus (which their role may not).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from qualcode.config import RESERVED_CODERS
from qualcode.db.reader import Reader, reader_of

if TYPE_CHECKING:
    from sqlmodel import Session

CONSENSUS = "consensus"


def agreed(source: Reader | Session) -> dict[int, frozenset[int]]:
    """Quote id → the code ids the team agreed on (empty: none applies), unadjudicated only."""
    db = reader_of(source)
    looked: dict[int, dict[str, set[int]]] = {}
    adjudicated: set[int] = set()
    for quote_id, coder, code_id in db.rows(
            "SELECT c.quote_id, k.name, c.code_id FROM coding c JOIN coder k "
            "ON k.id = c.coder_id UNION ALL SELECT r.quote_id, k.name, NULL FROM review r "
            "JOIN coder k ON k.id = r.coder_id"):
        if coder == CONSENSUS:
            adjudicated.add(quote_id)
        elif coder not in RESERVED_CODERS:
            codes = looked.setdefault(quote_id, {}).setdefault(coder, set())
            if code_id is not None:
                codes.add(code_id)
    assigned: dict[int, set[str]] = {}
    for quote_id, coder in db.rows(
            "SELECT a.quote_id, k.name FROM assignment a JOIN coder k ON k.id = a.coder_id"):
        assigned.setdefault(quote_id, set()).add(coder)
    out: dict[int, frozenset[int]] = {}
    for quote_id, by_coder in looked.items():
        if quote_id in adjudicated:
            continue
        team = assigned.get(quote_id, set(by_coder))
        if len(team) < 2 or not team <= by_coder.keys():
            continue
        sets = {frozenset(by_coder[c]) for c in team}
        if len(sets) == 1:
            out[quote_id] = sets.pop()
    return out
