"""Listing quotes with their codes, in transcript order, as plain records."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from qualcode.db.reader import Reader, reader_of
from qualcode.errors import UserError
from qualcode.i18n import _
from qualcode.services.agreed import CONSENSUS, agreed

if TYPE_CHECKING:
    from sqlmodel import Session


@dataclass
class QuoteView:
    id: int
    group: str
    speaker: str
    moderator: bool
    text: str
    codes: dict[str, list[str]] = field(default_factory=dict)
    reviewed_by: list[str] = field(default_factory=list)
    segments: list[dict[str, Any]] = field(default_factory=list)
    """Codings on a stretch of the text: code, coder, start, end, and the words."""
    memos: list[dict[str, Any]] = field(default_factory=list)
    """On the quote (`code` null) or on one coding."""

    def as_json(self) -> dict[str, Any]:
        return {"id": self.id, "group": self.group, "speaker": self.speaker,
                "moderator": self.moderator, "text": self.text, "codes": self.codes,
                "reviewed_by": self.reviewed_by, "segments": self.segments,
                "memos": self.memos}


@dataclass(frozen=True)
class QuoteFilter:
    group: str | None = None
    code: str | None = None
    coder: str | None = None
    uncoded: bool = False
    moderators: bool = False
    """With `uncoded`, moderators' turns too (they are not in the coding queue)."""


def list_quotes(source: Reader | Session, flt: QuoteFilter = QuoteFilter()) -> list[QuoteView]:
    db = reader_of(source)
    where = ["1=1"]
    params: dict[str, Any] = {}
    if flt.group is not None:
        where.append("g.name = :group")
        params["group"] = flt.group
    if flt.code is not None:
        from qualcode.services.code_tree import resolve_codes

        (node,) = resolve_codes(db, [flt.code])
        where.append(
            "q.id IN (SELECT c.quote_id FROM coding c JOIN coder k ON k.id = c.coder_id "
            "WHERE c.code_id IN (SELECT descendant FROM code_closure WHERE ancestor = :code)"
            + (" AND k.name = :coder" if flt.coder else "") + ")"
        )
        params["code"] = node.id
    if flt.coder == CONSENSUS and not flt.uncoded:
        return _consensus_quotes(db, flt)
    if flt.coder is not None:
        if not db.row("SELECT 1 FROM coder WHERE name = :n",
                               {"n": flt.coder}):
            raise UserError(_("unknown coder {coder!r}").format(coder=flt.coder))
        params["coder"] = flt.coder
        if flt.code is None and not flt.uncoded:
            where.append(
                "(q.id IN (SELECT c.quote_id FROM coding c JOIN coder k ON k.id = c.coder_id "
                "WHERE k.name = :coder) OR q.id IN (SELECT r.quote_id FROM review r JOIN coder k "
                "ON k.id = r.coder_id WHERE k.name = :coder))"
            )
    if flt.uncoded:
        if not flt.moderators:
            where.append("NOT p.is_moderator")
        extra = " AND k.name = :coder" if flt.coder else ""
        where.append(
            f"q.id NOT IN (SELECT c.quote_id FROM coding c JOIN coder k ON k.id = c.coder_id"
            f" WHERE 1=1{extra}) AND q.id NOT IN (SELECT r.quote_id FROM review r JOIN coder k"
            f" ON k.id = r.coder_id WHERE 1=1{extra})"
        )
    selected = (
        "FROM quote q JOIN study_group g ON g.id = q.group_id "
        f"JOIN participant p ON p.id = q.participant_id WHERE {' AND '.join(where)}"
    )
    rows = db.rows(CLOSURE_CTE + "SELECT q.id, g.name, p.label, p.is_moderator, q.text "
            f"{selected} ORDER BY g.position, g.id, q.position",
        params,
    )
    views = {r[0]: QuoteView(r[0], r[1], r[2], bool(r[3]), r[4]) for r in rows}
    if not views:
        return []
    _attach_codes(db, views, selected, params)
    return list(views.values())


def _consensus_quotes(db: Reader, flt: QuoteFilter) -> list[QuoteView]:
    """The consensus: adjudicated quotes and those the team agreed on, alike.

    Agreed codes are shown under `consensus` as adjudicated ones are; they are read
    from the coders' codings (services.agreed), so they follow any later change.
    """
    from qualcode.services.code_tree import code_tree, resolve_codes

    settled = agreed(db)
    views = list_quotes(db, replace(flt, coder=None))
    names = {node.id: node.name for node in code_tree(db)}
    order = {node.id: i for i, node in enumerate(code_tree(db))}
    within: set[str] | None = None
    if flt.code is not None:
        (node,) = resolve_codes(db, [flt.code])
        within = {names[int(d)] for d, in db.rows(
            CLOSURE_CTE + "SELECT descendant FROM code_closure WHERE ancestor = :a",
            {"a": node.id})}
    out = []
    for view in views:
        if view.id in settled and CONSENSUS not in view.codes:
            codes = sorted(settled[view.id], key=order.__getitem__)
            if codes:
                view.codes[CONSENSUS] = [names[c] for c in codes]
            view.reviewed_by = sorted(set(view.reviewed_by) | {CONSENSUS})
        if CONSENSUS not in view.reviewed_by:
            continue
        if within is not None and not within & set(view.codes.get(CONSENSUS, [])):
            continue
        out.append(view)
    return out


