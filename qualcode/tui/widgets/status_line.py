"""The coding screen's status line: where I am, what is filtered, what just happened.

It changes on every move. A Static would run its text through markup (a search for
`[sic]` would vanish) and its content pipeline each time; this draws one plain line.
"""

from __future__ import annotations

from textual.strip import Strip
from textual.widget import Widget

from qualcode.tui.widgets.lines import flat, strip_of

MARKS = {"warning": "⚠ ", "error": "✗ "}
"""How a status line marks a warning or an error said in it (instead of a toast)."""


class StatusLine(Widget):
    DEFAULT_CSS = """
    StatusLine { height: 1; }
    """

    def __init__(self, text: str = "", *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self._text = flat(text)
        self._strip: Strip | None = None

    @property
    def text(self) -> str:
        return self._text

    def say(self, text: str) -> None:
        """Show this text: one line, repainted only when it changes."""
        text = flat(text)
        if text != self._text:
            self._text, self._strip = text, None
            self.refresh()

    def notify_style_update(self) -> None:
        self._strip = None
        super().notify_style_update()

    def on_resize(self) -> None:
        self._strip = None

    def render_line(self, y: int) -> Strip:
        width = self.content_region.width
        if y:
            return Strip.blank(width, self.rich_style)
        if self._strip is None or self._strip.cell_length != width:
            self._strip = strip_of([(self._text, None)], width, self.rich_style)
        return self._strip
