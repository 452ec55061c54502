"""Word transcripts, as transcription services deliver them: one paragraph a line.

The stored transcript is the paragraphs' text joined by line breaks (manual line
breaks inside a paragraph are line breaks too); headings end a turn, like Markdown's.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

from qualcode.errors import UserError
from qualcode.i18n import _
from qualcode.importers.base import ParsedSource, read_bytes
from qualcode.importers.transcript import transcript_source


def parse(path: Path) -> ParsedSource:
    import io

    import docx

    data = read_bytes(path)
    try:
        document = docx.Document(io.BytesIO(data))
        paragraphs = [(p.text, (p.style.name if p.style is not None else "") or "")
                      for p in document.paragraphs]
    except Exception as exc:  # zip, XML and package errors all mean the same to the user
        raise UserError(_("not a readable Word .docx file ({kind})").format(
                            kind=type(exc).__name__),
                        path=str(path)) from None
    lines: list[str] = []
    breaks: set[int] = set()
    for text, style in paragraphs:
        parts = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
        if style.lower().startswith(("heading", "titre", "title")):
            breaks.update(range(len(lines), len(lines) + parts.count("\n") + 1))
        lines.append(parts)
    text = "\n".join(lines)
    if not text.strip():
        raise UserError(_("the Word file has no text"), path=str(path))
    return transcript_source(path, "docx", text, breaks=frozenset(breaks))
