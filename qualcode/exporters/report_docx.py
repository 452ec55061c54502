"""The report as a Word document researchers paste into their synthesis: a title and the
study's metadata in the document's properties, a heat map, a heading per theme with its
bar chart, the design grid, survey figures beside the theme, verbatims as block quotes."""

from __future__ import annotations

import io
from typing import Any

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.table import Table, _Cell

from qualcode.exporters.report_common import (
    View,
    annex_intro,
    annex_parts,
    base_text,
    cell_text,
    context_text,
    figure,
    level_test_text,
    memo_heading,
    people_text,
    quotes_text,
    segment_about,
)
from qualcode.i18n import _

MUTED = RGBColor(0x5B, 0x64, 0x75)


def _shade(cell: _Cell, share: float, top: float) -> None:
    """A heat-map tint from white to blue, as in the HTML report."""
    alpha = share / top if top else 0.0
    rgb = [round(255 - (255 - c) * alpha * 0.75) for c in (0x5B, 0x8F, 0xD1)]
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), "".join(f"{c:02X}" for c in rgb))
    cell._tc.get_or_add_tcPr().append(shading)


def _put(cell: _Cell, text: str, *, bold: bool = False, italic: bool = False,
         right: bool = False, size: float = 9) -> None:
    para = cell.paragraphs[0]
    run = para.add_run(text)
    run.bold, run.italic = bold, italic
    run.font.size = Pt(size)
    if right:
        para.alignment = WD_ALIGN_PARAGRAPH.RIGHT


def _base(cell: _Cell, text: str) -> None:
    """A column's base, small under its heading."""
    para = cell.add_paragraph()
    para.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    run = para.add_run(text)
    run.font.size, run.font.color.rgb = Pt(7.5), MUTED


def _table(doc: Any, rows: int, cols: int, first: float, other: float) -> list[list[_Cell]]:
    """A grid table with a wide first column (theme names) and even number columns, as
    its cells by row and column (python-docx's `Table.cell` rebuilds them on each call)."""
    table: Table = doc.add_table(rows=rows, cols=cols)
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for j, column in enumerate(table.columns):
        column.width = Cm(first if j == 0 else other)
    grid = [list(row.cells) for row in table.rows]
    for row in grid:
        for j, cell in enumerate(row):
            cell.width = Cm(first if j == 0 else other)
    return grid


def _picture(doc: Any, png: bytes, width: float, caption: str, height: float = 15.5) -> None:
    """A chart at `width` cm, narrower if it would be taller than `height` cm: a picture
    taller than the page is cut, not moved to the next one."""
    wide, tall = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    doc.add_picture(io.BytesIO(png), width=Cm(min(width, height * wide / tall)))
    doc.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
    note = doc.add_paragraph(caption)
    note.alignment = WD_ALIGN_PARAGRAPH.CENTER
    note.runs[0].font.size, note.runs[0].font.color.rgb = Pt(8.5), MUTED


def _styled(doc: Any, style_id: str) -> Any:
    """A new paragraph in the style `style_id`. `add_paragraph(style=…)` compares the
    style with the document's default by reading every style's XML, for each paragraph:
    1 ms each, 10 s of a report quoting 7,500 verbatims. The id, looked up once by the
    caller, is set as is."""
    para = doc.add_paragraph()
    para._p.style = style_id  # noqa: SLF001 - python-docx's own setter, below the lookup
    return para


def _properties(doc: Any, data: dict[str, Any], v: View) -> None:
    """What Word's File › Info shows: the study's title, what the report crosses, the
    scope, the language: a file found later on a shared drive says what it is."""
    from qualcode import i18n

    props = doc.core_properties
    props.title = data.get("title") or _("Report")
    props.subject = v.themes_by()
    props.author = props.last_modified_by = "qualcode"
    props.keywords = ", ".join(t["name"] for t in v.themes if t["parent"] is None)
    props.comments = v.summary()
    props.language = i18n.current
    props.category = _("qualitative report")


