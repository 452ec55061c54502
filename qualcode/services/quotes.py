"""Listing quotes with their codes, in transcript order, as plain records."""

from __future__ import annotations

from collections.abc import Callable, Collection
from functools import partial
from typing import TYPE_CHECKING, Any, NamedTuple

from qualcode.db.alongside import alongside
from qualcode.db.batches import qmark_batches
from qualcode.db.marked import MARKED
from qualcode.db.reader import Reader, reader_of
from qualcode.errors import UserError
from qualcode.i18n import _
from qualcode.services.agreed import CONSENSUS, adjudicated_quotes, agreed
from qualcode.services.code_tree import code_tree, resolve_codes
from qualcode.services.collector import collector_paused

if TYPE_CHECKING:
    from sqlmodel import Session


class QuoteView:
    """A quote as listed: a record to read (quotes with the same codes share their
    lists of code names). Its attributes, in SPEC's order, are `quotes --json`'s: the
    JSON writer takes the record's `__dict__` as it is, where a dict built per quote
    cost 0.035 s more at 100k and as much again to free. A plain class, not a
    dataclass: `dataclasses` would cost every command 8 ms of start-up."""

    def __init__(self, quote_id: int, group: str, speaker: str, moderator: bool, text: str,
                 codes: dict[str, list[str]], reviewed_by: list[str],
                 segments: list[dict[str, Any]], memos: list[dict[str, Any]]) -> None:
        self.id = quote_id
        self.group = group
        self.speaker = speaker
        self.moderator = moderator
        self.text = text
        self.codes = codes
        self.reviewed_by = reviewed_by
        self.segments = segments
        """Codings on a stretch of the text: code, coder, start, end, and the words."""
        self.memos = memos
        """On the quote (`code` null) or on one coding."""


class QuoteFilter(NamedTuple):
    group: str | None = None
    code: str | None = None
    coder: str | None = None
    uncoded: bool = False
    moderators: bool = False
    """With `uncoded`, moderators' turns too (they are not in the coding queue)."""


def list_quotes(source: Reader | Session, flt: QuoteFilter = QuoteFilter(), *,
                among: Collection[int] | None = None) -> list[QuoteView]:
    """The quotes `flt` selects (those of them `among`, when given) in transcript order."""
    db = reader_of(source)
    where: list[str] = []  # on the quote's own row
    within: list[str] = []  # subqueries of quote ids the quote's must be among
    params: dict[str, Any] = {}
    if flt.group is not None:
        from qualcode.services.design import load_design  # 2 ms of start-up: only here

        load_design(db).group(flt.group)  # an unknown group is one line naming the others
        where.append("g.name = :group")
        params["group"] = flt.group
    if flt.code is not None:
        (node,) = resolve_codes(db, [flt.code])
        # through ix_coding_code, which holds the quote and the coder: 0.035 s at 100k
        # where scanning every coding in uq_coding took 0.08 s
        within.append(
            "SELECT c.quote_id FROM coding c "
            "WHERE c.code_id IN (SELECT descendant FROM code_closure WHERE ancestor = :code)"
            + (" AND c.coder_id IN (SELECT k.id FROM coder k WHERE k.name = :coder)"
               if flt.coder else ""))
        params["code"] = node.id
    if flt.coder == CONSENSUS and not flt.uncoded:
        return _consensus_quotes(db, flt)
    if among is not None:  # in SQL: the other quotes' texts and codes are not read at all
        within.append(db.listed_ids("among"))
        params["among"] = "[" + ",".join(str(int(i)) for i in sorted(among)) + "]"
    if flt.coder is not None:
        if not db.row("SELECT 1 FROM coder WHERE name = :n",
                               {"n": flt.coder}):
            raise UserError(_("unknown coder {coder!r}").format(coder=flt.coder))
        params["coder"] = flt.coder
        if flt.code is None and not flt.uncoded:
            within.append(
                "SELECT c.quote_id FROM coding c JOIN coder k ON k.id = c.coder_id "
                "WHERE k.name = :coder UNION SELECT r.quote_id FROM review r JOIN coder k "
                "ON k.id = r.coder_id WHERE k.name = :coder")
    if flt.uncoded:
        if not flt.moderators:
            where.append("NOT p.is_moderator")
        extra = " AND k.name = :coder" if flt.coder else ""
        where.append(
            f"q.id NOT IN (SELECT c.quote_id FROM coding c JOIN coder k ON k.id = c.coder_id"
            f" WHERE 1=1{extra}) AND q.id NOT IN (SELECT r.quote_id FROM review r JOIN coder k"
            f" ON k.id = r.coder_id WHERE 1=1{extra})"
        )
    quotes = "FROM quote q JOIN study_group g ON g.id = q.group_id " \
             "JOIN participant p ON p.id = q.participant_id"
    # the codes' query tests a coding's quote against the id subqueries themselves:
    # through the quote's row, group and speaker, 0.03 s more at 100k
    chosen = " AND ".join(
        [f"c.quote_id IN ({ids})" for ids in within]
        + ([f"c.quote_id IN (SELECT q.id {quotes} WHERE {' AND '.join(where)})"]
           if where else [])) or "1=1"
    team = _Team(db)
    with collector_paused():
        held: Callable[[], dict[int, dict[str, list[str]]]] = (
            dict if flt.uncoded and flt.coder is None  # nobody coded them: no codes to read
            else alongside(db, partial(_codes_held, team=team, chosen=chosen,
                                       params=params)))
        found = db.rows(
            CLOSURE_CTE + "SELECT g.position, g.id, q.position, q.id, g.name, p.label, "
            f"p.is_moderator, q.text {quotes} "
            "WHERE " + " AND ".join(where + [f"q.id IN ({ids})" for ids in within] or ["1=1"]),
            params)
        # transcript order, sorted here: SQL's sorter carried every text along (0.02 s more
        # at 100k); (group's place, group, quote's place) is unique, so no text is compared
        found.sort()
        rows = [row[3:] for row in found]
        return _with_codes(db, rows, held, team)


