"""Importing files into a project: parse everything first, then write in one transaction.

Parsing before writing means a bad file among several stops the whole command with
its one-line error and the project exactly as it was. Re-importing the same content
adds nothing: a source already present (same content, same group) is skipped. Every
row of a quote table is a turn, repeated words included (a participant who says "Oui."
twice said it twice); a new version of the same table (same file name) adds only the
rows the earlier version did not bring, each earlier row matching one row. A corrected
version of a transcript replaces the old one (`transcript_versions`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from qualcode.db.batches import id_batches
from qualcode.db.reader import Reader, json_value
from qualcode.db.writer import Writer, writer_of
from qualcode.errors import UserError
from qualcode.i18n import _
from qualcode.importers import detect_format, parser_for
from qualcode.importers.base import ParsedSource, ParsedTurn, text_hashes
from qualcode.search.normalise import fold
from qualcode.services import events
from qualcode.services.bulk_insert import insert_rows
from qualcode.services.collector import collector_paused
from qualcode.services.study import ROSTER, ensure_group
from qualcode.services.table_codings import apply_codings, lacks_codes, take_mark_columns

if TYPE_CHECKING:
    from sqlmodel import Session

Progress = Callable[[Path], None]


class ImportSummary:
    """What importing one file did, for its line of the command's output. A plain class,
    not a dataclass: `dataclasses` costs 8 ms of `import`'s start-up (it imports
    `inspect`)."""

    __slots__ = ("path", "format", "quotes_added", "speakers", "speakers_added",
                 "duplicates_skipped", "codings_added", "already_imported", "replaced",
                 "unchanged", "reanchored", "removed", "notes")

    def __init__(self, path: str, format: str) -> None:  # noqa: A002
        self.path = path
        self.format = format
        self.quotes_added = 0
        self.speakers = 0
        self.speakers_added = 0
        self.duplicates_skipped = 0
        self.codings_added = 0
        self.already_imported = False
        self.replaced: str | None = None
        self.unchanged = 0
        self.reanchored = 0
        self.removed = 0
        self.notes: list[str] = []
        """What the researcher should check, `file:line: …` each: doubtful speaker
        readings, labels off the study's roster, codings that could not follow a
        corrected transcript."""

    def line(self) -> str:
        if self.already_imported:
            return _("{path}: already imported, nothing added").format(path=self.path)
        if self.replaced is not None:
            return _(
                "{path}: a corrected version of {replaced}, which it replaces: {unchanged} "
                "turns unchanged, {reanchored} corrected (codings kept), {quotes_added} "
                "added, {removed} removed; {speakers} speakers ({speakers_added} new)"
            ).format(
                path=self.path,
                replaced=self.replaced,
                unchanged=self.unchanged,
                reanchored=self.reanchored,
                quotes_added=self.quotes_added,
                removed=self.removed,
                speakers=self.speakers,
                speakers_added=self.speakers_added,
            )
        coded = f", {self.codings_added} codings" if self.codings_added else ""
        return _(
            "{path}: {quotes_added} quotes added, {speakers} speakers ({speakers_added} "
            "new), {duplicates_skipped} duplicates skipped{coded}"
        ).format(
            path=self.path,
            quotes_added=self.quotes_added,
            speakers=self.speakers,
            speakers_added=self.speakers_added,
            duplicates_skipped=self.duplicates_skipped,
            coded=coded,
        )


def preview(path: str, src: ParsedSource) -> str:
    """What an import would read, for `import --dry-run`: each speaker with their turn
    count, then every turn's line and first words, then the doubtful readings."""
    counts = Counter(t.speaker for t in src.turns)
    out = [_("{path}: {turns} turns, {speakers} speakers (nothing written)").format(
               path=path, turns=len(src.turns), speakers=len(counts))]
    for speaker, n in counts.items():
        role = " (moderator)" if any(t.is_moderator for t in src.turns
                                     if t.speaker == speaker) else ""
        out.append(f"  {speaker}{role}: {n} turns")
    for turn in src.turns:
        words = " ".join(turn.text.split()[:8])
        more = " …" if len(turn.text.split()) > 8 else ""
        out.append(f"  line {turn.line or '?'}  {turn.speaker}: {words}{more}")
    out += [f"  check: {note}" for note in src.notes]
    return "\n".join(out) + "\n"


def parse_files(paths: list[Path], fmt: str = "auto",
                progress: Progress | None = None) -> list[ParsedSource]:
    parsed = []
    with collector_paused():
        for path in paths:
            chosen = detect_format(path) if fmt == "auto" else fmt
            parsed.append(parser_for(chosen)(path))
            if progress is not None:
                progress(path)
    return parsed


