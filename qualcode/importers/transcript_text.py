"""Plain-text and Markdown transcripts: decoded, then cut into turns as they stand."""

from __future__ import annotations

from pathlib import Path

from qualcode.importers.base import ParsedSource, decode_text, read_bytes
from qualcode.importers.transcript import transcript_source


def parse_txt(path: Path) -> ParsedSource:
    notes: list[str] = []
    text = decode_text(read_bytes(path), path, notes)
    return transcript_source(path, "txt", text, notes=notes)


def parse_md(path: Path) -> ParsedSource:
    """Headings and rules are section breaks; emphasis around labels is allowed."""
    notes: list[str] = []
    text = decode_text(read_bytes(path), path, notes)
    return transcript_source(path, "md", text, markdown=True, notes=notes)
