"""Replacing participants' real names by pseudonyms, everywhere the project keeps text.

A name is found as written, in another case, without its accents, or slightly
misspelt (rapidfuzz's edit distance on accent-folded word n-grams), because
transcribers write "Hélène", "HELENE" and "Helene" for the same person.

How boldly depends on the name itself. A name that is not an ordinary French or
English word (Nadia, Karim: a word-frequency list, `wordfreq`, tells) is replaced in
any case and any position, misspelt too: "et nadia pense pareil", "Karem c'est moi".
A name that is also an ordinary word (Claire/claire, Pierre/pierre, Rose, Marie/marie)
is replaced where capitalised (misspelt only where the capital says "proper noun",
i.e. not at a sentence start), and where it is written in lower case the place is
listed for review and left as it is. Speaker labels are names by nature.

Transcripts keep their quotes' offsets: every replacement in a transcript shifts
the offsets after it, so the quotes' start/end (and the spans of codings inside
quotes) are recomputed from the same list of replacements, never guessed.

The map itself is never stored: the journal records how many names and
replacements there were, not which. Afterwards the file is vacuumed and its
write-ahead log truncated, so the replaced texts do not linger in free pages.
"""

from __future__ import annotations

import csv
import functools
import io
import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from itertools import accumulate
from pathlib import Path
from typing import Any

from rapidfuzz.distance import Levenshtein
from sqlalchemy import text as sql
from sqlmodel import Session, select

from qualcode.db import sqlite as sqlite_db
from qualcode.db.engine import Project
from qualcode.db.models import Code, Event, Group, Participant, Study
from qualcode.errors import UserError
from qualcode.i18n import N_, _
from qualcode.importers.base import text_hash
from qualcode.search.normalise import fold
from qualcode.services import events

_WORD = re.compile(r"[^\W\d_]+")
_JOINER = re.compile(r"[\s\-\u2010\u2011'\u2019.]{1,3}")
"""What may stand between the words of one name: "Jean-Pierre", "O'Brien", "J. Martin"."""
_SENTENCE_END = frozenset(".!?…:;«\"—–-\n")


ORDINARY_ZIPF = 4.5
"""Zipf frequency (wordfreq's scale: 6 = once every thousand words) from which a word is
taken for an ordinary one in French or English. Claire 4.6, Pierre 5.3, Rose 4.7 are
ordinary; Nadia 3.6, Karim 3.8, Yasmine 2.8 are names and nothing else. Frequent names
that are not words (Martin 4.8, Thomas 4.7) land on the careful side: their lower-case
occurrences are listed for review rather than replaced."""


@dataclass(frozen=True)
class Entry:
    name: str
    pseudonym: str
    words: tuple[str, ...]  # the name's folded words
    ordinary: bool = True
    """Also an ordinary word: replaced boldly only where capitalised."""

    @property
    def folded(self) -> str:
        return " ".join(self.words)


@dataclass(frozen=True)
class Hit:
    start: int
    end: int
    found: str
    replacement: str
    exact: bool
    doubtful: bool = False
    """Found but not replaced: an ordinary word in lower case, for a person to judge."""


@dataclass(frozen=True)
class Replacement:
    """One replacement, for the dry run: where, what was found, what it becomes."""

    where: str
    found: str
    replacement: str
    exact: bool
    context: str


@dataclass
class Plan:
    replacements: list[Replacement] = field(default_factory=list)
    doubtful: list[Replacement] = field(default_factory=list)
    """A name that is also an ordinary word, in lower case: listed, left as written."""
    counts: dict[str, int] = field(default_factory=dict)
    scrubbed: bool = True
    """False when another session kept old pages alive in the write-ahead log."""

    def add(self, kind: str, where: str, original: str, hits: list[Hit]) -> None:
        for hit in hits:
            before = original[max(0, hit.start - 30):hit.start]
            after = original[hit.end:hit.end + 30]
            context = " ".join(f"…{before}[{hit.found}]{after}…".split())
            listed = Replacement(where, hit.found, hit.replacement, hit.exact, context)
            (self.doubtful if hit.doubtful else self.replacements).append(listed)
        made = sum(not hit.doubtful for hit in hits)
        if made:
            self.counts[kind] = self.counts.get(kind, 0) + made


