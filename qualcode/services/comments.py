"""A team's discussion of a quote under review: who said what, in order.

Adjudicating a disagreement is a conversation before it is a decision; keeping the
thread beside the quote (and the reason with the decision, see review.settle) is what
lets a methods section say how disagreements were resolved, and lets a coder who was
away see why the consensus is what it is. Comments are never edited or removed: the
thread is a record.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import text as sql
from sqlmodel import Session, col, select

from qualcode.db.models import Coder, Comment
from qualcode.errors import UserError
from qualcode.i18n import _
from qualcode.services import events
from qualcode.services.coders import coder_id
from qualcode.services.coding import _quote

LONGEST = 4000


@dataclass(frozen=True)
class Message:
    coder: str
    text: str
    at: datetime


def comment(session: Session, *, quote_id: int, coder: str, text: str) -> int:
    """Add one message to the quote's thread; its id."""
    _quote(session, quote_id)
    words = text.strip()
    if not words:
        raise UserError(_("a comment needs some text"))
    if len(words) > LONGEST:
        raise UserError(_("a comment holds at most {LONGEST} characters ({count} given)").format(
                            LONGEST=LONGEST, count=len(words)))
    row = Comment(quote_id=quote_id, coder_id=coder_id(session, coder), text=words)
    session.add(row)
    session.flush()
    events.record(session, coder=coder, action="comment", quote_id=quote_id, text=words)
    assert row.id is not None
    return row.id


def thread(session: Session, quote_id: int) -> list[Message]:
    rows = session.exec(select(Coder.name, Comment).join(Comment, col(Comment.coder_id)
                                                          == col(Coder.id))
                        .where(Comment.quote_id == quote_id).order_by(col(Comment.id))).all()
    return [Message(name, c.text, c.created_at) for name, c in rows]


def discussed(session: Session) -> dict[int, int]:
    """Quote id → how many comments its thread holds (for marks in lists)."""
    return {int(q): int(n) for q, n in session.execute(sql(
        "SELECT quote_id, COUNT(*) FROM comment GROUP BY quote_id")).all()}


def threads(session: Session) -> dict[int, list[Message]]:
    """Every quote's discussion, in order (comments are few: a review's worth)."""
    rows = session.exec(select(Coder.name, Comment).join(Comment, col(Comment.coder_id)
                                                          == col(Coder.id))
                        .order_by(col(Comment.id))).all()
    out: dict[int, list[Message]] = {}
    for name, c in rows:
        out.setdefault(c.quote_id, []).append(Message(name, c.text, c.created_at))
    return out
