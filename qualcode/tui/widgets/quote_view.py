"""The current quote in full, between the turns around it, with every coder's codes."""

from __future__ import annotations

from rich.cells import cell_len
from rich.style import Style
from textual import events
from textual.message import Message
from textual.strip import Strip

from qualcode.i18n import _
from qualcode.tui.data import QuoteRow, Workbench
from qualcode.tui.widgets.lines import Piece, layered, strip_of, wrap
from qualcode.tui.widgets.scrolling import SteadyScrollView

CONTEXT_LINES = 2
"""How much of the turns before and after is shown: context, not a second quote."""

BOLD, DIM, ITALIC = Style(bold=True), Style(dim=True), Style(italic=True)
DIM_BOLD, DIM_ITALIC = Style(dim=True, bold=True), Style(dim=True, italic=True)
HIT = Style(reverse=True, bold=True)
SELECTED = Style(reverse=True, underline=True)
UNDERLINE = Style(underline=True)
QUOTE_PARAGRAPH = 3
"""Where `describe` puts the quote's words: after its head, the turn before and a gap."""
EXCERPT = 40
"""Characters of a segment's words shown beside its code."""

Paragraph = list[Piece]


def _context(row: QuoteRow | None, label: str, room: int) -> Paragraph:
    if row is None:
        return [(_("(start of the transcript)") if label == "start"
                 else _("(end of the transcript)"), DIM_ITALIC)]
    text = row.text if len(row.text) <= room else row.text[:room] + "…"
    return [(f"{row.speaker}: ", DIM_BOLD), (text, DIM)]


def coded_text(bench: Workbench, quote_id: int, text: str, *, style: Style | None = None,
               hits: tuple[tuple[int, int], ...] = (),
               selected: tuple[int, int] | None = None) -> Paragraph:
    """The quote's words with its segments underlined in their codes' colours, search
    hits and the selection over them."""
    layers = [(seg.start, seg.end, Style.parse(bench.code_by_id[seg.code_id].color) + UNDERLINE)
              for seg in bench.state(quote_id).segments if seg.code_id in bench.code_by_id]
    layers += [(a, b, HIT) for a, b in hits]
    if selected is not None:
        layers.append((*selected, SELECTED))
    return layered(text, layers, style)


def _excerpt(text: str, start: int, end: int) -> str:
    words = text[start:end]
    return words if len(words) <= EXCERPT else words[:EXCERPT - 1] + "…"


def describe(bench: Workbench, quote_id: int, spans: tuple[tuple[int, int], ...] = (),
             width: int = 80, selected: tuple[int, int] | None = None) -> list[Paragraph]:
    """What the middle pane shows for one quote, paragraph by paragraph."""
    row = bench.quote(quote_id)
    state = bench.state(quote_id)
    codes = bench.code_by_id
    before, after = bench.neighbours(quote_id)
    levels = next((lv for _gid, name, lv in bench.groups if name == row.group), {})
    head: Paragraph = [(row.group, BOLD)]
    if levels:
        head.append((" (" + " · ".join(levels.values()) + ")", None))
    head += [(f" · {row.speaker}" + (_(" · moderator") if row.moderator else ""), None),
             (f" · #{quote_id}", DIM)]
    if not bench.is_loaded(quote_id):  # for the instant its page is being read
        return [head, [(_("reading the quote…"), DIM_ITALIC)]]
    room = max(40, CONTEXT_LINES * width - 12)
    quote = coded_text(bench, quote_id, row.text, hits=spans, selected=selected)
    parts = [head, _context(before, "start", room), [], quote, []]
    if selected is not None:
        parts += [[(_("selected « "), DIM), (_excerpt(row.text, *selected), BOLD),
                   (_(" » · w/b end · W/B start · ) sentence · 1-9 or a: code it · escape: drop"),
                    DIM)], []]
    parts += [_context(after, "end", room), []]
    coders = sorted({who for who, _ in state.codes} | set(state.reviewed),
                    key=lambda who: (who != bench.coder, who))
    if not coders:
        parts.append([(_("not coded yet · 1-9 apply a code · . none applies"), DIM)])
    for who in coders:
        mine = who == bench.coder
        line: Paragraph = [(who + (_(" (me)") if mine else "") + ": ", BOLD)]
        ids = state.codes_of(who)
        for n, code_id in enumerate(ids):
            code = codes.get(code_id)
            if code is None:
                continue
            colour = Style.parse(code.color)
            line += [(", " if n else "", None), ("■ ", colour),
                     (code.name, BOLD + colour if mine else None)]
            for seg in state.segments:
                if seg.coder == who and seg.code_id == code_id:
                    line.append((f" « {_excerpt(row.text, seg.start, seg.end)} »", ITALIC))
        if not ids:
            line.append((_("reviewed, none applies"), ITALIC))
        parts.append(line)
    for who, code_id, memo in state.coding_memos:
        name = codes[code_id].name if code_id in codes else "?"
        parts.append([(f"✎ {who} on {name}: {memo}", ITALIC)])
    for who, memo in state.memos:
        parts.append([(f"✎ {who}: {memo}", ITALIC)])
    return parts


