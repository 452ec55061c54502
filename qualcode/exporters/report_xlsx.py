"""The report as an Excel workbook: one sheet per table, numbers as numbers (shares
formatted as percentages, never rounded), heat maps as conditional formatting, frozen
headers, Excel's own bar charts of each theme's shares (drawn by Excel from the cells,
so they follow any edit), and a sheet of the illustrative quotes."""

from __future__ import annotations

import io
from typing import Any

from openpyxl import Workbook
from openpyxl.formatting.rule import ColorScaleRule
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from qualcode.exporters.report_charts import top_themes
from qualcode.exporters.report_common import (
    View,
    context_text,
    level_test_text,
    scope_text,
    test_text,
)
from qualcode.i18n import _
from qualcode.safety.spreadsheet import strings_only

HEAD = Font(bold=True)
HEAD_FILL = PatternFill("solid", fgColor="E8ECF3")
FLAGGED = Font(italic=True, bold=True)
BASE = Font(italic=True, color="5B6475")
PERCENT = "0.0%"


def _heat(ws: Worksheet, area: str) -> None:
    ws.conditional_formatting.add(area, ColorScaleRule(
        start_type="num", start_value=0, start_color="FFFFFF",
        end_type="max", end_color="5B8FD1"))


def _append(ws: Worksheet, values: list[Any]) -> int:
    """`ws.append`, and the number of the row it wrote. openpyxl's `max_row` walks every
    cell of the sheet: asked after each row, it made the workbook of a 100,000-quote
    project take 50 s, quadratic in its rows."""
    ws.append(values)
    return int(ws._current_row)  # noqa: SLF001 - the row `append` has just filled


def _header(ws: Worksheet, row: list[str], freeze: str) -> None:
    for cell in ws[_append(ws, row)]:
        cell.font, cell.fill = HEAD, HEAD_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = freeze


def _widths(ws: Worksheet, widths: dict[int, float]) -> None:
    for col, width in widths.items():
        ws.column_dimensions[get_column_letter(col)].width = width


