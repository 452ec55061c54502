"""The report as one self-contained HTML page: no script and no external resource, a heat
map, a bar chart per theme (inline SVG), and a print stylesheet so it becomes a tidy PDF
from the browser."""

from __future__ import annotations

from html import escape
from typing import Any

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

STYLE = """
:root { --ink: #1d2330; --muted: #5b6475; --line: #d6dae3; --heat: 21, 101, 192; }
* { box-sizing: border-box; }
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial,
       sans-serif; color: var(--ink); max-width: 1180px; margin: 2rem auto; padding: 0 1.5rem; }
h1 { font-size: 1.8rem; margin-bottom: .2rem; }
h2 { font-size: 1.35rem; margin-top: 2.2rem; border-bottom: 2px solid var(--ink); }
h3 { font-size: 1.1rem; margin-top: 1.6rem; }
p.meta, p.legend, p.total { color: var(--muted); margin: .3rem 0; }
table { border-collapse: collapse; margin: .8rem 0 1.2rem; font-variant-numeric: tabular-nums; }
th, td { border: 1px solid var(--line); padding: .3rem .55rem; text-align: right;
         white-space: nowrap; }
th { background: #f3f5f9; font-weight: 600; }
th.theme, td.theme { text-align: left; white-space: normal; min-width: 9rem; max-width: 15rem; }
td.sub { padding-left: 1.6rem; color: #2b3242; }
td.top { font-weight: 600; }
tr:has(td.top) td { border-top: 2px solid #aab1bf; }
td.zero { color: #a3a9b6; }
th small { font-weight: 400; color: var(--muted); white-space: normal;
           display: block; min-width: 7rem; }
td.flag { font-style: italic; font-weight: 600; outline: 2px solid #1d2330; outline-offset: -2px; }
td.heat.dark { color: #fff; }
.grid td { text-align: center; min-width: 9rem; }
.grid small { display: block; color: inherit; opacity: .8; }
.figures { display: flex; flex-wrap: wrap; gap: .6rem; margin: .6rem 0 1rem; }
.figure { border-left: 4px solid rgb(var(--heat)); background: #f6f8fc; padding: .4rem .7rem;
          max-width: 36rem; }
.figure b { font-size: 1.35rem; display: block; }
.figure small { color: var(--muted); display: block; }
blockquote { margin: .7rem 0 .7rem 0; padding: .3rem 1rem; border-left: 3px solid var(--line);
             font-style: italic; }
blockquote footer { font-style: normal; color: var(--muted); font-size: .9rem; }
blockquote footer::before { content: "— "; }
blockquote p.context { font-style: normal; color: var(--muted); font-size: .92rem; }
div.wide { overflow-x: auto; }
div.wide table { font-size: .86rem; }
figure.chart { margin: .6rem 0 1rem; }
figure.chart svg { width: 100%; max-width: 760px; height: auto; display: block; }
figure.heatmap svg { max-width: 820px; }
figure.chart figcaption { color: var(--muted); font-size: .9rem; }
section.theme { break-inside: auto; }
@page { size: A4; margin: 14mm 12mm; }
@media print {
  body { margin: 0; max-width: none; font-size: 10pt; padding: 0; }
  table { font-size: 8.5pt; }
  th, td { padding: .15rem .35rem; }
  h2 { break-before: page; }
  h2.first { break-before: auto; }
  h2, h3, h4 { break-after: avoid; }
  tr, table.grid, blockquote, .figure, figure.chart { break-inside: avoid; }
  td.heat, .figure { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
"""


def _group_th(v: View, group: dict[str, Any]) -> str:
    """A column's name, its design cell (or attribute), and its base under them."""
    if v.data.get("by"):
        levels = escape(str(v.data["by"]))
    else:
        levels = " · ".join(escape(str(x)) for x in group["attributes"].values())
    return (f"<th>{escape(v.name(group))}<br><small>{levels}<br>"
            f"{escape(v.base_text(group))}</small></th>")


def _theme_td(v: View, name: str) -> str:
    kind = "sub" if v.depth(name) else "top"
    return f'<td class="theme {kind}">{escape(name)}</td>'


def _heat(share: float, top: float) -> str:
    alpha = share / top if top else 0.0
    return (f' style="background: rgba(var(--heat), {alpha * 0.85:.3f})"'
            + (' data-dark="1"' if alpha > 0.55 else ""))


