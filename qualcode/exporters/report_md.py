"""The report as Markdown: tables a researcher can paste, a text bar chart per theme
(readable in any viewer, no picture to carry along), verbatims as block quotes."""

from __future__ import annotations

import re
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
    pct,
    people_text,
    quotes_text,
    segment_about,
)
from qualcode.i18n import _

_TAG = re.compile(r"<(?=[A-Za-z/!?])")
"""Where raw HTML could begin in Markdown (a tag, a comment, an autolink): a quote
saying `<script>` or `<img onerror=…>` must be shown, not run by the renderer. A `<`
before a digit or a space (`<35`, `< 3`) cannot open a tag and stays as written."""


def _inert(value: Any) -> Any:
    """Every text of the report, with what could open raw HTML made literal."""
    if isinstance(value, str):
        return _TAG.sub("&lt;", value)
    if isinstance(value, dict):
        return {k: _inert(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_inert(v) for v in value]
    return value


def _row(cells: list[str]) -> str:
    return "| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |"


def _table(head: list[str], rows: list[list[str]]) -> list[str]:
    return [_row(head), _row(["---"] * len(head)), *(_row(r) for r in rows), ""]


def _flagged(text: str, flag: str | None) -> str:
    return f"*{text}*" if flag else text


def render(data: dict[str, Any]) -> str:
    data = _inert(data)
    v = View(data)
    out = [f"# {data.get('title') or _('Report')}", "", v.summary() + ".", "",
           _("Each cell: {cells}. {legend}").format(cells=v.cells_legend(), legend=v.legend()),
           "", f"## {v.matrix_heading()}", ""]
    out += _table([_("theme")] + [f"{v.label(g)} · {v.base_text(g)}" for g in v.groups]
                  + [_("all · {base}").format(base=v.all_text())], [
        ["\u2003" * v.depth(t["name"]) + t["name"]]
        + [_flagged(cell_text(v.cell(t["name"], g["name"])),
                    v.cell(t["name"], g["name"])["flag"]) for g in v.groups]
        + [v.total_text(t["name"])]
        for t in v.themes])
    levels = v.levels(v.themes[0]["name"]) if v.themes else []
    if levels:
        out += ["## " + _("By level of the design"), "",
                _("Quotes / that level's quotes · their share (levels: {levels}). Flags: "
                  "{test}.").format(levels="; ".join(
                      f"{d} = {', '.join(ls)}" for d, ls in data["dimensions"].items()),
                      test=level_test_text()), ""]
        out += _table([_("theme")] + [f"{lv['level']} · "
                                   f"{base_text(lv['base'], lv['participants_base'])}"
                                   for lv in levels], [
            ["\u2003" * v.depth(t["name"]) + t["name"]]
            + [_flagged(cell_text(lv), lv["flag"])
               for lv in v.levels(t["name"])]
            for t in v.themes])
    names, matrix = v.cooccurrence()
    if names:
        out += ["## " + _("Co-occurrence"), "",
                _("Quotes carrying both themes (diagonal: the theme's own quotes), out of "
                  "{quotes}.").format(quotes=quotes_text(v.all_quotes())), ""]
        out += _table([""] + names, [[a] + [str(n) for n in row]
                                     for a, row in zip(names, matrix, strict=True)])
    for t in v.themes:
        name = t["name"]
        out += [f"{'#' * min(2 + v.depth(name), 6)} {name}", ""]
        out += [v.total_line(name), ""]
        if t["parent"] is None and v.groups:
            out += _bars(v, name)
        for ind in v.indicators(name):
            out += [_("- Survey: **{figure}** {wording} (base: {base}; {source})").format(
                figure=figure(ind), wording=ind["wording"], base=ind["base"],
                source=ind["source"])]
        if v.indicators(name):
            out.append("")
        grid = v.grid()
        if grid is not None:
            rdim, rlevels, cdim, clevels = grid
            out += _table([f"{rdim} \\ {cdim}"] + clevels, [
                [r] + [" ; ".join(_flagged(f"{c['group']}: {cell_text(c)} · {people_text(c)}",
                                           c["flag"])
                                  for c in v.at(name, r, col)) or "–"
                       for col in clevels]
                for r in rlevels])
        for g in v.groups:
            for q in v.quotes(name, g["name"]):
                asked = context_text(q)
                if asked:
                    out += [f"> *{asked.replace(chr(10), ' ')}*", ">"]
                out += ["> " + line for line in q["text"].splitlines() or [""]]
                out += [f"> — {v.attribution(q)}", ""]
    if data.get("annex"):
        out += _annex(v, data["annex"])
    return "\n".join(out).rstrip() + "\n"


WIDTH = 30
"""Characters of the longest bar: a full share."""


def _bars(v: View, theme: str) -> list[str]:
    """The share of each column's quotes carrying `theme`, as bars of block characters
    in eighths, with the overall share last: the same numbers as the table above."""
    rows = [(v.label(g) if v.data.get("by") else v.short_label(g), v.cell(theme, g["name"]))
            for g in v.groups] + [(_("all"), v.theme(theme))]
    width = max(len(label) for label, _cell in rows)
    lines = []
    for label, cell in rows:
        eighths = round(float(cell["share"]) * WIDTH * 8) if cell["base"] else 0
        bar = "█" * (eighths // 8) + ("", "▏", "▎", "▍", "▌", "▋", "▊", "▉")[eighths % 8]
        count = f"{cell['quotes']}/{cell['base']}"
        share = pct(cell["share"], cell["base"])
        lines.append(f"{label:<{width}}  {bar:<{WIDTH}}  {count:>7}  {share}")
    return ["```text", *lines, "```", ""]


def _annex(v: View, annex: dict[str, Any]) -> list[str]:
    out = ["## " + _("Annex: every coded segment"), "", annex_intro(annex), ""]
    for kind, part in annex_parts(v, annex):
        if kind != "segment":
            out += [("### " if kind == "theme" else "#### ") + part, ""]
            continue
        out += ["> " + line for line in f"« {part['text']} »".splitlines() or [""]]
        out += [f"> — {segment_about(part, annex['columns'])}"]
        if part.get("memo"):
            out += [">", "> *" + _("memo: {text}").format(text=part["memo"]) + "*"]
        out.append("")
    out += ["## " + _("Memos"), ""]
    if not annex["memos"]:
        out += [_("No memo on the quotes of the report."), ""]
    for memo in annex["memos"]:
        out += [f"**{memo_heading(v, memo)}**", "", str(memo["text"]), "",
                f"> « {' '.join(str(memo['words']).splitlines())} »", ""]
    return out
