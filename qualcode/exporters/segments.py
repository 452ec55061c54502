"""The coded-segment table in the four formats of `segments`: CSV, XLSX, Markdown, JSON.

XLSX has one sheet per top-level theme (what a synthesis is written from) and one with
everything; every cell goes through `qualcode.safety.spreadsheet`. Markdown escapes what
a renderer would run (pipes, HTML) so a verbatim stays text.
"""

from __future__ import annotations

import csv
import io
import json
import re

from qualcode.i18n import _
from qualcode.safety.spreadsheet import csv_row, strings_only, text_cell
from qualcode.services.segments import SegmentTable

FORMATS = ("csv", "xlsx", "md", "json")


def render(table: SegmentTable, fmt: str) -> bytes:
    if fmt == "json":
        return (json.dumps(table.rows, ensure_ascii=False, indent=1) + "\n").encode("utf-8")
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(table.columns)
        for row in table.rows:
            writer.writerow(csv_row([_plain(row[c]) for c in table.columns]))
        return ("\ufeff" + out.getvalue()).encode("utf-8")
    if fmt == "md":
        return _markdown(table).encode("utf-8")
    return _xlsx(table)


def _plain(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "oui" if value else ""
    return value


_MD_SPECIAL = re.compile(r"([\\|*_`<>\[\]#])")


def _md(value: object) -> str:
    text = str(_plain(value)).replace("\n", " ")
    return _MD_SPECIAL.sub(r"\\\1", text)


def _markdown(table: SegmentTable) -> str:
    lines = [_("# Coded segments ({count})").format(count=len(table.rows)), ""]
    shown = [c for c in table.columns if c not in ("theme", "start", "end")]
    lines.append("| " + " | ".join(shown) + " |")
    lines.append("|" + "---|" * len(shown))
    for row in table.rows:
        lines.append("| " + " | ".join(_md(row[c]) for c in shown) + " |")
    return "\n".join(lines) + "\n"


def _xlsx(table: SegmentTable) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    first = book.active
    assert first is not None
    themes = list(dict.fromkeys(str(r["theme"]) for r in table.rows))
    titles: set[str] = set()
    for index, name in enumerate([_("all segments"), *themes]):
        sheet = first if index == 0 else book.create_sheet()
        sheet.title = _sheet_title(name, index, titles)
        sheet.append(table.columns)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in table.rows:
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
