"""Changing how far a pane scrolls without a layout pass of the whole screen.

Textual lays out the screen whenever a widget's scrollable size changes, and a
scrollbar that appears or goes forces one too. The workbench's panes change their
scrollable height on nearly every move or keystroke, so they keep their scrollbar
always shown (`overflow-y: scroll`) and set the height, and the bar, directly.
"""

from __future__ import annotations

from textual.geometry import Size
from textual.scroll_view import ScrollView


def set_height_quietly(view: ScrollView, height: int) -> None:
    """Scroll over `height` lines; the view must show its scrollbar at all times."""
    view.set_reactive(ScrollView.virtual_size, Size(view.virtual_size.width, height))
    bar, room = view.vertical_scrollbar, view.container_size.height
    bar.window_size = room
    bar.window_virtual_size = max(height, room)  # short content: the same empty bar