CLOSURE_CTE = (
    "WITH RECURSIVE code_closure(ancestor, descendant) AS ("
    "SELECT id, id FROM code UNION ALL "
    "SELECT cc.ancestor, c.id FROM code_closure cc JOIN code c ON c.parent_id = cc.descendant) "
)
"""Every (ancestor, descendant) pair of the codebook tree, each code its own ancestor."""


def _attach_codes(db: Reader, views: dict[int, QuoteView], selected: str,
                  params: dict[str, Any]) -> None:
    """Codes and review marks of the selected quotes only: one group of a 100k-quote
    project must not read the whole project's codings."""
    only = f"IN (SELECT q.id {selected})"
    coders = dict(db.rows("SELECT id, name FROM coder"))
    by_name = {cid: rank for rank, cid in enumerate(sorted(coders, key=coders.__getitem__))}
    codes = db.rows("SELECT id, name FROM code ORDER BY position, id")
    code_name, code_rank = dict(codes), {cid: rank for rank, (cid, _n) in enumerate(codes)}
    # The bulk, whole-quote codings with no memo, comes one row per quote and coder;
    # the others (segments, coding memos) one by one, sorted here: the database's sort
    # of every coding of a large selection by names costs more than the query itself.
    held: dict[int, dict[int, set[int]]] = {}
    for quote_id, coder_id, joined in db.rows(
            CLOSURE_CTE + f"SELECT c.quote_id, c.coder_id, {db.joined('c.code_id')} "
            f"FROM coding c WHERE c.quote_id {only} AND c.span_start IS NULL "
            "AND c.memo IS NULL GROUP BY c.quote_id, c.coder_id", params):
        held.setdefault(quote_id, {})[coder_id] = {int(c) for c in joined.split(",")}
    rest = db.rows(CLOSURE_CTE + "SELECT c.quote_id, c.coder_id, c.code_id, c.span_start, "
                   f"c.span_end, c.memo FROM coding c WHERE c.quote_id {only} "
                   "AND (c.span_start IS NOT NULL OR c.memo IS NOT NULL)", params)
    rest.sort(key=lambda r: (by_name[r[1]], code_rank[r[2]], -1 if r[3] is None else r[3],
                             r[4] or 0))
    for quote_id, coder_id, code_id, start, end, memo in rest:
        view = views.get(quote_id)
        if view is None:
            continue
        held.setdefault(quote_id, {}).setdefault(coder_id, set()).add(code_id)
        coder, code = coders[coder_id], code_name[code_id]
        if start is not None:
            view.segments.append({"code": code, "coder": coder, "start": start, "end": end,
                                  "text": view.text[start:end]})
        if memo:
            view.memos.append({"coder": coder, "code": code, "text": memo})
    for quote_id, by_coder in held.items():
        view = views.get(quote_id)
        if view is not None:
            view.codes = {coders[k]: [code_name[c] for c in sorted(by_coder[k],
                                                                   key=code_rank.__getitem__)]
                          for k in sorted(by_coder, key=by_name.__getitem__)}
    memos = db.rows(CLOSURE_CTE + "SELECT m.quote_id, k.name, m.text FROM memo m "
                    f"JOIN coder k ON k.id = m.coder_id WHERE m.quote_id {only} "
                    "ORDER BY k.name", params)
    reviews = db.rows(CLOSURE_CTE + "SELECT r.quote_id, k.name FROM review r "
                      f"JOIN coder k ON k.id = r.coder_id WHERE r.quote_id {only}", params)
    on_quote: dict[int, list[dict[str, Any]]] = {}
    for quote_id, coder, text in memos:
        on_quote.setdefault(quote_id, []).append({"coder": coder, "code": None, "text": text})
    for quote_id, notes in on_quote.items():
        if quote_id in views:
            views[quote_id].memos[:0] = notes
    for quote_id, coder in reviews:
        view = views.get(quote_id)
        if view is not None and coder not in view.reviewed_by:
            view.reviewed_by.append(coder)
    for view in views.values():
        view.reviewed_by = sorted(set(view.reviewed_by) | set(view.codes))
