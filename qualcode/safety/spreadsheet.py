"""Cells a spreadsheet shows as text and never runs (OWASP "CSV injection").

Verbatims, speakers and code names are the participants' and researchers' words; any of
them may start with `=`, `+`, `-` or `@` ("=> oui", "-- je ne sais pas"). Excel and
LibreOffice run such a cell as a formula (`=HYPERLINK(…)` phones home). In XLSX every
text cell is written as a string cell, whatever it starts with; in CSV a cell starting
with one of those characters (or tab, carriage return, or the apostrophe itself) gets a
leading apostrophe, which spreadsheets show and our importer strips back. Control
characters are removed: XLSX refuses them, and a stray page break cuts a CSV row.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from qualcode.domain.control_chars import without_controls

if TYPE_CHECKING:
    from openpyxl import Workbook

FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "'")


def text_cell(text: str) -> str:
    """A text as a spreadsheet cell: one kind of line break (a lone CR next to a form feed
    would otherwise make one CRLF and lose a break), no control characters."""
    return without_controls(text.replace("\r\n", "\n").replace("\r", "\n"), "", None)


def csv_cell(value: object) -> object:
    """A CSV cell a spreadsheet will not execute (numbers pass as they are)."""
    if not isinstance(value, str):
        return value
    text = text_cell(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def csv_row(values: list[object]) -> list[object]:
    return [csv_cell(v) for v in values]


def strings_only(book: Workbook) -> Workbook:
    """Every text cell of the workbook a string cell, none a formula; call before saving."""
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    cell.value = text_cell(cell.value)
                    cell.data_type = "s"
    return book
