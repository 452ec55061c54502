"""Double coding as teams do it: a sample of quotes, stratified by group, for several coders.

Reliability is usually established on a subset (10-25 % is the common practice) that
every coder of the team codes independently. Stratifying by focus group keeps each group
cell represented in that subset in proportion to its size, so agreement is not measured
on the talkative groups alone. Moderator turns are never drawn: they are not coded.
A seed makes the draw repeatable; without one, a seed is chosen and reported, so the
methods section can still say how the sample was drawn.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from sqlalchemy import text as sql
from sqlmodel import Session, col, delete, insert

from qualcode.db.models import Assignment, utcnow
from qualcode.errors import UserError
from qualcode.i18n import _
from qualcode.services import events
from qualcode.services.coders import coder_id


@dataclass(frozen=True)
class Draw:
    seed: int
    per_group: dict[str, int]
    """Quotes drawn in each group, in design order."""

    @property
    def total(self) -> int:
        return sum(self.per_group.values())


def parse_share(text: str) -> float:
    """`20%`, `20` or `0.2` → 0.2; anything outside (0, 100 %] is one clear line."""
    raw = text.strip().removesuffix("%").strip()
    try:
        value = float(raw.replace(",", "."))
    except ValueError:
        raise UserError(
            _("--share {text!r} is not a percentage such as 20%").format(text=text)
        ) from None
    share = value / 100 if text.strip().endswith("%") or value > 1 else value
    if not 0 < share <= 1:
        raise UserError(_("--share {text!r} must be above 0 % and at most 100 %").format(text=text))
    return share


def assign(session: Session, *, coders: list[str], share: float, seed: int | None,
           by: str) -> Draw:
    """Replace the listed coders' assignment with one new stratified draw."""
    if len(set(coders)) < 2:
        raise UserError(_("double coding needs two or more different coders (--coders A,B)"))
    if seed is None:
        seed = random.SystemRandom().randrange(1, 1_000_000)
    rng = random.Random(seed)
    by_group: dict[str, list[int]] = {}
    rows = session.execute(sql(
        "SELECT g.name, q.id FROM quote q JOIN study_group g ON g.id = q.group_id "
        "JOIN participant p ON p.id = q.participant_id WHERE NOT p.is_moderator "
        "ORDER BY g.position, g.name, q.position")).all()
    for group, quote_id in rows:
        by_group.setdefault(group, []).append(quote_id)
    if not by_group:
        raise UserError(_("the project has no participant quotes to assign"))
    drawn = {group: sorted(rng.sample(ids, max(1, round(share * len(ids)))))
             for group, ids in by_group.items()}
    ids = [coder_id(session, name) for name in coders]
    session.execute(delete(Assignment).where(col(Assignment.coder_id).in_(ids)))
    now = utcnow()
    session.execute(insert(Assignment), [{"quote_id": q, "coder_id": c, "created_at": now}
                                         for c in ids for quote in drawn.values() for q in quote])
    draw = Draw(seed=seed, per_group={g: len(q) for g, q in drawn.items()})
    events.record(session, coder=by, action="assign", coders=", ".join(coders),
                  share=f"{share:.0%}", seed=seed, quotes=draw.total)
    return draw