def _td(text: str, cell: dict[str, Any], top: float, extra: str = "") -> str:
    classes = ["heat"]
    style = _heat(cell["share"], top)
    if "data-dark" in style:
        classes.append("dark")
        style = style.replace(' data-dark="1"', "")
    if cell["flag"]:
        classes.append("flag")
    if not cell["quotes"]:
        classes.append("zero")
    said = {"above": _("above the theme's overall rate"),
            "below": _("below the theme's overall rate")}
    title = f' title="{escape(said[cell["flag"]])}"' if cell["flag"] in said else ""
    return f'<td class="{" ".join(classes)}"{style}{title}>{text}{extra}</td>'


def render(data: dict[str, Any]) -> str:
    v = View(data)
    from qualcode import i18n
    from qualcode.exporters import report_charts as charts

    title = escape(data.get("title") or _("Report"))
    top = max((c["share"] for c in data["cells"]), default=0.0)
    out = ['<!DOCTYPE html>', f'<html lang="{i18n.current}">', "<head>", '<meta charset="utf-8">',
           '<meta name="viewport" content="width=device-width, initial-scale=1">',
           f"<title>{title} — {escape(v.themes_by())}</title>", f"<style>{STYLE}</style>",
           "</head>",
           "<body>", f"<h1>{title}</h1>", f'<p class="meta">{escape(v.summary())}.</p>',
           '<p class="legend">' + escape(_("Cells: {cells}; the darker, the larger the share. "
                                           "{legend}").format(cells=v.cells_legend(),
                                                              legend=v.legend())) + "</p>",
           f'<h2 class="first">{escape(v.matrix_heading())}</h2>',
           '<div class="wide"><table>', "<thead><tr>",
           f'<th class="theme">{escape(_("theme"))}</th>',
           *(_group_th(v, g) for g in v.groups),
           f"<th>{escape(_('all'))}<br><small>{escape(v.all_text())}</small></th></tr></thead>",
           "<tbody>"]
    for t in v.themes:
        row = [f'<tr>{_theme_td(v, t["name"])}']
        for g in v.groups:
            cell = v.cell(t["name"], g["name"])
            row.append(_td(escape(cell_text(cell)), cell, top))
        row.append(f"<td>{escape(v.total_text(t['name']))}</td></tr>")
        out.append("".join(row))
    out += ["</tbody></table></div>"]
    if v.themes and v.groups:
        caption = _("The same shares as a heat map.")
        out += ['<figure class="chart heatmap">', charts.svg(charts.heat_map(v), caption, "heat"),
                f"<figcaption>{escape(caption)}</figcaption></figure>"]
    levels = v.levels(v.themes[0]["name"]) if v.themes else []
    if levels:
        ltop = max((lv["share"] for lv in data["levels"]), default=0.0)
        spans: list[tuple[str, int]] = []
        for lv in levels:
            if spans and spans[-1][0] == lv["dimension"]:
                spans[-1] = (lv["dimension"], spans[-1][1] + 1)
            else:
                spans.append((lv["dimension"], 1))
        out += [f"<h2>{escape(_('By level of the design'))}</h2>",
                '<p class="legend">' + escape(_(
                    "Quotes / that level's quotes · their share. Flags: {test}.").format(
                    test=level_test_text())) + "</p>", '<div class="wide"><table><thead><tr>',
                f'<th class="theme" rowspan="2">{escape(_("theme"))}</th>',
                *(f'<th colspan="{n}">{escape(d)}</th>' for d, n in spans), "</tr><tr>",
                *(f"<th>{escape(lv['level'])}<br><small>"
                  f"{escape(base_text(lv['base'], lv['participants_base']))}</small></th>"
                  for lv in levels), "</tr></thead><tbody>"]
        for t in v.themes:
            out.append(f'<tr>{_theme_td(v, t["name"])}' + "".join(
                _td(escape(cell_text(lv)), lv, ltop)
                for lv in v.levels(t["name"])) + "</tr>")
        out.append("</tbody></table></div>")
    names, matrix = v.cooccurrence()
    if names:
        out += [f"<h2>{escape(_('Co-occurrence'))}</h2>",
                '<p class="legend">' + escape(_(
                    "Quotes carrying both themes; the diagonal is the theme's own quotes; out "
                    "of {quotes}.").format(quotes=quotes_text(v.all_quotes()))) + "</p>",
                '<table><thead><tr><th class="theme"></th>',
                *(f"<th>{escape(n)}</th>" for n in names), "</tr></thead><tbody>"]
        for i, (a, counts) in enumerate(zip(names, matrix, strict=True)):
            out.append(f'<tr><th class="theme">{escape(a)}</th>' + "".join(
                f"<td><b>{count}</b></td>" if i == j else f"<td>{count}</td>"
                for j, count in enumerate(counts)) + "</tr>")
        out.append("</tbody></table>")
    drawn = {name: i for i, name in enumerate(charts.top_themes(v))} if v.groups else {}
    for t in v.themes:
        out += _theme_section(v, t["name"], top, drawn.get(t["name"]))
    if data.get("annex"):
        out += _annex(v, data["annex"])
    out += ["</body>", "</html>"]
    return "\n".join(out) + "\n"


