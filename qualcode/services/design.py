"""The study design as reports read it: dimensions, their levels, and each group's cell.

Plain SQL through a `Reader`, so `report` reads it without SQLAlchemy and the
workbench and the services through their Session, with the same queries.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NamedTuple

from qualcode.db.reader import Reader, json_value, reader_of
from qualcode.errors import UserError
from qualcode.i18n import _

if TYPE_CHECKING:
    from sqlmodel import Session


class GroupInfo(NamedTuple):
    id: int
    name: str
    levels: dict[str, str]
    attributes: dict[str, Any]


class Design(NamedTuple):
    title: str
    dimensions: dict[str, list[str]]
    groups: list[GroupInfo]

    def group(self, name: str) -> GroupInfo:
        for group in self.groups:
            if group.name == name:
                return group
        known = ", ".join(g.name for g in self.groups) or _("none yet")
        raise UserError(_("unknown group {name!r} (groups: {known})").format(
                            name=name, known=known))


def load_design(source: Reader | Session) -> Design:
    db = reader_of(source)
    study = db.row("SELECT title FROM study ORDER BY id LIMIT 1")
    dims = db.rows("SELECT id, name FROM dimension ORDER BY position, id")
    levels = db.rows("SELECT id, dimension_id, name FROM level ORDER BY position, id")
    by_dim: dict[int, list[str]] = {}
    for _lid, dim_id, name in levels:
        by_dim.setdefault(dim_id, []).append(name)
    dimensions = {name: by_dim.get(did, []) for did, name in dims}
    dim_name = dict(dims)
    level_name = {lid: name for lid, _did, name in levels}
    cells: dict[int, dict[str, str]] = {}
    for gid, did, lid in db.rows("SELECT group_id, dimension_id, level_id FROM group_level"):
        cells.setdefault(gid, {})[dim_name[did]] = level_name[lid]
    groups = [
        GroupInfo(id=gid, name=name,
                  levels={d: cells[gid][d] for d in dimensions if d in cells.get(gid, {})},
                  attributes=dict(json_value(attributes) or {}))
        for gid, name, attributes in db.rows(
            "SELECT id, name, attributes FROM study_group ORDER BY position, id")
    ]
    return Design(title=study[0] if study else "", dimensions=dimensions, groups=groups)


def study_language(source: Reader | Session) -> str | None:
    """The study file's `language` ("fr", "en"…), if it says: the language its
    transcripts are stemmed in for search and suggestions."""
    found = reader_of(source).row("SELECT attributes FROM study ORDER BY id LIMIT 1")
    language = (json_value(found[0]) or {}).get("language") if found else None
    return str(language) if language else None
