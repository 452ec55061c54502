"""Where each coder left the workbench (the quote and the filters), so that it reopens
there: a study is coded over weeks, a few hundred quotes a sitting.

Kept in the project's `meta` table, one row a coder, as JSON; a place that no longer
makes sense (a quote deleted, a code merged) is simply not restored.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session

from qualcode.db.models import Meta

PLACE = "workbench.place:"


@dataclass(frozen=True)
class Place:
    quote_id: int | None = None
    criteria: list[dict[str, Any]] = field(default_factory=list)
    """Each filter as its fields (kind, value, label, dimension)."""


def save_place(session: Session, coder: str, place: Place) -> None:
    value = json.dumps({"quote_id": place.quote_id, "criteria": place.criteria},
                       ensure_ascii=False)
    row = session.get(Meta, PLACE + coder)
    if row is None:
        session.add(Meta(key=PLACE + coder, value=value))
    elif row.value != value:
        row.value = value
        session.add(row)


def load_place(session: Session, coder: str) -> Place:
    row = session.get(Meta, PLACE + coder)
    if row is None:
        return Place()
    try:
        data = json.loads(row.value)
        quote_id = data.get("quote_id")
        criteria = [c for c in data.get("criteria", []) if isinstance(c, dict)]
    except (ValueError, AttributeError):
        return Place()  # written by a later version, or damaged: start at the top
    return Place(quote_id if isinstance(quote_id, int) else None, criteria)
