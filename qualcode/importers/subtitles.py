"""Subtitles (WebVTT, SubRip) from videoconference and speech-to-text tools.

The speaker of a cue is its `<v Name>` voice or a leading `Name:` (same label rule as
transcripts). Consecutive cues of one speaker are one turn, their lines joined by
spaces (subtitle lines are wrapped for the screen, not for meaning). A cue with no
speaker continues the previous turn; in a file with no speaker at all, each cue is a
turn of "Intervenant" (the unknown speaker), the finest unit one can code.

The stored transcript is written from the turns, one line each,
`[hh:mm:ss] Speaker : text`, so a subtitle file reads like any transcript and each
quote's offsets point exactly at its text in it.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from qualcode.errors import UserError
from qualcode.i18n import _
from qualcode.importers.base import (
    ParsedSource,
    ParsedTurn,
    content_hash,
    decode_text,
    read_bytes,
)
from qualcode.importers.moderators import is_moderator_label
from qualcode.importers.transcript import classify_label

UNKNOWN_SPEAKER = "Intervenant"
_TAG = re.compile(r"<[^>\n]*>")
_NAME = re.compile(r"\s*([^:\n]{1,60}?)\s*:\s*")


class _Turn:
    """Consecutive cues of one speaker, gathered into a turn. A plain class: `dataclasses`
    costs 8 ms of a command's start-up (it imports `inspect`)."""

    __slots__ = ("speaker", "at", "parts", "line")

    def __init__(self, speaker: str | None, at: str, parts: list[str] | None = None,
                 line: int | None = None) -> None:
        self.speaker = speaker
        self.at = at
        self.parts: list[str] = [] if parts is None else parts
        self.line = line


def parse_vtt(path: Path) -> ParsedSource:
    return _parse(path, "vtt")


def parse_srt(path: Path) -> ParsedSource:
    return _parse(path, "srt")


def _parse(path: Path, fmt: str) -> ParsedSource:
    import webvtt
    from webvtt.errors import MalformedCaptionError, MalformedFileError

    text = decode_text(read_bytes(path), path)
    if fmt == "srt":
        _check_srt_blocks(text, path)
    try:
        captions = webvtt.WebVTT.from_buffer(text.split("\n"), format=fmt).captions
    except (MalformedFileError, MalformedCaptionError, ValueError, IndexError) as exc:
        kind = "WebVTT" if fmt == "vtt" else "SubRip (.srt)"
        raise UserError(_("not a valid {kind} file ({value})").format(
                            kind=kind, value=exc or type(exc).__name__),
                        path=str(path)) from None
    cues: list[tuple[str | None, str, str]] = []
    for cap in captions:
        body = " ".join(_TAG.sub("", cap.raw_text).split())
        speaker = " ".join(cap.voice.split()) if cap.voice else None
        if speaker is None and (m := _NAME.match(body)) and classify_label(m.group(1)):
            speaker, body = " ".join(m.group(1).split()), body[m.end():]
        if body:
            cues.append((speaker, cap.start.split(".")[0].split(",")[0], body))
    if not cues:
        raise UserError(_("no subtitle text found"), path=str(path))
    labelled = any(speaker for speaker, _, _ in cues)
    turns: list[_Turn] = []
    for speaker, at, body in cues:
        if not labelled:
            turns.append(_Turn(UNKNOWN_SPEAKER, at, [body]))
        elif turns and (speaker is None or speaker == turns[-1].speaker):
            turns[-1].parts.append(body)
        else:
            turns.append(_Turn(speaker, at, [body]))
    return _source(path, fmt, turns)


_TIMING = re.compile(r"^\s*\d+:\d+:\d+[,.]\d+\s*-->\s*\d+:\d+:\d+[,.]\d+")


def _check_srt_blocks(text: str, path: Path) -> None:
    """Every block of a SubRip file is a cue: its number, its timing, its text. The
    parser would fold a block without timing (a stray line, a cut cue) into the cue
    before it, junk and all: refused, with the line, for the file to be mended."""
    start: int | None = None
    block: list[str] = []
    for number, line in enumerate([*text.split("\n"), ""], start=1):
        if line.strip():
            if start is None:
                start = number
            block.append(line)
            continue
        if block and not any(_TIMING.match(b) for b in block[:2]):
            raise UserError(_("line {start}: a SubRip block without its timing line "
                              "(00:00:01,000 --> 00:00:04,000); mend or remove it").format(
                                start=start),
                            path=str(path))
        start, block = None, []


def _source(path: Path, fmt: str, turns: list[_Turn]) -> ParsedSource:
    chunks: list[str] = []
    parsed: list[ParsedTurn] = []
    offset = 0
    for number, turn in enumerate(turns, start=1):
        speaker = turn.speaker or UNKNOWN_SPEAKER
        head = f"[{turn.at}] {speaker} : "
        body = unicodedata.normalize("NFC", " ".join(turn.parts))
        start = offset + len(head)
        parsed.append(ParsedTurn(speaker=speaker, text=body, start=start,
                                 end=start + len(body), is_moderator=is_moderator_label(speaker),
                                 line=number))
        chunks.append(f"{head}{body}\n")
        offset = start + len(body) + 1
    text = "".join(chunks)
    return ParsedSource(name=path.name, format=fmt, kind="transcript",
                        content_hash=content_hash(text), turns=parsed, text=text)