def load_map(path: Path) -> list[Entry]:
    """The `name,pseudonym` CSV; every problem is one line naming the file and line."""
    try:
        raw = path.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        raise UserError(
            _("cannot read the map: {strerror}").format(strerror=exc.strerror), path=str(path)
        ) from None
    except UnicodeDecodeError:
        raise UserError(_("the map is not UTF-8 text"), path=str(path)) from None
    reader = csv.reader(io.StringIO(raw, newline=""))
    entries: list[Entry] = []
    seen: dict[str, int] = {}
    try:
        header = [h.strip().casefold() for h in next(reader, [])]
        if header != ["name", "pseudonym"]:
            raise UserError(_("the map's header must be `name,pseudonym`"), path=str(path), line=1)
        for record in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in record):
                continue
            if len(record) != 2:
                raise UserError(_("expected 2 fields (name,pseudonym), found {count}").format(
                                    count=len(record)),
                                path=str(path), line=line)
            name, pseudonym = (" ".join(cell.split()) for cell in record)
            words = tuple(fold(w) for w in _WORD.findall(name))
            if not words or not pseudonym:
                raise UserError(_("a name and its pseudonym must both be given"),
                                path=str(path), line=line)
            key = " ".join(words)
            if key in seen:
                raise UserError(_("this name is already mapped at line {seen}").format(
                                    seen=seen[key]),
                                path=str(path), line=line)
            seen[key] = line
            entries.append(Entry(name, pseudonym, words, ordinary=_ordinary(words)))
    except csv.Error as exc:
        raise UserError(
            _("malformed CSV: {exc}").format(exc=exc), path=str(path), line=reader.line_num
        ) from None
    if not entries:
        raise UserError(_("the map has no names"), path=str(path))
    # Longer names first, so "Marie Dupont" wins over "Marie" on the same words.
    return sorted(entries, key=lambda e: (-len(e.words), -len(e.folded)))


def _ordinary(words: tuple[str, ...]) -> bool:
    """Whether every word of the name is also a frequent French or English word."""
    from wordfreq import zipf_frequency

    return all(max(zipf_frequency(w, "fr"), zipf_frequency(w, "en")) >= ORDINARY_ZIPF
               for w in words)


def allowed_edits(folded: str) -> int:
    """Small spelling variants only: none on short names, where one letter is another word."""
    size = len(folded.replace(" ", ""))
    return 0 if size < 5 else 1 if size < 10 else 2


