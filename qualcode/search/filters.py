"""Which quotes a search may return: by group, design level, code and coder.

The answer is a set of quote ids handed to `SearchIndex.search(within=…)`, so the
index stays the same whatever the filter.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from qualcode.db.reader import Reader, reader_of
from qualcode.errors import UserError
from qualcode.i18n import _
from qualcode.services.design import Design, load_design
from qualcode.services.quotes import QuoteFilter, list_quotes

if TYPE_CHECKING:
    from sqlmodel import Session


@dataclass(frozen=True)
class SearchFilter:
    group: str | None = None
    levels: tuple[str, ...] = ()
    """Design levels, as `dimension=level` (`age=60+`) or a level alone (`CSP-`)."""
    code: str | None = None
    coder: str | None = None

    @property
    def empty(self) -> bool:
        return self == SearchFilter()


def _groups_at(design: Design, wanted: str) -> set[str]:
    dimension, sep, level = wanted.partition("=")
    dimension, level = dimension.strip(), level.strip()
    if not sep:
        dimension, level = "", wanted.strip()
    dims = [d for d in design.dimensions if not dimension or d == dimension]
    if dimension and not dims:
        raise UserError(_("unknown dimension {dimension!r} (dimensions: {value})").format(
                            dimension=dimension, value=', '.join(design.dimensions) or 'none'))
    if not any(level in design.dimensions[d] for d in dims):
        known = ", ".join(f"{d}={lv}" for d in dims for lv in design.dimensions[d])
        raise UserError(_("unknown level {wanted!r} (levels: {value})").format(
                            wanted=wanted, value=known or 'none'))
    return {g.name for g in design.groups if any(g.levels.get(d) == level for d in dims)}


def quote_ids(source: Reader | Session, flt: SearchFilter) -> set[int] | None:
    """The quotes the filter lets through; None when there is no filter."""
    if flt.empty:
        return None
    reader = reader_of(source)
    ids: set[int] | None = None
    design = load_design(reader)
    if flt.group:
        design.group(flt.group)  # an unknown group is an error, not an empty result
    if flt.group or flt.code or flt.coder:
        views = list_quotes(reader, QuoteFilter(group=flt.group, code=flt.code,
                                                 coder=flt.coder))
        ids = {v.id for v in views}
    if flt.levels:
        groups: set[str] | None = None
        for wanted in flt.levels:
            at = _groups_at(design, wanted)
            groups = at if groups is None else groups & at
        names = sorted(groups or ())
        in_levels = {int(qid) for (qid,) in reader.rows(
            "SELECT q.id FROM quote q JOIN study_group g ON g.id = q.group_id "
            f"WHERE g.name IN ({', '.join(['?'] * len(names))})", names)} if names else set()
        ids = in_levels if ids is None else ids & in_levels
    return ids
