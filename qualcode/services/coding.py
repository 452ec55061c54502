"""Applying, removing and reviewing codes: each call is one user action.

Every change writes its event in the same transaction, with what is needed to undo
it, so `undo` works across restarts and the journal never disagrees with the data.
Applying a child of an `exclusive` parent removes the coder's other children of that
parent in the same action: the categories are mutually exclusive by definition.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Any

from sqlalchemy import text as sql
from sqlmodel import Session, col, delete, select

from qualcode.db.ensure import insert_unless_taken
from qualcode.db.models import Code, Coding, Event, Memo, Quote, Review, utcnow
from qualcode.errors import UserError
from qualcode.i18n import _
from qualcode.services import events
from qualcode.services.coders import coder_id


@dataclass(frozen=True)
class Change:
    """What one action did, for the shells to report."""

    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    reviewed: bool = False
    event_id: int | None = None


_QUOTE_LOCKS = 0x5143  # advisory-lock namespace of quotes ("QC")


def _quote(session: Session, quote_id: int, *, lock: bool = False) -> Quote:
    """The quote, or the one line saying it does not exist.

    `lock` holds the quote until the action commits, so two people settling one quote
    at once act one after the other, the second on what the first wrote, instead of
    blending their decisions. On a server it is a transaction-level advisory lock (a
    row lock would need UPDATE on quotes, which team members rightly lack); SQLite's
    writers are serialised already.
    """
    if lock and session.get_bind().dialect.name == "postgresql":
        session.execute(sql("SELECT pg_advisory_xact_lock(:space, :quote)"),
                        {"space": _QUOTE_LOCKS, "quote": quote_id})
    quote = session.get(Quote, quote_id)
    if quote is None:
        raise UserError(_("no quote with id {quote_id}; `qualcode quotes` lists them").format(
                            quote_id=quote_id))
    return quote


def _code_ids(session: Session, names: list[str]) -> list[Code]:
    from qualcode.services.code_tree import resolve_codes

    nodes = resolve_codes(session, names)
    return [session.get_one(Code, n.id) for n in nodes]


def _coding_row(c: Coding) -> dict[str, Any]:
    return {"quote_id": c.quote_id, "code_id": c.code_id, "span_start": c.span_start,
            "span_end": c.span_end, "memo": c.memo}


def apply_codes(session: Session, *, quote_id: int, codes: list[str], coder: str,
                memo: str | None = None, span: tuple[int, int] | None = None) -> Change:
    quote = _quote(session, quote_id)
    if span is not None and not (0 <= span[0] < span[1] <= len(quote.text)):
        raise UserError(_("span {start}-{end} is outside quote {quote_id} (0-{length})").format(
                            start=span[0], end=span[1], quote_id=quote_id, length=len(quote.text)))
    cid = coder_id(session, coder)
    added: list[str] = []
    removed: list[str] = []
    created: list[dict[str, Any]] = []
    deleted: list[dict[str, Any]] = []
    for code in _code_ids(session, codes):
        existing = _find(session, quote_id, code.id, cid, span)
        if existing is not None:
            if memo is not None and existing.memo != memo:
                deleted.append(_coding_row(existing))
                existing.memo = memo
                session.add(existing)
                created.append(_coding_row(existing))
            continue
        for sibling in _exclusive_siblings(session, code):
            other = _find(session, quote_id, sibling.id, cid, None)
            if other is not None:
                deleted.append(_coding_row(other))
                removed.append(sibling.name)
                session.delete(other)
        coding = Coding(quote_id=quote_id, code_id=code.id or 0, coder_id=cid,
                        span_start=span[0] if span else None, span_end=span[1] if span else None,
                        memo=memo)
        if not insert_unless_taken(session, coding):
            continue  # the same coder's other session applied it a moment before
        created.append(_coding_row(coding))
        added.append(code.name)
    if not created and not deleted:
        return Change()
    session.execute(delete(Review).where(col(Review.quote_id) == quote_id,
                                         col(Review.coder_id) == cid))
    event_id = events.record(session, coder=coder, action="code", quote_id=quote_id,
                             created=created, deleted=deleted)
    return Change(added=tuple(added), removed=tuple(removed), event_id=event_id)


def remove_codes(session: Session, *, quote_id: int, codes: list[str], coder: str,
                 span: tuple[int, int] | None = None) -> Change:
    """Remove the coder's codings of these codes on the quote: all of them (whole quote
    and segments), or with `span` only the segment on exactly those characters."""
    _quote(session, quote_id)
    cid = coder_id(session, coder)
    deleted: list[dict[str, Any]] = []
    removed: list[str] = []
    for code in _code_ids(session, codes):
        if span is not None:
            found = _find(session, quote_id, code.id, cid, span)
            rows = [found] if found is not None else []
        else:
            rows = list(session.exec(select(Coding).where(Coding.quote_id == quote_id,
                                                          Coding.code_id == code.id,
                                                          Coding.coder_id == cid)).all())
        for row in rows:
            deleted.append(_coding_row(row))
            session.delete(row)
        if rows:
            removed.append(code.name)
    if not deleted:
        return Change()
    event_id = events.record(session, coder=coder, action="uncode", quote_id=quote_id,
                             created=[], deleted=deleted)
    return Change(removed=tuple(removed), event_id=event_id)


def toggle_code(session: Session, *, quote_id: int, code: str, coder: str) -> Change:
    """The workbench's number keys: remove the coder's code if present, else apply it."""
    cid = coder_id(session, coder)
    (target,) = _code_ids(session, [code])
    present = session.exec(select(Coding.id).where(Coding.quote_id == quote_id,
                                                   Coding.code_id == target.id,
                                                   Coding.coder_id == cid)).first()
    if present is not None:
        return remove_codes(session, quote_id=quote_id, codes=[code], coder=coder)
    return apply_codes(session, quote_id=quote_id, codes=[code], coder=coder)


def mark_reviewed(session: Session, *, quote_id: int, coder: str) -> Change:
    """"Reviewed, none applies": clears the coder's codes on the quote and records the mark."""
    _quote(session, quote_id)
    cid = coder_id(session, coder)
    rows = session.exec(select(Coding).where(Coding.quote_id == quote_id,
                                             Coding.coder_id == cid)).all()
    deleted = [_coding_row(r) for r in rows]
    for row in rows:
        session.delete(row)
    already = session.get(Review, (quote_id, cid))
    if already is not None and not deleted:
        return Change(reviewed=True)
    if already is None:
        session.add(Review(quote_id=quote_id, coder_id=cid))
    event_id = events.record(session, coder=coder, action="review", quote_id=quote_id,
                             created=[], deleted=deleted, review_added=already is None)
    return Change(reviewed=True, event_id=event_id)