class Matcher:
    def __init__(self, entries: list[Entry]) -> None:
        self.by_initial: dict[str, list[Entry]] = {}
        for entry in entries:  # a variant keeps its first letter: only those are compared
            self.by_initial.setdefault(entry.folded[0], []).append(entry)

    def find(self, text: str, *, label: bool = False) -> list[Hit]:
        """Replacements, and the doubtful places (hits marked `doubtful`), in order."""
        words = list(_WORD.finditer(text))
        hits: list[Hit] = []
        i = 0
        while i < len(words):
            hit, used = self._at(text, words, i, label)
            if hit is None:
                i += 1
                continue
            hits.append(hit)
            i += used
        return hits

    def _at(self, text: str, words: list[re.Match[str]], i: int,
            label: bool) -> tuple[Hit | None, int]:
        first = words[i].group()
        entries = self.by_initial.get(_initial(first[0]))
        if not entries:
            return None, 0
        capital = first[0].isupper()
        shouting = first.isupper() and len(first) > 1
        proper = label or shouting or (capital and not _sentence_start(text, words[i].start()))
        best: tuple[int, Entry, int] | None = None
        for entry in entries:
            if not capital and not label and entry.ordinary:
                limit = 0  # "claire" in lower case: only the exact word, and only listed
            elif entry.ordinary:
                limit = allowed_edits(entry.folded) if proper else 0
            else:  # a name and nothing else: misspelt anywhere, in any case
                limit = allowed_edits(entry.folded)
            n = len(entry.words)
            if i + n > len(words) or not _joined(text, words, i, n):
                continue
            if limit == 0 and not capital and not label and entry.ordinary and (
                    " ".join(w.group().casefold() for w in words[i:i + n])
                    != entry.name.casefold()):
                continue  # "marié" is not "Marie": only the very word is worth a look
            candidate = " ".join(fold(w.group()) for w in words[i:i + n])
            distance = Levenshtein.distance(candidate, entry.folded, score_cutoff=limit)
            if distance <= limit and (best is None or (distance, -n) < (best[0], -best[2])):
                best = (distance, entry, n)
                if distance == 0:
                    break
        if best is None:
            return None, 0
        distance, entry, n = best
        start, end = words[i].start(), words[i + n - 1].end()
        found = text[start:end]
        replacement = entry.pseudonym.upper() if found.isupper() and len(found) > 1 else (
            entry.pseudonym)
        doubtful = not capital and not label and entry.ordinary
        return Hit(start, end, found, replacement, distance == 0, doubtful), n


@functools.lru_cache(maxsize=4096)
def _initial(letter: str) -> str:
    return fold(letter)[:1]


def _joined(text: str, words: list[re.Match[str]], i: int, n: int) -> bool:
    return all(_JOINER.fullmatch(text[words[k].end():words[k + 1].start()])
               for k in range(i, i + n - 1))


def _sentence_start(text: str, pos: int) -> bool:
    while pos > 0 and text[pos - 1] in " \t\u00a0\u202f":
        pos -= 1
    return pos == 0 or text[pos - 1] in _SENTENCE_END


def apply(text: str, hits: list[Hit]) -> str:
    out: list[str] = []
    last = 0
    for hit in hits:
        if hit.doubtful:
            continue
        out.append(text[last:hit.start])
        out.append(hit.replacement)
        last = hit.end
    out.append(text[last:])
    return "".join(out)


def shifter(hits: list[Hit]) -> Callable[[int], int]:
    """Old offset → new offset, given the replacements made before it. A binary search
    over the replacements' starts: shifting every quote of a long transcript stays
    linear in its length (a scan per offset made 50,000 turns take minutes)."""
    made = [h for h in hits if not h.doubtful]
    starts = [h.start for h in made]
    before = list(accumulate((len(h.replacement) - (h.end - h.start) for h in made),
                             initial=0))

    def shift(pos: int) -> int:
        k = bisect_right(starts, pos - 1)  # replacements starting before pos
        if k and made[k - 1].end > pos:  # inside a replaced name: keep it inside the new one
            hit = made[k - 1]
            return hit.start + before[k - 1] + min(pos - hit.start, len(hit.replacement))
        return pos + before[k]

    return shift


def pseudonymise(project: Project, map_path: Path, *, coder: str, dry_run: bool) -> Plan:
    """The whole command: one transaction, one journal entry without names, then a scrub."""
    entries = load_map(map_path)
    if dry_run:
        with project.read() as session:
            return plan_and_apply(session, entries, write=False)
    with project.write() as session:
        if project.is_sqlite:
            session.execute(sql("PRAGMA secure_delete = ON"))
        plan = plan_and_apply(session, entries, write=True)
        events.record(session, coder=coder, action="pseudonymise", names=len(entries),
                      replacements=dict(sorted(plan.counts.items())))
    if project.is_sqlite:
        plan.scrubbed = sqlite_db.scrub(project.engine)
    return plan


