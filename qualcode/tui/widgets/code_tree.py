"""The codebook tree of the coding screen: one line a code, drawn with the Line API.

Every move to another quote changes the marks of a few codes. Each line is rendered
once when it changes and kept as a strip, so a move repaints those few lines and
nothing else: an OptionList renders each changed option through its own styling
pipeline, which cost more than the rest of a move together on a 100,000-quote project.
"""

from __future__ import annotations

from typing import ClassVar

from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from qualcode.tui.widgets.lines import Piece, strip_of


class CodeTree(ScrollView, can_focus=True):
    """| Key(s) | Description |
    | :- | :- |
    | up / down | Previous or next code (its definition shows below). |
    | home / end | First or last code. |
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "step(-1)", "Previous code", show=False),
        Binding("down", "step(1)", "Next code", show=False),
        Binding("home", "jump(0)", "First code", show=False),
        Binding("end", "jump(-1)", "Last code", show=False),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {"code-tree--cursor"}

    DEFAULT_CSS = """
    CodeTree { background: $surface; overflow-x: hidden; }
    CodeTree > .code-tree--cursor { background: $accent 25%; }
    CodeTree:focus > .code-tree--cursor { background: $accent 70%; }
    """

    highlighted: reactive[int | None] = reactive(None, init=False, repaint=False)
    """The code whose definition is shown."""

    class Highlighted(Message):
        """Another code is highlighted: the panel shows its definition."""

        def __init__(self, index: int) -> None:
            super().__init__()
            self.index = index

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002 (Textual's name)
        super().__init__(id=id)
        self._lines: list[list[Piece]] = []
        self._strips: dict[tuple[int, bool], Strip] = {}
        """Rendered lines by (code index, highlighted): dropped when a line changes."""
        self._looks: dict[bool, Style] = {}

    @property
    def line_count(self) -> int:
        return len(self._lines)

    def line_text(self, index: int) -> str:
        """What a code's line says (the tests read it)."""
        return "".join(text for text, _ in self._lines[index])

    def set_lines(self, lines: list[list[Piece]]) -> None:
        """Another codebook (or another width): every line afresh."""
        self._lines = list(lines)
        self._strips.clear()
        self.virtual_size = Size(0, len(lines))
        if self._lines and (self.highlighted is None or self.highlighted >= len(lines)):
            self.highlighted = 0
        elif not self._lines:
            self.highlighted = None
        self.refresh()

    def set_line(self, index: int, pieces: list[Piece]) -> None:
        """One code's marks or counts changed: that line alone is repainted."""
        self._lines[index] = pieces
        self._strips.pop((index, False), None)
        self._strips.pop((index, True), None)
        self.refresh_line(index)

    def validate_highlighted(self, value: int | None) -> int | None:
        if value is None or not self._lines:
            return None
        return max(0, min(value, len(self._lines) - 1))

    def watch_highlighted(self, old: int | None, new: int | None) -> None:
        for line in (old, new):
            if line is not None:
                self.refresh_line(line)
        if new is None:
            return
        top, height = round(self.scroll_offset.y), self.scrollable_content_region.height
        if new < top:
            self.scroll_to(y=new, animate=False, immediate=True)
        elif height and new >= top + height:
            self.scroll_to(y=new - height + 1, animate=False, immediate=True)
        self.post_message(self.Highlighted(new))

    def action_step(self, step: int) -> None:
        if self.highlighted is not None:
            self.highlighted += step

    def action_jump(self, where: int) -> None:
        if self._lines:
            self.highlighted = where if where >= 0 else len(self._lines) - 1

    def on_click(self, event: events.Click) -> None:
        self.highlighted = round(self.scroll_offset.y) + event.y

    def notify_style_update(self) -> None:
        """Focus, theme or CSS changed: the kept lines carry the old colours."""
        self._strips.clear()
        self._looks.clear()
        super().notify_style_update()

    def on_resize(self) -> None:
        self._strips.clear()

    def _look(self, at_cursor: bool) -> Style:
        if not self._looks:
            base = self.rich_style
            self._looks[False] = base
            self._looks[True] = base + self.get_component_rich_style("code-tree--cursor")
        return self._looks[at_cursor]

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        index = round(self.scroll_offset.y) + y
        if index >= len(self._lines):
            return Strip.blank(width, self._look(False))
        key = (index, index == self.highlighted)
        strip = self._strips.get(key)
        if strip is None or strip.cell_length != width:
            strip = self._strips[key] = strip_of(self._lines[index], width, self._look(key[1]))
        return strip
