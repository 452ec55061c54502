"""A `.qdpx` into a study: `import FILE.qdpx --group G` or `--groups MAP.csv`.

Another tool's project knows nothing of the study's groups: each of its sources would
become a group of its own, which a project with a design refuses. The researcher says
where the sources belong instead: one group for all (`--group`), or one per source
(`--groups`, a CSV `source,group`, a source named as in the file, with or without its
extension). The plan is rewritten before anything is written: quotes and speakers move
to the chosen group, and the file's own groups, design and group attributes are left
out (the project keeps its own), which the import report says.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path, PurePath
from typing import Any

from qualcode.errors import UserError
from qualcode.exchange.qdpx_import import Key, PGroup, Plan
from qualcode.i18n import _


def load_group_map(path: Path) -> dict[str, str]:
    """The `source,group` CSV; every problem is one line naming the file and line."""
    try:
        raw = path.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        raise UserError(
            _("cannot read the group map: {strerror}").format(strerror=exc.strerror), path=str(path)
        ) from None
    except UnicodeDecodeError:
        raise UserError(_("the group map is not UTF-8 text"), path=str(path)) from None
    reader = csv.reader(io.StringIO(raw, newline=""))
    found: dict[str, str] = {}
    try:
        header = [h.strip().casefold() for h in next(reader, [])]
        if header != ["source", "group"]:
            raise UserError(_("the group map's header must be `source,group`"), path=str(path),
                            line=1)
        for record in reader:
            if not any(cell.strip() for cell in record):
                continue
            if len(record) != 2 or not all(cell.strip() for cell in record):
                raise UserError(_("expected a source and its group (source,group)"),
                                path=str(path), line=reader.line_num)
            source, group = (cell.strip() for cell in record)
            if source in found and found[source] != group:
                raise UserError(_("source {source!r} is already mapped to {found!r}").format(
                                    source=source, found=found[source]),
                                path=str(path), line=reader.line_num)
            found[source] = group
    except csv.Error as exc:
        raise UserError(
            _("malformed CSV: {exc}").format(exc=exc), path=str(path), line=reader.line_num
        ) from None
    if not found:
        raise UserError(_("the group map names no source"), path=str(path))
    return found


def regroup(plan: Plan, *, group: str | None = None, mapping: dict[str, str] | None = None,
            map_path: str = "") -> None:
    """Every source of `plan` into `group`, or into its group in `mapping`."""

    def target(name: str) -> str | None:
        if group is not None:
            return group
        assert mapping is not None
        return mapping.get(name, mapping.get(PurePath(name).stem))

    missing = [s.name for s in plan.sources if target(s.name) is None]
    if missing:
        more = f" (and {len(missing) - 1} more)" if len(missing) > 1 else ""
        raise UserError(_("the group map names no group for source {missing!r}{more}").format(
                            missing=missing[0], more=more),
                        path=map_path or None)
    if mapping is not None:
        names = {s.name for s in plan.sources} | {PurePath(s.name).stem for s in plan.sources}
        unused = [k for k in mapping if k not in names]
        if unused:
            plan.skipped.append(_("warning: the group map names {count} source(s) the file does "
                                  "not hold, e.g. {unused!r}").format(
                                    count=len(unused), unused=unused[0]))
    moved: dict[str, str] = {}  # the file's group → the chosen one
    for source in plan.sources:
        chosen = target(source.name) or ""
        if source.group is not None:  # a quote table (ours) spans groups: none of its own
            moved.setdefault(source.group, chosen)
            source.group = chosen
        for quote in source.quotes:
            moved.setdefault(quote.speaker[0], chosen)
            quote.speaker = (chosen, quote.speaker[1])
    participants: dict[Key, tuple[bool, dict[str, Any]]] = {}
    for (old, label), info in plan.participants.items():
        new = moved.get(old, group)
        if new is not None:
            participants.setdefault((new, label), info)
    plan.participants = participants
    left = sorted(g for g in plan.groups if g not in moved.values())
    design = bool(plan.dimensions or plan.study)
    if left or design:
        what = ([f"groups ({', '.join(left[:3])}{'…' if len(left) > 3 else ''})"] if left
                else []) + (["design"] if design else [])
        plan.skipped.append(
            _("note: the file's {items} left out: its sources went to {groups}").format(
                items=" and ".join(what),
                groups=", ".join(sorted(set(moved.values()) or {group or ""})),
            )
        )
    plan.groups = {g: PGroup(g) for g in dict.fromkeys(moved.values())}
    plan.dimensions = {}
    plan.study = None
