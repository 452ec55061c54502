"""Coded-segment retrieval: every coding as one row, with who said it and in which cell.

This is what QDA tools call retrieval and what a synthesis is written from: the words
that carry a code (a segment's, or the whole quote's), with the group's design cell and
attributes and the participant's attributes beside them, so a researcher can sort and
filter in a spreadsheet. Rows follow the codebook tree, then transcript order.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from qualcode.db.reader import Reader, reader_of
from qualcode.errors import UserError
from qualcode.i18n import _
from qualcode.services.code_tree import code_tree, resolve_codes
from qualcode.services.design import load_design
from qualcode.services.quotes import CLOSURE_CTE

if TYPE_CHECKING:
    from sqlmodel import Session


@dataclass(frozen=True)
class SegmentTable:
    columns: list[str]
    rows: list[dict[str, Any]]
    """Each with every column; `theme` is the top-level code, for one sheet per theme."""


def segment_rows(source: Reader | Session, *, code: str | None = None, coder: str | None = None,
                 group: str | None = None) -> SegmentTable:
    db = reader_of(source)
    tree = code_tree(db)
    order = {n.id: i for i, n in enumerate(tree)}
    by_id = {n.id: n for n in tree}

    def top(code_id: int) -> str:
        node = by_id[code_id]
        while node.parent_id is not None:
            node = by_id[node.parent_id]
        return node.name

    where: list[str] = ["1=1"]
    params: dict[str, Any] = {}
    if code is not None:
        (node,) = resolve_codes(db, [code])
        where.append("c.code_id IN (SELECT descendant FROM code_closure WHERE ancestor = :a)")
        params["a"] = node.id
    if coder is not None:
        if db.row("SELECT 1 FROM coder WHERE name = :n", {"n": coder}) \
                is None:
            raise UserError(_("unknown coder {coder!r}").format(coder=coder))
        where.append("k.name = :coder")
        params["coder"] = coder
    design = load_design(db)
    if group is not None:
        design.group(group)  # an unknown group is one clear line naming the others
        where.append("g.name = :group")
        params["group"] = group
    found = db.rows(
        CLOSURE_CTE + "SELECT g.name, p.label, p.is_moderator, p.attributes, q.id, q.text, "
        "c.code_id, k.name, c.span_start, c.span_end, c.memo, g.position, q.position "
        "FROM coding c JOIN quote q ON q.id = c.quote_id "
        "JOIN study_group g ON g.id = q.group_id JOIN participant p ON p.id = q.participant_id "
        f"JOIN coder k ON k.id = c.coder_id WHERE {' AND '.join(where)}", params)
    cells = {g.name: {**g.levels, **{k: str(v) for k, v in g.attributes.items()}}
             for g in design.groups}
    group_cols = list(dict.fromkeys(k for c in cells.values() for k in c))
    people: list[str] = []
    rows = []
    for (gname, speaker, moderator, attrs, qid, text, code_id, who, start, end, memo,
         _g, _q) in sorted(found, key=lambda r: (order[r[6]], r[11], r[12], r[8] or 0)):
        attrs = attrs if isinstance(attrs, dict) else _json(attrs)
        people += [k for k in attrs if k not in people]
        words = text if start is None else text[start:end]
        rows.append({"theme": top(code_id), "code": by_id[code_id].name, "coder": who,
                     "group": gname, **cells.get(gname, {}), "speaker": speaker,
                     "moderator": bool(moderator), **{f"participant {k}": v
                                                      for k, v in attrs.items()},
                     "quote": qid, "start": start, "end": end, "text": words,
                     "memo": memo or ""})
    columns = ["theme", "code", "coder", "group", *group_cols, "speaker", "moderator",
               *(f"participant {k}" for k in people), "quote", "start", "end", "text", "memo"]
    return SegmentTable(columns, [{c: r.get(c, "") for c in columns} for r in rows])


def _json(raw: object) -> dict[str, Any]:
    import json

    value = json.loads(raw) if isinstance(raw, str) else raw
    return dict(value) if isinstance(value, dict) else {}
