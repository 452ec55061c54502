"""The footer of every screen: its main keys on one line, drawn with the Line API.

Textual's Footer is a grid of one widget per key. Whenever the focus moves (into
the search box, the filter bar, back to the list), it removes them all and mounts
new ones, and the screen is laid out two or three times: 100 to 140 ms of the event
loop for each focus change on the coding screen. Here the keys are one line of
styled pieces, rebuilt when the keys shown change and repainted without a layout.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, NamedTuple

from rich.cells import cell_len
from textual import events
from textual.dom import NoScreen
from textual.strip import Strip
from textual.widget import Widget

from qualcode.i18n import _
from qualcode.tui.widgets.lines import Piece, strip_of

if TYPE_CHECKING:
    from textual.screen import Screen


class Shown(NamedTuple):
    """One key as the footer offers it."""

    key: str
    label: str
    """The key as shown (`^p`, `/`)."""
    description: str
    enabled: bool


class KeyFooter(Widget):
    """Each shown binding of the focused widget and its ancestors, first binding per action."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {"key-footer--key", "key-footer--description",
                                             "key-footer--disabled"}

    DEFAULT_CSS = """
    KeyFooter { dock: bottom; height: 1; background: $footer-background; }
    KeyFooter > .key-footer--key { color: $footer-key-foreground; text-style: bold; }
    KeyFooter > .key-footer--description { color: $footer-description-foreground; }
    KeyFooter > .key-footer--disabled { text-style: dim; }
    """

    def __init__(self) -> None:
        super().__init__()
        self._keys: list[Shown] = []
        """What the footer offers, in order; the command palette is drawn apart, right."""
        self._palette: Shown | None = None
        self._spans: list[tuple[int, int, Shown]] = []
        """Where each key was drawn, first cell and past the last, for the mouse."""
        self._pending = False

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)
        self._rebuild()

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, _screen: Screen[object]) -> None:
        """Several changes in one step (focus, classes) come as one rebuild."""
        if not self._pending:
            self._pending = True
            self.call_after_refresh(self._rebuild)

    def _rebuild(self) -> None:
        self._pending = False
        try:
            screen = self.screen
        except NoScreen:
            return  # its screen was dismissed while the rebuild waited for a refresh
        app = self.app
        shown: dict[str, Shown] = {}
        palette = None
        for _node, binding, enabled, _tip in screen.active_bindings.values():
            item = Shown(binding.key, app.get_key_display(binding), _(binding.description),
                         enabled)
            if binding.key == app.COMMAND_PALETTE_BINDING and app.ENABLE_COMMAND_PALETTE:
                palette = item
            elif binding.show and binding.action not in shown:
                shown[binding.action] = item
        keys = list(shown.values())
        if keys != self._keys or palette != self._palette:
            self._keys, self._palette = keys, palette
            self.refresh()

    def render_line(self, y: int) -> Strip:
        width, base = self.size.width, self.rich_style
        key_look = base + self.get_component_rich_style("key-footer--key")
        words = self.get_component_rich_style("key-footer--description")
        dim = self.get_component_rich_style("key-footer--disabled")
        palette = self._palette
        tail = [("▏", words), (f" {palette.label} ", key_look), (f"{palette.description} ", words)
                ] if palette is not None else []
        others = self.others()
        if others:  # teammates with the project open now (see tui.live)
            tail = [("▏", words), (f" ● {', '.join(others)} ", key_look), *tail]
        room = width - sum(cell_len(text) for text, _style in tail)
        pieces: list[Piece] = []
        self._spans = []
        at = 0
        for item in self._keys:
            drawn = [(f" {item.label} ", key_look), (f"{item.description} ", words)]
            cells = sum(cell_len(text) for text, _style in drawn)
            if at + cells > room:
                break
            pieces += [(text, look + dim if not item.enabled else look) for text, look in drawn]
            self._spans.append((at, at + cells, item))
            at += cells
        if palette is not None:
            pieces.append((" " * (room - at), None))
            self._spans.append((room, width, palette))
        return strip_of([*pieces, *tail], width, base)

    def others(self) -> tuple[str, ...]:
        live = getattr(self.app, "live", None)
        return tuple(live.others) if live is not None else ()

    def on_click(self, event: events.Click) -> None:
        for start, end, item in self._spans:
            if start <= event.x < end:
                if item.enabled:
                    self.app.simulate_key(item.key)
                else:
                    self.app.bell()
                return
