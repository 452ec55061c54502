"""The report's charts, drawn from the same JSON numbers as its tables.

Two kinds: per top-level theme, the share of each column's quotes that carry it (bars in
the design's order, G1…G6, with the theme's overall share as a line and the flags of the
test above the bars); and a heat map of every theme × column. Matplotlib draws them with
its object API (no pyplot, no global state): one drawing gives SVG for the HTML report,
with its text left as text so accents survive and the page stays searchable, and PNG for
Word, which cannot take SVG from python-docx. It is imported only by the formats that
draw, so other commands do not pay for it.
"""

from __future__ import annotations

import io
import re
from typing import TYPE_CHECKING, Any

from qualcode.exporters.report_common import MARK, View
from qualcode.i18n import _, percent

if TYPE_CHECKING:
    from matplotlib.figure import Figure
    from matplotlib.typing import RcKeyType

BAR = "#3d6a99"
FLAGGED = {"above": "#b03a2e", "below": "#2e6b3a"}
INK = "#222222"
DPI = 150
STYLE: dict[RcKeyType, Any] = {
    "svg.fonttype": "none", "svg.hashsalt": "qualcode", "font.family": "DejaVu Sans",
    "font.size": 9, "axes.edgecolor": "#888888", "axes.linewidth": 0.6}
"""Text kept as text in SVG, ids that do not change from run to run, one legible font."""


def top_themes(view: View) -> list[str]:
    """The themes that get a bar chart of their own: the top level of the report's tree."""
    names = {t["name"] for t in view.themes}
    return [t["name"] for t in view.themes if t["parent"] not in names]


def theme_bars(view: View, theme: str) -> Figure:
    """The share of each column's quotes carrying `theme`, with the overall share."""
    import matplotlib

    with matplotlib.rc_context(STYLE):
        return _theme_bars(view, theme)


def _theme_bars(view: View, theme: str) -> Figure:
    from matplotlib.figure import Figure

    groups = view.groups
    cells = [view.cell(theme, g["name"]) for g in groups]
    overall = view.theme(theme)
    fig = Figure(figsize=(max(4.8, 0.9 * len(groups) + 1.6), 2.9), dpi=DPI)
    ax = fig.add_subplot()
    shares = [float(c["share"]) * 100 if c["base"] else 0.0 for c in cells]
    colours = [FLAGGED.get(c.get("flag") or "", BAR) for c in cells]
    xs = range(len(groups))
    ax.bar(xs, shares, color=colours, width=0.62)
    top = max([*shares, float(overall["share"]) * 100, 1.0])
    for x, cell, share in zip(xs, cells, shares, strict=True):
        mark = MARK.get(cell.get("flag") or "", "")
        text = f"{cell['quotes']}/{cell['base']}" + (f" {mark}" if mark else "")
        ax.text(x, share + top * 0.03, text, ha="center", va="bottom", fontsize=8, color=INK)
    line = float(overall["share"]) * 100
    ax.axhline(line, color="#999999", linestyle="--", linewidth=0.9)
    ax.set_title(_("- - - overall: {share} ({quotes}/{base})").format(
        share=percent(overall["share"]), quotes=overall["quotes"], base=overall["base"]),
        loc="right", fontsize=8, color="#555555")
    ax.set_xticks(list(xs), [view.short_label(g, "\n") for g in groups], fontsize=8)
    ax.set_ylim(0, top * 1.25)
    ax.set_ylabel(_("share of the quotes (%)"))
    ax.set_title(theme, loc="left", fontsize=10, color=INK)
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    return fig


def heat_map(view: View) -> Figure:
    """Every theme × column: the share of the column's quotes that carry the theme."""
    import matplotlib

    with matplotlib.rc_context(STYLE):
        return _heat_map(view)


def _heat_map(view: View) -> Figure:
    from matplotlib.figure import Figure

    themes, groups = view.themes, view.groups
    values = [[float(view.cell(t["name"], g["name"])["share"]) for g in groups] for t in themes]
    fig = Figure(figsize=(max(5.0, 0.85 * len(groups) + 3.2), 0.32 * len(themes) + 1.4),
                 dpi=DPI)
    ax = fig.add_subplot()
    top = max(0.01, max(map(max, values), default=0))
    # one pixel a cell, scaled by the viewer ("none"): resampled to the figure's size, a
    # 100-group map was a 13,000-pixel-wide picture computed in floats, 600 MB
    ax.imshow(values, cmap="Blues", vmin=0, vmax=top, aspect="auto", interpolation="none")
    for i, row in enumerate(values):
        for j, share in enumerate(row):
            cell = view.cell(themes[i]["name"], groups[j]["name"])
            mark = MARK.get(cell.get("flag") or "", "")
            text = (percent(share, 0) if cell["base"] else "–") + (f" {mark}" if mark else "")
            dark = share > 0.6 * top
            ax.text(j, i, text, ha="center", va="center", fontsize=7,
                    color="white" if dark else INK)
    ax.set_xticks(range(len(groups)), [view.short_label(g, "\n") for g in groups], fontsize=7.5)
    ax.xaxis.tick_top()
    ax.set_yticks(range(len(themes)), [t["name"] for t in themes], fontsize=7.5)
    for label, t in zip(ax.get_yticklabels(), themes, strict=True):
        if view.depth(t["name"]) == 0:  # a theme in bold, its sub-themes plain below it
            label.set_fontweight("bold")
    ax.tick_params(length=0)
    for spine in ax.spines.values():
        spine.set_visible(False)
    fig.tight_layout()
    return fig


def svg(fig: Figure, title: str, prefix: str = "chart", *, scalable: bool = True) -> str:
    """The figure as an SVG element to put inside an HTML page: no XML prologue, no
    fixed size when `scalable` (it scales with the page; a picture file keeps its size),
    a title for screen readers, and its ids prefixed so that several charts on one page
    do not share any."""
    import matplotlib

    out = io.StringIO()
    with matplotlib.rc_context(STYLE):
        fig.savefig(out, format="svg", metadata={"Date": None, "Creator": None})
    text = out.getvalue()
    text = text[text.index("<svg"):]
    if scalable:
        text = re.sub(r'<svg ([^>]*?)width="[^"]*" height="[^"]*"', r'<svg \1', text, count=1)
    text = text.replace(">", ' role="img">', 1)
    from html import escape

    text = re.sub(r'\bid="', f'id="{prefix}-', text)
    text = re.sub(r'(url\(#|href="#)', rf"\g<1>{prefix}-", text)
    close = text.index(">") + 1
    return f"{text[:close]}<title>{escape(title)}</title>{text[close:]}"


PNG_WIDEST = 4000
"""Pixels across a picture for Word at most: Word shows it at most 22 cm wide, where 4,000
pixels are 460 per inch. A study with 28 groups or more draws wider figures, which at
150 dpi were pictures of 13,000 pixels and a gigabyte of memory for 100 groups."""


def png(fig: Figure) -> bytes:
    """The figure as a PNG image, for Word."""
    import matplotlib

    out = io.BytesIO()
    dpi = min(DPI, PNG_WIDEST / float(fig.get_size_inches()[0]))
    with matplotlib.rc_context(STYLE):
        fig.savefig(out, format="png", dpi=dpi, metadata={"Software": None})
    return out.getvalue()