def render(data: dict[str, Any]) -> bytes:
    from qualcode import i18n
    from qualcode.exporters import report_charts as charts

    v = View(data)
    doc = Document()
    _properties(doc, data, v)
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), {"fr": "fr-FR", "en": "en-GB"}.get(i18n.current, i18n.current))
    doc.styles["Normal"].element.get_or_add_rPr().append(lang)
    section = doc.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21.0)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(1.6))
    doc.styles["Normal"].font.name = "Calibri"
    doc.styles["Normal"].font.size = Pt(10.5)
    doc.add_heading(data.get("title") or _("Report"), level=0)
    doc.add_paragraph(v.summary() + ".")
    note = doc.add_paragraph()
    note.add_run(_("Cells: {cells}. ").format(cells=v.cells_legend()))
    note.add_run(v.legend()).italic = True

    top = max((c["share"] for c in data["cells"]), default=0.0)
    doc.add_heading(v.matrix_heading(), level=1)
    table = _table(doc, 1 + len(v.themes), 2 + len(v.groups), 6.5,
                   min(3.0, 19.5 / (1 + len(v.groups))))
    _put(table[0][0], _("theme"), bold=True)
    for j, g in enumerate(v.groups):
        _put(table[0][1 + j], v.label(g), bold=True, right=True)
        _base(table[0][1 + j], v.base_text(g))
    _put(table[0][1 + len(v.groups)], _("all"), bold=True, right=True)
    _base(table[0][1 + len(v.groups)], v.all_text())
    for i, t in enumerate(v.themes, start=1):
        depth = v.depth(t["name"])
        _put(table[i][0], "\u2003" * depth + t["name"], bold=depth == 0)
        for j, g in enumerate(v.groups):
            cell = v.cell(t["name"], g["name"])
            _put(table[i][1 + j], cell_text(cell), right=True,
                 italic=bool(cell["flag"]), bold=bool(cell["flag"]))
            _shade(table[i][1 + j], cell["share"], top)
        _put(table[i][1 + len(v.groups)], v.total_text(t["name"]), right=True)
    if v.themes and v.groups:
        doc.add_paragraph()
        _picture(doc, charts.png(charts.heat_map(v)), 22.0,
                 _("The same shares as a heat map."))

    levels = v.levels(v.themes[0]["name"]) if v.themes else []
    if levels:
        doc.add_heading(_("By level of the design"), level=1)
        doc.add_paragraph(_("Quotes / that level's quotes · their share. Flags: {test}.").format(
            test=level_test_text()))
        ltop = max((lv["share"] for lv in data["levels"]), default=0.0)
        table = _table(doc, 1 + len(v.themes), 1 + len(levels), 6.5,
                       min(3.0, 19.5 / len(levels)))
        _put(table[0][0], _("theme"), bold=True)
        for j, lv in enumerate(levels):
            _put(table[0][1 + j], f"{lv['dimension']} {lv['level']}", bold=True, right=True)
            _base(table[0][1 + j], base_text(lv["base"], lv["participants_base"]))
        for i, t in enumerate(v.themes, start=1):
            depth = v.depth(t["name"])
            _put(table[i][0], "\u2003" * depth + t["name"], bold=depth == 0)
            for j, lv in enumerate(v.levels(t["name"])):
                _put(table[i][1 + j], cell_text(lv), right=True,
                     italic=bool(lv["flag"]), bold=bool(lv["flag"]))
                _shade(table[i][1 + j], lv["share"], ltop)

    names, matrix = v.cooccurrence()
    if names:
        doc.add_heading(_("Co-occurrence"), level=1)
        doc.add_paragraph(_("Quotes carrying both themes; the diagonal is the theme's own quotes; "
                            "out of {quotes}.").format(quotes=quotes_text(v.all_quotes())))
        table = _table(doc, 1 + len(names), 1 + len(names), 5.0,
                       min(3.5, 21.0 / len(names)))
        for j, b in enumerate(names):
            _put(table[0][1 + j], b, bold=True, right=True)
        for i, (a, row) in enumerate(zip(names, matrix, strict=True), start=1):
            _put(table[i][0], a, bold=True)
            for j, n in enumerate(row):
                _put(table[i][1 + j], str(n), right=True, bold=i - 1 == j)

    drawn = set(charts.top_themes(v)) if v.groups else set()
    for t in v.themes:
        _theme(doc, v, t["name"], top, t["name"] in drawn)
    if data.get("annex"):
        _annex(doc, v, data["annex"])
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def _theme(doc: Any, v: View, name: str, top: float, chart: bool) -> None:
    from qualcode.exporters import report_charts as charts

    heading = doc.add_heading(name, level=min(1 + v.depth(name), 9))
    heading.paragraph_format.page_break_before = v.depth(name) == 0
    total = doc.add_paragraph(v.total_line(name))
    total.runs[0].font.color.rgb = MUTED
    if chart:
        _picture(doc, charts.png(charts.theme_bars(v, name)), 16.0,
                 _("{theme}: the share of each column's quotes that carry it; the dashed line is "
                   "its share over all of them.").format(theme=name))
    for ind in v.indicators(name):
        para = _styled(doc, doc.styles["List Bullet"].style_id)
        run = para.add_run(figure(ind) + " ")
        run.bold = True
        run.font.size = Pt(13)
        para.add_run(ind["wording"])
        source = para.add_run(" (" + _("Base: {base} — {source}").format(
            base=ind["base"], source=ind["source"]) + ")")
        source.font.color.rgb = MUTED
        source.font.size = Pt(8.5)
    grid = v.grid()
    if grid is not None:
        rdim, rlevels, cdim, clevels = grid
        table = _table(doc, 1 + len(rlevels), 1 + len(clevels), 3.0, 3.8)
        _put(table[0][0], f"{rdim} \\ {cdim}", bold=True)
        for j, c in enumerate(clevels):
            _put(table[0][1 + j], c, bold=True, right=True)
        for i, r in enumerate(rlevels, start=1):
            _put(table[i][0], r, bold=True)
            for j, c in enumerate(clevels):
                cells = v.at(name, r, c)
                if not cells:
                    _put(table[i][1 + j], "–", right=True)
                    continue
                cell = cells[0]
                _put(table[i][1 + j], cell_text(cell),
                     right=True, bold=bool(cell["flag"]), italic=bool(cell["flag"]))
                para = table[i][1 + j].add_paragraph()
                para.alignment = WD_ALIGN_PARAGRAPH.RIGHT
                small = para.add_run(f"{cell['group']} · {people_text(cell)}")
                small.font.size, small.font.color.rgb = Pt(7.5), MUTED
                _shade(table[i][1 + j], cell["share"], top)
        doc.add_paragraph()
    quote_style = doc.styles["Quote"].style_id
    for g in v.groups:
        for q in v.quotes(name, g["name"]):
            para = _styled(doc, quote_style)
            para.paragraph_format.left_indent = Cm(1.2)
            para.paragraph_format.right_indent = Cm(1.2)
            para.paragraph_format.keep_together = True
            asked = context_text(q)
            if asked:
                question = para.add_run(asked + "\n")
                question.italic = False
                question.font.size, question.font.color.rgb = Pt(9), MUTED
            para.add_run(q["text"])
            who = para.add_run(f"\n— {v.attribution(q)}")
            who.italic = False
            who.font.size = Pt(9)
            who.font.color.rgb = MUTED


