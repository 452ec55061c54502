"""A list of one-line items drawn with the Line API: the codebook tree, the filter choices.

Every move to another quote changes the marks of a few codes. Each line is rendered
once when it changes and kept as a strip, so a move repaints those few lines and
nothing else: an OptionList renders each changed option through its own styling
pipeline, which cost more than the rest of a move together on a 100,000-quote project.
Its scrollbar is always shown, so a new set of lines changes the scrollable height
without a layout pass of the screen (narrowing the filter choices, key by key).
"""

from __future__ import annotations

from typing import ClassVar

from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.reactive import reactive
from textual.strip import Strip

from qualcode.i18n import N_
from qualcode.tui.widgets.lines import Piece, strip_of
from qualcode.tui.widgets.scrolling import SteadyScrollView


class LineList(SteadyScrollView, can_focus=True):
    """| Key(s) | Description |
    | :- | :- |
    | up / down | Previous or next line. |
    | home / end | First or last line. |
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "step(-1)", N_("Previous"), show=False),
        Binding("down", "step(1)", N_("Next"), show=False),
        Binding("home", "jump(0)", N_("First"), show=False),
        Binding("end", "jump(-1)", N_("Last"), show=False),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {"line-list--cursor"}

    DEFAULT_CSS = """
    LineList { background: $surface; overflow-x: hidden; overflow-y: scroll;
               scrollbar-size-vertical: 1; }
    LineList > .line-list--cursor { background: $accent 25%; }
    LineList:focus > .line-list--cursor { background: $accent 70%; }
    """

    highlighted: reactive[int | None] = reactive(None, init=False, repaint=False)
    """The line under the cursor (the code whose definition is shown, say)."""

    class Highlighted(Message):
        """Another line is highlighted."""

        def __init__(self, index: int) -> None:
            super().__init__()
            self.index = index

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002 (Textual's name)
        super().__init__(id=id)
        self._lines: list[list[Piece]] = []
        self._strips: dict[tuple[int, bool], Strip] = {}
        """Rendered lines by (index, highlighted): dropped when a line changes."""
        self._looks: dict[bool, Style] = {}

    @property
    def line_count(self) -> int:
        return len(self._lines)

    def line_text(self, index: int) -> str:
        """What a line says (the tests read it)."""
        return "".join(text for text, _ in self._lines[index])

    def set_lines(self, lines: list[list[Piece]]) -> None:
        """Another set of lines: the cursor stays where it was if it still can."""
        self._lines = list(lines)
        self._strips.clear()
        self.set_height_quietly(len(lines))
        before = self.highlighted
        self.highlighted = (before or 0) if self._lines else None
        if self.highlighted == before:
            self._reveal(before)  # no watch for an unchanged cursor: show it here
        self.refresh()

    def set_line(self, index: int, pieces: list[Piece]) -> None:
        """One line changed (a code's marks or counts): it alone is repainted."""
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
        if new is not None:
            self._reveal(new)
            self.post_message(self.Highlighted(new))

    def _reveal(self, index: int | None) -> None:
        """Scroll just enough to show a line (the top of the list when there is none)."""
        top, height = round(self.scroll_offset.y), self.scrollable_content_region.height
        if index is None or index < top:
            self.scroll_to(y=index or 0, animate=False, immediate=True)
        elif height and index >= top + height:
            self.scroll_to(y=index - height + 1, animate=False, immediate=True)

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
            self._looks[True] = base + self.get_component_rich_style("line-list--cursor")
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
