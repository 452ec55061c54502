"""The coded-segment table in the four formats of `segments`: CSV, XLSX, Markdown, JSON.

XLSX has one sheet per top-level theme (what a synthesis is written from) and one with
everything; every cell goes through `qualcode.safety.spreadsheet`. Markdown escapes what
a renderer would run (pipes, HTML) so a verbatim stays text.

CSV and JSON are written as the rows stream in (a million codings make a file of
hundreds of megabytes); a CSV row's cells before the quote id (theme, code, coder, the
group's and the speaker's attributes) repeat from row to row and are made safe once.
Markdown (whose title counts the rows) and XLSX (a workbook is built whole) hold them.
"""

from __future__ import annotations

import io
import re
from typing import Any, BinaryIO

from qualcode.domain.attributes import flat_value
from qualcode.domain.repeated_texts import once_per_text
from qualcode.exporters.csv_fields import csv_field
from qualcode.exporters.json_array import write_array
from qualcode.i18n import _
from qualcode.safety.spreadsheet import csv_cell, strings_only, text_cell
from qualcode.services.segments import SegmentTable

FORMATS = ("csv", "xlsx", "md", "json")


def write(table: SegmentTable, fmt: str, sink: BinaryIO, *, bom: bool = True) -> int:
    """The table in `fmt` into `sink`; how many rows. `bom`: a CSV file starts with
    one, so that Excel reads it as UTF-8 (not on a terminal)."""
    if fmt == "csv":
        return _csv(table, sink, bom)
    if fmt == "json":
        return _json(table, sink)
    rows = list(table.rows)
    listed = SegmentTable(table.columns, iter(rows))
    if fmt == "md":
        _markdown(listed, len(rows), sink)
    else:
        sink.write(_xlsx(listed))
    return len(rows)


def _csv(table: SegmentTable, sink: BinaryIO, bom: bool) -> int:
    """Each cell made safe and written as CSV once: the cells before the quote id by
    their values (code, coder, group and speaker names recur on every row), the words by
    quote while its rows follow one another (one per coder, for a code applied to the
    whole quote). A row is then a join of strings already made. `csv.writer` looks at
    every character of a row twice, through a call per character: at a million codings
    it took 11 of the 16 s. A row's head is keyed whole: its group and speaker name its
    attributes, so equal heads (where 1 equals 1.0) are the same participant's."""
    pieces = ["\ufeff" if bom else "", ",".join(map(csv_field, table.columns)), "\r\n"]
    said = table.columns.index("quote")
    assert table.columns[said:] == ["quote", "start", "end", "text", "memo"]
    safe_head: dict[tuple[Any, ...], str] = {}
    safe = once_per_text(lambda value: csv_field(csv_cell(_plain(value))))
    last_quote: object = None
    last_words = ""
    count = 0
    for row in table.rows:
        head = row[:said]
        try:
            cells = safe_head.get(head)
        except TypeError:  # a list among a participant's attributes: made safe each time
            cells = "".join(safe(v) + "," for v in head)
        if cells is None:
            cells = safe_head[head] = "".join(safe(v) + "," for v in head)
        quote, start, end, text, memo = row[said:]
        if start is not None:
            words = csv_field(csv_cell(text))
        elif quote == last_quote:
            words = last_words
        else:
            words = last_words = csv_field(csv_cell(text))
            last_quote = quote
        pieces += (cells, csv_field(quote), ",", "" if start is None else str(start), ",",
                   "" if end is None else str(end), ",", words, ",",
                   csv_field(csv_cell(memo)) if memo else "", "\r\n")
        count += 1
        if not count % 10_000:
            sink.write("".join(pieces).encode("utf-8"))
            pieces.clear()
    sink.write("".join(pieces).encode("utf-8"))
    return count


def _json(table: SegmentTable, sink: BinaryIO) -> int:
    """The rows as every JSON output is written (`json_array`), a piece at a time."""
    return write_array(table.records(), sink)


def _plain(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "oui" if value else ""
    return flat_value(value)


_MD_SPECIAL = re.compile(r"([\\|*_`<>\[\]#])")


def _md(value: object) -> str:
    text = str(_plain(value)).replace("\n", " ")
    return _MD_SPECIAL.sub(r"\\\1", text)


def _markdown(table: SegmentTable, count: int, sink: BinaryIO) -> None:
    """Written 10,000 rows at a time (the whole text, joined then encoded, was held three
    times over); each distinct text escaped once: names, attributes and a quote's words
    repeat from row to row (at 10,000 quotes, 340,000 cells)."""
    shown = [c for c in table.columns if c not in ("theme", "start", "end")]
    lines = [_("# Coded segments ({count})").format(count=count), "",
             "| " + " | ".join(shown) + " |", "|" + "---|" * len(shown)]
    cell = once_per_text(_md)
    for row in table.records():
        lines.append("| " + " | ".join(cell(row[c]) for c in shown) + " |")
        if len(lines) >= 10_000:
            sink.write(("\n".join(lines) + "\n").encode("utf-8"))
            lines.clear()
    sink.write(("\n".join(lines) + "\n").encode("utf-8") if lines else b"")


def _xlsx(table: SegmentTable) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    first = book.active
    assert first is not None
    rows = list(table.records())
    themes = list(dict.fromkeys(str(r["theme"]) for r in rows))
    titles: set[str] = set()
    for index, name in enumerate([_("all segments"), *themes]):
        sheet = first if index == 0 else book.create_sheet()
        sheet.title = _sheet_title(name, index, titles)
        sheet.append(table.columns)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            if index == 0 or row["theme"] == name:
                sheet.append([text_cell(v) if isinstance(v, str) else _plain(v)
                              for v in (row[c] for c in table.columns)])
        sheet.freeze_panes = "A2"
        text_col = table.columns.index("text") + 1
        for cells in sheet.iter_rows(min_row=2, min_col=text_col, max_col=text_col):
            cells[0].alignment = Alignment(wrap_text=True, vertical="top")
    buf = io.BytesIO()
    strings_only(book).save(buf)
    return buf.getvalue()


def _sheet_title(name: str, index: int, taken: set[str]) -> str:
    """Excel's rules: at most 31 characters, none of []:*?/\\, unique (case-blind)."""
    clean = re.sub(r"[\[\]:*?/\\]", " ", name).strip()[:31] or "theme"
    if clean.casefold() in taken:
        clean = f"{clean[:27]} ({index})"
    taken.add(clean.casefold())
    return clean
