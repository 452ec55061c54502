"""Writing a study design into a project, and reading the design back for reports."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session, col, select

from qualcode.db.ensure import get_or_create
from qualcode.db.models import Dimension, Group, GroupLevel, Level, Study
from qualcode.domain.study import StudySpec
from qualcode.errors import UserError


@dataclass(frozen=True)
class GroupInfo:
    id: int
    name: str
    levels: dict[str, str]
    attributes: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Design:
    title: str
    dimensions: dict[str, list[str]]
    groups: list[GroupInfo]

    def group(self, name: str) -> GroupInfo:
        for group in self.groups:
            if group.name == name:
                return group
        known = ", ".join(g.name for g in self.groups) or "none yet"
        raise UserError(f"unknown group {name!r} (groups: {known})")


def apply_study(session: Session, spec: StudySpec) -> None:
    """Store the design; only on a project without one (a design is not edited in place)."""
    if session.exec(select(Study)).first() is not None:
        raise UserError("this project already has a study design")
    session.add(Study(title=spec.title, attributes=spec.attributes))
    level_ids: dict[tuple[str, str], int] = {}
    dim_ids: dict[str, int] = {}
    for dpos, (dname, levels) in enumerate(spec.dimensions.items()):
        dim = Dimension(name=dname, position=dpos)
        session.add(dim)
        session.flush()
        assert dim.id is not None
        dim_ids[dname] = dim.id
        for lpos, lname in enumerate(levels):
            level = Level(dimension_id=dim.id, name=lname, position=lpos)
            session.add(level)
            session.flush()
            assert level.id is not None
            level_ids[(dname, lname)] = level.id
    for gpos, gspec in enumerate(spec.groups):
        group = Group(name=gspec.name, position=gpos, attributes=gspec.attributes)
        session.add(group)
        session.flush()
        assert group.id is not None
        for dname, lname in gspec.levels.items():
            session.add(GroupLevel(group_id=group.id, dimension_id=dim_ids[dname],
                                   level_id=level_ids[(dname, lname)]))
    session.flush()


def ensure_group(session: Session, name: str) -> int:
    """A group named by an import; created outside the design when the project has none."""
    found = session.exec(select(Group.id).where(Group.name == name)).first()
    if found is not None:
        return found
    if session.exec(select(Dimension.id)).first() is not None:
        design = load_design(session)
        design.group(name)  # raises the "unknown group" error with the known names
    return get_or_create(
        session,
        lambda: session.exec(select(Group.id).where(Group.name == name)).first(),
        lambda: Group(name=name, position=len(session.exec(select(Group.id)).all())))


def load_design(session: Session) -> Design:
    study = session.exec(select(Study)).first()
    dims = session.exec(select(Dimension).order_by(col(Dimension.position))).all()
    levels = session.exec(select(Level).order_by(col(Level.position))).all()
    by_dim: dict[int, list[Level]] = {}
    for level in levels:
        by_dim.setdefault(level.dimension_id, []).append(level)
    dimensions = {d.name: [lv.name for lv in by_dim.get(d.id or 0, [])] for d in dims}
    dim_name = {d.id: d.name for d in dims}
    level_name = {lv.id: lv.name for lv in levels}
    cells: dict[int, dict[str, str]] = {}
    for gl in session.exec(select(GroupLevel)).all():
        cells.setdefault(gl.group_id, {})[dim_name[gl.dimension_id]] = level_name[gl.level_id]
    groups = [
        GroupInfo(
            id=g.id or 0,
            name=g.name,
            levels={d: cells.get(g.id or 0, {}).get(d, "") for d in dimensions
                    if d in cells.get(g.id or 0, {})},
            attributes=dict(g.attributes),
        )
        for g in session.exec(select(Group).order_by(col(Group.position), col(Group.id))).all()
    ]
    return Design(title=study.title if study else "", dimensions=dimensions, groups=groups)