def _annex(v: View, annex: dict[str, Any]) -> list[str]:
    out = [f"<h2>{escape(_('Annex: every coded segment'))}</h2>",
           f'<p class="legend">{escape(annex_intro(annex))}</p>']
    for kind, part in annex_parts(v, annex):
        if kind != "segment":
            level = 3 if kind == "theme" else 4
            out.append(f"<h{level}>{escape(part)}</h{level}>")
            continue
        text = "<br>".join(escape(line) for line in str(part["text"]).splitlines())
        memo = (f'<p class="context">{escape(_("memo: {text}").format(text=part["memo"]))}'
                "</p>" if part.get("memo") else "")
        out.append(f"<blockquote><p>{text}</p>{memo}<footer>"
                   f"{escape(segment_about(part, annex['columns']))}</footer></blockquote>")
    out.append(f"<h2>{escape(_('Memos'))}</h2>")
    if not annex["memos"]:
        out.append(f"<p>{escape(_('No memo on the quotes of the report.'))}</p>")
    for memo in annex["memos"]:
        out += [f"<p><b>{escape(memo_heading(v, memo))}</b><br>{escape(str(memo['text']))}</p>",
                f'<blockquote><p>{escape(str(memo["words"]))}</p></blockquote>']
    return out


def _theme_section(v: View, name: str, top: float, chart: int | None) -> list[str]:
    from qualcode.exporters import report_charts as charts

    level = min(2 + v.depth(name), 6)
    out = ['<section class="theme">', f"<h{level}>{escape(name)}</h{level}>",
           f'<p class="total">{escape(v.total_line(name))}</p>']
    if chart is not None:
        caption = _("{theme}: the share of each column's quotes that carry it; the dashed "
                    "line is its share over all of them.").format(theme=name)
        out += ['<figure class="chart">',
                charts.svg(charts.theme_bars(v, name), caption, f"theme{chart}"),
                f"<figcaption>{escape(caption)}</figcaption></figure>"]
    figures = v.indicators(name)
    if figures:
        out.append('<div class="figures">')
        for ind in figures:
            out.append(f'<div class="figure"><b>{escape(figure(ind))}</b>'
                       f"{escape(ind['wording'])}<small>"
                       + escape(_("Base: {base} — {source}").format(base=ind["base"],
                                                                    source=ind["source"]))
                       + "</small></div>")
        out.append("</div>")
    grid = v.grid()
    if grid is not None:
        rdim, rlevels, cdim, clevels = grid
        out += ['<table class="grid"><thead><tr>',
                f'<th class="theme">{escape(rdim)} \\ {escape(cdim)}</th>',
                *(f"<th>{escape(c)}</th>" for c in clevels), "</tr></thead><tbody>"]
        for r in rlevels:
            row = [f'<tr><th class="theme">{escape(r)}</th>']
            for col in clevels:
                cells = v.at(name, r, col)
                if not cells:
                    row.append("<td>–</td>")
                    continue
                for cell in cells[:1]:
                    row.append(_td(
                        cell_text(cell, lambda n: f"<b>{n}</b>"), cell, top,
                        f"<small>{escape(cell['group'])} · "
                        f"{escape(people_text(cell))}</small>"))
            out.append("".join(row) + "</tr>")
        out.append("</tbody></table>")
    for g in v.groups:
        for q in v.quotes(name, g["name"]):
            text = "<br>".join(escape(line) for line in q["text"].splitlines())
            asked = context_text(q)
            before = f'<p class="context">{escape(asked)}</p>' if asked else ""
            out.append(f"<blockquote>{before}<p>{text}</p><footer>{escape(v.attribution(q))}"
                       "</footer></blockquote>")
    out.append("</section>")
    return out
