"""Telling a file's format from its first bytes, for names that do not say it.

Office files are zip packages told apart by the part they must hold; subtitles by
their opening lines; a table by a header naming a `text` column; anything else that
decodes as text is taken as a plain transcript (whose parser then says if it is not).
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from qualcode.errors import UserError
from qualcode.i18n import N_, _
from qualcode.importers.base import decode_text, read_bytes

_SRT = re.compile(r"\s*\d+\s*\n\s*\d{1,2}:\d{2}:\d{2}[,.]\d{1,3}\s*-->")
_LEGACY = {".doc": N_("an old Word .doc file: save it as .docx"),
           ".xls": N_("an old Excel .xls file: save it as .xlsx"),
           ".pdf": N_("a PDF: export it as .docx or .txt first")}
_ZIP_PARTS = (("word/document.xml", "docx"), ("xl/workbook.xml", "xlsx"),
              ("project.qde", "qdpx"))


def sniff_format(path: Path, *, known: frozenset[str]) -> str:
    names = ", ".join(sorted(known))
    if path.suffix.lower() in _LEGACY:
        raise UserError(_(_LEGACY[path.suffix.lower()]), path=str(path))
    data = read_bytes(path)
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(path) as package:
                parts = set(package.namelist())
        except zipfile.BadZipFile:
            raise UserError(_("a damaged zip package (Word/Excel file?)"), path=str(path)) from None
        for part, fmt in _ZIP_PARTS:
            if part in parts and fmt in known:
                return fmt
        raise UserError(_("a zip package of unknown kind; use --format ({names})").format(
                            names=names), path=str(path))
    if data.startswith(b"%PDF") or data.startswith(b"\xd0\xcf\x11\xe0"):
        raise UserError(_("a PDF or old Office file: save it as .docx, .xlsx or .txt"),
                        path=str(path))
    head = decode_text(data, path)[:8192]
    if head.startswith("WEBVTT"):
        return "vtt"
    if _SRT.match(head):
        return "srt"
    first = head.split("\n", 1)[0].casefold()
    if first.startswith("sep=") and len(first.strip()) == 5:  # Excel's delimiter line
        return "csv"
    cells = {c.strip().strip('"') for c in re.split(r"[;,\t]", first)}
    if "text" in cells and ("speaker" in cells or "group" in cells):
        return "csv"
    return "txt"