def set_memo(session: Session, *, quote_id: int, coder: str, text: str) -> None:
    """A coder's memo on a quote; empty text removes it."""
    _quote(session, quote_id)
    cid = coder_id(session, coder)
    memo = session.exec(select(Memo).where(Memo.quote_id == quote_id,
                                           Memo.coder_id == cid)).first()
    before = memo.text if memo else None
    if (before or "") == text:
        return
    set_memo_raw(session, quote_id=quote_id, cid=cid, text=text)
    events.record(session, coder=coder, action="memo", quote_id=quote_id, before=before,
                  after=text or None)


def _find(session: Session, quote_id: int, code_id: int | None, cid: int,
          span: tuple[int, int] | None) -> Coding | None:
    query = select(Coding).where(Coding.quote_id == quote_id, Coding.code_id == code_id,
                                 Coding.coder_id == cid)
    if span is None:
        query = query.where(col(Coding.span_start).is_(None))
    else:
        query = query.where(Coding.span_start == span[0], Coding.span_end == span[1])
    return session.exec(query).first()


def _exclusive_siblings(session: Session, code: Code) -> list[Code]:
    if code.parent_id is None:
        return []
    parent = session.get(Code, code.parent_id)
    if parent is None or not parent.exclusive:
        return []
    return list(session.exec(select(Code).where(Code.parent_id == parent.id,
                                                Code.id != code.id)).all())


