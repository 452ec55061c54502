"""Bringing another coder's project file into this one.

Each side may have imported the transcripts separately, so ids mean nothing across
files: a quote is found by what it is. First the same transcript (content hash) and
the same character offsets; then the same group, speaker and text; then, within the
same group, the most similar text above a threshold (rapidfuzz on accent-folded text),
which survives a typo fixed on one side. A quote found nowhere is listed, never
dropped in silence.

Merging only ever adds: a coding, review mark or memo already here is kept as it is,
so running the same merge twice adds nothing, and no coder's work in this project is
ever removed. Codes are matched by name; codes only the other file has are added under
their parent, and same-name codes whose definitions differ keep this project's
definition and are reported. Everything happens in the caller's one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from rapidfuzz import fuzz, process
from sqlalchemy import text as sql
from sqlmodel import Session, col, select

from qualcode.db.models import Code, Coding, Memo, Review
from qualcode.domain.names import normalise_name
from qualcode.search.normalise import fold
from qualcode.services import events
from qualcode.services.coders import coder_id

FUZZY_THRESHOLD = 90.0
"""rapidfuzz ratio (0-100) from which two quotes of one group are taken to be the same."""
MEMO_SEPARATOR = "\n\n"


@dataclass(frozen=True)
class Unmatched:
    group: str
    speaker: str
    text: str


@dataclass
class MergeReport:
    codes_added: list[str] = field(default_factory=list)
    codes_differing: list[str] = field(default_factory=list)
    coders: list[str] = field(default_factory=list)
    quotes_exact: int = 0
    quotes_fuzzy: int = 0
    unmatched: list[Unmatched] = field(default_factory=list)
    codings_added: int = 0
    codings_present: int = 0
    spans_widened: int = 0
    reviews_added: int = 0
    memos_added: int = 0
    memos_appended: int = 0

    def as_payload(self) -> dict[str, Any]:
        return {"codes_added": self.codes_added, "codes_differing": self.codes_differing,
                "coders": self.coders, "quotes_exact": self.quotes_exact,
                "quotes_fuzzy": self.quotes_fuzzy, "unmatched": len(self.unmatched),
                "codings_added": self.codings_added, "codings_present": self.codings_present,
                "spans_widened": self.spans_widened, "reviews_added": self.reviews_added,
                "memos_added": self.memos_added, "memos_appended": self.memos_appended}


@dataclass(frozen=True)
class _Quote:
    id: int
    group: str
    speaker: str
    moderator: bool
    source_hash: str | None
    start: int | None
    end: int | None
    text_hash: str
    text: str


def _quotes(session: Session) -> list[_Quote]:
    return [_Quote(*row) for row in session.execute(sql(
        "SELECT q.id, g.name, p.label, p.is_moderator, s.content_hash, q.start, q.\"end\", "
        "q.text_hash, q.text FROM quote q JOIN study_group g ON g.id = q.group_id "
        "JOIN participant p ON p.id = q.participant_id LEFT JOIN source s ON s.id = q.source_id "
        "ORDER BY g.position, g.id, q.position"
    )).all()]


class _QuoteIndex:
    """This project's quotes, findable by offsets, by exact text, and by similar text."""

    def __init__(self, quotes: list[_Quote]) -> None:
        self.by_offsets = {(q.group, q.source_hash, q.start, q.end): q for q in quotes
                           if q.source_hash is not None and q.start is not None}
        self.by_text = {(q.group, q.speaker, q.text_hash): q for q in quotes}
        self.by_group: dict[str, list[_Quote]] = {}
        for q in quotes:
            self.by_group.setdefault(q.group, []).append(q)
        self.folded: dict[str, list[str]] = {
            g: [fold(q.text) for q in qs] for g, qs in self.by_group.items()}

    def find(self, other: _Quote, threshold: float) -> tuple[_Quote | None, bool]:
        """The matching quote here and whether it was an exact match."""
        if other.source_hash is not None and other.start is not None:
            found = self.by_offsets.get((other.group, other.source_hash, other.start, other.end))
            if found is not None:
                return found, True
        found = self.by_text.get((other.group, other.speaker, other.text_hash))
        if found is not None:
            return found, True
        candidates = self.folded.get(other.group)
        if not candidates:
            return None, False
        best = process.extractOne(fold(other.text), candidates, scorer=fuzz.ratio,
                                  score_cutoff=threshold)
        if best is None:
            return None, False
        return self.by_group[other.group][best[2]], False


