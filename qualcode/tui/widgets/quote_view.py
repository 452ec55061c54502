"""The current quote in full, between the turns around it, with every coder's codes."""

from __future__ import annotations

from rich.console import Group as RichGroup
from rich.console import RenderableType
from rich.style import Style
from rich.text import Text
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from qualcode.tui.data import QuoteRow, Workbench

CONTEXT_LINES = 2
"""How much of the turns before and after is shown: context, not a second quote."""


def _context(row: QuoteRow | None, label: str, room: int) -> Text:
    if row is None:
        return Text(f"({label} of the transcript)", style="dim italic")
    text = row.text if len(row.text) <= room else row.text[:room] + "…"
    out = Text(style="dim")
    out.append(f"{row.speaker}: ", style="dim bold")
    out.append(text)
    return out


def describe(bench: Workbench, quote_id: int, spans: tuple[tuple[int, int], ...] = (),
             width: int = 80) -> RichGroup:
    """What the middle pane shows for one quote."""
    row = bench.quote(quote_id)
    state = bench.state(quote_id)
    codes = bench.code_by_id
    before, after = bench.neighbours(quote_id)
    levels = next((lv for _gid, name, lv in bench.groups if name == row.group), {})
    head = Text()
    head.append(f"{row.group}", style="bold")
    if levels:
        head.append(" (" + " · ".join(levels.values()) + ")")
    head.append(f" · {row.speaker}" + (" · moderator" if row.moderator else ""))
    head.append(f" · #{quote_id}", style="dim")
    if not bench.is_loaded(quote_id):  # for the instant its page is being read
        return RichGroup(head, Text("reading the quote…", style="dim italic"))
    body = Text(row.text)
    for a, b in spans:
        body.stylize("reverse bold", a, b)
    room = max(40, CONTEXT_LINES * width - 12)
    parts: list[Text] = [head, _context(before, "start", room), Text(""), body, Text(""),
                         _context(after, "end", room), Text("")]
    coders = sorted({who for who, _ in state.codes} | set(state.reviewed),
                    key=lambda who: (who != bench.coder, who))
    if not coders:
        parts.append(Text("not coded yet · 1-9 apply a code · . none applies", style="dim"))
    for who in coders:
        line = Text()
        line.append(f"{who}{' (me)' if who == bench.coder else ''}: ", style="bold")
        ids = state.codes_of(who)
        for n, code_id in enumerate(ids):
            code = codes.get(code_id)
            if code is None:
                continue
            line.append(", " if n else "")
            line.append("■ ", style=code.color)
            line.append(code.name, style=f"bold {code.color}" if who == bench.coder else "")
        if not ids:
            line.append("reviewed, none applies", style="italic")
        parts.append(line)
    for who, code_id, memo in state.coding_memos:
        name = codes[code_id].name if code_id in codes else "?"
        parts.append(Text(f"✎ {who} on {name}: {memo}", style="italic"))
    for who, memo in state.memos:
        parts.append(Text(f"✎ {who}: {memo}", style="italic"))
    return RichGroup(*parts)


class QuoteView(ScrollView, can_focus=False):
    """The middle pane, drawn with the Line API; scrolls when a long quote does not fit.

    Moving to another quote swaps the lines drawn here without a layout pass of the
    screen (a Static inside a scrolling container would ask for one on every move, and
    a scrollbar that comes and goes with long quotes would too).
    """

    DEFAULT_CSS = """
    QuoteView { padding: 0 1; overflow-x: hidden; overflow-y: scroll;
                scrollbar-size-vertical: 1; }
    """

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002 (Textual's name)
        super().__init__(id=id)
        self._content: RenderableType = Text("")
        self._lines: list[Strip] = []
        self._base: Style | None = None

    @property
    def content(self) -> RenderableType:
        """What the pane shows, as a Rich renderable (the tests read it)."""
        return self._content

    def show(self, bench: Workbench, quote_id: int | None,
             spans: tuple[tuple[int, int], ...] = ()) -> None:
        width = self.scrollable_content_region.width
        if quote_id is None:
            self._content = Text(
                "No quote matches. f changes the filter; escape clears the search.",
                style="dim")
        else:
            self._content = describe(bench, quote_id, spans, width)
        self._lay_out_lines()
        self.scroll_to(y=0, animate=False, immediate=True)

    def on_resize(self) -> None:
        self._lay_out_lines()

    def _lay_out_lines(self) -> None:
        width = self.scrollable_content_region.width
        if width <= 0:
            return
        console = self.app.console
        base = self.rich_style  # looked up once a quote: it walks every ancestor's styles
        restyled, self._base = base != self._base, base
        rendered = console.render_lines(self._content, console.options.update_width(width),
                                        style=base)
        old = [] if restyled else self._lines
        self._lines = [Strip(line, width) for line in rendered]
        size = Size(width, len(self._lines))
        # The scrollbar is always there, so a quote longer than the pane changes the
        # scrollable height and the bar alone, never the layout of the screen.
        self.set_reactive(QuoteView.virtual_size, size)
        bar, room = self.vertical_scrollbar, self.container_size.height
        bar.window_size = room
        bar.window_virtual_size = max(size.height, room)  # the same empty bar for a short quote
        if restyled:  # first quote, or another theme: every line, blank ones too
            self.refresh()
        # Otherwise only the lines that differ from the last quote's are repainted, as
        # one region: most of them differ, and each region costs the compositor.
        changed = [y for y in range(max(len(old), len(self._lines)))
                   if y >= len(old) or y >= len(self._lines) or old[y] != self._lines[y]]
        if changed:
            self.refresh_lines(changed[0], changed[-1] - changed[0] + 1)

    def render_line(self, y: int) -> Strip:
        index = round(self.scroll_offset.y) + y
        width = self.scrollable_content_region.width
        if index < len(self._lines):
            line = self._lines[index]  # Rich pads each line to the width it was laid out at
            return line if line.cell_length == width else line.crop_extend(0, width, self._base)
        return Strip.blank(width, self._base or self.rich_style)
