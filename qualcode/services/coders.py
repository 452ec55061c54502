"""Coders are created on first use; `consensus` and `auto` are reserved names."""

from __future__ import annotations

from sqlmodel import Session, select

from qualcode.db.ensure import get_or_create
from qualcode.db.models import Coder
from qualcode.errors import UserError
from qualcode.i18n import _


def coder_id(session: Session, name: str) -> int:
    """The coder's id, created on first use even when teammates first use it at once.

    On a team server a member writes only as the role they connected as (an
    adjudicator also as `consensus`); saying so here gives one clear line where the
    server's row security would otherwise refuse with a driver error.
    """
    from qualcode.services.team_server import connected_member

    member = connected_member(session)
    if member is not None:
        allowed = {member.name} | ({"consensus"} if member.role == "adjudicator" else set())
        if member.role == "viewer":
            raise UserError(_("{name!r} is a viewer on this team server: viewers read the "
                              "project but change nothing").format(name=member.name))
        if name not in allowed:
            raise UserError(_("on this team server you are {name!r} (the role you connected as); "
                              "writing as {name2!r} is refused").format(
                                name=member.name, name2=name))
    return get_or_create(
        session,
        lambda: session.exec(select(Coder.id).where(Coder.name == name)).first(),
        lambda: Coder(name=name))


def coder_names(session: Session) -> list[str]:
    return list(session.exec(select(Coder.name).order_by(Coder.name)).all())