def plan_and_apply(session: Session, entries: list[Entry], *, write: bool) -> Plan:
    """Find every replacement; with `write`, make them in the caller's transaction."""
    matcher = Matcher(entries)
    plan = Plan()
    _participants(session, matcher, plan, write)
    _texts(session, matcher, plan, write)
    _json_columns(session, matcher, plan, write)
    _codebook(session, matcher, plan, write)
    return plan


CODE_TEXTS = ("name", "description", "include", "exclude", "example")


def _codebook(session: Session, matcher: Matcher, plan: Plan, write: bool) -> None:
    """Definitions quote verbatims (a code's example is one): names hide there too."""
    for code in session.exec(select(Code)).all():
        where = f"code {code.name!r}"
        new: dict[str, Any] = {}
        for column in CODE_TEXTS:
            value = getattr(code, column) or ""
            hits = matcher.find(value)
            plan.add(N_("codebook"), f"{where} {column}", value, hits)
            if any(not h.doubtful for h in hits):
                new[column] = apply(value, hits)
        keywords = [_walk(k, matcher, plan, N_("codebook"), f"{where} keywords")
                    for k in code.keywords]
        if keywords != list(code.keywords):
            new["keywords"] = keywords
        if write and new:
            for column, value in new.items():
                setattr(code, column, value)
            session.add(code)
    if write:
        session.flush()


def _participants(session: Session, matcher: Matcher, plan: Plan, write: bool) -> None:
    groups = dict(session.execute(sql("SELECT id, name FROM study_group")).all())
    people = session.exec(select(Participant)).all()
    labels: dict[tuple[int, str], str] = {}
    for person in people:
        hits = matcher.find(person.label, label=True)
        where = f"speaker {person.label!r} of {groups.get(person.group_id, '?')}"
        plan.add(N_("speaker"), where, person.label, hits)
        new_label = apply(person.label, hits)
        clash = labels.get((person.group_id, new_label))
        if clash is not None:
            raise UserError(
                _(
                    "speakers {clash!r} and {label!r} of {group} would both become "
                    "{new_label!r}; give them different pseudonyms"
                ).format(
                    clash=clash,
                    label=person.label,
                    group=groups.get(person.group_id, "?"),
                    new_label=new_label,
                )
            )
        labels[(person.group_id, new_label)] = person.label
        attributes = _walk(person.attributes, matcher, plan, N_("speaker attribute"), where)
        if write and (hits or attributes != person.attributes):
            person.label, person.attributes = new_label, attributes
            session.add(person)
    if write:
        session.flush()


