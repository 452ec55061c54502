"""A REFI-QDA project (`RProject`) into a qualcode project: plan first, then write.

Planning is pure: it maps cases, selections and notes onto groups, participants,
quotes, codings, memos and reviews, and lists what has no place in qualcode. Only a
complete plan is written, in the caller's single transaction.

- Groups are the cases qualcode marked as focus groups; a text source from another
  tool becomes a group of its own (named after the source) unless a case claims it.
- In qualcode's own files a selection claimed by a case is a quote of that speaker
  (the next ones of the same range and case hold more of its whole-quote codings), and
  an unclaimed selection inside a quote is a span coding of it.
- In other tools' files one stretch is one quote: selections with the same range are
  joined (NVivo writes one per coding), nested or overlapping ones become segments of
  the quote that covers them (see `_Planner._stretches`); a quote's speaker is the
  case that claims its selection, else the one that claims its source, else
  `unattributed`.
- Codings keep their creating user as coder (the importing coder when a file names
  none, which is reported) and their time.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from itertools import accumulate
from pathlib import PurePath
from typing import Any

from sqlalchemy import func, insert
from sqlalchemy import text as sql
from sqlmodel import Session, SQLModel, select

from qualcode.db.models import (
    Code,
    Group,
    Meta,
    Quote,
    Source,
    Study,
    utcnow,
)
from qualcode.domain.codebook import Codebook, CodeSpec
from qualcode.domain.names import normalise_name
from qualcode.domain.study import GroupSpec, StudySpec
from qualcode.exchange import markers
from qualcode.exchange.codes import from_refi
from qualcode.exchange.guids import canonical, keep_guids, known_sources
from qualcode.exchange.positions import settle
from qualcode.exchange.refi_model import (
    RCode,
    RCoding,
    RProject,
    RSelection,
    RTextSource,
    Value,
)
from qualcode.i18n import _
from qualcode.importers.base import ParsedTurn, content_hash, text_hash
from qualcode.importers.moderators import is_moderator_label
from qualcode.services import events
from qualcode.services.codebook import import_codebook
from qualcode.services.coders import coder_id
from qualcode.services.imports import participant_ids
from qualcode.services.study import apply_study, ensure_group

Key = tuple[str, str]  # (group, speaker label)


@dataclass
class PCoding:
    code: str
    coder: str
    span: tuple[int, int] | None
    memo: str | None
    created: datetime | None
    guid: str = ""
    selection: str = ""
    """The GUID of the selection of a span coding (kept for the export)."""


@dataclass
class PQuote:
    speaker: Key
    text: str
    start: int | None
    end: int | None
    codings: list[PCoding] = field(default_factory=list)
    memos: dict[str, tuple[str, datetime | None]] = field(default_factory=dict)
    reviews: dict[str, datetime | None] = field(default_factory=dict)
    guid: str = ""


@dataclass
class PSource:
    name: str
    kind: str
    group: str | None
    text: str
    user: str | None
    created: datetime | None
    quotes: list[PQuote] = field(default_factory=list)
    guid: str = ""


@dataclass
class PGroup:
    name: str
    levels: dict[str, str] = field(default_factory=dict)
    attributes: dict[str, Any] = field(default_factory=dict)


@dataclass
class Plan:
    study: tuple[str, dict[str, Any]] | None = None
    dimensions: dict[str, list[str]] = field(default_factory=dict)
    groups: dict[str, PGroup] = field(default_factory=dict)
    participants: dict[Key, tuple[bool, dict[str, Any]]] = field(default_factory=dict)
    codes: list[CodeSpec] = field(default_factory=list)
    users: list[str] = field(default_factory=list)
    sources: list[PSource] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    user_guids: dict[str, str] = field(default_factory=dict)
    code_guids: dict[str, str] = field(default_factory=dict)
    """Names → the file's GUIDs, kept for the export (see `guids`)."""


