"""Coders are created on first use; `consensus` and `auto` are reserved names."""

from __future__ import annotations

from typing import TYPE_CHECKING

from qualcode.db.writer import Writer, writer_of
from qualcode.errors import UserError
from qualcode.i18n import _

if TYPE_CHECKING:
    from sqlmodel import Session


def coder_id(source: Writer | Session, name: str) -> int:
    """The coder's id, created on first use even when teammates first use it at once:
    the insert gives way to the row a concurrent transaction committed, which is then
    read.

    On a team server a member writes only as the role they connected as (an
    adjudicator also as `consensus`); saying so here gives one clear line where the
    server's row security would otherwise refuse with a driver error.
    """
    db = writer_of(source)
    if db.postgres:
        _refuse_another_role(db, name)
    found = db.row("SELECT id FROM coder WHERE name = ?", (name,))
    if found is None:
        db.execute("INSERT INTO coder (name) VALUES (?) ON CONFLICT (name) DO NOTHING", (name,))
        found = db.row("SELECT id FROM coder WHERE name = ?", (name,))
    assert found is not None
    return int(found[0])


def _refuse_another_role(db: Writer, name: str) -> None:
    from qualcode.services.team_server import connected_member

    member = connected_member(db.session)
    if member is None:
        return
    allowed = {member.name} | ({"consensus"} if member.role == "adjudicator" else set())
    if member.role == "viewer":
        raise UserError(_("{name!r} is a viewer on this team server: viewers read the "
                          "project but change nothing").format(name=member.name))
    if name not in allowed:
        raise UserError(_("on this team server you are {name!r} (the role you connected as); "
                          "writing as {name2!r} is refused").format(
                            name=member.name, name2=name))
