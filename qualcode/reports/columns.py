"""Which column of the report each participant's quotes fall in: their group (the design),
or the value of an attribute (`report --by`), with `--where` leaving some participants out.

An attribute is looked up on the participants first (the study file's roster, a quote
table's extra columns), else on their groups (the design's levels, then the study file's
group attributes), so `--by caregiver` and `--by city` read the same way. Columns are
partitions of the participants, so a column's distinct counts are sums of its members'
(the level totals rely on the same property for groups).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NamedTuple

from qualcode.db.reader import Reader, json_value, reader_of
from qualcode.errors import UserError
from qualcode.i18n import _
from qualcode.services.design import Design

if TYPE_CHECKING:
    from sqlmodel import Session

NONE = "(none)"
"""The column of participants who have no value for the `--by` attribute."""


class Columns(NamedTuple):
    """The report's columns in order, and who falls in which."""

    names: list[str]
    attributes: list[dict[str, str]]
    """Per column, what the JSON's `groups` entry gives as its attributes."""
    groups: dict[int, int]
    """Group id → column, when the groups are the columns (else empty)."""
    people: dict[int, int] | None
    """Participant id → column, when that and not the group decides (`--by`, `--where`);
    a participant absent from it is not counted."""
    by: str | None = None


def parse_where(items: list[str] | tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    """`--where ATTR=VALUE` arguments as pairs; a malformed one is one clear line."""
    out = []
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name.strip() or not value.strip():
            raise UserError(_("--where takes ATTRIBUTE=VALUE, not {item!r}").format(item=item))
        out.append((name.strip(), value.strip()))
    return tuple(out)


def text(value: Any) -> str | None:
    """An attribute's value as the report shows it; None when there is none."""
    if value is None or value == "" or value == []:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


class _People:
    """Every participant's own attributes and their group's, read once."""

    def __init__(self, source: Reader | Session, design: Design) -> None:
        self.design = design
        self.group_of: dict[int, int] = {}
        self.own: dict[int, dict[str, Any]] = {}
        self.moderators: set[int] = set()
        for pid, gid, moderator, attributes in reader_of(source).rows(
                "SELECT id, group_id, is_moderator, attributes FROM participant"):
            self.group_of[int(pid)] = int(gid)
            self.own[int(pid)] = dict(json_value(attributes) or {})
            if moderator:
                self.moderators.add(int(pid))
        self.of_group = {g.id: {**g.levels, **g.attributes} for g in design.groups}

    def kind(self, name: str) -> str:
        """`participant` or `group`, whichever carries the attribute; else one clear line."""
        if any(name in a for a in self.own.values()):
            return "participant"
        if any(name in a for a in self.of_group.values()):
            return "group"
        mine = sorted({k for a in self.own.values() for k in a})
        theirs = sorted({k for a in self.of_group.values() for k in a})
        raise UserError(_("unknown attribute {name!r} (participants: {mine}; groups: {theirs})"
                          ).format(name=name, mine=", ".join(mine) or _("none"),
                                   theirs=", ".join(theirs) or _("none")))

    def values(self, name: str) -> dict[int, str]:
        """Participant id → the attribute's value, `(none)` where they have none."""
        kind = self.kind(name)
        out = {}
        for pid, gid in self.group_of.items():
            source = self.own[pid] if kind == "participant" else self.of_group.get(gid, {})
            out[pid] = text(source.get(name)) or NONE
        return out


def participants_where(source: Reader | Session, design: Design,
                       where: tuple[tuple[str, str], ...]) -> set[int]:
    """The ids of the participants `--where` keeps (every one when it says nothing)."""
    return _matching(_People(source, design), where)


def _matching(people: _People, where: tuple[tuple[str, str], ...]) -> set[int]:
    kept = set(people.group_of)
    wanted: dict[str, set[str]] = {}
    for name, value in where:
        wanted.setdefault(name, set()).add(value)
    for name, allowed in wanted.items():
        values = people.values(name)
        unknown = sorted(allowed - set(values.values()))
        if unknown:
            known = ", ".join(sorted(set(values.values())))
            raise UserError(_("no participant has {name} = {value!r} (values: {known})").format(
                name=name, value=unknown[0], known=known))
        kept &= {pid for pid, v in values.items() if v in allowed}
    return kept


def columns(source: Reader | Session, design: Design, by: str | None,
            where: tuple[tuple[str, str], ...] = ()) -> Columns:
    """The report's columns: the design's groups, or the values of `by`; with `where`,
    only the participants matching every attribute named (any of the values given for
    one attribute)."""
    groups = {g.id: i for i, g in enumerate(design.groups)}
    if by is None and not where:
        return Columns([g.name for g in design.groups], [dict(g.levels) for g in design.groups],
                       groups, None)
    people = _People(source, design)
    kept = _matching(people, where)
    if by is None:
        return Columns([g.name for g in design.groups], [dict(g.levels) for g in design.groups],
                       groups, {pid: groups[people.group_of[pid]] for pid in kept
                                if people.group_of[pid] in groups})
    values = people.values(by)
    order = design.dimensions.get(by, [])
    present = {values[pid] for pid in kept - people.moderators}
    names = [v for v in order if v in present] + sorted(
        present - set(order) - {NONE}, key=_natural) + ([NONE] if NONE in present else [])
    index = {v: i for i, v in enumerate(names)}
    return Columns(names, [{by: v} for v in names], {},
                   {pid: index[values[pid]] for pid in kept if values[pid] in index}, by)


def _natural(value: str) -> tuple[Any, ...]:
    """`2` before `10`, then text in its case-folded order."""
    try:
        return (0, float(value), value)
    except ValueError:
        return (1, 0.0, value.casefold())