def render(data: dict[str, Any]) -> bytes:
    v = View(data)
    book = Workbook()
    groups = [g["name"] for g in v.groups]
    dims = list(data.get("dimensions", {}))
    n = len(groups)

    ws = book.active
    assert ws is not None
    ws.title = _("Themes x groups")
    _header(ws, [_("theme"), _("parent")]
            + [_("{column} quotes").format(column=v.label(g)) for g in v.groups]
            + [_("all quotes")] + [_("{column} share").format(column=g) for g in groups], "C4")
    for label, key in ((_("base: quotes"), "quotes"), (_("base: participants"), "participants")):
        base = _append(ws, [label, ""] + [g[key] for g in v.groups]
                       + [sum(int(g[key]) for g in v.groups)])
        for cell in ws[base]:
            cell.font = BASE
    first = base + 1
    last = base
    for t in v.themes:
        cells = [v.cell(t["name"], g) for g in groups]
        row = last = _append(ws, [t["name"], t["parent"] or ""] + [c["quotes"] for c in cells]
                             + [v.total(t["name"])] + [c["share"] for c in cells])
        ws.cell(row, 1).alignment = Alignment(indent=2 * v.depth(t["name"]))
        if t["parent"] is None:
            ws.cell(row, 1).font = HEAD
        for i, c in enumerate(cells):
            ws.cell(row, 4 + n + i).number_format = PERCENT
            if c["flag"]:
                ws.cell(row, 3 + i).font = FLAGGED
                ws.cell(row, 4 + n + i).font = FLAGGED
    if v.themes:
        _heat(ws, f"{get_column_letter(4 + n)}{first}:{get_column_letter(3 + 2 * n)}{last}")
        _heat(ws, f"C{first}:{get_column_letter(2 + n)}{last}")
    _widths(ws, {1: 38, 2: 18, **dict.fromkeys(range(3, 4 + 2 * n), 11)})
    if v.themes and n:
        _charts(book, v, first)

    cs = book.create_sheet(_("Cells"))
    _header(cs, [_("theme"), _("parent"), _("group"), *dims, _("quotes"), _("codings"),
                 _("participants"), _("share"), _("flag"), _("group_quotes"),
                 _("group_participants")], "A2")
    parent = {t["name"]: t["parent"] for t in v.themes}
    row = 1
    for c in data["cells"]:
        g = next(x for x in v.groups if x["name"] == c["group"])
        row = _append(cs, [c["theme"], parent.get(c["theme"]) or "", c["group"],
                           *(g["attributes"].get(d, "") for d in dims), c["quotes"],
                           c["codings"], c["participants"], c["share"], c["flag"] or "",
                           g["quotes"], g["participants"]])
        share = cs.cell(row, 7 + len(dims))
        share.number_format = PERCENT
        if c["flag"]:
            share.font = FLAGGED
    share_col = get_column_letter(7 + len(dims))
    if data["cells"]:
        _heat(cs, f"{share_col}2:{share_col}{row}")
    _widths(cs, {1: 38, 2: 18})

    levels = data.get("levels", [])
    if levels:
        ls = book.create_sheet(_("Levels"))
        _header(ls, [_("theme"), _("dimension"), _("level"), _("groups"), _("quotes"),
                     _("codings"), _("participants"), _("share"), _("flag"),
                     _("level_quotes"), _("level_participants")], "A2")
        row = 1
        for lv in levels:
            row = _append(ls, [lv["theme"], lv["dimension"], lv["level"],
                               ", ".join(lv["groups"]), lv["quotes"], lv["codings"],
                               lv["participants"], lv["share"], lv["flag"] or "",
                               lv["level_quotes"], lv["participants_base"]])
            ls.cell(row, 8).number_format = PERCENT
            if lv["flag"]:
                ls.cell(row, 8).font = FLAGGED
        _heat(ls, f"H2:H{row}")
        _widths(ls, {1: 38, 4: 14})

    grid = v.grid()
    if grid is not None and v.themes:
        gs = book.create_sheet(_("Grid"))
        rdim, rlevels, cdim, clevels = grid
        width = len(clevels)
        gs.append([_("Quotes per design cell (left) and share of the cell's quotes (right); "
                     "the bases first.")])
        gs.freeze_panes = "A2"
        gs.append([])
        gs.cell(_append(gs, [_("base")]), 1).font = Font(bold=True, size=12)
        _header(gs, [f"{rdim} \\ {cdim}",
                     *(_("{level}: quotes").format(level=c) for c in clevels), "",
                     f"{rdim} \\ {cdim}",
                     *(_("{level}: participants").format(level=c) for c in clevels)], "A2")
        for r in rlevels:
            at = [[g for g in v.groups if g["attributes"].get(rdim) == r
                   and g["attributes"].get(cdim) == c] for c in clevels]
            gs.append([r, *(sum(int(g["quotes"]) for g in cell) if cell else None for cell in at),
                       None, r, *(sum(int(g["participants"]) for g in cell) if cell else None
                                  for cell in at)])
        for t in v.themes:
            gs.append([])
            title = _append(gs, [t["name"]])
            gs.cell(title, 1).font = Font(bold=True, size=12)
            _header(gs, [f"{rdim} \\ {cdim}", *clevels, "", f"{rdim} \\ {cdim}", *clevels], "A2")
            first, row = title + 2, title + 1
            for r in rlevels:
                at = [v.at(t["name"], r, c) for c in clevels]
                row = _append(gs, [r, *(sum(x["quotes"] for x in cell) if cell else None
                                        for cell in at),
                                   None, r, *(cell[0]["share"] if len(cell) == 1 else None
                                              for cell in at)])
                for i, cell in enumerate(at):
                    gs.cell(row, 3 + width + i).number_format = PERCENT
                    if len(cell) == 1 and cell[0]["flag"]:
                        gs.cell(row, 2 + i).font = FLAGGED
                        gs.cell(row, 3 + width + i).font = FLAGGED
            _heat(gs, f"{get_column_letter(3 + width)}{first}:"
                      f"{get_column_letter(2 + 2 * width)}{row}")
        _widths(gs, {1: 16, 2 + width: 4, 3 + width: 16})

    names, matrix = v.cooccurrence()
    if names:
        os_ = book.create_sheet(_("Co-occurrence"))
        _header(os_, [_("quotes carrying both"), *names], "B2")
        for a, pairs in zip(names, matrix, strict=True):
            os_.cell(_append(os_, [a, *pairs]), 1).font = HEAD
        _heat(os_, f"B2:{get_column_letter(1 + len(names))}{1 + len(names)}")
        _widths(os_, dict.fromkeys(range(1, 2 + len(names)), 22))

    qs = book.create_sheet(_("Quotes"))
    heads = [_("theme"), _("group"), *dims, _("speaker"), _("quote id"), _("consensus"),
             _("coders agreeing"), _("question before it"), _("text")]
    _header(qs, heads, "A2")
    width = len(heads)
    for q in data.get("quotes", []):
        g = next(x for x in v.groups if x["name"] == q["group"])
        row = _append(qs, [q["theme"], q["group"], *(g["attributes"].get(d, "") for d in dims),
                           q["speaker"], q["id"], _("yes") if q["consensus"] else _("no"),
                           q["coders"], context_text(q) or "", q["text"]])
        for col in (width - 1, width):
            qs.cell(row, col).alignment = Alignment(wrap_text=True, vertical="top")
    _widths(qs, {1: 30, width - 1: 50, width: 90})

    figures = data.get("indicators", [])
    if figures:
        fs = book.create_sheet(_("Survey figures"))
        _header(fs, [_("theme"), _("value"), _("unit"), _("wording"), _("base"), _("source")],
                "A2")
        for ind in figures:
            row = _append(fs, [ind["theme"], ind["value"], ind["unit"], ind["wording"],
                               ind["base"], ind["source"]])
            for col in (4, 5, 6):
                fs.cell(row, col).alignment = Alignment(wrap_text=True, vertical="top")
        _widths(fs, {1: 30, 4: 70, 5: 40, 6: 40})

    if data.get("annex"):
        _annex(book, data["annex"])

    about = book.create_sheet(_("About"))
    for key, value in ((_("study"), data.get("title") or ""),
                       (_("scope"), scope_text(data["scope"])),
                       (_("summary"), v.summary()), (v.flags_label(), test_text(data)),
                       (_("flags (levels)"), level_test_text() if data.get("levels") else ""),
                       (_("flagged cells"), _("bold italics"))):
        about.cell(_append(about, [key, value]), 1).font = HEAD
    _widths(about, {1: 18, 2: 120})

    buf = io.BytesIO()
    strings_only(book).save(buf)
    return buf.getvalue()


