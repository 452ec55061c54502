"""A coded quote table as CSV (UTF-8 with BOM, for Excel) or XLSX.

Every cell goes through `cell`, the one place a table cell is written, so a spreadsheet
can never read a verbatim that starts with `=` as a formula: in XLSX every text cell is
a string cell; in CSV such a cell is prefixed with an apostrophe (OWASP's advice), which
Excel shows and our importer strips back.
"""

from __future__ import annotations

import csv
import io

from qualcode.importers.base import without_controls
from qualcode.services.quote_table import CodedTable

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "'")
"""OWASP's formula starts, and the apostrophe itself: a verbatim that starts with one
is escaped too, so reading back strips exactly the apostrophe we added."""


def text_cell(text: str) -> str:
    """What a spreadsheet cell may hold: no control character (XLSX refuses them, and a
    stray page break would cut a CSV row)."""
    return without_controls(text, "", None)


def cell(text: str) -> str:
    """A CSV cell a spreadsheet will not execute."""
    text = text_cell(text)
    return "'" + text if text.startswith(_FORMULA_START) else text


def to_csv(table: CodedTable) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(table.header)
    for row in table.rows:
        writer.writerow([cell(c) for c in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(table: CodedTable) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell.cell import Cell
    from openpyxl.styles import Alignment, Font

    book = Workbook(write_only=False)
    sheet = book.active
    assert sheet is not None
    sheet.title = "quotes"
    sheet.append(table.header)
    for c in sheet[1]:
        c.font = Font(bold=True)
    for row in table.rows:
        cells = []
        for value in row:
            c = Cell(sheet, value=text_cell(value))
            c.data_type = "s"  # text, never a formula, whatever it starts with
            cells.append(c)
        sheet.append(cells)
    sheet.freeze_panes = "A2"
    for column, width in zip("ABCDEF", (8, 8, 14, 80, 12, 40), strict=True):
        sheet.column_dimensions[column].width = width
    for row in sheet.iter_rows(min_row=2, min_col=4, max_col=4):
        row[0].alignment = Alignment(wrap_text=True, vertical="top")
    data = io.BytesIO()
    book.save(data)
    return data.getvalue()