def needs_session(db: Reader, sources: list[ParsedSource], group: str | None = None) -> bool:
    """Whether writing `sources` (the transcripts into `group`) takes the ORM: a
    transcript that may correct an earlier version, or a table naming a code the codebook
    lacks; the rest, coded tables included, is plain SQL throughout. Only a transcript
    of the group can be an earlier version (`transcript_versions.find_previous`): the
    first one of a group is plain SQL too, unless another comes in the same import.
    SQLAlchemy and SQLModel cost 0.2 s of such an import's 0.3."""
    transcripts = sum(src.kind != "table" for src in sources)
    if transcripts > 1 or (transcripts and group is not None and db.row(
            "SELECT 1 FROM source s JOIN study_group g ON g.id = s.group_id "
            "WHERE g.name = ? AND s.kind = 'transcript' LIMIT 1", (group,)) is not None):
        return True
    return any(src.kind == "table" and lacks_codes(db, src) for src in sources)


def write_sources(source: Writer | Session, sources: list[tuple[str, ParsedSource]],
                  *, group: str | None, coder: str, add_codes: bool = False,
                  progress: Progress | None = None) -> list[ImportSummary]:
    summaries = []
    with collector_paused():
        for path, src in sources:
            summaries.append(write_source(source, path, src, group=group, coder=coder,
                                          add_codes=add_codes))
            if progress is not None:
                progress(Path(path))
    return summaries


def write_source(source: Writer | Session, path: str, src: ParsedSource, *, group: str | None,
                 coder: str, add_codes: bool = False) -> ImportSummary:
    db = writer_of(source)
    summary = ImportSummary(path=path, format=src.format)
    take_mark_columns(db, src)
    if src.kind == "transcript" and group is None:
        raise UserError(_("a transcript needs --group (which focus group is it?)"), path=path)
    groups: dict[str, int] = {}

    def gid(name: str | None, line: int | None) -> int:
        chosen = name or group
        if chosen is None:
            raise UserError(_("row has no group and no --group was given"), path=path, line=line)
        if chosen not in groups:
            try:
                groups[chosen] = ensure_group(db, chosen)
            except UserError as exc:
                raise UserError(str(exc), path=path, line=line) from None
        return groups[chosen]

    source_group = gid(group, None) if src.kind == "transcript" else None
    seen = db.row("SELECT id FROM source WHERE content_hash = ? AND "
                  + ("group_id = ?" if source_group else "group_id IS NULL"),
                  (src.content_hash, source_group) if source_group else (src.content_hash,))
    if seen is not None:
        summary.already_imported = True
        return summary
    digests = text_hashes([turn.text for turn in src.turns], nfc=src.nfc)
    previous = None
    if source_group is not None and db.row(  # else none to find: no ORM (`needs_session`)
            "SELECT 1 FROM source WHERE group_id = ? AND kind = 'transcript' LIMIT 1",
            (source_group,)) is not None:
        from qualcode.services.transcript_versions import find_previous

        previous = find_previous(db.session, source_group, src, digests)

    keys: list[tuple[int, str]] = []
    first_turns: dict[tuple[int, str], ParsedTurn] = {}
    for turn in src.turns:  # a group's id is never 0: `or` moves on from a miss only
        g = source_group or groups.get(turn.group or group or "") or gid(turn.group, turn.line)
        keys.append((g, turn.speaker))
        first_turns.setdefault(keys[-1], turn)
    summary.notes.extend(src.notes)
    participants, summary.speakers_added = participant_ids(db, first_turns,
                                                           notes=summary.notes, where=path)
    turn_participants = [participants[key] for key in keys]
    summary.speakers = len(participants)

    if previous is not None:
        from qualcode.services.transcript_versions import replace_source

        done = replace_source(db.session, previous, src, turn_participants, digests,
                              coder=coder)
        summary.replaced, summary.unchanged = done.old_name, done.unchanged
        summary.reanchored, summary.quotes_added = done.reanchored, done.added
        summary.removed = done.removed
        summary.notes.extend(done.lost)
        events.record(db, coder=coder, action="import", path=path, format=src.format,
                      source_id=previous.id, replaced=done.old_name, unchanged=done.unchanged,
                      reanchored=done.reanchored, added=done.added, removed=done.removed,
                      lost=done.lost)
        return summary

    source_id = db.insert(
        "INSERT INTO source (group_id, name, kind, format, content_hash, text, imported_at, "
        "imported_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (source_group, src.name, src.kind, src.format, src.content_hash, src.text, db.now(),
         coder))
    inserted = _insert_quotes(
        db, source_id, src, turn_participants, digests,
        dedupe=src.kind != "transcript", group_of={pid: g for (g, _), pid in participants.items()})
    summary.quotes_added = len(inserted)
    summary.duplicates_skipped = len(src.turns) - len(inserted)
    if src.kind == "table" and any(turn.codings for turn in inserted):
        quote_ids = [int(i) for i, in db.rows(
            "SELECT id FROM quote WHERE source_id = ? ORDER BY id", (source_id,))]
        summary.codings_added = apply_codings(db, path, inserted, quote_ids,
                                              coder=coder, add_codes=add_codes)
    events.record(db, coder=coder, action="import", path=path, format=src.format,
                  source_id=source_id, quotes=summary.quotes_added,
                  codings=summary.codings_added)
    return summary


