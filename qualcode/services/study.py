"""Writing a study design into a project (`services.design` reads it back)."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlmodel import Session, select

from qualcode.db.ensure import get_or_create
from qualcode.db.models import Dimension, Group, GroupLevel, Level, Meta, Participant, Study
from qualcode.domain.study import ParticipantSpec, StudySpec
from qualcode.errors import UserError
from qualcode.i18n import _
from qualcode.services.design import load_design


@dataclass
class DesignChanges:
    """What a study file added to the project's design."""

    groups: list[str] = field(default_factory=list)
    levels: list[str] = field(default_factory=list)
    participants: int = 0

    def line(self) -> str:
        parts = [
            _("{count} groups added").format(count=len(self.groups))
            + (f" ({', '.join(self.groups)})" if self.groups else ""),
            _("{count} levels added").format(count=len(self.levels))
            + (f" ({', '.join(self.levels)})" if self.levels else ""),
            _("{participants} participants added").format(participants=self.participants),
        ]
        return ", ".join(parts)


def apply_study(session: Session, spec: StudySpec) -> DesignChanges:
    """Store the design, or add to the one the project has: new groups, new levels of
    its dimensions, new participants. Nothing is removed or renamed (quotes may hang on
    it); a dimension the project lacks cannot be added to groups that exist."""
    changes = DesignChanges()
    study = session.exec(select(Study)).first()
    if study is None:
        session.add(Study(title=spec.title, attributes=spec.attributes))
    elif study.title != spec.title:
        raise UserError(_("the study file is for {title!r}; this project is {title2!r}").format(
                            title=spec.title, title2=study.title))
    dims = {d.name: d for d in session.exec(select(Dimension)).all()}
    if dims and set(spec.dimensions) != set(dims):
        raise UserError(_("the study file's dimensions ({given}) differ from the project's "
                          "({kept}); dimensions cannot be added or removed").format(
                            given=', '.join(spec.dimensions), kept=', '.join(dims)))
    level_ids: dict[tuple[str, str], int] = {}
    dim_ids: dict[str, int] = {}
    for dpos, (dname, levels) in enumerate(spec.dimensions.items()):
        dim = dims.get(dname)
        if dim is None:
            dim = Dimension(name=dname, position=dpos)
            session.add(dim)
            session.flush()
        assert dim.id is not None
        dim_ids[dname] = dim.id
        have = {lv.name: lv for lv in session.exec(
            select(Level).where(Level.dimension_id == dim.id)).all()}
        for lpos, lname in enumerate(levels):
            level = have.get(lname)
            if level is None:
                level = Level(dimension_id=dim.id, name=lname, position=len(have) + lpos)
                session.add(level)
                session.flush()
                if dims:
                    changes.levels.append(f"{dname} {lname}")
            assert level.id is not None
            level_ids[(dname, lname)] = level.id
    existing = {g.name: g for g in session.exec(select(Group)).all()}
    for gspec in spec.groups:
        group = existing.get(gspec.name)
        if group is None:
            group = Group(name=gspec.name, position=len(existing), attributes=gspec.attributes)
            session.add(group)
            session.flush()
            existing[gspec.name] = group
            changes.groups.append(gspec.name)
            assert group.id is not None
            for dname, lname in gspec.levels.items():
                session.add(GroupLevel(group_id=group.id, dimension_id=dim_ids[dname],
                                       level_id=level_ids[(dname, lname)]))
        assert group.id is not None
        changes.participants += add_roster(session, group.id, gspec.participants)
    session.flush()
    return changes


def add_roster(session: Session, group_id: int, roster: list[ParticipantSpec]) -> int:
    """The study's participants of a group, created if new; how many were. The group is
    then known to have a roster: imports match labels to it and report the others."""
    if not roster:
        return 0
    from qualcode.importers.base import is_moderator_label

    have = {p.label for p in session.exec(
        select(Participant).where(Participant.group_id == group_id)).all()}
    added = 0
    for person in roster:
        if person.label not in have:
            session.add(Participant(group_id=group_id, label=person.label,
                                    is_moderator=is_moderator_label(person.label),
                                    attributes=dict(person.attributes)))
            added += 1
    key = f"{ROSTER}{group_id}"
    if session.get(Meta, key) is None:
        session.add(Meta(key=key, value="listed by the study file"))
    session.flush()
    return added


ROSTER = "roster:"
"""Meta key prefix of the groups whose participants the study file lists."""


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
