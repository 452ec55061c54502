"""Importers are plug-in modules, one a format, loaded only when used.

Each format names `module` (whose `parse(path) -> ParsedSource` reads it) or
`module:function`. `--format auto` picks by extension first, then by content.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from qualcode.errors import UserError
from qualcode.i18n import _

if TYPE_CHECKING:
    from qualcode.importers.base import ParsedSource

FORMATS: dict[str, str] = {
    "txt": "qualcode.importers.transcript_text:parse_txt",
    "md": "qualcode.importers.transcript_text:parse_md",
    "docx": "qualcode.importers.transcript_docx",
    "vtt": "qualcode.importers.subtitles:parse_vtt",
    "srt": "qualcode.importers.subtitles:parse_srt",
    "csv": "qualcode.importers.quote_table_csv",
    "xlsx": "qualcode.importers.quote_table_xlsx",
    "qdpx": "qualcode.importers.qdpx",
}
"""Format name → module. A new format is one module and one line here."""

EXTENSIONS: dict[str, str] = {
    ".txt": "txt", ".text": "txt", ".md": "md", ".markdown": "md", ".docx": "docx",
    ".vtt": "vtt", ".srt": "srt", ".csv": "csv", ".tsv": "csv", ".xlsx": "xlsx",
    ".xlsm": "xlsx", ".qdpx": "qdpx",
}


def detect_format(path: Path) -> str:
    fmt = EXTENSIONS.get(path.suffix.lower())
    if fmt in FORMATS:
        return fmt
    from qualcode.importers.sniff import sniff_format

    return sniff_format(path, known=frozenset(FORMATS))


def parser_for(fmt: str) -> Callable[[Path], ParsedSource]:
    target = FORMATS.get(fmt)
    if target is None:
        raise UserError(_("unknown format {fmt!r} (known: {items})").format(
                            fmt=fmt, items=', '.join(sorted(FORMATS))))
    module, _colon, function = target.partition(":")
    parse: Callable[[Path], ParsedSource] = getattr(importlib.import_module(module),
                                                    function or "parse")
    return parse