class _Planner:
    def __init__(self, project: RProject, coder: str) -> None:
        self.p = project
        self.coder = coder
        self.plan = Plan(skipped=list(project.skipped))
        self.ours = project.origin.startswith(markers.ORIGIN)
        self.users = {u.guid: u.name or f"user {u.guid[:8]}" for u in project.users}
        self.unattributed = 0
        self.notes = {n.guid: n for n in project.notes}
        self.used_notes: set[str] = set()
        self.code_names: dict[str, str] = {}
        self.owner: dict[str, Key | tuple[None, str]] = {}
        self.source_group: dict[str, str] = {}
        self.source_speaker: dict[str, str] = {}
        self.foreign_attrs: dict[str, dict[str, Any]] = {}
        self.described = 0

    def who(self, guid: str | None) -> str:
        if guid is not None and guid in self.users:
            return self.users[guid]
        self.unattributed += 1
        return self.coder

    def run(self) -> Plan:
        plan = self.plan
        plan.users = list(dict.fromkeys(self.users.values()))
        plan.user_guids = {name: guid for guid, name in reversed(self.users.items())}
        self._case_codes()
        plan.codes, self.code_names = from_refi(self.p.codes, set(), plan.skipped)
        plan.code_guids = {name: guid for guid, name in self.code_names.items()}
        plan.study = markers.parse_study(self.p.description)
        variables = {v.guid: v for v in self.p.variables}
        for var in self.p.variables:
            levels = markers.dimension_levels(var.description)
            if levels is not None:
                plan.dimensions[var.name] = levels
        for case in self.p.cases:
            named = [(variables[g], v) for g, v in case.values if g in variables]
            if case.description == markers.GROUP_CASE:
                group = plan.groups.setdefault(case.name, PGroup(case.name))
                for var, value in named:
                    if var.name in plan.dimensions:
                        group.levels[var.name] = str(value)
                    else:
                        group.attributes[var.name] = value
                for ref in case.source_refs:
                    self.source_group[ref] = case.name
            elif case.description == markers.PARTICIPANT_CASE:
                roles = {var.description: value for var, value in named}
                key = (str(roles.get(markers.ROLE_GROUP, "")),
                       str(roles.get(markers.ROLE_SPEAKER, case.name)))
                attrs = {var.name: value for var, value in named
                         if var.description not in (markers.ROLE_GROUP, markers.ROLE_SPEAKER,
                                                    markers.ROLE_MODERATOR)}
                plan.participants[key] = (bool(roles.get(markers.ROLE_MODERATOR, False)), attrs)
                for ref in case.selection_refs:
                    self.owner[ref] = key
            else:
                self._foreign_case(case.name or f"case {case.guid[:8]}", named, case.source_refs,
                                   case.selection_refs)
        for source in self.p.sources:
            self._source(source)
        if self.unattributed:
            plan.skipped.append(_("note: {unattributed} coding(s), memo(s) or review(s) name no "
                                  "known user: attributed to {coder!r}").format(
                                    unattributed=self.unattributed, coder=self.coder))
        if self.described:
            plan.skipped.append(_("note: {described} selection description(s) (quotation "
                                  "comments) kept as memos").format(described=self.described))
        unused = [n for g, n in self.notes.items() if g not in self.used_notes]
        if unused:
            plan.skipped.append(_("{count} note(s) attached to no quote or coding (e.g. "
                                  "{name!r}): qualcode keeps memos on quotes").format(
                                    count=len(unused), name=unused[0].name))
        return plan

    def _case_codes(self) -> None:
        """Codes sharing a case's GUID are how NVivo (and qualcode, for QualCoder) write
        cases: their codings say which case a selection belongs to. They become the
        case's claim on the selection, not codes; a grouping code left empty goes too."""
        cases = {c.guid: c for c in self.p.cases}
        if not cases:
            return
        claims = 0
        for source in self.p.sources:
            for sel in source.selections:
                kept = []
                for coding in sel.codings:
                    if coding.code in cases:
                        refs = cases[coding.code].selection_refs
                        if sel.guid not in refs:
                            refs.append(sel.guid)
                        claims += 1
                    else:
                        kept.append(coding)
                sel.codings = kept

        def prune(codes: list[RCode]) -> list[RCode]:
            out = []
            for code in codes:
                if code.guid in cases:
                    continue
                had = bool(code.children)
                code.children = prune(code.children)
                if had and not code.children and not code.codable:
                    continue
                out.append(code)
            return out

        before = sum(1 for _ in _walk(self.p.codes))
        self.p.codes = prune(self.p.codes)
        dropped = before - sum(1 for _ in _walk(self.p.codes))
        if dropped and not self.ours:
            self.plan.skipped.append(_("note: {dropped} code(s) standing for cases read as who "
                                       "said what ({claims} selection(s)), not as codes").format(
                                         dropped=dropped, claims=claims))

    def _foreign_case(self, name: str, named: list[tuple[Any, Value]], sources: list[str],
                      selections: list[str]) -> None:
        if not sources and not selections:
            self.plan.skipped.append(_("case {name!r} claims no text: not imported").format(
                                         name=name))
            return
        self.foreign_attrs[name] = {var.name: value for var, value in named}
        for ref in selections:
            self.owner[ref] = (None, name)
        for ref in sources:
            self.source_speaker[ref] = name

    def _group_for_source(self, source: RTextSource) -> str:
        if source.guid in self.source_group:
            return self.source_group[source.guid]
        name = PurePath(source.name).stem if source.name else f"source {source.guid[:8]}"
        self.plan.groups.setdefault(name, PGroup(name))
        self.source_group[source.guid] = name
        return name

    def _speaker(self, owner: Key | tuple[None, str] | None, group: str, source: str) -> Key:
        if owner is not None and owner[0] is not None:
            return (owner[0], owner[1])
        label = owner[1] if owner is not None else self.source_speaker.get(source,
                                                                          markers.UNATTRIBUTED)
        key = (group, label)
        if key not in self.plan.participants:
            attrs = self.foreign_attrs.get(label, {})
            self.plan.participants[key] = (is_moderator_label(label), dict(attrs))
        return key

    def _annotations(self, source: RTextSource) -> None:
        """Notes on a source that say where they apply (QualCoder's annotations, a memo on
        a stretch, coded or not) join the source's selections as selections holding only
        that note: a memo of the quote covering the stretch, else of a quote of its own.
        qualcode's own files carry the same notes on their quotes' selections already."""
        on_selections = {g for sel in source.selections for g in sel.notes}
        loose = 0
        for guid in source.notes:
            note = self.notes.get(guid)
            if note is None or guid in on_selections:
                continue
            if note.anchor is None or self.ours:
                loose += not self.ours
                continue
            source.selections.append(RSelection(note.anchor.guid, note.anchor.start,
                                                note.anchor.end, notes=[guid]))
        if loose:
            self.plan.skipped.append(_("{loose} note(s) on the whole source {name!r} (qualcode "
                                       "keeps memos on quotes)").format(
                                         loose=loose, name=source.name))

    def _source(self, source: RTextSource) -> None:
        table = self.ours and source.description == markers.QUOTE_TABLE
        self._annotations(source)
        if not self.ours or markers.UTF16_POSITIONS in self.p.origin:
            convention = settle(source, self.p.origin)
            if convention:
                self.plan.skipped.append(
                    _("note: positions in {name!r} read with {convention}").format(
                        name=source.name, convention=convention
                    )
                )
        if source.codings:
            self.plan.skipped.append(_("{count} coding(s) of the whole source {name!r}: qualcode "
                                       "codes quotes, not documents").format(
                                         count=len(source.codings), name=source.name))
        group = None if table else self._group_for_source(source)
        out = PSource(source.name or f"source {source.guid[:8]}", "table" if table else
                      "transcript", group, source.text, self.users.get(source.user or ""),
                      source.created, guid=source.guid)
        text = source.text
        valid: list[RSelection] = []
        for sel in source.selections:  # an empty quote is ours to keep, not another tool's
            if 0 <= sel.start <= sel.end <= len(text) and (sel.start < sel.end or self.ours):
                valid.append(sel)
            else:
                self.plan.skipped.append(
                    _(
                        "selection {start}-{end} in {name!r} is empty or "
                        "outside the text ({count} characters)"
                    ).format(start=sel.start, end=sel.end, name=out.name, count=len(text))
                )
        valid.sort(key=lambda s: (s.start, -s.end))
        if self.ours:
            out.quotes = self._our_quotes(source, valid, group, table)
        else:
            out.quotes = self._stretches(source, valid, group, out.name)
        self.plan.sources.append(out)

    def _our_quotes(self, source: RTextSource, valid: list[RSelection], group: str | None,
                    table: bool) -> list[PQuote]:
        """qualcode's own file: each claimed selection is a quote, and every unclaimed one
        a span coding inside it (as `qdpx_export` writes them)."""
        text = source.text
        claimed = any(sel.guid in self.owner for sel in valid)
        quotes: list[tuple[RSelection, PQuote]] = []
        spans: list[RSelection] = []
        for sel in valid:
            if claimed and sel.guid not in self.owner:
                spans.append(sel)
                continue
            owner = self.owner.get(sel.guid)
            if quotes and (quotes[-1][0].start, quotes[-1][0].end) == (sel.start, sel.end) \
                    and self.owner.get(quotes[-1][0].guid) == owner and claimed:
                self._attach(sel, quotes[-1][1], None)  # another whole coding of that quote
                continue
            where = group or (owner[0] if owner and owner[0] else None) or \
                self._group_for_source(source)
            quote = PQuote(self._speaker(owner, where, source.guid), text[sel.start:sel.end],
                           None if table else sel.start, None if table else sel.end,
                           guid=sel.guid)
            quotes.append((sel, quote))
            self._attach(sel, quote, None)
        starts = [s.start for s, _ in quotes]
        reach = list(accumulate((s.end for s, _ in quotes), max))
        alone: list[tuple[RSelection, PQuote]] = []
        for sel in spans:
            host = self._host(quotes, starts, reach, sel)
            if host is not None:
                self._attach(sel, host[1], (sel.start - host[0].start, sel.end - host[0].start))
                continue
            where = group or self._group_for_source(source)
            quote = PQuote(self._speaker(None, where, source.guid), text[sel.start:sel.end],
                           None if table else sel.start, None if table else sel.end,
                           guid=sel.guid)
            alone.append((sel, quote))
            self._attach(sel, quote, None)
        merged = sorted(quotes + alone, key=lambda sq: (sq[0].start, -sq[0].end))
        return [q for _, q in merged]

    def _stretches(self, source: RTextSource, valid: list[RSelection], group: str | None,
                   name: str) -> list[PQuote]:
        """Another tool's selections as the stretches its user coded.

        NVivo writes one selection per coding, so a stretch coded three times is three
        identical selections: they become one quote with three codings. A selection
        inside another one (a sentence coded within a coded paragraph), or overlapping
        it within one paragraph, becomes a segment (span coding) of one quote covering
        them all, so counts, co-occurrence, `duplicates` and agreement see one stretch.
        Selections claimed by different cases (speakers) are never joined.
        """
        text = source.text
        clusters: list[tuple[int, int, Key | tuple[None, str] | None, list[RSelection]]] = []
        for sel in valid:
            owner = self.owner.get(sel.guid)
            if clusters:
                start, end, who, members = clusters[-1]
                fits = sel.end <= end or "\n" not in text[start:sel.end].rstrip("\n")
                if sel.start < end and fits and (owner is None or who is None or owner == who):
                    members.append(sel)
                    clusters[-1] = (start, max(end, sel.end), who or owner, members)
                    continue
            clusters.append((sel.start, sel.end, owner, [sel]))
        joined = segments = 0
        quotes: list[PQuote] = []
        for start, end, owner, members in clusters:
            where = group or (owner[0] if owner and owner[0] else None) or \
                self._group_for_source(source)
            quote = PQuote(self._speaker(owner, where, source.guid), text[start:end], start, end,
                           guid=next((s.guid for s in members
                                      if (s.start, s.end) == (start, end)), ""))
            for sel in members:
                whole = (sel.start, sel.end) == (start, end)
                self._attach(sel, quote, None if whole else (sel.start - start, sel.end - start))
                segments += not whole
            joined += max(sum((s.start, s.end) == (start, end) for s in members) - 1, 0)
            quotes.append(quote)
        if len(quotes) < len(valid):
            self.plan.skipped.append(
                _(
                    "note: {count} selections in {name!r} mapped to {quotes} quote{plural}: "
                    "{joined} with the same range as another joined into its quote, {segments} "
                    "inside or overlapping a larger one kept as segments of it"
                ).format(
                    count=len(valid),
                    name=name,
                    quotes=len(quotes),
                    plural="s" if len(quotes) > 1 else "",
                    joined=joined,
                    segments=segments,
                )
            )
        return quotes

    @staticmethod
    def _host(quotes: list[tuple[RSelection, PQuote]], starts: list[int], reach: list[int],
              sel: RSelection) -> tuple[RSelection, PQuote] | None:
        """The quote holding a span: the latest-starting one that contains it. `reach`
        (the furthest end so far) stops the search as soon as nothing earlier can."""
        i = bisect_right(starts, sel.start) - 1
        while i >= 0 and reach[i] >= sel.end:
            if quotes[i][0].end >= sel.end:
                return quotes[i]
            i -= 1
        return None

    def _note_text(self, guids: list[str]) -> str | None:
        texts = []
        for guid in guids:
            note = self.notes.get(guid)
            if note is not None and note.text:
                self.used_notes.add(guid)
                texts.append(note.text)
        return "\n\n".join(texts) or None

    def _attach(self, sel: RSelection, quote: PQuote, span: tuple[int, int] | None) -> None:
        for coding in sel.codings:
            self._coding(coding, sel, quote, span)
        if sel.description and not self.ours:  # ours: a copy of a coding memo, for QualCoder
            # ATLAS.ti's quotation comment, MAXQDA's segment comment: a memo
            author = sel.user or next((c.user for c in sel.codings if c.user), None)
            self._memo(quote, self.who(author), sel.description, sel.created)
            self.described += 1
        for guid in sel.notes:
            note = self.notes.get(guid)
            if note is None:
                continue
            self.used_notes.add(guid)
            who = self.who(note.user)
            if note.name == markers.REVIEWED:
                quote.reviews[who] = note.created
            else:
                self._memo(quote, who, note.text, note.created)

    @staticmethod
    def _memo(quote: PQuote, who: str, text: str, created: datetime | None) -> None:
        """One memo per coder and quote: a second note of the same coder is appended
        (a joined stretch may bring several), unless it is the same text."""
        if who not in quote.memos:
            quote.memos[who] = (text, created)
        elif text not in quote.memos[who][0].split("\n\n"):
            quote.memos[who] = (quote.memos[who][0] + "\n\n" + text, created)

    def _coding(self, coding: RCoding, sel: RSelection, quote: PQuote,
                span: tuple[int, int] | None) -> None:
        code = self.code_names.get(coding.code)
        if code is None:
            self.plan.skipped.append(_("a coding refers to no known code ({code}): skipped").format(
                                         code=coding.code))
            return
        quote.codings.append(PCoding(code, self.who(coding.user or sel.user), span,
                                     self._note_text(coding.notes),
                                     coding.created or sel.created, coding.guid,
                                     sel.guid if span is not None else ""))


