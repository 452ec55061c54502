"""A corrected version of an already-imported transcript replaces it, codings kept.

Transcription services send corrections: a name fixed, a turn split, a typo. Importing
the new file must not double the group, nor throw away the coding done on the old one.
A new transcript is taken as a version of an old one of the same group when it has the
same file name, or when at least 80 % of its turns (speaker and text) are the old one's.

The old and new turns are aligned in order (difflib on speaker and text); equal turns
keep their quote row, so their id and every coding, review and memo on it stay as they
are. Among the rest, an old turn whose folded text is still ≥ 85 % like a new one
(rapidfuzz ratio) is the same turn corrected: its row is updated in place and its
codings follow; a coding's span is moved to where its words now are, or widened to the
whole turn when they are gone. Old turns with no counterpart are removed, and the
codings and memos that go with them are listed for the user.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from typing import Any

from sqlalchemy import delete, func, insert, update
from sqlmodel import Session, col, select

from qualcode.db.models import Code, Coder, Coding, Memo, Participant, Quote, Source, utcnow
from qualcode.i18n import _
from qualcode.importers.base import ParsedSource, ParsedTurn
from qualcode.search.normalise import fold

SAME_SHARE = 0.8
REANCHOR_RATIO = 85.0
_WINDOW = 50  # new turns looked at for each changed old turn: bounds the fuzzy work


@dataclass
class Replacement:
    old_name: str
    unchanged: int = 0
    reanchored: int = 0
    added: int = 0
    removed: int = 0
    lost: list[str] = field(default_factory=list)


def find_previous(session: Session, group_id: int, src: ParsedSource,
                  digests: list[str]) -> Source | None:
    """The transcript of this group that `src` is a new version of, if any.

    `digests` are the turns' text hashes, in order."""
    same_name = session.exec(select(Source).where(
        Source.group_id == group_id, Source.kind == "transcript", Source.name == src.name)).first()
    if same_name is not None:
        return same_name
    sizes = dict(session.execute(
        select(Quote.source_id, func.count()).join(Source, col(Source.id) == Quote.source_id)
        .where(Quote.group_id == group_id, Source.kind == "transcript")
        .group_by(col(Quote.source_id))).all())
    n = len(digests)
    candidates = [sid for sid, size in sizes.items() if min(size, n) >= SAME_SHARE * max(size, n)]
    if not candidates:
        return None
    # a cheap first look on a sample of the turns, before comparing them all
    sample = sorted(set(digests[:: max(1, n // 50)]))
    hits = dict(session.execute(
        select(Quote.source_id, func.count(func.distinct(Quote.text_hash)))
        .where(col(Quote.source_id).in_(candidates), col(Quote.text_hash).in_(sample))
        .group_by(col(Quote.source_id))).all())
    candidates = [sid for sid in candidates if hits.get(sid, 0) >= 0.5 * len(sample)]
    if not candidates:
        return None
    folded = {speaker: fold(speaker) for speaker in {t.speaker for t in src.turns}}
    new = Counter((folded[t.speaker], d) for t, d in zip(src.turns, digests, strict=True))
    speakers = {pid: fold(label) for pid, label in session.execute(
        select(Participant.id, Participant.label).where(Participant.group_id == group_id))}
    old: dict[int, Counter[tuple[str, str]]] = {}
    rows = session.execute(select(Quote.source_id, Quote.participant_id, Quote.text_hash)
                           .where(col(Quote.source_id).in_(candidates)))
    for source_id, pid, digest in rows:
        old.setdefault(source_id, Counter())[(speakers[pid], digest)] += 1
    best, best_share = None, SAME_SHARE
    for source_id, keys in old.items():
        share = sum((keys & new).values()) / max(sum(keys.values()), sum(new.values()))
        if share >= best_share:
            best, best_share = source_id, share
    return session.get(Source, best) if best is not None else None


def replace_source(session: Session, source: Source, src: ParsedSource,
                   participant_ids: list[int], digests: list[str], *,
                   coder: str) -> Replacement:
    """Make `source` hold `src` (turn i spoken by participant_ids[i], its text hashed to
    digests[i]), in place."""
    assert source.id is not None
    result = Replacement(old_name=source.name)
    old = list(session.exec(select(Quote).where(Quote.source_id == source.id)
                            .order_by(col(Quote.position))).all())
    labels: dict[int, str] = dict(session.execute(
        select(Participant.id, Participant.label).where(
            col(Participant.id).in_({q.participant_id for q in old}))).all())
    old_keys = [(fold(labels[q.participant_id]), q.text_hash) for q in old]
    old_texts = [(q.id or 0, q.text) for q in old]
    new_keys = [(fold(t.speaker), d) for t, d in zip(src.turns, digests, strict=True)]
    pairs: dict[int, int] = {}  # new index → old index
    changed: dict[int, int] = {}  # the pairs whose text changed
    matcher = SequenceMatcher(None, old_keys, new_keys, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            pairs.update({j1 + k: i1 + k for k in range(i2 - i1)})
        else:
            changed.update(_fuzzy_pairs(old, src.turns, range(i1, i2), range(j1, j2)))
    pairs.update(changed)

    group_id = source.group_id
    assert group_id is not None
    kept = {pairs[j] for j in pairs}
    gone = [q for i, q in enumerate(old) if i not in kept]
    result.lost = _describe_lost(session, gone, labels)
    quiet = {"synchronize_session": False}  # the loaded rows keep the old texts on purpose
    if gone:
        session.execute(delete(Quote).where(col(Quote.id).in_([q.id for q in gone])),
                        execution_options=quiet)
    order: list[tuple[int, int | None]] = [(qid, sid) for qid, sid in session.execute(
        select(Quote.id, Quote.source_id).where(Quote.group_id == group_id)
        .order_by(col(Quote.position)))]
    at = next((k for k, (_, sid) in enumerate(order) if sid == source.id), len(order))
    others: list[int | None] = [qid for qid, sid in order if sid != source.id]
    session.execute(update(Quote).where(col(Quote.group_id) == group_id)
                    .values(position=-col(Quote.position) - 1), execution_options=quiet)
    new_ids: list[int | None] = [old[pairs[j]].id if j in pairs else None
                                 for j in range(len(src.turns))]
    position = {qid: p for p, qid in enumerate(others[:at] + [None] * len(src.turns)
                                                + others[at:], start=1) if qid is not None}
    moves = [{"id": qid, "position": p} for qid, p in position.items()]
    if moves:
        session.execute(update(Quote), moves)
    inserts: list[dict[str, Any]] = []
    updates: list[dict[str, Any]] = []
    for j, (turn, pid) in enumerate(zip(src.turns, participant_ids, strict=True)):
        values = {"participant_id": pid, "position": at + j + 1, "start": turn.start,
                  "end": turn.end, "text": turn.text, "text_hash": new_keys[j][1]}
        qid = new_ids[j]
        if qid is None:
            inserts.append({**values, "group_id": group_id, "source_id": source.id,
                            "external_id": None})
            continue
        updates.append({**values, "id": qid})
    if updates:
        session.execute(update(Quote), updates)
    for j, i in changed.items():
        result.lost += _move_spans(session, old_texts[i], src.turns[j].text)
    if inserts:
        session.execute(insert(Quote), inserts)
    result.unchanged = len(pairs) - len(changed)
    result.reanchored = len(changed)
    result.added = len(inserts)
    result.removed = len(gone)
    source.text, source.content_hash, source.format = src.text, src.content_hash, src.format
    source.name, source.imported_at, source.imported_by = src.name, utcnow(), coder
    session.add(source)
    session.flush()
    return result


def _fuzzy_pairs(old: list[Quote], new: list[ParsedTurn], olds: range,
                 news: range) -> dict[int, int]:
    """Pair changed turns in order: each old turn with the first new one close enough."""
    from rapidfuzz import fuzz

    pairs: dict[int, int] = {}
    folded = {j: fold(new[j].text) for j in news[:_WINDOW * 4]}
    next_new = news.start
    for i in olds:
        text = fold(old[i].text)
        for j in range(next_new, min(news.stop, next_new + _WINDOW)):
            if j not in folded:
                folded[j] = fold(new[j].text)
            if fuzz.ratio(text, folded[j], score_cutoff=REANCHOR_RATIO):
                pairs[j] = i
                next_new = j + 1
                break
    return pairs


def _move_spans(session: Session, old: tuple[int, str], new_text: str) -> list[str]:
    """Spans of codings on a corrected turn follow their words, or cover the whole turn."""
    quote_id, old_text = old
    notes: list[str] = []
    codings = session.exec(select(Coding).where(Coding.quote_id == quote_id,
                                                col(Coding.span_start).is_not(None))).all()
    for coding in codings:
        assert coding.span_start is not None and coding.span_end is not None
        words = old_text[coding.span_start:coding.span_end]
        found = new_text.find(words) if words else -1
        if found >= 0:
            coding.span_start, coding.span_end = found, found + len(words)
            session.add(coding)
            continue
        whole = session.exec(select(Coding.id).where(
            Coding.quote_id == quote_id, Coding.code_id == coding.code_id,
            Coding.coder_id == coding.coder_id, col(Coding.span_start).is_(None))).first()
        coder, code = _names(session, coding)
        if whole is None:
            coding.span_start = coding.span_end = None
            session.add(coding)
            notes.append(_("#{quote_id}: {coder}'s `{code}` on «{short}» now covers the whole "
                           "turn (those words changed)").format(
                             quote_id=quote_id, coder=coder, code=code, short=_short(words)))
        else:
            session.delete(coding)
            notes.append(_("#{quote_id}: {coder}'s `{code}` on «{short}» dropped (those words "
                           "changed; the turn keeps that code)").format(
                             quote_id=quote_id, coder=coder, code=code, short=_short(words)))
        session.flush()
    return notes


def _describe_lost(session: Session, gone: list[Quote], labels: dict[int, str]) -> list[str]:
    notes = []
    for quote in gone:
        codings = session.exec(select(Coding).where(Coding.quote_id == quote.id)).all()
        memos = session.exec(select(Memo).where(Memo.quote_id == quote.id)).all()
        what = [" ".join(_names(session, c)) for c in codings]
        what += [f"{session.get_one(Coder, m.coder_id).name} memo «{_short(m.text)}»"
                 for m in memos]
        if what:
            notes.append(
                _("#{id} {labels} «{short}» (turn removed): {items}").format(
                    id=quote.id,
                    labels=labels[quote.participant_id],
                    short=_short(quote.text),
                    items="; ".join(what),
                )
            )
    return notes


def _names(session: Session, coding: Coding) -> tuple[str, str]:
    return (session.get_one(Coder, coding.coder_id).name,
            session.get_one(Code, coding.code_id).name)


def _short(text: str, limit: int = 50) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
