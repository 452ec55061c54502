"""The quote list: one line a quote, drawn with the Line API.

Only the lines on screen are ever rendered, whatever the number of quotes, so the list
stays as quick on 100,000 quotes as on twenty. A line shows whether I have dealt with
the quote, its group and speaker, my codes (■) and other coders' (□) in the codes'
colours, and the start of the text with search hits highlighted.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import ClassVar

from rich.cells import cell_len
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.reactive import reactive
from textual.strip import Strip

from qualcode.i18n import N_
from qualcode.tui.data import QuoteRow, Workbench
from qualcode.tui.widgets.lines import Piece, fit, flat, layered, strip_of
from qualcode.tui.widgets.scrolling import SteadyScrollView

UNDERLINE = Style(underline=True)
GLANCE = 2
"""Code marks shown per side (mine, others') before a `+`."""


class QuoteList(SteadyScrollView, can_focus=True):
    """| Key(s) | Description |
    | :- | :- |
    | up, k | Previous quote. |
    | down, j | Next quote. |
    | pageup / pagedown | A screenful back or forward. |
    | home / end | First or last quote. |
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up,k", "move(-1)", N_("Previous"), show=False),
        Binding("down,j", "move(1)", N_("Next"), show=False),
        Binding("pageup", "page(-1)", N_("Page up"), show=False),
        Binding("pagedown", "page(1)", N_("Page down"), show=False),
        Binding("home", "jump(0)", N_("First"), show=False),
        Binding("end", "jump(-1)", N_("Last"), show=False),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "quote-list--cursor", "quote-list--hit", "quote-list--dim", "quote-list--done",
    }

    DEFAULT_CSS = """
    QuoteList { background: $surface; overflow-x: hidden; overflow-y: scroll;
                scrollbar-size-vertical: 1; }
    QuoteList > .quote-list--cursor { background: $accent 40%; text-style: bold; }
    QuoteList:focus > .quote-list--cursor { background: $accent 70%; }
    QuoteList > .quote-list--hit { background: $warning 60%; color: $text; }
    QuoteList > .quote-list--dim { color: $text-muted; }
    QuoteList > .quote-list--done { color: $success; }
    """

    cursor: reactive[int] = reactive(0, always_update=True, init=False, repaint=False)
    """Where the cursor is; `watch_cursor` repaints just the lines that change."""

    def __init__(self, *, moved: Callable[[], None],
                 id: str | None = None) -> None:  # noqa: A002 (Textual's name)
        super().__init__(id=id)
        self.moved = moved
        """Called as soon as the cursor is on another quote. A call, not a message, so
        the list and the panes that follow it change in the same frame."""
        self.bench: Workbench | None = None
        self.order: list[int] = []
        """Indices into `bench.ids` of the quotes shown, in display order."""
        self.hits: dict[int, tuple[tuple[int, int], ...]] = {}
        self._cache: LRUCache[tuple[int, bool, int, int, int], Strip] = LRUCache(1024)
        self._generation = 0
        self._looks: dict[str, Style] = {}
        self._looks_before: dict[str, Style] | None = None
        """The line styles before a style change, until the new ones are looked up."""
        self._colours: dict[str | None, Style] = {}
        self._edits: dict[int, int] = {}
        """Per quote, how many times it changed: a changed quote's cached line is stale."""

    def show(self, bench: Workbench, order: list[int], *, keep: int | None = None,
             hits: dict[int, tuple[tuple[int, int], ...]] | None = None) -> None:
        """Show these quotes, keeping the cursor on quote `keep` when it is among them."""
        self.bench, self.order, self.hits = bench, order, hits or {}
        self.set_height_quietly(len(order))  # no layout pass: a search changes it per key
        target = 0
        if keep is not None and keep in bench.index:
            row = bench.index[keep]
            target = order.index(row) if row in order else 0
        self.invalidate()
        self.scroll_to(y=0, animate=False, immediate=True)
        self.cursor = target

    def invalidate(self) -> None:
        """States changed: draw every line afresh."""
        self._generation += 1
        self.refresh()

    def redraw(self, quote_ids: Iterable[int]) -> None:
        """These quotes changed (coded, or their text arrived): redraw just their lines."""
        if self.bench is None:
            return
        changed = set(quote_ids)
        for qid in changed:
            self._edits[qid] = self._edits.get(qid, 0) + 1
        ids, top = self.bench.ids, round(self.scroll_offset.y)
        for y in range(top, min(len(self.order), top + self.scrollable_content_region.height)):
            if ids[self.order[y]] in changed:
                self.refresh_line(y)

    @property
    def quote_id(self) -> int | None:
        if self.bench is None or not self.order:
            return None
        return self.bench.ids[self.order[self.cursor]]

    def validate_cursor(self, cursor: int) -> int:
        return max(0, min(cursor, len(self.order) - 1))

    def watch_cursor(self, old: int, new: int) -> None:
        height = max(1, self.scrollable_content_region.height)
        top = round(self.scroll_offset.y)
        # Leaving the screen scrolls half a screen, not one line: the next quotes come
        # into sight, and the list is redrawn once every few moves instead of on each.
        jump = height // 2
        if new < top:
            self.scroll_to(y=max(0, new - jump), animate=False, immediate=True)
            self.refresh()
        elif new >= top + height:
            self.scroll_to(y=new - height + 1 + jump, animate=False, immediate=True)
            self.refresh()
        else:  # the two lines whose cursor mark changed, not the whole list
            self.refresh_line(old)
            self.refresh_line(new)
        self.moved()

    def action_move(self, step: int) -> None:
        self.cursor += step

    def action_page(self, direction: int) -> None:
        self.cursor += direction * max(1, self.scrollable_content_region.height - 1)

    def action_jump(self, where: int) -> None:
        self.cursor = where if where >= 0 else len(self.order) - 1

    def on_click(self, event: events.Click) -> None:
        self.cursor = round(self.scroll_offset.y) + event.y

    def notify_style_update(self) -> None:
        """Focus, theme or CSS changed: cached lines may carry the old colours.

        When only the cursor's colour changed (the list gained or lost the focus, which
        happens each time the search box or the filter bar opens or closes), only the
        cursor's line is drawn again, not every line on screen. The comparison waits
        for the next `_look`: Textual updates the component styles after this call."""
        if self._looks and self._looks_before is None:
            self._looks_before = dict(self._looks)
        self._looks.clear()
        super().notify_style_update()

    def _look(self) -> dict[str, Style]:
        """The line styles, looked up once per style change: each lookup walks the CSS."""
        if not self._looks:
            base = self.rich_style
            self._looks.update(
                base=base,
                cursor=base + self.get_component_rich_style("quote-list--cursor"),
                **{name: self.get_component_rich_style(f"quote-list--{name}", partial=True)
                   for name in ("dim", "done", "hit")})
            before, self._looks_before = self._looks_before, None
            only_cursor = before is not None and all(
                before[k] == self._looks[k] for k in before if k != "cursor")
            if only_cursor:
                for key in [key for key in self._cache.keys() if key[1]]:  # at the cursor
                    self._cache.discard(key)
            elif before is not None:
                self._cache.clear()
        return self._looks

    def on_resize(self) -> None:
        self.set_height_quietly(len(self.order))
        self._cache.clear()

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        index = round(self.scroll_offset.y) + y
        if self.bench is None or index >= len(self.order):
            return Strip.blank(width, self.rich_style)
        qid = self.bench.ids[self.order[index]]
        key = (qid, index == self.cursor, width, self._generation, self._edits.get(qid, 0))
        self._look()  # after a style change, first drop the lines it makes stale
        strip = self._cache.get(key)
        if strip is None:
            strip = self._render_row(self.bench.row(self.order[index]), index == self.cursor,
                                     width)
            if self.bench.is_loaded(qid):
                self._cache[key] = strip
        return strip

    def _render_row(self, row: QuoteRow, at_cursor: bool, width: int) -> Strip:
        assert self.bench is not None
        bench = self.bench
        state = bench.state(row.id)
        look = self._look()
        dim = look["dim"]
        voice = dim if row.moderator else None
        pieces: list[Piece] = [
            (" ✓" if state.done_by(bench.coder) else "  ", look["done"]),
            (f" {fit(row.group, bench.group_width)} ", None),
            (f"{fit(flat(row.speaker), bench.speaker_width)} ", voice),
        ]
        colours = bench.colours
        mine = state.codes_of(bench.coder)
        theirs = {c for who, ids in state.codes if who != bench.coder for c in ids} - set(mine)
        others = [c for c in colours if c in theirs]
        glance = 0
        for mark, ids in (("■", mine), ("□", others)):
            for code in ids[:GLANCE]:
                pieces.append((mark, self._colour(colours.get(code))))
            if len(ids) > GLANCE:
                pieces.append(("+", dim))
            glance += min(len(ids), GLANCE) + (len(ids) > GLANCE)
        pieces.append((" " * max(1, 2 * GLANCE + 3 - glance), None))
        start = sum(cell_len(text) for text, _ in pieces)
        preview = flat(row.text[: max(0, width - start) + 1])
        layers = [(seg.start, seg.end, self._colour(colours.get(seg.code_id)) + UNDERLINE)
                  for seg in state.segments]  # coded words, as in the quote pane
        layers += [(a, b, look["hit"]) for a, b in self.hits.get(row.id, ())]
        pieces += layered(preview, layers, voice)
        return strip_of(pieces, width, look["cursor"] if at_cursor else look["base"])

    def _colour(self, colour: str | None) -> Style:
        """A code's mark style, made once a colour."""
        style = self._colours.get(colour)
        if style is None:
            style = self._colours[colour] = Style(color=colour)
        return style