def _walk(codes: list[RCode]) -> Iterator[RCode]:
    for code in codes:
        yield code
        yield from _walk(code.children)


def plan(project: RProject, coder: str) -> Plan:
    return _Planner(project, coder).run()


@dataclass
class ImportResult:
    sources: int = 0
    already: int = 0
    quotes: int = 0
    codings: int = 0
    memos: int = 0
    reviews: int = 0
    codes_added: int = 0
    codes_updated: int = 0
    coders: set[str] = field(default_factory=set)


def write(session: Session, plan: Plan, *, path: str, coder: str, name: str) -> ImportResult:
    result = ImportResult()
    _design(session, plan, name)
    if plan.codes:
        book = Codebook(name=name, version="1", codes=plan.codes)
        for key, attr in (("codebook.name", "name"), ("codebook.version", "version")):
            meta = session.get(Meta, key)
            if meta is not None:
                setattr(book, attr, meta.value)
        result.codes_added, result.codes_updated = import_codebook(session, book)
    codes = {normalise_name(c.name): c.id or 0 for c in session.exec(select(Code)).all()}
    keep_guids(session, "code", {str(codes[normalise_name(n)]): g
                                 for n, g in plan.code_guids.items()
                                 if g and normalise_name(n) in codes})
    groups = {g: ensure_group(session, g) for g in plan.groups}
    for g, spec in plan.groups.items():
        if spec.attributes:
            group_row = session.get_one(Group, groups[g])
            group_row.attributes = {**group_row.attributes, **spec.attributes}
            session.add(group_row)
    people: dict[Key, int] = {}

    def person(key: Key) -> int:
        if key not in people:
            if key[0] not in groups:
                groups[key[0]] = ensure_group(session, key[0])
            moderator, attrs = plan.participants.get(key, (is_moderator_label(key[1]), {}))
            turn = ParsedTurn(speaker=key[1], text="", is_moderator=moderator,
                              attributes=dict(attrs))
            ids, _new = participant_ids(session, {(groups[key[0]], key[1]): turn})
            people[key] = ids[(groups[key[0]], key[1])]
        return people[key]

    coders: dict[str, int] = {}

    def coder_of(who: str) -> int:
        if who not in coders:
            coders[who] = coder_id(session, who)
        return coders[who]

    for user in plan.users:
        coder_of(user)
    keep_guids(session, "coder", {str(coder_of(n)): g for n, g in plan.user_guids.items() if g})
    known = known_sources(session, [r[0] for r in session.execute(sql("SELECT id FROM source"))])
    kept: dict[str, dict[str, str]] = {"quote": {}, "span": {}, "source": {},
                                       "quote-table": {}}
    coding_guids: dict[tuple[Any, ...], str] = {}
    new_sources: list[int] = []
    for speaker in plan.participants:  # in the file's order, with or without quotes
        person(speaker)
    next_position: dict[int, int] = {}
    rows: dict[str, list[dict[str, Any]]] = {"coding": [], "memo": [], "review": []}
    for src in plan.sources:
        gid = groups[src.group] if src.group is not None else None
        digest = content_hash(src.text)
        seen = select(Source.id).where(Source.content_hash == digest)
        seen = seen.where(Source.group_id == gid) if gid is not None else seen.where(
            Source.group_id == None)  # noqa: E711 (SQL IS NULL)
        if session.exec(seen).first() is not None or canonical(src.guid) in known:
            result.already += 1
            continue
        source = Source(group_id=gid, name=src.name, kind=src.kind, format="qdpx",
                        content_hash=digest, text=src.text if src.kind == "transcript" else None,
                        imported_at=src.created or utcnow(), imported_by=src.user or coder)
        session.add(source)
        session.flush()
        result.sources += 1
        new_sources.append(source.id or 0)
        if src.guid:
            table = src.kind == "table"
            kept["quote-table" if table else "source"][
                f"table:{source.id}" if table else str(source.id)] = src.guid
        quote_rows: list[dict[str, Any]] = []
        for pq in src.quotes:
            qgid = groups.get(pq.speaker[0]) or ensure_group(session, pq.speaker[0])
            groups[pq.speaker[0]] = qgid
            if qgid not in next_position:
                top = session.exec(select(func.max(Quote.position))
                                   .where(Quote.group_id == qgid)).one()
                next_position[qgid] = (top or 0) + 1
            quote_rows.append({"group_id": qgid, "participant_id": person(pq.speaker),
                               "source_id": source.id, "position": next_position[qgid],
                               "start": pq.start, "end": pq.end, "text": pq.text,
                               "text_hash": text_hash(pq.text)})
            next_position[qgid] += 1
        if not quote_rows:
            continue
        session.execute(insert(SQLModel.metadata.tables["quote"]), quote_rows)
        ids = {(g, pos): qid for qid, g, pos in session.execute(
            select(Quote.id, Quote.group_id, Quote.position)
            .where(Quote.source_id == source.id)).all()}
        for pq, qrow in zip(src.quotes, quote_rows, strict=True):
            qid = ids[(qrow["group_id"], qrow["position"])]
            _quote_rows(qid, pq, codes, coder_of, rows, result, coding_guids)
            if pq.guid:
                kept["quote"][str(qid)] = pq.guid
            for c in pq.codings:
                if c.selection and c.span is not None:
                    kept["span"].setdefault(f"{qid}:{c.span[0]}:{c.span[1]}", c.selection)
    for name in ("coding", "memo", "review"):
        if rows[name]:  # Core inserts: the ORM's per-row bookkeeping is not needed here
            session.execute(insert(SQLModel.metadata.tables[name]), rows[name])
    _keep_coding_guids(session, new_sources, coding_guids)
    for kind, pairs in kept.items():
        keep_guids(session, kind, pairs)
    events.record(session, coder=coder, action="import", path=path, format="qdpx",
                  quotes=result.quotes, codings=result.codings)
    return result