def _charts(book: Workbook, v: View, first: int) -> None:
    """A sheet of Excel bar charts, one per top-level theme, over the share cells of the
    first sheet (row `first` is the first theme's): Excel draws them from the cells."""
    from openpyxl.chart import BarChart, Reference

    ws = book.worksheets[0]
    n = len(v.groups)
    sheet = book.create_sheet(_("Charts"), 1)
    sheet.append([_("The share of each column's quotes that carry the theme, drawn by Excel "
                    "from the first sheet.")])
    sheet.append([_("columns:"), *(v.short_label(g) for g in v.groups)])
    _widths(sheet, {1: 12, **dict.fromkeys(range(2, 2 + n), 16)})
    rows = {t["name"]: first + i for i, t in enumerate(v.themes)}
    for k, name in enumerate(top_themes(v)):
        chart = BarChart()
        chart.type, chart.style = "col", 10
        chart.title = name
        chart.y_axis.title = _("share of the quotes")
        chart.y_axis.number_format = "0%"
        chart.y_axis.scaling.min = 0
        chart.legend = None
        row = rows[name]
        chart.add_data(Reference(ws, min_col=4 + n, max_col=3 + 2 * n, min_row=row,
                                 max_row=row), from_rows=True, titles_from_data=False)
        chart.set_categories(Reference(sheet, min_col=2, max_col=1 + n, min_row=2, max_row=2))
        chart.height, chart.width = 7.5, max(12.0, 2.2 * n + 4)
        sheet.add_chart(chart, f"A{4 + 16 * k}")


def _annex(book: Workbook, annex: dict[str, Any]) -> None:
    """The coded retrieval, one row per coding, and the memos: sheets to sort and filter."""
    names = {"theme": _("theme"), "code": _("code"), "coder": _("coder"), "group": _("group"),
             "speaker": _("speaker"), "quote": _("quote id"), "start": _("start"),
             "end": _("end"), "text": _("text"), "memo": _("memo")}
    columns = annex["columns"]
    sheet = book.create_sheet(_("Coded segments"))
    _header(sheet, [names.get(c, c) for c in columns], "A2")
    for row in annex["segments"]:
        sheet.cell(_append(sheet, [row.get(c) for c in columns]),
                   columns.index("text") + 1).alignment = Alignment(
            wrap_text=True, vertical="top")
    sheet.auto_filter.ref = sheet.dimensions
    _widths(sheet, {1: 24, 2: 24, columns.index("text") + 1: 80})
    memos = book.create_sheet(_("Memos"))
    _header(memos, [_("group"), _("speaker"), _("quote id"), _("coder"), _("on the coding"),
                    _("memo"), _("words")], "A2")
    for memo in annex["memos"]:
        row = _append(memos, [memo["group"], memo["speaker"], memo["quote"], memo["coder"],
                              memo["on"] or "", memo["text"], memo["words"]])
        for col in (6, 7):
            memos.cell(row, col).alignment = Alignment(wrap_text=True, vertical="top")
    _widths(memos, {6: 60, 7: 60})
