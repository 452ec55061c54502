"""What every report format shows, read from the report's JSON so all show the same numbers.

Renderers only lay out: counts come from `qualcode.reports.counts`, and these helpers
index them (cell by theme and group, the design grid, quotes per cell) and word them
(percentages, flags, a group's design cell) once for every format.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from qualcode.i18n import _, ngettext, percent
from qualcode.reports.columns import NONE

MARK = {"above": "▲", "below": "▼"}


def quotes_text(n: int) -> str:
    return ngettext("{n} quote", "{n} quotes", n).format(n=n)


def people_count(n: int) -> str:
    return ngettext("{n} participant", "{n} participants", n).format(n=n)


def pct(share: float, base: int) -> str:
    """A share as people read it, in the report's language; '–' when the group has no
    quotes at all."""
    return percent(share) if base else "–"


def test_text(data: dict[str, Any]) -> str:
    """The test behind the flags, in the report's language."""
    if data.get("by"):
        return _("two-sided Fisher exact test of each value of {attribute} against its other "
                 "values, Holm-adjusted across the values of each theme, α = 0.05").format(
            attribute=data["by"])
    return _("two-sided Fisher exact test of each group against the other groups, "
             "Holm-adjusted across the groups of each theme, α = 0.05")


def level_test_text() -> str:
    return _("two-sided Fisher exact test of each level against the other levels of its "
             "dimension, Holm-adjusted across the levels, α = 0.05")


def scope_text(scope: str) -> str:
    """`all coders`, `coder alice`, `consensus` as the JSON gives them, worded."""
    if scope == "all coders":
        return _("all coders")
    if scope == "consensus":
        return _("the consensus")
    kind, _sep, name = scope.partition(" ")
    return _("coder {name}").format(name=name) if kind == "coder" and name else scope