def _keep_coding_guids(session: Session, sources: list[int],
                       guids: dict[tuple[Any, ...], str]) -> None:
    """The file's coding GUIDs, matched to the rows just inserted (Core inserts return
    no ids) by what makes a coding unique."""
    if not guids or not sources:
        return
    pairs: dict[str, str] = {}
    for source_id in sources:
        for cid, *key in session.execute(sql(
                "SELECT c.id, c.quote_id, c.code_id, c.coder_id, c.span_start, c.span_end "
                "FROM coding c JOIN quote q ON q.id = c.quote_id WHERE q.source_id = :s"),
                {"s": source_id}).all():
            if tuple(key) in guids:
                pairs[str(cid)] = guids[tuple(key)]
    keep_guids(session, "coding", pairs)


def _quote_rows(qid: int, pq: PQuote, codes: dict[str, int], coder: Callable[[str], int],
                rows: dict[str, list[dict[str, Any]]], result: ImportResult,
                guids: dict[tuple[Any, ...], str]) -> None:
    result.quotes += 1
    seen: set[tuple[int, int, tuple[int, int] | None]] = set()
    for c in pq.codings:
        key = (codes[normalise_name(c.code)], coder(c.coder), c.span)
        if key in seen:
            continue
        seen.add(key)
        if c.guid:
            guids[(qid, key[0], key[1], *(c.span or (None, None)))] = c.guid
        rows["coding"].append({"quote_id": qid, "code_id": key[0], "coder_id": key[1],
                               "span_start": c.span[0] if c.span else None,
                               "span_end": c.span[1] if c.span else None, "memo": c.memo,
                               "created_at": c.created or utcnow()})
        result.codings += 1
        result.coders.add(c.coder)
    for who, (text, when) in pq.memos.items():
        rows["memo"].append({"quote_id": qid, "coder_id": coder(who), "text": text,
                             "updated_at": when or utcnow()})
        result.memos += 1
    for who, when in pq.reviews.items():
        rows["review"].append({"quote_id": qid, "coder_id": coder(who),
                               "created_at": when or utcnow()})
        result.reviews += 1


def _design(session: Session, plan: Plan, name: str) -> None:
    """The file's design lands only in a project without groups yet; a project that
    has its own design keeps it, and the file's groups must then be among its groups."""
    empty = (session.exec(select(Study.id)).first() is None
             and session.exec(select(Group.id)).first() is None)
    if empty and (plan.study is not None or plan.dimensions):
        title, attributes = plan.study or (name, {})
        apply_study(session, StudySpec(
            title=title, attributes=attributes, dimensions=plan.dimensions,
            groups=[GroupSpec(g.name, dict(g.levels), dict(g.attributes))
                    for g in plan.groups.values()]))
        for g in plan.groups.values():
            g.attributes = {}
    elif plan.dimensions:
        plan.skipped.append(_("the file's design (dimensions and levels): the project already "
                            "has groups, and keeps its own"))


def skipped_counts(lines: list[str]) -> list[str]:
    """Repeated report lines once, with how many times they occurred."""
    counts = Counter(lines)
    return [line if n == 1 else f"{line} (×{n})" for line, n in counts.items()]