class QuoteView(SteadyScrollView, can_focus=False):
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
        self._paragraphs: list[Paragraph] = []
        self._quote_text = ""
        self._quote_lines: list[tuple[int, int, str]] = []
        """The quote's own lines: (line number, offset of its first character, its text),
        to turn a mouse position into a character of the quote."""
        self._drag_from: int | None = None
        self._lines: list[Strip] = []
        self._base: Style | None = None

    @property
    def content(self) -> str:
        """What the pane says, as plain text (the tests read it)."""
        return "\n".join("".join(text for text, _ in p) for p in self._paragraphs)

    def show(self, bench: Workbench, quote_id: int | None,
             spans: tuple[tuple[int, int], ...] = (),
             selected: tuple[int, int] | None = None, *, keep_scroll: bool = False) -> None:
        width = self.scrollable_content_region.width
        if quote_id is None:
            self._paragraphs = [[(
                _("No quote matches. f changes the filter; escape clears the search."), DIM)]]
        else:
            self._paragraphs = describe(bench, quote_id, spans, width, selected)
        self._quote_text = (bench.quote(quote_id).text
                            if quote_id is not None and bench.is_loaded(quote_id) else "")
        self._lay_out_lines()
        if not keep_scroll:
            self.scroll_to(y=0, animate=False, immediate=True)

    def on_resize(self) -> None:
        self._lay_out_lines()

    def _lay_out_lines(self) -> None:
        width = self.scrollable_content_region.width
        if width <= 0:
            return
        base = self.rich_style  # looked up once a quote: it walks every ancestor's styles
        restyled, self._base = base != self._base, base
        old = [] if restyled else self._lines
        self._lines, self._quote_lines = [], []
        for n, paragraph in enumerate(self._paragraphs):
            wrapped = wrap(paragraph, width)
            if n == QUOTE_PARAGRAPH and self._quote_text:
                at = 0
                for line in wrapped:
                    text = "".join(t for t, _ in line)
                    start = self._quote_text.find(text, at) if text else at
                    start = at if start < 0 else start
                    self._quote_lines.append((len(self._lines) + len(self._quote_lines),
                                              start, text))
                    at = start + len(text)
            self._lines += [strip_of(line, width, base) for line in wrapped]
        self.set_height_quietly(len(self._lines))
        if restyled:  # first quote, or another theme: every line, blank ones too
            self.refresh()
        # Otherwise only the lines that differ from the last quote's are repainted, as
        # one region: most of them differ, and each region costs the compositor.
        changed = [y for y in range(max(len(old), len(self._lines)))
                   if y >= len(old) or y >= len(self._lines) or old[y] != self._lines[y]]
        if changed:
            self.refresh_lines(changed[0], changed[-1] - changed[0] + 1)

    class Dragged(Message):
        """The mouse was dragged over the quote's characters start..end (either order)."""

        def __init__(self, start: int, end: int) -> None:
            super().__init__()
            self.start, self.end = start, end

    def offset_at(self, x: int, y: int) -> int | None:
        """The quote's character under the pane's cell (x, y), None off the quote."""
        line_no = round(self.scroll_offset.y) + y
        x -= self.styles.padding.left
        for number, start, text in self._quote_lines:
            if number == line_no:
                cells = 0
                for i, char in enumerate(text):
                    cells += cell_len(char)
                    if cells > x:
                        return start + i
                return start + max(len(text) - 1, 0)
        return None

    def on_mouse_down(self, event: events.MouseDown) -> None:
        self._drag_from = self.offset_at(event.x, event.y)
        if self._drag_from is not None:
            self.capture_mouse()

    def _drag_to(self, x: int, y: int) -> None:
        here = self.offset_at(x, y)
        if self._drag_from is not None and here is not None:
            self.post_message(self.Dragged(self._drag_from, here))

    def on_mouse_move(self, event: events.MouseMove) -> None:
        self._drag_to(event.x, event.y)

    def on_mouse_up(self, event: events.MouseUp) -> None:
        if self._drag_from is not None:
            self._drag_to(event.x, event.y)
            self._drag_from = None
            self.capture_mouse(False)

    def render_line(self, y: int) -> Strip:
        index = round(self.scroll_offset.y) + y
        width = self.scrollable_content_region.width
        if index < len(self._lines):
            line = self._lines[index]  # drawn at the width it was laid out at
            return line if line.cell_length == width else line.crop_extend(0, width, self._base)
        return Strip.blank(width, self._base or self.rich_style)