def _consensus_quotes(db: Reader, flt: QuoteFilter) -> list[QuoteView]:
    """The consensus: adjudicated quotes and those the team agreed on, alike.

    Agreed codes are shown under `consensus` as adjudicated ones are; they are read
    from the coders' codings (services.agreed), so they follow any later change.
    """
    settled = agreed(db)
    views = list_quotes(db, flt._replace(coder=None),
                        among=settled.keys() | adjudicated_quotes(db))
    tree = code_tree(db)
    names = {node.id: node.name for node in tree}
    order = {node.id: i for i, node in enumerate(tree)}
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


class _Team:
    """The coders (in name order) and the codebook (in its order), read once."""

    def __init__(self, db: Reader) -> None:
        self.coders: dict[int, str] = dict(db.rows("SELECT id, name FROM coder"))
        self.by_name = sorted(self.coders, key=self.coders.__getitem__)
        self.coder_rank = {cid: i for i, cid in enumerate(self.by_name)}
        tree = code_tree(db)  # codebook order: each code before its sub-codes
        self.code_name: dict[int, str] = {node.id: node.name for node in tree}
        self.code_rank = {node.id: i for i, node in enumerate(tree)}


def _codes_held(db: Reader, *, team: _Team, chosen: str,
                params: dict[str, Any]) -> dict[int, dict[str, list[str]]]:
    """Per selected quote, per coder (in name order): the code names, in codebook order.

    One row per quote, a column per coder: grouping by quote alone follows uq_coding's
    order, where grouping by (quote, coder) sorted every coding first. The selection is
    `chosen`, a condition on `c.quote_id` made of subqueries, not the ids, so that this
    can start before the quotes are read (`alongside`). Ordered by `+c.quote_id`, not
    the index's own order, SQLite groups every row in the first step: streamed a row a
    step, the two threads handed the GIL to each other 44,000 times (at 100k the pair
    took 0.45 s, not 0.35 s)."""
    per_coder = "".join(f", {db.joined('c.code_id')} FILTER (WHERE c.coder_id = {int(cid)})"
                        for cid in team.by_name)
    columns = list(enumerate((team.coders[cid] for cid in team.by_name), start=1))
    named = _NamedLists(team)
    held: dict[int, dict[str, list[str]]] = {}
    for row in db.rows(
            CLOSURE_CTE + f"SELECT c.quote_id{per_coder} FROM coding c "
            f"WHERE {chosen} GROUP BY c.quote_id "
            "ORDER BY +c.quote_id", params):
        mine = held[row[0]] = {}
        for column, coder in columns:
            listed = row[column]
            if listed is not None:
                mine[coder] = named[listed]
    return held