def _insert_quotes(db: Writer, source_id: int, src: ParsedSource, speakers: list[int],
                   digests: list[str], *, dedupe: bool,
                   group_of: dict[int, int]) -> list[ParsedTurn]:
    """One bulk insert of the new quotes, after the group's existing ones."""
    existing: Counter[tuple[int, int, str]] = Counter()
    if dedupe:  # rows an earlier version of this same table already brought
        existing.update(db.rows(
            "SELECT q.group_id, q.participant_id, q.text_hash FROM quote q "
            "JOIN source s ON s.id = q.source_id WHERE s.name = ? AND s.kind = 'table'",
            (src.name,)))
    groups = sorted(set(group_of.values()))
    next_position = dict.fromkeys(groups, 1)
    for marks, ids in id_batches(groups):
        next_position |= {g: top + 1 for g, top in db.rows(
            f"SELECT group_id, max(position) FROM quote WHERE group_id IN ({marks}) "  # noqa: S608
            "GROUP BY group_id", ids)}
    rows: list[tuple[Any, ...]] = []
    inserted: list[ParsedTurn] = []
    for turn, pid, digest in zip(src.turns, speakers, digests, strict=True):
        g = group_of[pid]
        if existing and existing[(g, pid, digest)] > 0:  # each earlier row matches one, once
            existing[(g, pid, digest)] -= 1
            continue
        inserted.append(turn)
        rows.append((g, pid, source_id, next_position[g], turn.start, turn.end, turn.text,
                     turn.external_id, digest))
        next_position[g] += 1
    insert_rows(db, "quote", ("group_id", "participant_id", "source_id", "position",
                                   "start", '"end"', "text", "external_id", "text_hash"), rows)
    return inserted


def participant_ids(source: Writer | Session, speakers: dict[tuple[int, str], ParsedTurn], *,
                    notes: list[str] | None = None, where: str = ""
                    ) -> tuple[dict[tuple[int, str], int], int]:
    """Ids of the (group, label) speakers, created as needed from their first turn.

    New participants take their moderator flag and attributes from that turn; existing
    ones gain the table's attribute values. A few statements for them all, not a
    query and a flush per speaker.
    """
    db = writer_of(source)
    group_ids = sorted({g for g, _ in speakers})

    def known() -> dict[tuple[int, str], tuple[int, dict[str, Any]]]:
        found = {}
        for marks, ids in id_batches(group_ids):
            for pid, g, label, attrs in db.rows(
                    "SELECT id, group_id, label, attributes FROM participant "  # noqa: S608
                    f"WHERE group_id IN ({marks})", ids):
                found[(g, label)] = (pid, json_value(attrs))
        return found

    found = known()
    folded = {(g, fold(label)): (g, label) for g, label in found}
    rosters = {int(k.removeprefix(ROSTER)) for k, in db.rows(
        'SELECT "key" FROM meta WHERE "key" LIKE ?', (f"{ROSTER}%",))}
    aliases: dict[tuple[int, str], tuple[int, str]] = {}
    new: list[tuple[Any, ...]] = []
    changed: list[tuple[Any, ...]] = []
    for (g, label), turn in speakers.items():
        if (g, label) not in found and (g, fold(label)) in folded:
            aliases[(g, label)] = folded[(g, fold(label))]  # "NADIA" is the listed "Nadia"
            continue
        if (g, label) not in found and g in rosters and notes is not None:
            listed = sorted(lb for gg, lb in found if gg == g)
            notes.append(
                _(
                    "{where}:{value}: speaker « {label} » is not among the group's "
                    "participants ({items}): added"
                ).format(where=where, value=turn.line or "?", label=label, items=", ".join(listed))
            )
        if (g, label) not in found:
            new.append((g, label, turn.is_moderator, db.json(dict(turn.attributes))))
            continue
        pid, attrs = found[(g, label)]
        if turn.attributes and any(attrs.get(k) != v for k, v in turn.attributes.items()):
            changed.append((db.json({**attrs, **turn.attributes}), pid))
    db.executemany("UPDATE participant SET attributes = ? WHERE id = ?", changed)
    if new:
        db.executemany("INSERT INTO participant (group_id, label, is_moderator, attributes) "
                       "VALUES (?, ?, ?, ?)", new)
        found = known()
    return {key: found[aliases.get(key, key)][0] for key in speakers}, len(new)
