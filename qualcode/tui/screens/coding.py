"""The coding screen: quote list, current quote, codebook; every SPEC key lives here.

Reads (loading, filtering, searching) and writes run in thread workers. The list, the
quote and the tree change when a worker posts its result, never before: a toggle is
shown once it is committed.
"""

from __future__ import annotations

import importlib
import threading
from typing import TYPE_CHECKING, Any, ClassVar

from sqlalchemy import text as sql
from sqlmodel import Session
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.reactive import Reactive
from textual.screen import Screen
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Input
from textual.worker import get_current_worker

from qualcode.i18n import N_, _
from qualcode.search.substring import substring_hits
from qualcode.services import coding
from qualcode.services.places import Place, load_place, save_place
from qualcode.tui.app import PaletteEntry, QualcodeApp
from qualcode.tui.data import (
    KINDS,
    PAGE_MARGIN,
    Criterion,
    Workbench,
    filter_choices,
    filter_ids,
    load_counts,
    load_state,
    load_workbench,
    read_page,
    shown_label,
)
from qualcode.tui.live import TeamChanged
from qualcode.tui.messages import (
    CountsLoaded,
    FilterApplied,
    IndexBuilt,
    PageRead,
    QuoteSaved,
    SearchDone,
    WorkbenchLoaded,
    WriteFailed,
)
from qualcode.tui.screens.coding_actions import SELECTION_BINDINGS, CodingActions
from qualcode.tui.selection import Selection
from qualcode.tui.widgets.code_panel import CodePanel
from qualcode.tui.widgets.filter_bar import FilterBar
from qualcode.tui.widgets.key_footer import KeyFooter
from qualcode.tui.widgets.quote_list import QuoteList
from qualcode.tui.widgets.quote_view import QuoteView
from qualcode.tui.widgets.search_box import SearchBox
from qualcode.tui.widgets.status_line import MARKS, StatusLine

if TYPE_CHECKING:
    from qualcode.search.engine import SearchIndex

NEAR = 40
"""A gap this close to the screen starts a read of the band around it."""
SEARCH_LIMIT = 1000
"""Hits listed for a search; the best ones come first."""
PLACE_DELAY = 2.0
"""Seconds the cursor rests before the place is saved."""
FIRST_HITS = 100
"""Hits whose texts the search reads with them: a screenful and the moves after it."""


