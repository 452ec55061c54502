"""Excel quote tables: the first sheet, or the one whose header has a `text` column.

Read in read-only mode (streaming, so a large workbook is not loaded whole) with
cached formula values. Errors name the sheet's row as Excel numbers it.
"""

from __future__ import annotations

import io
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from qualcode.errors import UserError
from qualcode.i18n import _
from qualcode.importers.base import ParsedSource, content_hash, read_bytes
from qualcode.importers.quote_table import rows_to_source


def _cell(value: Any) -> object:
    """Numbers as a person typed them (34, not 34.0); dates as ISO dates."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    return value


MAX_UNPACKED = 256 << 20
"""Bytes a workbook may unpack to: a 100,000-row quote table is a tenth of it."""


def parse(path: Path) -> ParsedSource:
    import openpyxl

    from qualcode.exchange.safe_zip import SafeArchive

    # The workbook's parts checked before openpyxl unpacks them: a 1.5 MB file that
    # expands to a gigabyte took 3 GB of memory.
    with SafeArchive(path, max_total=MAX_UNPACKED,
                     not_zip=_("not a readable Excel .xlsx file (BadZipFile)")):
        pass
    data = read_bytes(path)
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # zip, XML and format errors all mean the same to the user
        raise UserError(_("not a readable Excel .xlsx file ({kind})").format(
                            kind=type(exc).__name__),
                        path=str(path)) from None
    try:
        sheets = [(ws.title, ws.iter_rows(values_only=True)) for ws in book.worksheets]
        chosen: tuple[str, list[object], Any] | None = None
        for title, rows in sheets:
            header = [_cell(v) for v in next(rows, ())]
            names = [str(v or "").strip().casefold() for v in header]
            if chosen is None or "text" in names:
                chosen = (title, header, rows)
            if "text" in names:
                break
        if chosen is None:
            raise UserError(_("the workbook has no sheet"), path=str(path))
        title, header, rows = chosen
        table = [(line, [_cell(v) for v in row]) for line, row in enumerate(rows, start=2)]
    finally:
        book.close()
    digest = content_hash(repr((title, header, table)))
    return rows_to_source(path, "xlsx", [str(h or "") for h in header], table, digest)