def _annex(doc: Any, v: View, annex: dict[str, Any]) -> None:
    """Every coded segment, by theme then group, each with its speaker's attributes and
    its coder; then the memos."""
    heading = doc.add_heading(_("Annex: every coded segment"), level=1)
    heading.paragraph_format.page_break_before = True
    doc.add_paragraph(annex_intro(annex))
    for kind, part in annex_parts(v, annex):
        if kind != "segment":
            doc.add_heading(part, level=2 if kind == "theme" else 3)
            continue
        para = doc.add_paragraph()
        para.paragraph_format.left_indent = Cm(0.8)
        para.paragraph_format.keep_together = True
        para.add_run(f"« {part['text']} »")
        who = para.add_run("\n— " + segment_about(part, annex["columns"]))
        who.font.size, who.font.color.rgb = Pt(8.5), MUTED
        if part.get("memo"):
            memo = para.add_run("\n" + _("memo: {text}").format(text=part["memo"]))
            memo.italic = True
            memo.font.size = Pt(8.5)
    doc.add_heading(_("Memos"), level=1)
    if not annex["memos"]:
        doc.add_paragraph(_("No memo on the quotes of the report."))
    for memo in annex["memos"]:
        para = doc.add_paragraph()
        para.paragraph_format.keep_together = True
        para.add_run(memo_heading(v, memo)).bold = True
        para.add_run("\n" + str(memo["text"]))
        said = para.add_run(f"\n« {memo['words']} »")
        said.font.size, said.font.color.rgb = Pt(8.5), MUTED