def merge(session: Session, other: Session, *, coder: str,
          threshold: float = FUZZY_THRESHOLD) -> MergeReport:
    """Add the other project's codings, review marks and memos to this one."""
    report = MergeReport()
    code_map = _merge_codebook(session, other, report)
    index = _QuoteIndex(_quotes(session))
    quote_map: dict[int, _Quote] = {}
    texts: dict[int, str] = {}
    for q in _quotes(other):
        found, exact = index.find(q, threshold)
        if found is None:
            report.unmatched.append(Unmatched(q.group, q.speaker, q.text))
            continue
        quote_map[q.id] = found
        texts[q.id] = q.text
        if exact:
            report.quotes_exact += 1
        else:
            report.quotes_fuzzy += 1
    coder_names = dict(other.execute(sql("SELECT id, name FROM coder")).all())
    coder_map: dict[int, int] = {}

    def here(other_coder: int) -> int:
        if other_coder not in coder_map:
            coder_map[other_coder] = coder_id(session, coder_names[other_coder])
            report.coders.append(coder_names[other_coder])
        return coder_map[other_coder]

    present = {(c.quote_id, c.code_id, c.coder_id, c.span_start, c.span_end): c
               for c in session.exec(select(Coding)).all()}
    for c in other.exec(select(Coding).order_by(col(Coding.id))).all():
        target = quote_map.get(c.quote_id)
        if target is None:
            continue
        span = _span(c, texts[c.quote_id], target.text)
        if c.span_start is not None and span is None:
            report.spans_widened += 1
        key = (target.id, code_map[c.code_id], here(c.coder_id),
               span[0] if span else None, span[1] if span else None)
        existing = present.get(key)
        if existing is not None:
            report.codings_present += 1
            if c.memo and not existing.memo:
                existing.memo = c.memo
                session.add(existing)
            continue
        coding = Coding(quote_id=key[0], code_id=key[1], coder_id=key[2], span_start=key[3],
                        span_end=key[4], memo=c.memo, created_at=c.created_at)
        session.add(coding)
        present[key] = coding
        report.codings_added += 1
    reviewed = {(r.quote_id, r.coder_id) for r in session.exec(select(Review)).all()}
    for r in other.exec(select(Review)).all():
        target = quote_map.get(r.quote_id)
        if target is None:
            continue
        mark = (target.id, here(r.coder_id))
        if mark not in reviewed:
            session.add(Review(quote_id=mark[0], coder_id=mark[1], created_at=r.created_at))
            reviewed.add(mark)
            report.reviews_added += 1
    memos = {(m.quote_id, m.coder_id): m for m in session.exec(select(Memo)).all()}
    for m in other.exec(select(Memo)).all():
        target = quote_map.get(m.quote_id)
        if target is None:
            continue
        key2 = (target.id, here(m.coder_id))
        mine = memos.get(key2)
        if mine is None:
            memos[key2] = Memo(quote_id=key2[0], coder_id=key2[1], text=m.text,
                               updated_at=m.updated_at)
            session.add(memos[key2])
            report.memos_added += 1
        elif m.text not in mine.text:
            mine.text = mine.text + MEMO_SEPARATOR + m.text  # both kept: nobody's note lost
            session.add(mine)
            report.memos_appended += 1
    session.flush()
    events.record(session, coder=coder, action="merge", **report.as_payload())
    return report


def _span(c: Coding, old: str, new: str) -> tuple[int, int] | None:
    """The coding's span in this project's text of the quote; None for the whole quote
    (also when a fuzzy-matched quote no longer contains the span's words)."""
    if c.span_start is None or c.span_end is None:
        return None
    if old == new:
        return c.span_start, c.span_end
    piece = old[c.span_start:c.span_end]
    at = new.find(piece)
    return (at, at + len(piece)) if at >= 0 and piece else None


def _merge_codebook(session: Session, other: Session, report: MergeReport) -> dict[int, int]:
    """Other code id → code id here; new codes added under their parent, by name."""
    from qualcode.services.code_tree import code_tree

    mine = {normalise_name(c.name): c for c in session.exec(select(Code)).all()}
    theirs = {c.id: c for c in other.exec(select(Code)).all()}
    mapping: dict[int, int] = {}
    for node in code_tree(other):  # parents before children
        code = theirs[node.id]
        found = mine.get(normalise_name(code.name))
        if found is None:
            parent = mapping.get(code.parent_id) if code.parent_id is not None else None
            siblings = [c for c in mine.values() if c.parent_id == parent]
            found = Code(name=code.name, parent_id=parent, position=len(siblings),
                         description=code.description, include=code.include,
                         exclude=code.exclude, example=code.example, color=code.color,
                         keywords=list(code.keywords), exclusive=code.exclusive)
            session.add(found)
            session.flush()
            mine[normalise_name(code.name)] = found
            report.codes_added.append(code.name)
        elif _definition(found, found.parent_id) != _definition(
                code, mapping.get(code.parent_id) if code.parent_id is not None else None):
            report.codes_differing.append(code.name)
        assert found.id is not None
        mapping[node.id] = found.id
    return mapping


def _definition(code: Code, parent_here: int | None) -> tuple[Any, ...]:
    """What makes a code mean what it means, with its parent as an id of this project."""
    return (parent_here, code.description, code.include, code.exclude, code.example,
            code.exclusive)