class CodingScreen(CodingActions, Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "move(1)", N_("Next"), show=False),
        Binding("k", "move(-1)", N_("Previous"), show=False),
        Binding("shift+down,J", "scroll_quote(3)", N_("Scroll the quote down"), show=False),
        Binding("shift+up,K", "scroll_quote(-3)", N_("Scroll the quote up"), show=False),
        Binding("n", "next_new", N_("Next new"), id="next_new"),
        *[Binding(d, f"code('{d}')", N_("Code {key}").format(key=d), show=False)
          for d in "123456789"],
        Binding("a", "pick_code", N_("Any code"), id="any_code"),
        *[Binding(key, action, text, show=False) for key, action, text in SELECTION_BINDINGS],
        Binding("t", "transcript", N_("Transcript"), id="transcript"),
        Binding("full_stop", "none_applies", N_("None applies"), id="none_applies"),
        Binding("slash", "search", N_("Search"), priority=True, id="search"),
        Binding("f", "filter", N_("Filter"), priority=True, id="filter"),
        Binding("m", "memo", N_("Memo"), id="memo"),
        Binding("s", "suggestions", N_("Suggest"), id="suggestions"),
        Binding("u", "undo", N_("Undo"), id="undo"),
        Binding("r", "report", N_("Report"), id="report"),
        Binding("v", "review", N_("Review"), show=False, id="review"),
        Binding("c", "codebook", N_("Codebook"), show=False, id="codebook"),
        Binding("question_mark", "help", N_("Help"), id="help"),
        Binding("escape", "clear", N_("Clear"), show=False, priority=True),
        Binding("enter", "leave_box", N_("Keep"), show=False, priority=True),
    ]

    PALETTE: ClassVar[list[PaletteEntry]] = [
        (N_("Next quote"), N_("Move to the next quote (down, j)"), "move(1)"),
        (N_("Previous quote"), N_("Move to the previous quote (up, k)"), "move(-1)"),
        (N_("Next quote I have not reviewed"),
         N_("Jump to the next quote I have not coded (n)"), "next_new"),
        (N_("Reviewed, none applies"), N_("Mark the quote reviewed with no code (.)"),
         "none_applies"),
        (N_("Any code by name"),
         N_("Put any code of the codebook on the quote, or take it off (a)"), "pick_code"),
        (N_("Select words"), N_("Select the quote's first word; w/b, W/B, ) extend it (x)"),
         "select"),
        (N_("Transcript"), N_("The whole conversation of the quote's group (t)"), "transcript"),
        (N_("Search"), N_("Search quotes as you type (/)"), "search"),
        (N_("Filter"), N_("Filter by group, level, speaker, code, coder or uncoded (f)"),
         "filter"),
        (N_("Clear search and filters"), N_("Show every quote again (escape)"), "clear_all"),
        (N_("Memo"), N_("Write a memo on the quote or one of my codings (m)"), "memo"),
        (N_("Suggestions"), N_("Codes suggested for the quote, and why (s)"), "suggestions"),
        (N_("Undo"), N_("Undo my last change, even from a previous session (u)"), "undo"),
        (N_("Report"), N_("The theme × group heat map (r)"), "report"),
        (N_("Team review"), N_("Compare coders and adjudicate (v)"), "review"),
        (N_("Codebook"), N_("Add, rename, move, merge and export codes (c)"), "codebook"),
        (N_("Help"), N_("Every key (?)"), "help"),
        *[(N_("Toggle code {key}"), N_("Apply or remove the code with hotkey {key}"),
           f"code('{d}')", {"key": d}) for d in "123456789"],
    ]

    focused: Reactive[Widget | None] = Reactive(None, repaint=False)
    """Textual's screen repaints all of itself when the focus moves; the widgets that
    gain or lose focus repaint themselves, so the rest of the screen need not."""

    def __init__(self) -> None:
        super().__init__()
        self.bench: Workbench | None = None
        self.criteria: tuple[Criterion, ...] = ()
        self.filtered: list[int] | None = None
        """Rows the filter keeps (None: every quote)."""
        self.query_text = ""
        self.hit_spans: dict[int, tuple[tuple[int, int], ...]] = {}
        self._index: SearchIndex | None = None
        self._index_lock = threading.Lock()
        self._shown_loading = False
        """The current quote was drawn before its text arrived: redraw it when it does."""
        self.last_note = ""
        """What the last change did, said in the status line (a toast would cost a layout)."""
        self._place_timer: Timer | None = None
        self._filter_choices: dict[str, tuple[Criterion, str]] = {}
        """What the filter bar offers, by key, with its label; made again on a reload."""

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """`/` and `f` are priority keys: they open their box before the keys after them
        are dispatched, so a query typed in the same burst lands in it (Textual hands
        each key to the widget focused when the key is read). In a box they are text.
        Enter is one too, so that the keys after it leave the box with it; elsewhere
        it is left to the focused widget."""
        in_box = isinstance(self.focused, Input)
        if action in ("search", "filter"):
            return not in_box
        if action == "leave_box":
            return in_box
        return True

    @property
    def qapp(self) -> QualcodeApp:
        assert isinstance(self.app, QualcodeApp)
        return self.app

    def compose(self) -> ComposeResult:
        # No containers around the panes: every frame draws each widget that overlaps
        # what changed, containers included. The codebook is docked to the right and
        # the rest stacks to its left; the status line sits above the left panes only,
        # so a move never repaints the codebook's lines for it. The filter bar comes
        # first: Textual numbers the widgets' painting order in reverse, so showing a
        # widget composed before the others leaves their order, and their lines, alone.
        yield FilterBar(id="filter")
        yield CodePanel(id="panel")
        yield StatusLine(_("loading the project…"), id="status")
        yield SearchBox(placeholder=_("search (accents optional) · enter keep · escape clear"),
                        id="search")
        yield QuoteList(moved=self._cursor_moved, id="quotes")
        yield QuoteView(id="quote")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one(QuoteList).focus()
        self.load(first=True)

    # ---- loading -------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="load", exit_on_error=False)
    def load(self, keep: int | None = None, *, first: bool = False) -> None:
        criteria = None
        with self.qapp.project.read() as session:
            bench = load_workbench(session, self.qapp.coder)
            if first:  # reopen where I left it
                place = load_place(session, self.qapp.coder)
                keep = place.quote_id if place.quote_id in bench.index else None
                criteria = tuple(c for c in map(_criterion, place.criteria) if c is not None)
        self.post_message(WorkbenchLoaded(bench, keep, criteria))
        self._count(bench)
        self.qapp.heap.settle()  # the project's objects are all here now

    def _count(self, bench: Workbench) -> None:
        """Read the counts (in the calling worker); they are posted with the write version
        they started from, so counts that a write overtook are read again."""
        version = bench.version
        with self.qapp.project.read() as session, self.qapp.interruptible(session):
            counts = load_counts(session, self.qapp.coder)
        self.post_message(CountsLoaded(bench, counts, version))

    @work(thread=True, exclusive=True, group="counts", exit_on_error=False)
    def _recount(self, bench: Workbench) -> None:
        self._count(bench)

    def on_workbench_loaded(self, message: WorkbenchLoaded) -> None:
        self.bench = message.bench
        self._filter_choices = {}
        self.filtered, self.hit_spans = None, {}
        if message.criteria is not None:
            self.criteria = message.criteria
        self.query_one(QuoteList).show(message.bench, list(range(len(message.bench))),
                                       keep=message.keep)
        self._refresh_panes()
        # A reload (the codebook edited, a teammate's change) keeps what I was looking at.
        if self.criteria:
            self.apply_filter(self.criteria, message.keep)
        elif self.query_text:
            self.run_search(self.query_one("#search", Input).value)

    def on_counts_loaded(self, message: CountsLoaded) -> None:
        if message.bench is not self.bench:
            return
        if message.version != message.bench.version:
            self._recount(message.bench)  # a change landed while counting
            return
        message.bench.set_counts(message.counts)
        self._refresh_panes()

    def _prefetch(self) -> None:
        """Read, in a worker, the texts around what is on screen that are not here yet.

        Only a gap near the screen starts a read, and the read then takes a wide band
        around it, so moving one line at a time reads a page every few hundred moves.
        """
        bench, quotes = self.bench, self.query_one(QuoteList)
        if bench is None or not quotes.order:
            return
        top = round(quotes.scroll_offset.y)
        low = min(top, quotes.cursor)
        high = max(top + quotes.scrollable_content_region.height, quotes.cursor + 1)
        near = range(max(0, low - NEAR), min(len(quotes.order), high + NEAR))
        order, ids = quotes.order, bench.ids
        if all(bench.is_loaded(ids[order[i]]) for i in near):
            return
        wide = range(max(0, low - PAGE_MARGIN), min(len(order), high + PAGE_MARGIN))
        missing = bench.claim_missing(ids[order[i]] for i in wide)
        if missing:
            self._read_page(bench, missing, bench.version)

    @work(thread=True, group="pages", exit_on_error=False)
    def _read_page(self, bench: Workbench, quote_ids: list[int], version: int) -> None:
        with self.qapp.project.read() as session:
            page = read_page(session, quote_ids)
        self.post_message(PageRead(bench, page, version))

    def on_page_read(self, message: PageRead) -> None:
        if message.bench is not self.bench:
            return
        message.bench.merge(message.page, message.version)
        self.query_one(QuoteList).redraw(message.page.texts)
        if self.quote_id in message.page.texts or self._shown_loading:
            self._refresh_panes(list_too=False)
        self._prefetch()

    # ---- what is shown -------------------------------------------------------------

    @property
    def quote_id(self) -> int | None:
        return self.query_one(QuoteList).quote_id

    def place(self) -> Place:
        """Where I am, to reopen here next time."""
        return Place(self.quote_id, [
            {"kind": c.kind, "value": c.value, "label": c.label, "dimension": c.dimension}
            for c in self.criteria])

    def _keep_place_soon(self) -> None:
        """Saved once the cursor has rested a moment: one small write, not one a move."""
        if self._place_timer is not None:
            self._place_timer.stop()
        self._place_timer = self.set_timer(PLACE_DELAY, self._keep_place)

    def _keep_place(self) -> None:
        place, coder = self.place(), self.qapp.coder

        def job(session: Session) -> None:
            save_place(session, coder, place)

        self.qapp.submit(job, self)

    def _cursor_moved(self) -> None:
        self._keep_place_soon()
        self.selection = None
        self._refresh_panes(list_too=False)
        self._prefetch()

    def _refresh_panes(self, *, list_too: bool = True) -> None:
        bench = self.bench
        if bench is None:
            return
        qid = self.quote_id
        if list_too:
            self.query_one(QuoteList).invalidate()
        self._shown_loading = qid is not None and not bench.is_loaded(qid)
        sel = self.current_selection()
        self.query_one(QuoteView).show(bench, qid, self.hit_spans.get(qid, ()) if qid else (),
                                       sel.span if sel else None)
        mine = set(bench.state(qid).codes_of(bench.coder)) if qid else set()
        self.query_one(CodePanel).show(bench, mine)
        self._status()

    def say(self, message: str, severity: str = "information") -> None:
        """What the app would toast, in the status line (see `QualcodeApp.notify`)."""
        self.last_note = MARKS.get(severity, "") + message
        self._status()

    def on_quote_view_dragged(self, message: QuoteView.Dragged) -> None:
        """A mouse drag over the quote selects the words it touches."""
        bench, qid = self.bench, self.quote_id
        if bench is None or qid is None or not bench.is_loaded(qid):
            return
        sel = self.current_selection() or Selection.start(qid, bench.quote(qid).text)
        if sel is not None:
            self.selection = sel.between(message.start, message.end + 1)
            self.selection_changed()

    def selection_changed(self) -> None:
        bench, qid = self.bench, self.quote_id
        if bench is not None:
            sel = self.current_selection()
            self.query_one(QuoteView).show(bench, qid, self.hit_spans.get(qid, ()) if qid else (),
                                           sel.span if sel else None, keep_scroll=True)

    def _status(self) -> None:
        bench = self.bench
        if bench is None:
            return
        quotes = self.query_one(QuoteList)
        done = bench.done if bench.counts_loaded else "…"
        parts = [_("{coder}: {done}/{total} reviewed").format(coder=bench.coder, done=done,
                                                              total=bench.to_code)]
        if quotes.order:
            parts.append(_("quote {n} of {total}").format(n=quotes.cursor + 1,
                                                          total=len(quotes.order)))
        else:
            parts.append(_("no quote"))
        if self.criteria:
            parts.append(_("filter {criteria}").format(
                criteria=" + ".join(shown_label(c) for c in self.criteria)))
        if self.query_text:
            parts.append(_("search «{text}»").format(text=self.query_text))
        if self.last_note:
            parts.append(self.last_note)
        self.query_one(StatusLine).say(" · ".join(parts))

    def _show_order(self, order: list[int], keep: int | None = None) -> None:
        assert self.bench is not None
        # Placing the cursor calls `_cursor_moved`, which redraws the panes.
        self.query_one(QuoteList).show(self.bench, order, keep=keep, hits=self.hit_spans)

    # ---- moving --------------------------------------------------------------------

    def action_move(self, step: int) -> None:
        self.query_one(QuoteList).action_move(step)

    def action_scroll_quote(self, lines: int) -> None:
        """A long quote, read to its end without the mouse."""
        self.query_one(QuoteView).scroll_relative(y=lines, animate=False)

    def action_next_new(self) -> None:
        bench, quotes = self.bench, self.query_one(QuoteList)
        if bench is None or not quotes.order:
            return
        if not bench.counts_loaded:
            self.notify(_("Still reading which quotes you have coded…"), timeout=2)
            return
        n = len(quotes.order)
        # My double-coding assignment first (while some of it is left), then the rest.
        left = bench.assigned - bench.mine
        for wanted in ((left, None) if left else (None,)):
            for step in range(1, n + 1):
                i = (quotes.cursor + step) % n
                qid = bench.ids[quotes.order[i]]
                if qid not in bench.mine and qid not in bench.moderator_quotes and (
                        wanted is None or qid in wanted):
                    quotes.cursor = i
                    return
        self.notify(_("You have reviewed every quote shown."))

    def jump_to(self, quote_id: int) -> None:
        """Put the cursor on a quote, showing every quote again if it is filtered out."""
        bench = self.bench
        if bench is None or quote_id not in bench.index:
            return
        quotes = self.query_one(QuoteList)
        row = bench.index[quote_id]
        if row not in quotes.order:
            self.criteria, self.filtered, self.query_text, self.hit_spans = (), None, "", {}
            self._hide_search()
            self._show_order(list(range(len(bench))), keep=quote_id)
        else:
            quotes.cursor = quotes.order.index(row)
        quotes.focus()

    # ---- coding --------------------------------------------------------------------

    def action_undo(self) -> None:
        if self.bench is None:
            return
        coder = self.bench.coder

        def job(session: Session) -> QuoteSaved | WriteFailed:
            target = coding.next_undo(session, coder=coder)
            if target is None:
                return WriteFailed(_("nothing to undo"))
            qid = int(target.payload["quote_id"])
            before = load_state(session, qid)
            coding.undo(session, target, coder=coder)
            return QuoteSaved(qid, load_state(session, qid),
                              _("undid {action} on #{id}").format(action=target.action, id=qid),
                              before=before, jump=True)

        self.qapp.submit(job, self)

    def on_quote_saved(self, message: QuoteSaved) -> None:
        bench = self.bench
        if bench is None:
            return
        bench.replace(message.quote_id, message.state, message.before)
        if message.jump and message.quote_id != self.quote_id:
            self.jump_to(message.quote_id)
        if message.code_id is not None:
            self.query_one(CodePanel).focus_code(message.code_id)
        self.query_one(QuoteList).redraw((message.quote_id,))
        if message.note:
            self.last_note = message.note
        self._refresh_panes(list_too=False)

    def on_write_failed(self, message: WriteFailed) -> None:
        self.notify(message.error, severity="warning")

    # ---- filtering and searching ---------------------------------------------------

    def action_filter(self) -> None:
        bench = self.bench
        if bench is None:
            return
        if not self._filter_choices:
            self._filter_choices = filter_choices(bench)
        active = {(c.kind, c.value) for c in self.criteria}
        listed = [(key, label, (crit.kind, crit.value) in active)
                  for key, (crit, label) in self._filter_choices.items()]
        if self.criteria:
            listed.insert(0, ("clear", _("All quotes (clear the filters)"), False))
        self.query_one(FilterBar).open(
            _("filters combine; enter on a ● one drops it"), listed,
            width=self.query_one(QuoteList).outer_size.width)  # over the left panes

    def on_resize(self) -> None:
        self.call_after_refresh(self._fit_filter_bar)  # once the panes have their widths

    def _fit_filter_bar(self) -> None:
        """The bar stays over the left panes when the terminal changes size."""
        bar, width = self.query_one(FilterBar), self.query_one(QuoteList).outer_size.width
        if bar.is_open and bar.outer_size.width != width:
            bar.styles.width = width

    def on_filter_bar_picked(self, message: FilterBar.Picked) -> None:
        if message.key == "clear":
            self.criteria = ()
        else:
            crit, _label = self._filter_choices[message.key]
            kept = tuple(c for c in self.criteria if c.slot != crit.slot)
            self.criteria = kept if crit in self.criteria else kept + (crit,)
        self.apply_filter(self.criteria, self.quote_id)

    def on_filter_bar_closed(self) -> None:
        self.query_one(QuoteList).focus()

    @work(thread=True, exclusive=True, group="filter", exit_on_error=False)
    def apply_filter(self, criteria: tuple[Criterion, ...], keep: int | None) -> None:
        bench = self.bench
        assert bench is not None
        if not criteria:
            order = list(range(len(bench)))
        else:
            with self.qapp.project.read() as session:
                ids = filter_ids(session, criteria, bench.coder)
                order = [i for i, qid in enumerate(bench.ids) if qid in ids]
                if any(c.kind == "informative" for c in criteria):
                    order = self._most_informative_first(session, order)
        self.post_message(FilterApplied(criteria, order))

    def _most_informative_first(self, session: Session, order: list[int]) -> list[int]:
        """The rows in the order that teaches the suggestions most (active learning)."""
        from qualcode.search.suggest import most_informative

        bench = self.bench
        assert bench is not None
        ids = [bench.ids[i] for i in order]
        texts = dict(session.execute(sql("SELECT id, text FROM quote")).all())
        ranked = most_informative(self.qapp.suggester.get(session), ids,
                                  [texts[q] for q in ids])
        return [bench.index[q] for q in ranked]

    def on_filter_applied(self, message: FilterApplied) -> None:
        self.criteria = message.criteria
        self._keep_place_soon()
        self.filtered = None if not message.criteria else message.order
        if self.query_text:
            self.run_search(self.query_text)
        else:
            self._show_order(message.order, keep=self.quote_id)

    def action_search(self) -> None:
        box = self.query_one("#search", Input)
        box.add_class("active")
        self.set_focus(box)  # at once: the next keystrokes are already on their way
        if self._index is None:
            self._build_index()

    @on(Input.Changed, "#search")
    def _typed(self, event: Input.Changed) -> None:
        self.run_search(event.value)

    def action_leave_box(self) -> None:
        """Enter in a box: keep the search and go back to the list, or pick the
        highlighted filter. The focus moves at once, so the keys typed after enter go to
        the list; the keys typed before it may still be on their way to the box, so the
        pick is queued behind them."""
        box, bar = self.focused, self.query_one(FilterBar)
        self.set_focus(self.query_one(QuoteList))
        if bar.is_open and box is not None:
            box.call_later(bar.pick)

    @work(thread=True, exclusive=True, group="search", exit_on_error=False)
    def run_search(self, query: str) -> None:
        bench = self.bench
        assert bench is not None
        version = bench.version
        within = None
        if self.filtered is not None:
            within = {bench.ids[i] for i in self.filtered}
        index = self._index
        with self.qapp.project.read() as session:
            if not query:
                hits = []
            elif index is None:  # still being built: plain substring search meanwhile
                hits = substring_hits(session, query, limit=SEARCH_LIMIT, within=within)
            else:
                hits = index.search(query, limit=SEARCH_LIMIT, within=within)
            if get_current_worker().is_cancelled:
                return  # a newer keystroke has taken over
            first = [h.quote_id for h in hits[:FIRST_HITS] if not bench.is_loaded(h.quote_id)]
            page = read_page(session, first)
        order = [bench.index[h.quote_id] for h in hits if h.quote_id in bench.index]
        self.post_message(SearchDone(query, hits, order, ranked=index is not None,
                                     page=page, version=version))

    @work(thread=True, exclusive=True, group="index", exit_on_error=False)
    def _build_index(self) -> None:
        """The ranked index, built once in the background on the first search."""
        from qualcode.search.engine import SearchIndex  # numpy: only once someone searches

        with self._index_lock:
            if self._index is not None:
                return
            with self.qapp.project.read() as session:
                self._index = SearchIndex.load(session)
        self.post_message(IndexBuilt())

    def on_index_built(self) -> None:
        box = self.query_one("#search", Input)
        if box.value:
            self.run_search(box.value)  # the ranked results replace the plain ones

    def on_search_done(self, message: SearchDone) -> None:
        bench = self.bench
        if bench is None or message.query != self.query_one("#search", Input).value:
            return  # a newer keystroke is on its way
        self.query_text = message.query.strip()
        if not self.query_text:
            self.hit_spans = {}
            self._show_order(self.filtered if self.filtered is not None
                             else list(range(len(bench))), keep=self.quote_id)
            return
        bench.merge(message.page, message.version)
        self.hit_spans = {h.quote_id: h.spans for h in message.hits}
        self.last_note = "" if message.ranked else _("plain search until the index is built")
        self._show_order(message.order)

    def _hide_search(self) -> None:
        box = self.query_one("#search", Input)
        with box.prevent(Input.Changed):
            box.value = ""
        box.remove_class("active")

    def action_clear(self) -> None:
        """Escape: drop the selection, or close the filter bar, or clear the search (from
        the search box too, as the help says; enter keeps it), then the filters. A priority
        key, like `/` and `f`: the focus moves before the keys typed after it are
        dispatched."""
        bench = self.bench
        if bench is None:
            return
        box, bar = self.query_one("#search", Input), self.query_one(FilterBar)
        if not box.has_focus and not bar.is_open and self.drop_selection():
            return
        if bar.is_open:
            bar.close()
            self.set_focus(self.query_one(QuoteList))
            return
        if self.query_text or box.has_class("active"):
            self.query_text, self.hit_spans = "", {}
            self._hide_search()
            self.set_focus(self.query_one(QuoteList))
            self._show_order(self.filtered if self.filtered is not None
                             else list(range(len(bench))), keep=self.quote_id)
        elif self.criteria:
            self.apply_filter((), self.quote_id)

    def action_clear_all(self) -> None:
        if self.bench is None:
            return
        self.query_text, self.hit_spans = "", {}
        self._hide_search()
        self.apply_filter((), self.quote_id)

    # ---- other screens -------------------------------------------------------------

    def action_report(self) -> None:
        from qualcode.tui.screens.report import ReportScreen

        self.app.push_screen(ReportScreen(), self._jump_back)

    def _jump_back(self, quote_id: int | None) -> None:
        if quote_id is not None:
            self.jump_to(quote_id)

    def action_transcript(self) -> None:
        """`t`: the whole transcript of the quote's group; back on the quote left there."""
        from qualcode.tui.screens.transcript import TranscriptScreen

        bench, qid = self.bench, self.quote_id
        if bench is None or qid is None:
            return

        def back(quote_id: int | None) -> None:
            self.query_one(QuoteList).invalidate()  # codings made there are drawn here
            if quote_id is not None and quote_id != self.quote_id:
                self.jump_to(quote_id)
            self._refresh_panes(list_too=False)

        self.app.push_screen(TranscriptScreen(bench, qid), back)

    def action_codebook(self) -> None:
        from qualcode.tui.screens.codebook import CodebookScreen

        def back(changed: bool | None) -> None:
            if changed:
                self.load(self.quote_id)

        self.app.push_screen(CodebookScreen(), back)

    def action_help(self) -> None:
        from qualcode.tui.screens.help import HelpScreen

        self.app.push_screen(HelpScreen(self.qapp.keys))

    def action_suggestions(self) -> None:
        qid = self.quote_id
        screen = _other_helpers_screen("suggestions", "SuggestionsScreen")
        if screen is None:
            self.notify(_("suggestions not available"), severity="warning")
        elif qid is not None:
            def back(_result: object) -> None:
                self._reload_quote(qid)

            self.app.push_screen(screen(self.qapp.project, self.qapp.coder, qid,
                                        self.qapp.suggester), back)

    def action_review(self) -> None:
        screen = _other_helpers_screen("review", "ReviewScreen")
        if screen is None:
            self.notify(_("team review not available"), severity="warning")
            return

        def back(_result: object) -> None:
            self.load(self.quote_id)

        self.app.push_screen(screen(self.qapp.project, self.qapp.coder), back)

    def on_team_changed(self, message: TeamChanged) -> None:
        """A teammate's work: re-read what changed, the cursor and filter staying put."""
        bench = self.bench
        if bench is None:
            return
        if message.everything:
            self.last_note = _("{who} changed the codebook or the quotes").format(
                who=", ".join(message.by))
            self.load(self.quote_id)
            return
        for qid in message.quotes:
            if qid in bench.index:
                self._reload_quote(qid)
        self.last_note = _("updated by {who}").format(who=", ".join(message.by))
        self._status()

    @work(thread=True, group="reload", exit_on_error=False)
    def _reload_quote(self, qid: int) -> None:
        """Another screen may have coded this quote: read it back."""
        with self.qapp.project.read() as session:
            state = load_state(session, qid)
        self.post_message(QuoteSaved(qid, state, "", before=None))


def _criterion(saved: dict[str, object]) -> Criterion | None:
    """A saved filter, if it still reads as one."""
    kind, value = saved.get("kind"), saved.get("value")
    if kind not in KINDS or not isinstance(value, int | str):
        return None
    return Criterion(str(kind), value, str(saved.get("label", "")),
                     str(saved.get("dimension", "")))


def _other_helpers_screen(module: str, name: str) -> Any:
    """A screen from a module that may not be installed (suggestions, team review)."""
    try:
        found = importlib.import_module(f"qualcode.tui.screens.{module}")
    except ImportError:
        return None
    return getattr(found, name, None)
