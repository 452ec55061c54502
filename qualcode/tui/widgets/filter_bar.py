"""The coding screen's filter picker, drawn over the quote list rather than as a dialog.

A modal screen took a third of a second to open and a quarter to close on a
100,000-quote project: Textual repaints the whole screen under a dimmed copy and lays
it out several times. The bar lives in the screen's upper layer: opening it lays the
screen out once, narrowing redraws its own lines only, and the panes beneath keep
their sizes and their rendered lines.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.style import Style
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Input

from qualcode.i18n import N_, _
from qualcode.search.normalise import fold
from qualcode.tui.widgets.line_list import LineList
from qualcode.tui.widgets.lines import Piece
from qualcode.tui.widgets.search_box import SearchBox
from qualcode.tui.widgets.status_line import StatusLine

MAX_ROWS = 12
"""Choices shown at once; the rest scroll."""
ACTIVE = Style(bold=True)


class FilterBar(Widget):
    """Type to narrow the choices, ↑/↓ to choose, enter to pick. Enter and escape are
    the coding screen's own keys, which act before any later key is dispatched."""

    DEFAULT_CSS = """
    FilterBar { layer: above; dock: top; offset-y: 1; height: auto; display: none;
                background: $surface; border-bottom: solid $primary; }
    FilterBar > StatusLine { height: 1; background: $panel; padding: 0 1; }
    FilterBar > #narrow { height: 1; border: none; padding: 0 1; background: $boost; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down", "step(1)", N_("Choose"), key_display="↑↓"),
        Binding("up", "step(-1)", show=False),
        Binding("pagedown", f"step({MAX_ROWS})", show=False),
        Binding("pageup", f"step(-{MAX_ROWS})", show=False),
    ]

    class Picked(Message):
        """A choice was picked: the key it was given."""

        def __init__(self, key: str) -> None:
            super().__init__()
            self.key = key

    class Closed(Message):
        """The bar was closed, with or without a pick: focus goes back to the list."""

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002 (Textual's name)
        super().__init__(id=id)
        self._choices: list[tuple[str, str, list[Piece]]] = []
        """(key, folded label, line) of every choice."""
        self._shown: list[str] = []
        """Keys of the choices left after narrowing, in order."""
        self._narrowed_by: str | None = None
        """The text `_shown` was narrowed by (None: not since the bar opened)."""
        self._made: dict[tuple[str, bool], tuple[str, list[Piece]]] = {}
        """Each (label, active) folded and as a line, kept from one opening to the next:
        a project of 100,000 quotes offers a thousand speakers."""

    def compose(self) -> ComposeResult:
        yield StatusLine("", id="filter-hint")
        yield SearchBox(placeholder=_("type to narrow (accents optional)"), id="narrow")
        choices = LineList(id="choices")
        choices.can_focus = False  # typing stays in the box; a click only highlights
        yield choices

    @property
    def is_open(self) -> bool:
        return self.display

    @property
    def shown(self) -> list[str]:
        """The keys of the choices left, as listed."""
        return list(self._shown)

    def open(self, note: str, choices: Sequence[tuple[str, str, bool]], width: int) -> None:
        """Show `choices` as (key, label, active), `width` cells wide; an active one is
        marked and bold. The narrower the bar, the less of the screen it repaints.
        The hint line starts with the keys, which must survive an 80-column terminal."""
        made = self._made
        for _key, label, active in choices:
            if (label, active) not in made:
                made[label, active] = (fold(label), [("● " if active else "  ", None),
                                                     (label, ACTIVE if active else None)])
        self._choices = [(key, *made[label, active]) for key, label, active in choices]
        self.query_one(StatusLine).say(
            _("Filter: ↑↓ choose · enter pick · esc close · {note}").format(note=note))
        box = self.query_one(SearchBox)
        with box.prevent(Input.Changed):
            box.value = ""
        self.query_one(LineList).styles.height = max(1, min(MAX_ROWS, len(self._choices)))
        self.styles.width = width
        self._narrowed_by = None
        self._narrow("")
        self.display = True  # not a class: that would restyle the bar and its children
        self.screen.set_focus(box)  # at once: the next keys may already be on their way

    def close(self) -> None:
        self.display = False
        self.post_message(self.Closed())

    def action_step(self, step: int) -> None:
        self.query_one(LineList).action_step(step)

    @on(Input.Changed, "#narrow")
    def _typed(self, event: Input.Changed) -> None:
        """Narrow by the box's text as it is now: keys typed in one burst post their
        messages after the box already holds the whole text, and enter may have
        narrowed by it already (nothing left to do then)."""
        event.stop()
        if self.is_open:
            self._narrow(self.query_one(SearchBox).value)

    def _narrow(self, query: str) -> None:
        """Keep the choices that match `query`, unless they already are."""
        if query == self._narrowed_by:
            return
        self._narrowed_by = query
        needle = fold(query)
        kept = [(key, line) for key, folded, line in self._choices if needle in folded]
        self._shown = [key for key, _ in kept]
        choices = self.query_one(LineList)
        choices.set_lines([line for _, line in kept])
        choices.highlighted = 0 if kept else None

    def pick(self) -> None:
        """Pick the highlighted choice, if any is left, and close: the coding screen's
        enter (a priority key, like escape) and a double click. The choices are
        narrowed by the box's text first: typed in one burst with enter, its keys'
        messages have not all arrived yet."""
        self._narrow(self.query_one(SearchBox).value)
        index = self.query_one(LineList).highlighted
        if index is not None and index < len(self._shown):
            self.post_message(self.Picked(self._shown[index]))
            self.close()

    def on_click(self, event: events.Click) -> None:
        """A click highlights a choice (the list's own handler); a double click picks it."""
        if event.chain == 2 and event.widget is self.query_one(LineList):
            self.pick()

    def on_descendant_blur(self) -> None:
        """Focus went elsewhere (a click on the list behind): the picker is done with."""
        self.call_after_refresh(self._close_if_left)

    def _close_if_left(self) -> None:
        focused = self.screen.focused
        if self.is_open and (focused is None or self not in focused.ancestors_with_self):
            self.close()
