"""The moderator's question before a quote, as researchers print it above the verbatim.

In a transcript the question that prompted a participant's words is the last moderator
turn before them in the same source. A quote table has no such order between speakers
of different rows unless they share a source, so a quote whose source holds no earlier
moderator turn simply has no context.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from qualcode.db.batches import id_batches
from qualcode.db.reader import Reader, reader_of

if TYPE_CHECKING:
    from sqlmodel import Session

LONGEST = 400
"""Characters of a question kept: a moderator's long preamble is cut with an ellipsis."""


def add_context(source: Reader | Session, quotes: list[dict[str, Any]]) -> None:
    """Give each illustrative quote its `context`: {"speaker", "text"} of the moderator
    turn before it, or None."""
    db = reader_of(source)
    wanted = sorted({int(q["id"]) for q in quotes})
    found: dict[int, dict[str, str] | None] = {}
    for marks, params in id_batches(wanted):
        rows = db.rows(
            "SELECT q.id, (SELECT m.id FROM quote m JOIN participant mp "
            "ON mp.id = m.participant_id WHERE m.source_id = q.source_id "
            "AND mp.is_moderator AND m.position < q.position "
            "ORDER BY m.position DESC LIMIT 1) FROM quote q "
            f"WHERE q.id IN ({marks})", params)
        asked = {int(qid): int(mid) for qid, mid in rows if mid is not None}
        texts = _turns(db, sorted(set(asked.values())))
        for qid, _mid in rows:
            found[int(qid)] = texts.get(asked[int(qid)]) if int(qid) in asked else None
    for q in quotes:
        q["context"] = found.get(int(q["id"]))


def _turns(db: Reader, ids: list[int]) -> dict[int, dict[str, str]]:
    out = {}
    for marks, params in id_batches(ids):
        for mid, speaker, text in db.rows(
                "SELECT m.id, p.label, m.text FROM quote m JOIN participant p "
                f"ON p.id = m.participant_id WHERE m.id IN ({marks})", params):
            said = " ".join(str(text).split())
            out[int(mid)] = {"speaker": str(speaker), "text": said if len(said) <= LONGEST
                             else said[:LONGEST - 1] + "…"}
    return out
