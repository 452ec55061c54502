"""Plain-text and Markdown transcripts: decoded, then cut into turns as they stand."""

from __future__ import annotations

from pathlib import Path

from qualcode.importers.base import ParsedSource, decode_text, read_bytes
from qualcode.importers.transcript import transcript_source


def parse_txt(path: Path) -> ParsedSource:
    return transcript_source(path, "txt", decode_text(read_bytes(path), path))


def parse_md(path: Path) -> ParsedSource:
    """Headings and rules are section breaks; emphasis around labels is allowed."""
    return transcript_source(path, "md", decode_text(read_bytes(path), path), markdown=True)
