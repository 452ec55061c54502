"""The study design file (TOML): dimensions with ordered levels, and the groups.

Parsed into plain records, checked as a whole, and only then written: a bad file
gives one line naming the file and line and leaves the project untouched. The records
are NamedTuples, not dataclasses: `import` names them (`services.study`) without
reading a study, and `dataclasses` costs 8 ms of its start-up (it imports `inspect`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NamedTuple

from qualcode.errors import UserError, toml_error
from qualcode.i18n import _


class ParticipantSpec(NamedTuple):
    """A participant the study file lists in a group's roster. Read, never changed, as
    every record here: a default `{}` is the one dict every record left without shares."""

    label: str
    attributes: dict[str, Any] = {}


class GroupSpec(NamedTuple):
    """A group of the study, its level of each dimension, and its attributes."""

    name: str
    levels: dict[str, str]
    attributes: dict[str, Any] = {}
    participants: Sequence[ParticipantSpec] = ()
    """The group's roster, when the study lists it: transcript labels are matched to it."""


class StudySpec(NamedTuple):
    """The whole study file, checked: what `services.study` writes into a project."""

    title: str
    attributes: dict[str, Any]
    dimensions: dict[str, list[str]]
    groups: list[GroupSpec]


def _plain(value: Any) -> Any:
    """TOML dates and times become ISO strings so they store as JSON anywhere."""
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def _line_of(text: str, needle: str) -> int | None:
    for number, line in enumerate(text.splitlines(), start=1):
        if needle in line:
            return number
    return None


def load_study(path: Path) -> StudySpec:
    import tomllib  # 6 ms: only a command that reads a study file pays for it

    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise UserError(
            _("cannot read the study file: {strerror}").format(strerror=exc.strerror),
            path=str(path),
        ) from None
    try:
        text = raw.decode("utf-8-sig")
        data = tomllib.loads(text)
    except UnicodeDecodeError:
        raise UserError(_("the study file is not UTF-8 text"), path=str(path)) from None
    except tomllib.TOMLDecodeError as exc:
        raise toml_error(exc, str(path)) from None
    return parse_study(data, text, str(path))


def parse_study(data: dict[str, Any], text: str, where: str) -> StudySpec:
    def fail(message: str, needle: str | None = None) -> UserError:
        return UserError(message, path=where, line=_line_of(text, needle) if needle else None)

    study = data.get("study", {})
    if not isinstance(study, dict):
        raise fail(_("[study] must be a table"), "study")
    title = study.get("title")
    if not isinstance(title, str) or not title.strip():
        raise fail("[study] needs a title", "[study]")
    dims = data.get("dimensions", {})
    if not isinstance(dims, dict):
        raise fail(_("[dimensions] must be a table of name = [levels]"), "dimensions")
    dimensions: dict[str, list[str]] = {}
    for name, levels in dims.items():
        ok = isinstance(levels, list) and levels and all(isinstance(v, str) and v for v in levels)
        if not ok:
            raise fail(
                _("dimension {name!r} needs a list of level names").format(name=name), f"{name}"
            )
        if len(set(levels)) != len(levels):
            raise fail(f"dimension {name!r} repeats a level", f"{name}")
        dimensions[name] = list(levels)
    groups_raw = data.get("groups", [])
    if not isinstance(groups_raw, list):
        raise fail(_("[[groups]] must be an array of tables"), "groups")
    groups: list[GroupSpec] = []
    seen: set[str] = set()
    for entry in groups_raw:
        if not isinstance(entry, dict):
            raise fail(_("each [[groups]] entry must be a table"), "[[groups]]")
        name = entry.get("name")
        if not isinstance(name, str) or not name.strip():
            raise fail(_("a [[groups]] entry has no name"), "[[groups]]")
        if name in seen:
            raise fail(_("group {name!r} is defined twice").format(name=name), f'"{name}"')
        seen.add(name)
        cell: dict[str, str] = {}
        for dim, allowed in dimensions.items():
            value = entry.get(dim)
            if value is None:
                raise fail(_("group {name!r} has no value for dimension {dim!r}").format(
                               name=name, dim=dim), f'"{name}"')
            if value not in allowed:
                raise fail(
                    _("group {name!r}: {value!r} is not a level of {dim!r} ({items})").format(
                        name=name, value=value, dim=dim, items=', '.join(allowed)),
                    f'"{value}"',
                )
            cell[dim] = value
        roster = _participants(entry.get("participants", []), name, fail)
        attributes = {k: _plain(v) for k, v in entry.items()
                      if k not in ("name", "participants") and k not in dimensions}
        groups.append(GroupSpec(name=name, levels=cell, attributes=attributes,
                                participants=roster))
    attributes = {k: _plain(v) for k, v in study.items() if k != "title"}
    return StudySpec(title=title, attributes=attributes, dimensions=dimensions, groups=groups)


def _participants(raw: Any, group: str, fail: Any) -> list[ParticipantSpec]:
    if not isinstance(raw, list) or not all(isinstance(p, dict) for p in raw):
        raise fail(
            _("group {group!r}: [[groups.participants]] must be tables").format(group=group),
            "participants",
        )
    out: list[ParticipantSpec] = []
    seen: set[str] = set()
    for entry in raw:
        label = entry.get("label")
        if not isinstance(label, str) or not label.strip():
            raise fail(
                _("group {group!r}: a participant has no label").format(group=group),
                "[[groups.participants]]",
            )
        if label in seen:
            raise fail(_("group {group!r}: participant {label!r} is listed twice").format(
                           group=group, label=label), f'"{label}"')
        seen.add(label)
        out.append(ParticipantSpec(label=label.strip(), attributes={
            k: _plain(v) for k, v in entry.items() if k != "label"}))
    return out