class View:
    """Index over one report."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data
        self._index: dict[tuple[str, str], dict[str, Any]] = {
            (c["theme"], c["group"]): c for c in data["cells"]}
        self._themes: dict[str, dict[str, Any]] = {t["name"]: t for t in data["themes"]}
        self._quotes: dict[tuple[str, str | None], list[dict[str, Any]]] = {}
        for q in data.get("quotes", []):  # indexed once: every cell asks for its own
            self._quotes.setdefault((q["theme"], q["group"]), []).append(q)
            self._quotes.setdefault((q["theme"], None), []).append(q)

    @property
    def groups(self) -> list[dict[str, Any]]:
        return list(self.data["groups"])

    @property
    def themes(self) -> list[dict[str, Any]]:
        return list(self.data["themes"])

    def cell(self, theme: str, group: str) -> dict[str, Any]:
        return self._index[(theme, group)]

    def depth(self, theme: str) -> int:
        parent = {t["name"]: t["parent"] for t in self.themes}
        d, node = 0, parent.get(theme)
        while node is not None and node in parent:
            d, node = d + 1, parent[node]
        return d

    def total(self, theme: str) -> int:
        return sum(c["quotes"] for c in self.data["cells"] if c["theme"] == theme)

    def all_quotes(self) -> int:
        """The base of a theme's total: every quote the report counts."""
        return sum(int(g["quotes"]) for g in self.groups)

    def all_people(self) -> int:
        return sum(int(g["participants"]) for g in self.groups)

    def theme(self, name: str) -> dict[str, Any]:
        """A theme's entry: its totals over every column, with their bases."""
        return self._themes[name]

    def total_text(self, theme: str) -> str:
        """`12 / 80 · 15.0%`: a theme's quotes over every column, with their base."""
        return cell_text(self.theme(theme))

    def total_line(self, theme: str) -> str:
        """The sentence under a theme's heading: its quotes and speakers, with bases."""
        t = self.theme(theme)
        return _("{share} of the quotes, by {people}.").format(share=cell_text(t),
                                                                people=people_text(t))

    def name(self, group: dict[str, Any]) -> str:
        """A column's name: the group's, or the attribute's value, `(none)` in words."""
        if self.data.get("by") and group["name"] == NONE:
            return _("(none)")
        return str(group["name"])

    def short_label(self, group: dict[str, Any], sep: str = " ") -> str:
        """`G1 CSP+ · <35` (`sep` between the name and the design cell: a chart's axis
        puts a line break there); the value alone when an attribute's values are the
        columns."""
        if self.data.get("by"):
            return self.name(group)
        levels = " · ".join(str(v) for v in group["attributes"].values())
        return f"{group['name']}{sep}{levels}" if levels else str(group["name"])

    def label(self, group: dict[str, Any]) -> str:
        """`G1 (CSP+, <35)`: a group with its design cell; `caregiver = yes` by attribute."""
        if self.data.get("by"):
            return f"{self.data['by']} = {self.name(group)}"
        levels = ", ".join(str(v) for v in group["attributes"].values())
        return f"{group['name']} ({levels})" if levels else str(group["name"])

    def base_text(self, group: dict[str, Any]) -> str:
        """`n = 40 quotes, 9 participants`: what a column's figures are out of."""
        return base_text(int(group["quotes"]), int(group["participants"]))

    def all_text(self) -> str:
        """What the `all` column's figures are out of: every column's quotes and people."""
        return base_text(self.all_quotes(), self.all_people())

    def grid(self) -> tuple[str, list[str], str, list[str]] | None:
        """(row dimension, its levels, column dimension, its levels) for a 2-factor design."""
        dims = list(self.data.get("dimensions", {}).items())
        if len(dims) != 2:
            return None
        (rows, row_levels), (cols, col_levels) = dims
        return rows, list(row_levels), cols, list(col_levels)

    def at(self, theme: str, row: str, col: str) -> list[dict[str, Any]]:
        """The cells of the groups sitting at one (row level, column level) of the grid."""
        grid = self.grid()
        assert grid is not None
        rdim, _, cdim, _ = grid
        return [self.cell(theme, g["name"]) for g in self.groups
                if g["attributes"].get(rdim) == row and g["attributes"].get(cdim) == col]

    def cooccurrence(self) -> tuple[list[str], list[list[int]]]:
        """The themes and, for each pair, the quotes carrying both; on the diagonal a
        theme's own quotes. No themes when there are fewer than two to cross."""
        co = self.data.get("cooccurrence", {})
        if len(co.get("themes", [])) < 2:
            return [], []
        names = [t["name"] for t in co["themes"]]
        both = {(p["a"], p["b"]): p["quotes"] for p in co["pairs"]}
        both.update({(p["b"], p["a"]): p["quotes"] for p in co["pairs"]})
        own = {t["name"]: t["quotes"] for t in co["themes"]}
        return names, [[own[a] if a == b else both[(a, b)] for b in names] for a in names]

    def levels(self, theme: str) -> list[dict[str, Any]]:
        return [lv for lv in self.data.get("levels", []) if lv["theme"] == theme]

    def quotes(self, theme: str, group: str | None = None) -> list[dict[str, Any]]:
        return list(self._quotes.get((theme, group), ()))

    def indicators(self, theme: str) -> list[dict[str, Any]]:
        return [i for i in self.data.get("indicators", []) if i["theme"] == theme]

    def attribution(self, quote: dict[str, Any]) -> str:
        group = next(g for g in self.groups if g["name"] == quote["group"])
        if self.data.get("by") and quote.get("speaker_group"):
            return f"{self.label(group)}, {quote['speaker_group']} {quote['speaker']}"
        return f"{self.label(group)}, {quote['speaker']}"

    def legend(self) -> str:
        return _("▲ / ▼ (in italics): the cell is significantly above / below the theme's "
                 "overall rate — {test}.").format(test=test_text(self.data))

    def cells_legend(self) -> str:
        """What a cell's figures are: the theme's quotes over the column's, the share. The
        columns are the groups, or the values of the `--by` attribute."""
        by = self.data.get("by")
        if by:
            return _("quotes carrying the theme / the quotes of the participants with that "
                     "value of {attribute} · their share").format(attribute=by)
        return _("quotes carrying the theme / the group's quotes · their share")

    def matrix_heading(self) -> str:
        """`Themes × groups`, or `Themes × caregiver` when its values are the columns."""
        by = self.data.get("by")
        return _("Themes × {attribute}").format(attribute=by) if by else _("Themes × groups")

    def themes_by(self) -> str:
        """What the report crosses the themes with, for a page's title."""
        by = self.data.get("by")
        return _("themes by {attribute}").format(attribute=by) if by else _("themes by group")

    def flags_label(self) -> str:
        """What the columns' flags compare, as a label."""
        by = self.data.get("by")
        return (_("flags (values of {attribute})").format(attribute=by) if by
                else _("flags (groups)"))

    def summary(self) -> str:
        by = self.data.get("by")
        n = len(self.groups)
        if by:
            columns = (_("1 value of {attribute}") if n == 1 else _(
                "{count} values of {attribute}")).format(count=n, attribute=by)
        else:
            columns = ngettext("{n} group", "{n} groups", n).format(n=n)
        line = _("Scope: {scope} · {quotes} by {people} in {columns} (moderators "
                 "excluded)").format(scope=scope_text(self.data["scope"]),
                                     quotes=quotes_text(self.all_quotes()),
                                     people=people_count(self.all_people()), columns=columns)
        if self.data.get("where"):
            line += " · " + _("only participants with {filters}").format(
                filters=", ".join(self.data["where"]))
        if self.data.get("subtree"):
            line += " · " + _("theme {theme} and its sub-themes").format(
                theme=self.data["subtree"])
        return line