UNDOABLE = ("code", "uncode", "review", "memo")


def next_undo(session: Session, *, coder: str) -> Event | None:
    """The coder's latest action not yet undone: what `undo_last` would reverse."""
    undone = select(Event.undoes).where(col(Event.undoes).is_not(None))
    return session.exec(
        select(Event)
        .where(Event.coder == coder, col(Event.action).in_(UNDOABLE),
               col(Event.undoes).is_(None), col(Event.id).not_in(undone))
        .order_by(col(Event.id).desc())
        .limit(1)
    ).first()


def undo_last(session: Session, *, coder: str) -> Event | None:
    """Reverse the coder's latest action not yet undone; returns it, or None."""
    target = next_undo(session, coder=coder)
    if target is not None:
        undo(session, target, coder=coder)
    return target


def undo(session: Session, target: Event, *, coder: str) -> None:
    """Reverse one action of the coder's, found by `next_undo`."""
    cid = coder_id(session, coder)
    payload = target.payload
    quote_id = int(payload["quote_id"])
    if target.action == "memo":
        set_memo_raw(session, quote_id=quote_id, cid=cid, text=payload.get("before"))
    else:
        for row in payload.get("created", []):
            span = None if row["span_start"] is None else (row["span_start"], row["span_end"])
            found = _find(session, quote_id, row["code_id"], cid, span)
            if found is not None:
                session.delete(found)
        session.flush()
        for row in payload.get("deleted", []):
            session.add(Coding(quote_id=quote_id, code_id=row["code_id"], coder_id=cid,
                               span_start=row["span_start"], span_end=row["span_end"],
                               memo=row["memo"]))
        if payload.get("review_added"):
            mark = session.get(Review, (quote_id, cid))
            if mark is not None:
                session.delete(mark)
    session.flush()
    events.record(session, coder=coder, action="undo", undoes=target.id, quote_id=quote_id,
                  undone_action=target.action)


def set_memo_raw(session: Session, *, quote_id: int, cid: int, text: str | None) -> None:
    memo = session.exec(select(Memo).where(Memo.quote_id == quote_id,
                                           Memo.coder_id == cid)).first()
    if text:
        memo = memo or Memo(quote_id=quote_id, coder_id=cid, text=text)
        memo.text, memo.updated_at = text, utcnow()
        session.add(memo)
    elif memo is not None:
        session.delete(memo)


def find_excerpt(text: str, excerpt: str) -> tuple[int, int]:
    """The one place `excerpt` occurs in `text`, as a span in code points (SPEC: accent-
    and case-exact); absent or ambiguous is one clear line."""
    needle = unicodedata.normalize("NFC", excerpt)
    if not needle.strip():
        raise UserError(_("--text needs the words to code"))
    first = text.find(needle)
    if first < 0:
        raise UserError(
            _("« {excerpt} » does not occur in the quote (accents and case count)").format(
                excerpt=excerpt
            )
        )
    if text.find(needle, first + 1) >= 0:
        raise UserError(_("« {excerpt} » occurs more than once in the quote: give more words, or "
                          "--span START:END").format(excerpt=excerpt))
    return first, first + len(needle)


def parse_span(value: str) -> tuple[int, int]:
    """`START:END` in code points, as `code --span` takes it."""
    try:
        start, end = (int(part) for part in value.split(":"))
    except ValueError:
        raise UserError(
            _("--span {value!r} must be START:END (two numbers)").format(value=value)
        ) from None
    return start, end
