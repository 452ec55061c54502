"""The codebook pane: the tree with hotkeys and counts, and the focused code's definition."""

from __future__ import annotations

from rich.cells import cell_len, set_cell_size
from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Static

from qualcode.i18n import _
from qualcode.tui.data import CodeInfo, Workbench
from qualcode.tui.widgets.line_list import LineList
from qualcode.tui.widgets.lines import Piece

BOLD, DIM = Style(bold=True), Style(dim=True)


def code_line(code: CodeInfo, bench: Workbench, applied: bool, width: int) -> list[Piece]:
    """`5 ■ hacking   2/9`: hotkey, colour, name, my quotes / everyone's (with sub-codes)."""
    count = (f" {bench.count_mine[code.id]}/{bench.count_all[code.id]}" if bench.counts_loaded
             else " …")
    room = max(4, width - 4 - 2 * code.depth - len(count))
    name = code.name if cell_len(code.name) <= room else set_cell_size(code.name, room - 1) + "…"
    colour = Style.parse(code.color)
    return [(f"{code.hotkey or ' '} ", BOLD), ("  " * code.depth, None),
            ("■ " if applied else "□ ", colour), (name, BOLD if applied else None),
            (" " * (room - cell_len(name)) + count, DIM)]


def definition(code: CodeInfo) -> Text:
    out = Text()
    out.append(code.name, style=f"bold {code.color}")
    if code.exclusive:
        out.append(_("  (exclusive: one sub-code at most)"), style="dim")
    for label, value in (("", code.description), (_("Include: "), code.include),
                         (_("Exclude: "), code.exclude), (_("Example: "), code.example)):
        if value:
            out.append("\n")
            out.append(label, style="bold")
            out.append(f"« {value} »" if value == code.example else value)
    return out


class CodePanel(Vertical):
    """The right-hand pane of the coding screen."""

    DEFAULT_CSS = """
    CodePanel > LineList { height: 1fr; min-height: 5; }
    CodePanel > VerticalScroll { height: 1fr; border-top: solid $primary 50%; padding: 0 1;
                                 scrollbar-size-vertical: 1; }
    """

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002 (Textual's name)
        super().__init__(id=id)
        self.bench: Workbench | None = None
        self.applied: set[int] = set()
        self._shown: list[tuple[object, ...]] = []
        """What each line says now, as a key: only lines whose key changes are redrawn."""
        self._defined: int | None = None

    def compose(self) -> ComposeResult:
        yield LineList(id="codes")
        with VerticalScroll(id="definition"):
            yield Static(id="definition-text")

    def show(self, bench: Workbench, applied: set[int]) -> None:
        """Redraw the tree: counts and which codes the current quote has from me."""
        tree = self.query_one(LineList)
        fresh = self.bench is not bench or tree.line_count != len(bench.codes)
        self.bench, self.applied = bench, applied
        width = self._width
        keys: list[tuple[object, ...]] = [
            (c.id in applied, bench.counts_loaded, bench.count_mine[c.id],
             bench.count_all[c.id], width) for c in bench.codes]
        if fresh:
            tree.set_lines([code_line(c, bench, c.id in applied, width) for c in bench.codes])
            self._defined = None
        else:
            for i, code in enumerate(bench.codes):
                if keys[i] != self._shown[i]:
                    tree.set_line(i, code_line(code, bench, code.id in applied, width))
        self._shown = keys
        self._define()

    @property
    def _width(self) -> int:
        """Room for a line of the tree: the panel less its border and the tree's scrollbar."""
        return max(20, self.size.width - 2)

    def on_resize(self) -> None:
        if self.bench is not None:
            self._shown = [() for _ in self._shown]
            self.show(self.bench, self.applied)

    def focus_code(self, code_id: int) -> None:
        """Show a code's definition (the one just toggled, say)."""
        if self.bench is None:
            return
        ids = [c.id for c in self.bench.codes]
        if code_id in ids:
            self.query_one(LineList).highlighted = ids.index(code_id)

    def on_line_list_highlighted(self, event: LineList.Highlighted) -> None:
        event.stop()
        self._define()

    def _define(self) -> None:
        codes = self.query_one(LineList)
        text = self.query_one("#definition-text", Static)
        if self.bench is None or codes.highlighted is None or not self.bench.codes:
            text.update(Text(_("No codes yet: press c to open the codebook."), style="dim"))
            return
        code = self.bench.codes[codes.highlighted]
        if code.id != self._defined:
            self._defined = code.id
            text.update(definition(code))
            self.query_one("#definition", VerticalScroll).scroll_home(animate=False)
