"""Coders are created on first use; `consensus` and `auto` are reserved names."""

from __future__ import annotations

from sqlmodel import Session, select

from qualcode.db.ensure import get_or_create
from qualcode.db.models import Coder


def coder_id(session: Session, name: str) -> int:
    """The coder's id, created on first use even when teammates first use it at once."""
    return get_or_create(
        session,
        lambda: session.exec(select(Coder.id).where(Coder.name == name)).first(),
        lambda: Coder(name=name))


def coder_names(session: Session) -> list[str]:
    return list(session.exec(select(Coder.name).order_by(Coder.name)).all())