def annex_intro(annex: dict[str, Any]) -> str:
    return _("{count} codings in the report's scope, by theme then group, in the order of "
             "the transcripts; a segment's words, or the whole quote's.").format(
        count=len(annex["segments"]))


def annex_parts(v: View, annex: dict[str, Any]) -> Iterator[tuple[str, Any]]:
    """The annex in reading order: ("theme", name), ("group", label) when they change,
    then ("segment", row) for each coding."""
    labels = {g["name"]: v.label(g) for g in v.groups}
    theme = group = None
    for row in annex["segments"]:
        if row["theme"] != theme:
            theme, group = row["theme"], None
            yield "theme", str(theme)
        if row["group"] != group:
            group = row["group"]
            yield "group", labels.get(str(group), str(group))
        yield "segment", row


def segment_about(row: dict[str, Any], columns: list[str]) -> str:
    """`P1 · loss of human contact · coder alice · ald = yes · #6`: who said a segment,
    its code when more precise than the theme, the coder, the speaker's attributes."""
    about = [str(row["speaker"])]
    if row["code"] != row["theme"]:
        about.append(str(row["code"]))
    about.append(_("coder {name}").format(name=row["coder"]))
    people = [f"{k.removeprefix('participant ')} = {row[k]}" for k in columns
              if k.startswith("participant ") and row.get(k) not in (None, "")]
    if people:
        about.append(", ".join(people))
    return " · ".join(about) + f" · #{row['quote']}"


def memo_heading(v: View, memo: dict[str, Any]) -> str:
    """Where a memo was written, and by whom."""
    labels = {g["name"]: v.label(g) for g in v.groups}
    where = _("{group}, {speaker}, quote #{quote} — {coder}").format(
        group=labels.get(str(memo["group"]), memo["group"]), speaker=memo["speaker"],
        quote=memo["quote"], coder=memo["coder"])
    if memo["on"]:
        where += " · " + _("on the coding {code}").format(code=memo["on"])
    return where


def context_text(quote: dict[str, Any]) -> str | None:
    """`ANIMATRICE : Et la sécurité ?`: the question before a quote (`report --context`)."""
    asked = quote.get("context")
    if not asked:
        return None
    return _("{speaker}: {text}").format(speaker=asked["speaker"], text=asked["text"])


def figure(indicator: dict[str, Any]) -> str:
    """`86 %`, `350 000`: the figure as French and English print it (a thin space between
    thousands, which neither language misreads as a decimal point)."""
    value = indicator["value"]
    number = f"{value:,.10g}".replace(",", "\u202f")
    unit = indicator.get("unit") or ""
    return f"{number}\u00a0%" if unit == "%" else f"{number} {unit}".strip()


def base_text(quotes: int, participants: int) -> str:
    """`n = 40 quotes, 9 participants`: a column's (or level's) base, under its heading."""
    return f"n = {quotes_text(quotes)}, {people_count(participants)}"


def cell_text(cell: dict[str, Any], strong: Callable[[str], str] = str) -> str:
    """`3 / 12 · 25.0%`: the quotes, out of the group's (or the level's, or the value's),
    and their share, with the flag's mark. A count without its base says nothing of how
    much it is. The base is the cell's own (`base`, the JSON's), so every format shows
    the same; `strong` dresses the count (HTML's bold)."""
    base = int(cell["base"])
    mark = MARK.get(cell.get("flag") or "", "")
    return (f"{strong(str(cell['quotes']))} / {base} · {pct(cell['share'], base)}"
            + (f" {mark}" if mark else ""))


def people_text(cell: dict[str, Any]) -> str:
    """`2 / 9 participants`: the cell's speakers out of the column's (or level's)."""
    return f"{cell['participants']} / {people_count(int(cell['participants_base']))}"
