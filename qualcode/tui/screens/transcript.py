"""The transcript view (`t`): the whole conversation of the current quote's group, with
its codings, where the same coding keys work; `t` or escape goes back to the quote
under the cursor.

It shares the coding screen's workbench (texts, states, codes): a coding made here is
there on return. The texts it lacks are read in a worker, a band of turns at a time.
"""

from __future__ import annotations

from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen

from qualcode.i18n import N_, _
from qualcode.tui.app import QualcodeApp
from qualcode.tui.data import Workbench, read_page
from qualcode.tui.messages import PageRead, QuoteSaved, WriteFailed
from qualcode.tui.screens.coding_actions import SELECTION_BINDINGS, CodingActions
from qualcode.tui.widgets.key_footer import KeyFooter
from qualcode.tui.widgets.status_line import MARKS, StatusLine
from qualcode.tui.widgets.transcript_view import TranscriptView

BAND = 200
"""Turns read around the window when some of its texts are missing."""


def group_rows(bench: Workbench, quote_id: int) -> range:
    """The workbench rows of the quote's group: its transcript, in order."""
    row = bench.index[quote_id]
    gid = bench.gids[row]
    start = row
    while start > 0 and bench.gids[start - 1] == gid:
        start -= 1
    stop = row + 1
    while stop < len(bench.gids) and bench.gids[stop] == gid:
        stop += 1
    return range(start, stop)


class TranscriptScreen(CodingActions, Screen[int]):
    """Dismissed with the quote under the cursor."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down,j", "move(1)", N_("Next turn"), show=False),
        Binding("up,k", "move(-1)", N_("Previous turn"), show=False),
        Binding("pagedown", "page(1)", N_("Page down"), show=False),
        Binding("pageup", "page(-1)", N_("Page up"), show=False),
        Binding("home", "edge(0)", N_("First turn"), show=False),
        Binding("end", "edge(1)", N_("Last turn"), show=False),
        *[Binding(d, f"code('{d}')", N_("Code {key}").format(key=d), show=False)
          for d in "123456789"],
        Binding("a", "pick_code", N_("Any code"), id="any_code"),
        Binding("x", "select", N_("Select")),
        *[Binding(key, action, text, show=False)
          for key, action, text in SELECTION_BINDINGS if key != "x"],
        Binding("full_stop", "none_applies", N_("None applies"), show=False, id="none_applies"),
        Binding("m", "memo", N_("Memo"), id="memo"),
        Binding("t", "back", N_("Back"), id="transcript"),
        Binding("escape", "escape", N_("Back"), show=False),
    ]

    def __init__(self, bench: Workbench, quote_id: int) -> None:
        super().__init__()
        self.bench = bench
        self.rows = group_rows(bench, quote_id)
        self.start_id = quote_id
        self.selection = None

    @property
    def qapp(self) -> QualcodeApp:
        assert isinstance(self.app, QualcodeApp)
        return self.app

    @property
    def view(self) -> TranscriptView:
        return self.query_one(TranscriptView)

    @property
    def quote_id(self) -> int | None:
        return self.view.quote_id

    def compose(self) -> ComposeResult:
        assert self.bench is not None
        yield StatusLine("", id="status")
        yield TranscriptView(self.bench, self.rows, self.bench.index[self.start_id],
                             id="transcript")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.view.focus()
        self.call_after_refresh(self._shown)

    def _shown(self) -> None:
        """After each change of window: the status, and the texts still missing."""
        bench = self.bench
        assert bench is not None
        view = self.view
        view.lay_out()
        row = view.cursor
        gid = bench.gids[row]
        label, moderator = bench.speaker_of[bench.pids[row]]
        levels = next((lv for g, _n, lv in bench.groups if g == gid), {})
        cell = f" ({' · '.join(levels.values())})" if levels else ""
        self.query_one(StatusLine).say(
            _("transcript of {group} · turn {n} of {total} · #{id} {speaker}").format(
                group=bench.group_names[gid] + cell, n=row - self.rows.start + 1,
                total=len(self.rows), id=view.quote_id, speaker=label)
            + (_(" · moderator") if moderator else "")
            + (f" · {self.last_note}" if self.last_note else "")
            + _(" · t back"))
        wanted = [bench.ids[r] for r in view.visible_rows()]
        if any(not bench.is_loaded(q) for q in wanted):
            lo = max(self.rows.start, view.top - BAND)
            hi = min(self.rows.stop, view.top + BAND)
            missing = bench.claim_missing(bench.ids[r] for r in range(lo, hi))
            if missing:
                self._read(missing, bench.version)

    last_note = ""

    @work(thread=True, group="transcript-pages", exit_on_error=False)
    def _read(self, quote_ids: list[int], version: int) -> None:
        assert self.bench is not None
        with self.qapp.project.read() as session:
            page = read_page(session, quote_ids)
        self.post_message(PageRead(self.bench, page, version))

    def on_page_read(self, message: PageRead) -> None:
        message.bench.merge(message.page, message.version)
        self._shown()

    # ---- moving ------------------------------------------------------------------------

    def action_move(self, step: int) -> None:
        self.view.move_to(self.view.cursor + step)
        self._moved()

    def action_page(self, direction: int) -> None:
        shown = max(1, len(self.view.visible_rows()) - 1)
        self.view.move_to(self.view.cursor + direction * shown)
        self._moved()

    def action_edge(self, end: int) -> None:
        self.view.move_to(self.rows.stop - 1 if end else self.rows.start)
        self._moved()

    def _moved(self) -> None:
        if self.selection is not None and self.selection.quote_id != self.quote_id:
            self.selection = None
            self.view.selected = None
        self._shown()

    def selection_changed(self) -> None:
        sel = self.current_selection()
        self.view.selected = sel.span if sel else None
        self._shown()

    # ---- writes acknowledged -----------------------------------------------------------

    def on_quote_saved(self, message: QuoteSaved) -> None:
        assert self.bench is not None
        self.bench.replace(message.quote_id, message.state, message.before)
        if message.note:
            self.last_note = message.note
        self._shown()

    def say(self, message: str, severity: str = "information") -> None:
        self.last_note = MARKS.get(severity, "") + message
        self._shown()

    def on_write_failed(self, message: WriteFailed) -> None:
        self.notify(message.error, severity="warning")

    # ---- leaving -----------------------------------------------------------------------

    def action_escape(self) -> None:
        if not self.drop_selection():
            self.action_back()

    def action_back(self) -> None:
        self.dismiss(self.view.quote_id)
