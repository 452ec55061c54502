"""Team review: the quotes where coders disagree, and settling each into a consensus.

A disagreement is a quote that two or more of the chosen coders looked at (coded, or
marked "reviewed, none applies") and left with different sets of codes. Settling stores
the agreed codes under the reserved coder `consensus` — an empty set is "none applies"
— in one transaction, journaled under the person who settled it, so `report
--consensus` and `log` both see it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import text as sql
from sqlmodel import Session, col, select

from qualcode.db.models import Code, Coding, Review
from qualcode.errors import UserError
from qualcode.i18n import _
from qualcode.services import events
from qualcode.services.code_tree import code_tree, resolve_codes
from qualcode.services.coders import coder_id
from qualcode.services.coding import Change, _coding_row, _quote
from qualcode.services.quotes import CLOSURE_CTE

CONSENSUS = "consensus"


@dataclass(frozen=True)
class Disagreement:
    quote_id: int
    group: str
    speaker: str
    text: str
    codes: dict[str, list[str]]
    """Each coder who looked at the quote → the codes they applied, in codebook order."""
    consensus: tuple[str, ...] | None = None
    """The settled codes, once settled (an empty tuple is "none applies")."""
    segments: dict[str, list[tuple[str, int, int]]] = field(default_factory=dict)
    """Each coder → (code, start, end) of the codes they put on a stretch of the quote,
    so that the review shows which words, not just which code."""

    @property
    def settled(self) -> bool:
        return self.consensus is not None


@dataclass(frozen=True)
class Progress:
    settled: int
    total: int


def disagreements(session: Session, *, coders: list[str] | None = None, code: str | None = None,
                  group: str | None = None,
                  pair: tuple[str, str] | None = None) -> list[Disagreement]:
    """In transcript order. `pair` narrows to two coders; `code` to quotes where the
    coders differ on that code (or its descendants); `group` to one focus group."""
    from qualcode.reports.agreement import default_coders

    chosen = list(pair) if pair else (coders or default_coders(session))
    known = set(session.execute(sql("SELECT name FROM coder")).scalars().all())
    for name in chosen:
        if name not in known:
            raise UserError(_("unknown coder {name!r}").format(name=name))
    if len(chosen) < 2:
        return []
    order = {node.id: i for i, node in enumerate(code_tree(session))}
    names = {node.id: node.name for node in code_tree(session)}
    params: dict[str, Any] = {f"k{i}": n for i, n in enumerate(chosen)}
    among = ", ".join(f":k{i}" for i in range(len(chosen)))
    where = ""
    if group is not None:
        where = " AND g.name = :group"
        params["group"] = group
    looked: dict[int, dict[str, set[int]]] = {}
    spans: dict[int, dict[str, list[tuple[str, int, int]]]] = {}
    for quote_id, coder, code_id, start, end in session.execute(sql(
        "SELECT c.quote_id, k.name, c.code_id, c.span_start, c.span_end FROM coding c "
        f"JOIN coder k ON k.id = c.coder_id WHERE k.name IN ({among}) UNION ALL "
        "SELECT r.quote_id, k.name, NULL, NULL, NULL FROM review r "
        f"JOIN coder k ON k.id = r.coder_id WHERE k.name IN ({among})"
    ), params).all():
        applied = looked.setdefault(quote_id, {}).setdefault(coder, set())
        if code_id is not None:
            applied.add(code_id)
        if start is not None:
            spans.setdefault(quote_id, {}).setdefault(coder, []).append(
                (names[code_id], start, end))
    within: set[int] | None = None
    if code is not None:
        (node,) = resolve_codes(session, [code])
        within = {int(d) for d, in session.execute(sql(
            CLOSURE_CTE + "SELECT descendant FROM code_closure WHERE ancestor = :a"),
            {"a": node.id}).all()}

    def differ(by_coder: dict[str, set[int]]) -> bool:
        if len(by_coder) < 2:
            return False
        if within is None:
            return len({frozenset(s) for s in by_coder.values()}) > 1
        return len({bool(s & within) for s in by_coder.values()}) > 1

    candidates = {q for q, by_coder in looked.items() if differ(by_coder)}
    if not candidates:
        return []
    settled = _consensus(session, candidates)
    out = []
    for quote_id, group_name, speaker, text in session.execute(sql(
        "SELECT q.id, g.name, p.label, q.text FROM quote q JOIN study_group g ON g.id = "
        "q.group_id JOIN participant p ON p.id = q.participant_id WHERE 1=1" + where +
        " ORDER BY g.position, g.id, q.position"
    ), {"group": group} if group is not None else {}).all():
        if quote_id not in candidates:
            continue
        by_coder = {coder: [names[c] for c in sorted(looked[quote_id][coder],
                                                     key=order.__getitem__)]
                    for coder in chosen if coder in looked[quote_id]}
        out.append(Disagreement(quote_id, group_name, speaker, text, by_coder,
                                settled.get(quote_id),
                                {c: sorted(v, key=lambda s: s[1])
                                 for c, v in spans.get(quote_id, {}).items()}))
    return out


def progress(items: list[Disagreement]) -> Progress:
    return Progress(sum(1 for d in items if d.settled), len(items))


def _consensus(session: Session, quote_ids: set[int]) -> dict[int, tuple[str, ...]]:
    """The consensus codes of the quotes that have one (coded, or reviewed: none applies)."""
    out: dict[int, list[str]] = {}
    order = {node.name: i for i, node in enumerate(code_tree(session))}
    for quote_id, in session.execute(sql(
        "SELECT r.quote_id FROM review r JOIN coder k ON k.id = r.coder_id WHERE k.name = :c"
    ), {"c": CONSENSUS}).all():
        if quote_id in quote_ids:
            out.setdefault(quote_id, [])
    for quote_id, name in session.execute(sql(
        "SELECT c.quote_id, d.name FROM coding c JOIN coder k ON k.id = c.coder_id "
        "JOIN code d ON d.id = c.code_id WHERE k.name = :c"
    ), {"c": CONSENSUS}).all():
        if quote_id in quote_ids and name not in out.setdefault(quote_id, []):
            out[quote_id].append(name)
    return {q: tuple(sorted(names, key=order.__getitem__)) for q, names in out.items()}


def settle(session: Session, *, quote_id: int, codes: list[str], coder: str,
           why: str | None = None) -> Change:
    """Make the consensus of a quote exactly `codes`; `coder` is who settled it and
    `why` their reason, kept with the decision in the journal."""
    _quote(session, quote_id, lock=True)
    nodes = resolve_codes(session, codes)
    _check_exclusive(session, [n.id for n in nodes])
    target = {n.id for n in nodes}
    cid = coder_id(session, CONSENSUS)
    current = session.exec(select(Coding).where(Coding.quote_id == quote_id,
                                                Coding.coder_id == cid)).all()
    have = {c.code_id for c in current if c.span_start is None}
    created: list[dict[str, Any]] = []
    deleted: list[dict[str, Any]] = []
    for row in current:
        if row.code_id not in target or row.span_start is not None:
            deleted.append(_coding_row(row))
            session.delete(row)
    for node in nodes:
        if node.id not in have:
            coding = Coding(quote_id=quote_id, code_id=node.id, coder_id=cid)
            session.add(coding)
            session.flush()
            created.append(_coding_row(coding))
    mark = session.get(Review, (quote_id, cid))
    review_added = False
    if target and mark is not None:
        session.delete(mark)
    elif not target and mark is None:
        session.add(Review(quote_id=quote_id, coder_id=cid))
        review_added = True
    if not created and not deleted and not review_added:
        return Change(reviewed=not target)
    names = {n.id: n.name for n in nodes}
    event_id = events.record(session, coder=coder, action="settle", quote_id=quote_id,
                             codes=[names[i] for i in target], created=created, deleted=deleted,
                             review_added=review_added, why=(why or "").strip() or None)
    session.flush()
    all_names = {n.id: n.name for n in code_tree(session)}
    return Change(added=tuple(all_names[c["code_id"]] for c in created),
                  removed=tuple(all_names[c["code_id"]] for c in deleted),
                  reviewed=not target, event_id=event_id)


def _check_exclusive(session: Session, code_ids: list[int]) -> None:
    """Two children of one exclusive parent cannot both be the consensus."""
    seen: dict[int, str] = {}
    for code in session.exec(select(Code).where(col(Code.id).in_(code_ids))).all():
        if code.parent_id is None:
            continue
        parent = session.get_one(Code, code.parent_id)
        if not parent.exclusive:
            continue
        if parent.id in seen:
            raise UserError(_("{seen!r} and {name!r} exclude each other (children of the "
                              "exclusive {name2!r}); choose one").format(
                                seen=seen[parent.id], name=code.name, name2=parent.name))
        assert parent.id is not None
        seen[parent.id] = code.name

