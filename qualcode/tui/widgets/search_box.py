"""The one-line text boxes of the coding screen: search, and the filter bar's narrowing."""

from __future__ import annotations

from typing import ClassVar

from textual.binding import BindingType
from textual.geometry import Size
from textual.reactive import Reactive
from textual.widgets import Input


class SearchBox(Input, inherit_bindings=False):
    """A one-line Input whose typing never lays out the screen.

    Input keeps its scrollable width in step with its text, and that reactive asks
    for a layout pass of the whole screen on every keystroke: about 10 ms on the
    coding screen, and a frame more to redraw every scrollbar. The box's own size
    never depends on its text, so here the same width changes without one.

    Only Input's own keys are kept, not those of the scroll container beneath it: a
    single line has nothing to scroll up or down, so ↑/↓ belong to whoever holds the
    box (the filter bar's choices), and the footer shows them as such.
    """

    BINDINGS: ClassVar[list[BindingType]] = Input.BINDINGS

    virtual_size: Reactive[Size] = Reactive(Size(0, 0), layout=False)
