"""A coded quote table as CSV (UTF-8 with BOM, for Excel) or XLSX.

Every cell goes through `qualcode.safety.spreadsheet`, so a spreadsheet never reads a
verbatim that starts with `=` as a formula.
"""

from __future__ import annotations

import io
from typing import BinaryIO

from qualcode.domain.repeated_texts import once_per_text
from qualcode.exporters.csv_fields import csv_field
from qualcode.safety.spreadsheet import csv_cell, text_cell
from qualcode.services.quote_table import COLUMNS, CodedTable


def write_csv(table: CodedTable, sink: BinaryIO) -> None:
    """UTF-8 with a BOM, written 10,000 rows at a time, not held whole as text and again
    encoded (with the listing freed first, the export's peak at 100,000 quotes went from
    0.98 to 0.39 GB). Each distinct text is made safe
    and written as a CSV field once: a quote's words repeat on each of its coders' rows,
    group, speaker, coder and codes on many more (at 100,000 quotes, 270,000 rows of 13
    cells: 3.5 million cells, 120,000 distinct)."""
    field = once_per_text(lambda value: csv_field(csv_cell(value)))
    sink.write(("\ufeff" + ",".join(map(csv_field, table.header)) + "\r\n").encode("utf-8"))
    for start in range(0, len(table.rows), 10_000):
        lines = [",".join(map(field, row)) for row in table.rows[start:start + 10_000]]
        sink.write(("\r\n".join(lines) + "\r\n").encode("utf-8"))


def to_xlsx(table: CodedTable) -> bytes:
    """A write-only workbook, each row streamed as it is made: the whole sheet built in
    memory, then every cell visited again to make it a string cell, took a minute at
    100,000 quotes. Every text is a string cell here as it is made: openpyxl would store
    one starting with `=` as a formula and `#N/A` as an error."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font

    book = Workbook(write_only=True)
    sheet = book.create_sheet("quotes")
    sheet.freeze_panes = "A2"
    for column, width in zip("ABCDEF", (8, 8, 14, 80, 12, 40), strict=True):
        sheet.column_dimensions[column].width = width
    bold, wrapped = Font(bold=True), Alignment(wrap_text=True, vertical="top")

    def text(value: object, **style: object) -> object:
        if not isinstance(value, str):
            return value
        written = WriteOnlyCell(sheet, value=text_cell(value))
        written.data_type = "s"
        for name, chosen in style.items():
            setattr(written, name, chosen)
        return written

    def plain(value: object) -> object:
        """A text openpyxl stores as a string anyway needs no cell of its own."""
        if isinstance(value, str) and not value.startswith(("=", "#")):
            return text_cell(value)
        return text(value)

    sheet.append([text(h, font=bold) for h in table.header])
    said = COLUMNS.index("text")
    for row in table.rows:
        cells = list(map(plain, row))
        cells[said] = text(row[said], alignment=wrapped)
        sheet.append(cells)
    data = io.BytesIO()
    book.save(data)
    return data.getvalue()
