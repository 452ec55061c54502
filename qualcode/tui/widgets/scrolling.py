"""Scrolling panes that change what they scroll over without costing the screen a frame.

Textual lays out the screen whenever a widget's scrollable size changes, and a
scrollbar that appears or goes forces one too. The workbench's panes change their
scrollable height on nearly every move or keystroke, so they keep their scrollbar
always shown (`overflow-y: scroll`) and set the height, and the bar, directly.

Textual draws a scrollbar through Rich afresh whenever it is asked to repaint, with
new styles each time (so every cache downstream misses): about a millisecond a bar,
and every pane's bar is repainted on each layout pass or change of focus. A steady
scrollbar keeps what it drew for each look it has had and draws a look only once.
"""

from __future__ import annotations

from textual.cache import LRUCache
from textual.geometry import Region, Size
from textual.scroll_view import ScrollView
from textual.scrollbar import ScrollBar, ScrollBarRender
from textual.strip import Strip

LOOKS_KEPT = 64
"""Looks a scrollbar keeps: moving between quotes of a few heights meets the same ones."""


class SteadyScrollBar(ScrollBar):
    """A scrollbar whose lines are drawn once for each look (size, thumb, colours)."""

    def __init__(self, vertical: bool = True, name: str | None = None, *,
                 thickness: int = 1) -> None:
        super().__init__(vertical, name, thickness=thickness)
        self._drawn: LRUCache[tuple[object, ...], list[Strip]] = LRUCache(LOOKS_KEPT)

    def render_lines(self, crop: Region) -> list[Strip]:
        look = self.render()
        if not isinstance(look, ScrollBarRender):  # not a bar Textual knows: as it is
            return super().render_lines(crop)
        key = (crop, self.size, look.virtual_size, look.window_size, look.position,
               look.thickness, look.vertical, look.style)
        drawn = self._drawn.get(key)
        if drawn is None:
            self._styles_cache.clear()  # what Textual kept may be of an older look
            drawn = self._drawn[key] = super().render_lines(crop)
        return drawn


class SteadyScrollView(ScrollView):
    """A scroll view with a steady scrollbar, whose height can change without a layout."""

    @property
    def vertical_scrollbar(self) -> ScrollBar:
        """Textual's own property, making a steady bar instead of its plain one."""
        if self._vertical_scrollbar is None:
            bar = SteadyScrollBar(vertical=True, name="vertical",
                                  thickness=self.scrollbar_size_vertical)
            bar.display = False
            self._vertical_scrollbar = bar
            self.app._start_widget(self, bar)
        return self._vertical_scrollbar

    def set_height_quietly(self, height: int) -> None:
        """Scroll over `height` lines; the view must show its scrollbar at all times."""
        self.set_reactive(ScrollView.virtual_size, Size(self.virtual_size.width, height))
        bar, room = self.vertical_scrollbar, self.container_size.height
        bar.window_size = room
        bar.window_virtual_size = max(height, room)  # short content: the same empty bar
