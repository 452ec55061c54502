"""The search box of the coding screen."""

from __future__ import annotations

from textual.geometry import Size
from textual.reactive import Reactive
from textual.widgets import Input


class SearchBox(Input):
    """A one-line Input whose typing never lays out the screen.

    Input keeps its scrollable width in step with its text, and that reactive asks
    for a layout pass of the whole screen on every keystroke: about 10 ms on the
    coding screen, and a frame more to redraw every scrollbar. The box's own size
    never depends on its text, so here the same width changes without one.
    """

    virtual_size: Reactive[Size] = Reactive(Size(0, 0), layout=False)
