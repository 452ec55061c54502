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
from qualcode.db.batches import qmark_batches
from qualcode.db.marked import MARKED
from qualcode.db.reader import Reader, reader_of

if TYPE_CHECKING:
    from sqlmodel import Session

CONSENSUS = "consensus"


def agreed(source: Reader | Session) -> dict[int, frozenset[int]]:
    """Quote id → the code ids the team agreed on (empty: none applies), unadjudicated only.

    Most quotes are told from counts the database makes in one walk of the coding
    index: `n` coders applying `m` distinct codes in `n × m` distinct (code, coder)
    pairs applied the same codes. Reading every coding into sets per coder took 1.7 s
    at a million codings, the counts 0.25 s. A quote assigned for double coding, or
    holding a segment (where a pair may recur), is compared coder by coder.
    """
    db = reader_of(source)
    coders = dict(db.rows("SELECT id, name FROM coder"))
    people = {cid for cid, name in coders.items() if name not in RESERVED_CODERS}
    reserved = sorted(set(coders) - people)
    adjudicated = adjudicated_quotes(db)
    assigned: dict[int, set[int]] = {}
    for quote_id, coder_id in db.rows("SELECT quote_id, coder_id FROM assignment"):
        assigned.setdefault(quote_id, set()).add(coder_id)
    spanned = {q for (q,) in db.rows(  # from the few marked codings' index
        f"SELECT DISTINCT quote_id FROM coding WHERE ({MARKED}) AND span_start IS NOT NULL")}
    one_by_one = (set(assigned) | spanned) - adjudicated
    # people who marked a quote "none applies" without coding it
    only_reviewed: dict[int, int] = {}
    for quote_id, coder_id in db.rows(
            "SELECT r.quote_id, r.coder_id FROM review r WHERE NOT EXISTS (SELECT 1 FROM "
            "coding c WHERE c.quote_id = r.quote_id AND c.coder_id = r.coder_id)"):
        if coder_id in people:
            only_reviewed[quote_id] = only_reviewed.get(quote_id, 0) + 1
    people_only = f"coder_id NOT IN ({', '.join('?' * len(reserved))})" if reserved else "1=1"
    alike: list[int] = []
    for counted in db.stream(
            "SELECT quote_id, count(DISTINCT coder_id), count(DISTINCT code_id), count(*) "
            f"FROM coding WHERE {people_only} GROUP BY quote_id", reserved):
        for quote_id, people_coding, codes, pairs in counted:
            if (pairs == codes * people_coding and people_coding >= 2
                    and quote_id not in only_reviewed and quote_id not in adjudicated
                    and quote_id not in one_by_one):
                alike.append(quote_id)
            only_reviewed.pop(quote_id, None)  # coded by someone: not "none applies" alike
    out: dict[int, frozenset[int]] = {
        q: frozenset() for q, n in only_reviewed.items()
        if n >= 2 and q not in adjudicated and q not in one_by_one}
    held: dict[int, set[int]] = {}
    for marks, batch in qmark_batches(alike):
        for quote_id, code_id in db.rows(
                "SELECT DISTINCT quote_id, code_id FROM coding "
                f"WHERE quote_id IN ({marks}) AND {people_only}", [*batch, *reserved]):
            held.setdefault(quote_id, set()).add(code_id)
    out.update((q, frozenset(codes)) for q, codes in held.items())
    out.update(_compared(db, sorted(one_by_one), people, assigned))
    return out


def adjudicated_quotes(db: Reader) -> set[int]:
    """The quotes the consensus coded or marked "none applies"."""
    return {q for (q,) in db.rows(
        "SELECT c.quote_id FROM coding c JOIN coder k ON k.id = c.coder_id WHERE k.name = ? "
        "UNION SELECT r.quote_id FROM review r JOIN coder k ON k.id = r.coder_id "
        "WHERE k.name = ?", (CONSENSUS, CONSENSUS))}


def _compared(db: Reader, quotes: list[int], people: set[int], assigned: dict[int, set[int]]
              ) -> dict[int, frozenset[int]]:
    """The quotes settled by agreement among `quotes`, each coder's codes compared: the
    team is the assigned coders, else everyone who looked, and each must have looked."""
    looked: dict[int, dict[int, set[int]]] = {}
    for marks, batch in qmark_batches(quotes):
        for quote_id, coder_id, code_id in db.rows(
                f"SELECT quote_id, coder_id, code_id FROM coding WHERE quote_id IN ({marks}) "
                f"UNION ALL SELECT quote_id, coder_id, NULL FROM review "
                f"WHERE quote_id IN ({marks})", [*batch, *batch]):
            if coder_id in people:
                codes = looked.setdefault(quote_id, {}).setdefault(coder_id, set())
                if code_id is not None:
                    codes.add(code_id)
    out: dict[int, frozenset[int]] = {}
    for quote_id, by_coder in looked.items():
        team = assigned.get(quote_id, set(by_coder))
        if len(team) < 2 or not team <= by_coder.keys():
            continue
        sets = {frozenset(by_coder[c]) for c in team}
        if len(sets) == 1:
            out[quote_id] = sets.pop()
    return out