class _NamedLists(dict[str, list[str]]):
    """The code names of each distinct list of code ids as SQL joined them (a set:
    segments may repeat a code), in codebook order, worked out once and shared by the
    quotes that have it: 130,000 lists at 100k are 30,000 distinct ones. Ids are ranked
    and the ranks sorted as plain ints, names looked up last: 0.01 s less at 100k than
    sorting (rank, name) pairs."""

    def __init__(self, team: _Team) -> None:
        super().__init__()
        self.rank = {str(cid): rank for cid, rank in team.code_rank.items()}.__getitem__
        in_order = sorted(team.code_rank, key=team.code_rank.__getitem__)
        self.name = [team.code_name[cid] for cid in in_order].__getitem__

    def __missing__(self, listed: str) -> list[str]:
        names = self[listed] = list(map(self.name, sorted(set(map(self.rank,
                                                                  listed.split(","))))))
        return names


def _with_codes(db: Reader, rows: list[tuple[Any, ...]],
                codes_held: Callable[[], dict[int, dict[str, list[str]]]],
                team: _Team) -> list[QuoteView]:
    """The selected quotes (id, group, speaker, moderator, text) with their codes, review
    marks, segments and memos.

    The selection's ids, read once, are passed to the other queries in batches: its
    subquery repeated in each query cost as much as the query. Only these quotes' rows
    are read, since one group of a 100k-quote project must not read the whole project's.
    Their codes are waited for last: they may still be read beside (`alongside`).
    """
    ids = [r[0] for r in rows]
    marked: list[tuple[Any, ...]] = []
    memos: dict[int, list[dict[str, Any]]] = {}
    reviewers: dict[int, list[str]] = {}
    for marks, batch in qmark_batches(ids):
        marked += db.rows("SELECT c.quote_id, c.coder_id, c.code_id, c.span_start, "
                          f"c.span_end, c.memo FROM coding c WHERE c.quote_id IN ({marks}) "
                          f"AND ({MARKED})", batch)
        for quote_id, coder, text in db.rows(
                "SELECT m.quote_id, k.name, m.text FROM memo m JOIN coder k "
                f"ON k.id = m.coder_id WHERE m.quote_id IN ({marks}) ORDER BY k.name", batch):
            memos.setdefault(quote_id, []).append({"coder": coder, "code": None, "text": text})
        for quote_id, coder in db.rows(
                "SELECT r.quote_id, k.name FROM review r JOIN coder k ON k.id = r.coder_id "
                f"WHERE r.quote_id IN ({marks})", batch):
            reviewers.setdefault(quote_id, []).append(coder)
    texts = {r[0]: r[4] for r in rows} if marked else {}
    coders, code_name, code_rank = team.coders, team.code_name, team.code_rank
    marked.sort(key=lambda r: (team.coder_rank[r[1]], code_rank[r[2]],
                               -1 if r[3] is None else r[3], r[4] or 0))
    segments: dict[int, list[dict[str, Any]]] = {}
    for quote_id, coder_id, code_id, start, end, memo in marked:
        coder, code = coders[coder_id], code_name[code_id]
        if start is not None:
            segments.setdefault(quote_id, []).append({
                "code": code, "coder": coder, "start": start, "end": end,
                "text": texts[quote_id][start:end]})
        if memo:
            memos.setdefault(quote_id, []).append({"coder": coder, "code": code, "text": memo})
    views = [QuoteView(quote_id, group, speaker, bool(moderator), text, {}, [],
                       segments.get(quote_id, []), memos.get(quote_id, []))
             for quote_id, group, speaker, moderator, text in rows]
    held = codes_held()  # the records were made while it was read
    for view in views:
        mine = held.get(view.id)
        marked_by = reviewers.get(view.id)
        if mine:
            view.codes = mine
        if marked_by:
            view.reviewed_by = sorted(set(mine or ()) | set(marked_by))
        elif mine:
            view.reviewed_by = list(mine)
    return views
