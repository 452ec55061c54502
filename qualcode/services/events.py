"""The append-only journal: every user action leaves one event, in its own transaction."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import text as sql
from sqlmodel import Session, col, select

from qualcode.config import masked
from qualcode.db.models import Event

CHANGES_CHANNEL = "qualcode_changes"
"""The PostgreSQL channel each committed action notifies (see services.live)."""


def record(session: Session, *, coder: str, action: str, undoes: int | None = None,
           **payload: Any) -> Event:
    payload = {k: masked(v) if isinstance(v, str) else v for k, v in payload.items()}
    event = Event(coder=coder, action=action, payload=payload, undoes=undoes)
    session.add(event)
    session.flush()
    if session.get_bind().dialect.name == "postgresql":
        # Delivered at commit, never for a rolled-back action: open workbenches reload.
        session.execute(sql(f"NOTIFY {CHANGES_CHANNEL}"))
    return event


def history(session: Session, *, coder: str | None = None, since: datetime | None = None,
            limit: int | None = None) -> list[Event]:
    query = select(Event).order_by(col(Event.id))
    if coder is not None:
        query = query.where(Event.coder == coder)
    if since is not None:
        query = query.where(col(Event.at) >= since)
    if limit is not None:
        query = query.order_by(None).order_by(col(Event.id).desc()).limit(limit)
        return list(reversed(session.exec(query).all()))
    return list(session.exec(query).all())
