"""Coders are created on first use; `consensus` and `auto` are reserved names."""

from __future__ import annotations

from sqlmodel import Session, select

from qualcode.db.models import Coder


def coder_id(session: Session, name: str) -> int:
    found = session.exec(select(Coder.id).where(Coder.name == name)).first()
    if found is not None:
        return found
    coder = Coder(name=name)
    session.add(coder)
    session.flush()
    assert coder.id is not None
    return coder.id


def coder_names(session: Session) -> list[str]:
    return list(session.exec(select(Coder.name).order_by(Coder.name)).all())
