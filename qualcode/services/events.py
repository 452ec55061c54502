"""The append-only journal: every user action leaves one event, in its own transaction."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from qualcode.config import masked
from qualcode.db.writer import Writer, writer_of

if TYPE_CHECKING:
    from sqlmodel import Session

    from qualcode.db.models import Event

CHANGES_CHANNEL = "qualcode_changes"
"""The PostgreSQL channel each committed action notifies (see services.live)."""


def record(source: Writer | Session, /, *, coder: str, action: str, undoes: int | None = None,
           **payload: Any) -> int:
    """Journal one action in the caller's transaction; the event's id (what undo names)."""
    db = writer_of(source)
    payload = {k: masked(v) if isinstance(v, str) else v for k, v in payload.items()}
    event_id = db.insert(
        "INSERT INTO event (at, coder, action, payload, undoes) VALUES (?, ?, ?, ?, ?)",
        (db.now(), coder, action, db.json(payload), undoes))
    if db.postgres:
        # Delivered at commit, never for a rolled-back action: open workbenches reload.
        db.execute(f"NOTIFY {CHANGES_CHANNEL}")
    return event_id


def history(session: Session, *, coder: str | None = None, since: datetime | None = None,
            limit: int | None = None) -> list[Event]:
    from sqlmodel import col, select

    from qualcode.db.models import Event

    query = select(Event).order_by(col(Event.id))
    if coder is not None:
        query = query.where(Event.coder == coder)
    if since is not None:
        query = query.where(col(Event.at) >= since)
    if limit is not None:
        query = query.order_by(None).order_by(col(Event.id).desc()).limit(limit)
        return list(reversed(session.exec(query).all()))
    return list(session.exec(query).all())
