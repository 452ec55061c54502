"""What every report format shows, read from the report's JSON so all show the same numbers.

Renderers only lay out: counts come from `qualcode.reports.counts`, and these helpers
index them (cell by theme and group, the design grid, quotes per cell) and word them
(percentages, flags, a group's design cell) once for every format.
"""

from __future__ import annotations

from typing import Any

MARK = {"above": "▲", "below": "▼"}
LEGEND = ("▲ / ▼ (in italics): the cell is significantly above / below the theme's "
          "overall rate — {test}.")


def plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def pct(share: float, base: int) -> str:
    """A share as people read it; '–' when the group has no quotes at all."""
    return f"{share * 100:.1f}%" if base else "–"


class View:
    """Index over one report."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data
        self._index: dict[tuple[str, str], dict[str, Any]] = {
            (c["theme"], c["group"]): c for c in data["cells"]}

    @property
    def groups(self) -> list[dict[str, Any]]:
        return list(self.data["groups"])

    @property
    def themes(self) -> list[dict[str, Any]]:
        return list(self.data["themes"])

    def cell(self, theme: str, group: str) -> dict[str, Any]:
        return self._index[(theme, group)]

    def base(self, group: str) -> int:
        return next(int(g["quotes"]) for g in self.groups if g["name"] == group)

    def depth(self, theme: str) -> int:
        parent = {t["name"]: t["parent"] for t in self.themes}
        d, node = 0, parent.get(theme)
        while node is not None and node in parent:
            d, node = d + 1, parent[node]
        return d

    def total(self, theme: str) -> int:
        return sum(c["quotes"] for c in self.data["cells"] if c["theme"] == theme)

    def label(self, group: dict[str, Any]) -> str:
        """`G1 (CSP+, <35)`: a group with its design cell."""
        levels = ", ".join(str(v) for v in group["attributes"].values())
        return f"{group['name']} ({levels})" if levels else str(group["name"])

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
        return [q for q in self.data.get("quotes", [])
                if q["theme"] == theme and (group is None or q["group"] == group)]

    def indicators(self, theme: str) -> list[dict[str, Any]]:
        return [i for i in self.data.get("indicators", []) if i["theme"] == theme]

    def attribution(self, quote: dict[str, Any]) -> str:
        group = next(g for g in self.groups if g["name"] == quote["group"])
        return f"{self.label(group)}, {quote['speaker']}"

    def legend(self) -> str:
        return LEGEND.format(test=self.data["test"])

    def summary(self) -> str:
        quotes = sum(int(g["quotes"]) for g in self.groups)
        people = sum(int(g["participants"]) for g in self.groups)
        line = (f"Scope: {self.data['scope']} · {quotes} quotes by {people} participants "
                f"in {len(self.groups)} groups (moderators excluded)")
        if self.data.get("subtree"):
            line += f" · theme {self.data['subtree']} and its sub-themes"
        return line


def figure(indicator: dict[str, Any]) -> str:
    """`86 %`, `350 000 users/week`: the figure as the seed prints it."""
    value = indicator["value"]
    number = f"{value:,.10g}".replace(",", "\u202f")
    unit = indicator.get("unit") or ""
    return f"{number}\u00a0%" if unit == "%" else f"{number} {unit}".strip()


def cell_text(cell: dict[str, Any], base: int) -> str:
    """`3 / 12 · 25.0%`: the quotes, out of the group's, and their share, with the flag's
    mark. A count without its base says nothing of how much it is."""
    mark = MARK.get(cell["flag"] or "", "")
    return (f"{cell['quotes']} / {base} · {pct(cell['share'], base)}"
            + (f" {mark}" if mark else ""))
