"""Importing files into a project: parse everything first, then write in one transaction.

Parsing before writing means a bad file among several stops the whole command with
its one-line error and the project exactly as it was. Re-importing the same content
adds nothing: a source already present (same bytes, same group) is skipped, and so is
a quote whose speaker and text are already in the group.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert
from sqlmodel import Session, col, select

from qualcode.db.models import Participant, Quote, Source
from qualcode.errors import UserError
from qualcode.importers import detect_format, parser_for
from qualcode.importers.base import ParsedSource, text_hash
from qualcode.services import events
from qualcode.services.study import ensure_group


@dataclass
class ImportSummary:
    path: str
    format: str
    quotes_added: int = 0
    speakers: int = 0
    speakers_added: int = 0
    duplicates_skipped: int = 0
    already_imported: bool = False

    def line(self) -> str:
        if self.already_imported:
            return f"{self.path}: already imported, nothing added"
        return (f"{self.path}: {self.quotes_added} quotes added, {self.speakers} speakers "
                f"({self.speakers_added} new), {self.duplicates_skipped} duplicates skipped")


def parse_files(paths: list[Path], fmt: str = "auto",
                progress: Callable[[Path], None] | None = None) -> list[ParsedSource]:
    parsed = []
    for path in paths:
        chosen = detect_format(path) if fmt == "auto" else fmt
        parsed.append(parser_for(chosen)(path))
        if progress is not None:
            progress(path)
    return parsed


def write_sources(session: Session, sources: list[tuple[str, ParsedSource]],
                  *, group: str | None, coder: str) -> list[ImportSummary]:
    return [write_source(session, path, src, group=group, coder=coder) for path, src in sources]


def write_source(session: Session, path: str, src: ParsedSource, *, group: str | None,
                 coder: str) -> ImportSummary:
    summary = ImportSummary(path=path, format=src.format)
    if src.kind == "transcript" and group is None:
        raise UserError("a transcript needs --group (which focus group is it?)", path=path)
    groups: dict[str, int] = {}

    def gid(name: str | None, line: int | None) -> int:
        chosen = name or group
        if chosen is None:
            raise UserError("row has no group and no --group was given", path=path, line=line)
        if chosen not in groups:
            try:
                groups[chosen] = ensure_group(session, chosen)
            except UserError as exc:
                raise UserError(str(exc), path=path, line=line) from None
        return groups[chosen]

    source_group = gid(group, None) if src.kind == "transcript" else None
    seen = select(Source.id).where(Source.content_hash == src.content_hash)
    seen = seen.where(Source.group_id == source_group) if source_group else seen.where(
        col(Source.group_id).is_(None))
    if session.exec(seen).first() is not None:
        summary.already_imported = True
        return summary
    source = Source(group_id=source_group, name=src.name, kind=src.kind, format=src.format,
                    content_hash=src.content_hash, text=src.text, imported_by=coder)
    session.add(source)
    session.flush()

    participants: dict[tuple[int, str], int] = {}
    existing_hashes: dict[int, set[tuple[int, str]]] = {}
    next_position: dict[int, int] = {}
    rows: list[dict[str, Any]] = []
    speakers: set[tuple[int, str]] = set()
    for turn in src.turns:
        g = source_group if source_group is not None else gid(turn.group, turn.line)
        key = (g, turn.speaker)
        if key not in participants:
            participants[key], created = _participant(session, g, turn.speaker,
                                                      turn.is_moderator, turn.attributes)
            summary.speakers_added += created
        speakers.add(key)
        if g not in existing_hashes:
            existing_hashes[g] = set(session.execute(
                select(Quote.participant_id, Quote.text_hash).where(Quote.group_id == g)
            ).all())
            top = session.exec(select(func.max(Quote.position)).where(Quote.group_id == g)).one()
            next_position[g] = (top or 0) + 1
        digest = text_hash(turn.text)
        if (participants[key], digest) in existing_hashes[g]:
            summary.duplicates_skipped += 1
            continue
        existing_hashes[g].add((participants[key], digest))
        rows.append({"group_id": g, "participant_id": participants[key], "source_id": source.id,
                     "position": next_position[g], "start": turn.start, "end": turn.end,
                     "text": turn.text, "external_id": turn.external_id, "text_hash": digest})
        next_position[g] += 1
    if rows:
        session.execute(insert(Quote), rows)
    summary.quotes_added = len(rows)
    summary.speakers = len(speakers)
    events.record(session, coder=coder, action="import", path=path, format=src.format,
                  source_id=source.id, quotes=summary.quotes_added)
    return summary


def _participant(session: Session, group_id: int, label: str, moderator: bool,
                 attributes: dict[str, str]) -> tuple[int, bool]:
    found = session.exec(select(Participant).where(Participant.group_id == group_id,
                                                    Participant.label == label)).first()
    if found is not None:
        if attributes and any(found.attributes.get(k) != v for k, v in attributes.items()):
            found.attributes = {**found.attributes, **attributes}
            session.add(found)
        assert found.id is not None
        return found.id, False
    participant = Participant(group_id=group_id, label=label, is_moderator=moderator,
                              attributes=dict(attributes))
    session.add(participant)
    session.flush()
    assert participant.id is not None
    return participant.id, True
