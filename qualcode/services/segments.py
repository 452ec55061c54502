"""Coded-segment retrieval: every coding as one row, with who said it and in which cell.

This is what QDA tools call retrieval and what a synthesis is written from: the words
that carry a code (a segment's, or the whole quote's), with the group's design cell and
attributes and the participant's attributes beside them, so a researcher can sort and
filter in a spreadsheet. Rows follow the codebook tree, then transcript order.

A densely coded project has a million codings: the rows are streamed, one code at a
time in tree order, each query sorted by the database, so neither the rows nor their
texts are ever all in memory. The columns are known before the first row: the design's
and every participant's attribute names (the same columns whatever the filters, so
exports of one project line up).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, NamedTuple

from qualcode.db.reader import Reader, json_value, reader_of
from qualcode.errors import UserError
from qualcode.i18n import _
from qualcode.services.code_tree import CodeNode, code_tree, resolve_codes, subtree
from qualcode.services.design import load_design

if TYPE_CHECKING:
    from sqlmodel import Session

Row = tuple[Any, ...]


class SegmentTable(NamedTuple):
    columns: list[str]
    rows: Iterator[Row]
    """Each a tuple in `columns` order, read once; `theme` is the top-level code, for
    one sheet per theme."""

    def records(self) -> Iterator[dict[str, Any]]:
        for row in self.rows:
            yield dict(zip(self.columns, row, strict=True))


def segment_rows(source: Reader | Session, *, code: str | None = None, coder: str | None = None,
                 group: str | None = None) -> SegmentTable:
    """The coded segments (optionally of one code's subtree, one coder, one group),
    streamed from an open read: consume `rows` before the read ends."""
    db = reader_of(source)
    tree = code_tree(db)
    codes = tree if code is None else subtree(tree, resolve_codes(db, [code])[0])
    where, params = ["c.code_id = :code"], {}
    if coder is not None:
        if db.row("SELECT 1 FROM coder WHERE name = :n", {"n": coder}) is None:
            raise UserError(_("unknown coder {coder!r}").format(coder=coder))
        where.append("k.name = :coder")
        params["coder"] = coder
    design = load_design(db)
    if group is not None:
        design.group(group)  # an unknown group is one clear line naming the others
        where.append("g.name = :group")
        params["group"] = group
    group_cols = list(dict.fromkeys(k for g in design.groups
                                    for k in [*g.levels, *g.attributes]))
    people = _people(db)
    person_cols = list(dict.fromkeys(k for _label, _moderator, attrs in people.values()
                                     for k in attrs))
    columns = ["theme", "code", "coder", "group", *group_cols, "speaker", "moderator",
               *(f"participant {k}" for k in person_cols), "quote", "start", "end", "text",
               "memo"]
    group_part: dict[int, tuple[Any, ...]] = {}
    for g in design.groups:
        values = {**g.levels, **{k: str(v) for k, v in g.attributes.items()}}
        group_part[g.id] = (g.name, *(values.get(k, "") for k in group_cols))
    person_part = {pid: (label, moderator, *(attrs.get(k, "") for k in person_cols))
                   for pid, (label, moderator, attrs) in people.items()}
    sql = ("SELECT q.group_id, q.participant_id, q.id, q.text, k.name, c.span_start, "
           "c.span_end, c.memo FROM coding c JOIN quote q ON q.id = c.quote_id "
           "JOIN study_group g ON g.id = q.group_id JOIN coder k ON k.id = c.coder_id "
           f"WHERE {' AND '.join(where)} "
           "ORDER BY g.position, g.id, q.position, q.id, COALESCE(c.span_start, 0), c.id")
    by_id = {n.id: n for n in tree}

    def rows() -> Iterator[Row]:
        for node in codes:
            theme = _top(by_id, node).name
            for batch in db.stream(sql, {**params, "code": node.id}):
                for gid, pid, qid, text, who, start, end, memo in batch:
                    yield (theme, node.name, who, *group_part[gid], *person_part[pid], qid,
                           start, end, text if start is None else text[start:end],
                           memo or "")

    return SegmentTable(columns, rows())


def _top(by_id: dict[int, CodeNode], node: CodeNode) -> CodeNode:
    while node.parent_id is not None:
        node = by_id[node.parent_id]
    return node


def _people(db: Reader) -> dict[int, tuple[str, bool, dict[str, Any]]]:
    """Participant id → (label, moderator, attributes), in the design's order."""
    return {int(pid): (str(label), bool(moderator), dict(json_value(attrs) or {}))
            for pid, label, moderator, attrs in db.rows(
                "SELECT p.id, p.label, p.is_moderator, p.attributes FROM participant p "
                "JOIN study_group g ON g.id = p.group_id ORDER BY g.position, g.id, p.id")}
