"""The whole transcript of a group, turn after turn, with a margin of coding stripes.

Virtualised by turns: only the turns from the top one down to the bottom of the pane
are laid out, so a group of 20,000 turns draws as fast as one of twenty. The cursor is a
turn; moving it moves the window just enough to keep the whole turn in view.
"""

from __future__ import annotations

from rich.style import Style
from textual.strip import Strip
from textual.widget import Widget

from qualcode.i18n import _
from qualcode.tui.data import Workbench
from qualcode.tui.widgets.lines import Piece, strip_of, wrap
from qualcode.tui.widgets.quote_view import coded_text

STRIPES = 4
"""Coloured bars in the margin, one per code on the turn; more are shown as «+»."""
MARGIN = STRIPES + 2
CACHED_TURNS = 2000
BOLD, DIM = Style(bold=True), Style(dim=True)
CURSOR = Style(bold=True, color="bright_cyan")

Line = tuple[list[Piece], int]
"""A laid-out line of a turn and the row (of the workbench) it belongs to."""


def _line_ranges(lines: list[list[Piece]], plain: str) -> list[tuple[int, int]]:
    """Where each wrapped line's characters lie in the paragraph's text."""
    out, at = [], 0
    for line in lines:
        text = "".join(t for t, _ in line)
        start = plain.find(text, at) if text else at
        start = at if start < 0 else start
        out.append((start, start + len(text)))
        at = start + len(text)
    return out


class TranscriptView(Widget, can_focus=True):
    DEFAULT_CSS = """
    TranscriptView { height: 1fr; padding: 0 1 0 0; }
    """

    def __init__(self, bench: Workbench, rows: range, cursor: int, *,
                 id: str | None = None) -> None:  # noqa: A002 (Textual's name)
        super().__init__(id=id)
        self.bench, self.rows = bench, rows
        self.cursor = cursor
        self.top = cursor
        self._placed = False
        """Once the pane has a size, the first turn shown is some turns above the cursor's:
        the conversation that led to the quote."""
        self.selected: tuple[int, int] | None = None
        self._lines: list[Line] = []
        self._laid: dict[tuple[object, ...], list[Line]] = {}
        """Turns already laid out, by what their lines depend on: a move redraws the
        window from them instead of wrapping every turn again."""

    @property
    def quote_id(self) -> int:
        return self.bench.ids[self.cursor]

    def visible_rows(self) -> list[int]:
        """The workbench rows drawn now (the screen reads the texts it lacks)."""
        return sorted({row for _, row in self._lines})

    @property
    def content(self) -> str:
        """What the pane shows, as plain text (the tests read it)."""
        return "\n".join("".join(t for t, _ in pieces) for pieces, _ in self._lines)

    def move_to(self, cursor: int) -> None:
        """The cursor on another turn; the screen lays the window out once after."""
        self.cursor = min(max(cursor, self.rows.start), self.rows.stop - 1)

    def on_resize(self) -> None:
        self.lay_out()

    def turn_lines(self, row: int, width: int) -> list[Line]:
        """One turn: its speaker and words wrapped beside the margin, and a blank line."""
        qid = self.bench.ids[row]
        here = row == self.cursor
        key = (row, width, here, self.selected if here else None,
               self.bench.states.get(qid), qid in self.bench.texts)
        lines = self._laid.get(key)
        if lines is None:
            if len(self._laid) > CACHED_TURNS:
                self._laid.clear()
            lines = self._laid[key] = self._turn_lines(row, width)
        return lines

    def _turn_lines(self, row: int, width: int) -> list[Line]:
        bench = self.bench
        qid = bench.ids[row]
        label, moderator = bench.speaker_of[bench.pids[row]]
        text = bench.texts.get(qid, "…")
        voice = DIM if moderator else None
        head = label + (_(" (moderator)") if moderator else "") + " : "
        here = row == self.cursor
        body = coded_text(bench, qid, text, style=voice,
                          selected=self.selected if here else None)
        pieces: list[Piece] = [(head, (CURSOR if here else BOLD) + (voice or Style())), *body]
        wrapped = wrap(pieces, max(10, width - MARGIN))
        spans = _line_ranges(wrapped, head + text)
        state = bench.state(qid)
        coded: dict[int, list[tuple[int, int]]] = {}
        for _who, ids in state.codes:
            for code_id in ids:
                coded.setdefault(code_id, [])
        for _who, code_id in state.whole:
            coded[code_id].append((0, len(head) + len(text)))
        for seg in state.segments:
            coded[seg.code_id].append((len(head) + seg.start, len(head) + seg.end))
        order = [c for c in coded if c in bench.code_by_id][:STRIPES + 1]
        out: list[Line] = []
        for pieces_of_line, (a, b) in zip(wrapped, spans, strict=True):
            margin: list[Piece] = []
            for n, code_id in enumerate(order):
                if n == STRIPES:
                    margin.append(("+", DIM))
                    break
                covers = any(s < max(b, a + 1) and e > a for s, e in coded[code_id])
                margin.append(("┃" if covers else " ",
                               Style.parse(bench.code_by_id[code_id].color) if covers else None))
            margin.append((" " * (MARGIN - 1 - len(margin)), None))
            margin.append(("▌" if here else " ", CURSOR if here else None))
            out.append(([*margin, *pieces_of_line], row))
        out.append(([], row))
        return out

    def _height_of(self, row: int, width: int) -> int:
        return len(self.turn_lines(row, width))

    def lay_out(self) -> None:
        """Lines from the top turn down to the pane's bottom, the cursor's turn whole."""
        width, height = self.scrollable_content_region.width, self.size.height
        if width <= 0 or height <= 0:
            return
        if not self._placed:
            self._placed = True
            above = 0
            while self.top > self.rows.start and above < height // 3:
                self.top -= 1
                above += self._height_of(self.top, width)
        if self.cursor < self.top:
            self.top = self.cursor
        # The cursor's turn must end inside the pane: bring the top down to it if not.
        used = sum(self._height_of(r, width) for r in range(self.top, self.cursor + 1))
        while used > height and self.top < self.cursor:
            used -= self._height_of(self.top, width)
            self.top += 1
        lines: list[Line] = []
        row = self.top
        while len(lines) < height and row < self.rows.stop:
            lines += self.turn_lines(row, width)
            row += 1
        self._lines = lines[:height]
        self.refresh()

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        base = self.rich_style
        if y < len(self._lines):
            return strip_of(self._lines[y][0], width, base)
        return Strip.blank(width, base)