def _texts(session: Session, matcher: Matcher, plan: Plan, write: bool) -> None:
    sources = session.execute(sql("SELECT id, name, text FROM source")).all()
    quotes = session.execute(sql('SELECT id, source_id, start, "end", text FROM quote '
                                 "ORDER BY id")).all()
    by_source: dict[int, list[tuple[int, int, int, str]]] = {}
    loose: list[tuple[int, str]] = []
    source_text = {sid: body for sid, _name, body in sources}
    for qid, sid, start, end, body in quotes:
        original = source_text.get(sid) if sid is not None else None
        if original is not None and start is not None and original[start:end] == body:
            by_source.setdefault(sid, []).append((qid, start, end, body))
        elif original is not None and start is not None:
            loose.append((qid, body))
            by_source.setdefault(sid, []).append((qid, start, end, ""))
        else:
            loose.append((qid, body))
    quote_rows: dict[int, dict[str, Any]] = {}
    span_hits: dict[int, list[Hit]] = {}
    for sid, name, body in sources:
        name_hits = matcher.find(name)
        plan.add(N_("file name"), _("file name {name!r}").format(name=name), name, name_hits)
        hits = matcher.find(body) if body else []
        plan.add(N_("transcript"), f"transcript {name!r}", body or "", hits)
        if write and (hits or name_hits):
            session.execute(sql("UPDATE source SET name = :name, text = :text WHERE id = :id"),
                            {"id": sid, "name": apply(name, name_hits),
                             "text": apply(body, hits) if body else body})
        if not hits:
            continue
        shift, new_body = shifter(hits), apply(body or "", hits)
        starts = [h.start for h in hits]
        for qid, start, end, quoted in by_source.get(sid, []):
            new_start, new_end = shift(start), shift(end)
            row = quote_rows.setdefault(qid, {"id": qid})
            row.update(start=new_start, end=new_end)
            if quoted:  # the quote is its slice of the transcript: it stays that slice
                inside = [Hit(h.start - start, h.end - start, h.found, h.replacement, h.exact,
                              h.doubtful)
                          for h in hits[bisect_left(starts, start):bisect_right(starts, end)]
                          if h.end <= end]  # the quote's own hits, found by bisection
                span_hits[qid] = inside
                row["text"] = new_body[new_start:new_end]
                plan.add(N_("quote"), f"quote {qid}", quoted, inside)
    for qid, body in loose:
        hits = matcher.find(body)
        plan.add(N_("quote"), f"quote {qid}", body, hits)
        if hits:
            span_hits[qid] = hits
            quote_rows.setdefault(qid, {"id": qid})["text"] = apply(body, hits)
    for qid, body in session.execute(sql("SELECT id, text FROM memo")).all():
        hits = matcher.find(body)
        plan.add(N_("memo"), f"memo {qid}", body, hits)
        if write and hits:
            session.execute(sql("UPDATE memo SET text = :t WHERE id = :id"),
                            {"id": qid, "t": apply(body, hits)})
    codings = session.execute(sql("SELECT id, quote_id, span_start, span_end, memo "
                                  "FROM coding")).all()
    for cid, qid, span_start, span_end, memo in codings:
        memo_hits = matcher.find(memo) if memo else []
        plan.add(N_("memo"), _("coding memo on quote {qid}").format(qid=qid), memo or "", memo_hits)
        moved = span_start is not None and bool(span_hits.get(qid))
        if write and (memo_hits or moved):
            shift = shifter(span_hits.get(qid, []))
            session.execute(sql("UPDATE coding SET memo = :m, span_start = :s, span_end = :e "
                                "WHERE id = :id"),
                            {"id": cid, "m": apply(memo, memo_hits) if memo else memo,
                             "s": shift(span_start) if span_start is not None else None,
                             "e": shift(span_end) if span_end is not None else None})
    if write:
        for row in quote_rows.values():
            sets = ", ".join(f'"{k}" = :{k}' for k in row if k != "id")
            if "text" in row:
                row["text_hash"] = text_hash(row["text"])
                sets += ", text_hash = :text_hash"
            session.execute(sql(f"UPDATE quote SET {sets} WHERE id = :id"), row)


def _json_columns(session: Session, matcher: Matcher, plan: Plan, write: bool) -> None:
    rows: Iterable[Study | Group | Event] = [
        *session.exec(select(Study)).all(), *session.exec(select(Group)).all(),
        *session.exec(select(Event)).all()]
    for row in rows:
        if isinstance(row, Event):
            where, before = _("journal entry {id}").format(id=row.id), row.payload
        elif isinstance(row, Group):
            where, before = f"group {row.name} attributes", row.attributes
        else:
            where, before = _("study attributes"), row.attributes
        after = _walk(before, matcher, plan, N_("journal") if isinstance(row, Event)
                      else "study", where)
        if write and after != before:
            if isinstance(row, Event):
                row.payload = after
            else:
                row.attributes = after
            session.add(row)
    if write:
        session.flush()


def _walk(value: Any, matcher: Matcher, plan: Plan, kind: str, where: str) -> Any:
    if isinstance(value, str):
        hits = matcher.find(value)
        plan.add(kind, where, value, hits)
        return apply(value, hits)
    if isinstance(value, list):
        return [_walk(v, matcher, plan, kind, where) for v in value]
    if isinstance(value, dict):
        return {k: _walk(v, matcher, plan, kind, where) for k, v in value.items()}
    return value
