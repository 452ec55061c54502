"""Writing a study design into a project (`services.design` reads it back)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from qualcode.db.writer import Writer, writer_of
from qualcode.errors import UserError
from qualcode.i18n import _

if TYPE_CHECKING:
    from sqlmodel import Session

    from qualcode.domain.study import ParticipantSpec, StudySpec


class DesignChanges:
    """What a study file added to the project's design. A plain class, not a dataclass:
    `import` loads this module (`ensure_group`), and `dataclasses` costs 8 ms of its
    start-up (it imports `inspect`)."""

    __slots__ = ("groups", "levels", "participants")

    def __init__(self, groups: list[str] | None = None, levels: list[str] | None = None,
                 participants: int = 0) -> None:
        self.groups: list[str] = [] if groups is None else groups
        self.levels: list[str] = [] if levels is None else levels
        self.participants = participants

    def line(self) -> str:
        parts = [
            _("{count} groups added").format(count=len(self.groups))
            + (f" ({', '.join(self.groups)})" if self.groups else ""),
            _("{count} levels added").format(count=len(self.levels))
            + (f" ({', '.join(self.levels)})" if self.levels else ""),
            _("{participants} participants added").format(participants=self.participants),
        ]
        return ", ".join(parts)


def apply_study(source: Writer | Session, spec: StudySpec) -> DesignChanges:
    """Store the design, or add to the one the project has: new groups, new levels of
    its dimensions, new participants. Nothing is removed or renamed (quotes may hang on
    it); a dimension the project lacks cannot be added to groups that exist."""
    db = writer_of(source)
    changes = DesignChanges()
    study = db.row("SELECT title FROM study ORDER BY id LIMIT 1")
    if study is None:
        db.execute("INSERT INTO study (title, attributes) VALUES (?, ?)",
                   (spec.title, db.json(spec.attributes)))
    elif study[0] != spec.title:
        raise UserError(_("the study file is for {title!r}; this project is {title2!r}").format(
                            title=spec.title, title2=study[0]))
    dims: dict[str, int] = dict(db.rows("SELECT name, id FROM dimension ORDER BY id"))
    if dims and set(spec.dimensions) != set(dims):
        raise UserError(_("the study file's dimensions ({given}) differ from the project's "
                          "({kept}); dimensions cannot be added or removed").format(
                            given=', '.join(spec.dimensions), kept=', '.join(dims)))
    level_ids: dict[tuple[str, str], int] = {}
    dim_ids: dict[str, int] = {}
    for dpos, (dname, levels) in enumerate(spec.dimensions.items()):
        dim_id = dims.get(dname)
        if dim_id is None:
            dim_id = db.insert("INSERT INTO dimension (name, position) VALUES (?, ?)",
                               (dname, dpos))
        dim_ids[dname] = dim_id
        have: dict[str, int] = dict(db.rows(
            "SELECT name, id FROM level WHERE dimension_id = ?", (dim_id,)))
        for lpos, lname in enumerate(levels):
            level_id = have.get(lname)
            if level_id is None:
                level_id = db.insert(
                    "INSERT INTO level (dimension_id, name, position) VALUES (?, ?, ?)",
                    (dim_id, lname, len(have) + lpos))
                if dims:
                    changes.levels.append(f"{dname} {lname}")
            level_ids[(dname, lname)] = level_id
    existing: dict[str, int] = dict(db.rows("SELECT name, id FROM study_group ORDER BY id"))
    for gspec in spec.groups:
        group_id = existing.get(gspec.name)
        if group_id is None:
            group_id = db.insert(
                "INSERT INTO study_group (name, position, attributes) VALUES (?, ?, ?)",
                (gspec.name, len(existing), db.json(gspec.attributes)))
            existing[gspec.name] = group_id
            changes.groups.append(gspec.name)
            db.executemany(
                "INSERT INTO group_level (group_id, dimension_id, level_id) VALUES (?, ?, ?)",
                [(group_id, dim_ids[dname], level_ids[(dname, lname)])
                 for dname, lname in gspec.levels.items()])
        changes.participants += add_roster(db, group_id, gspec.participants)
    return changes


def add_roster(db: Writer, group_id: int, roster: Sequence[ParticipantSpec]) -> int:
    """The study's participants of a group, created if new; how many were. The group is
    then known to have a roster: imports match labels to it and report the others."""
    if not roster:
        return 0
    from qualcode.importers.moderators import is_moderator_label

    have = {label for label, in db.rows(
        "SELECT label FROM participant WHERE group_id = ?", (group_id,))}
    added = [(group_id, person.label, is_moderator_label(person.label),
              db.json(dict(person.attributes)))
             for person in roster if person.label not in have]
    db.executemany("INSERT INTO participant (group_id, label, is_moderator, attributes) "
                   "VALUES (?, ?, ?, ?)", added)
    key = f"{ROSTER}{group_id}"
    if db.row('SELECT 1 FROM meta WHERE "key" = ?', (key,)) is None:
        db.execute('INSERT INTO meta ("key", value) VALUES (?, ?)',
                   (key, "listed by the study file"))
    return len(added)


ROSTER = "roster:"
"""Meta key prefix of the groups whose participants the study file lists."""


def ensure_group(source: Writer | Session, name: str) -> int:
    """A group named by an import; created outside the design when the project has none.
    Teammates first naming the same group at once each get the one row: the insert gives
    way to the row a concurrent transaction committed, which is then read."""
    db = writer_of(source)
    found = db.row("SELECT id FROM study_group WHERE name = ?", (name,))
    if found is not None:
        return int(found[0])
    if db.row("SELECT id FROM dimension LIMIT 1") is not None:
        from qualcode.services.design import load_design  # only for a group not found

        load_design(db).group(name)  # raises the "unknown group" error with the known names
    (count,) = db.row("SELECT count(*) FROM study_group") or (0,)
    db.execute("INSERT INTO study_group (name, position, attributes) VALUES (?, ?, ?) "
               "ON CONFLICT (name) DO NOTHING", (name, count, db.json({})))
    (made,) = db.row("SELECT id FROM study_group WHERE name = ?", (name,)) or (None,)
    return int(made)
