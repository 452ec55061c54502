"""Messages that thread workers post back to the event loop, with their results."""

from __future__ import annotations

from textual.message import Message

from qualcode.search.hits import Hit
from qualcode.tui.data import Counts, Criterion, Page, QuoteState, Workbench


class WorkbenchLoaded(Message):
    def __init__(self, bench: Workbench, keep: int | None = None,
                 criteria: tuple[Criterion, ...] | None = None) -> None:
        super().__init__()
        self.bench = bench
        self.keep = keep
        """The quote to put the cursor back on after a reload."""
        self.criteria = criteria
        """The filters the coder left the workbench with (first load only)."""


class CountsLoaded(Message):
    def __init__(self, bench: Workbench, counts: Counts, version: int) -> None:
        super().__init__()
        self.bench, self.counts = bench, counts
        self.version = version
        """The workbench's write version when the read began."""


class PageRead(Message):
    def __init__(self, bench: Workbench, page: Page, version: int) -> None:
        super().__init__()
        self.bench, self.page = bench, page
        self.version = version
        """The workbench's write version when the read was asked for."""


class QuoteSaved(Message):
    """A write on one quote committed: here is the quote's state as stored."""

    def __init__(self, quote_id: int, state: QuoteState, note: str, *,
                 before: QuoteState | None, jump: bool = False,
                 code_id: int | None = None) -> None:
        super().__init__()
        self.quote_id, self.state, self.note, self.jump = quote_id, state, note, jump
        self.before = before
        """The state the write read in its own transaction; None: what the screen holds."""
        self.code_id = code_id


class WriteFailed(Message):
    def __init__(self, error: str) -> None:
        super().__init__()
        self.error = error


class FilterApplied(Message):
    def __init__(self, criteria: tuple[Criterion, ...], order: list[int]) -> None:
        super().__init__()
        self.criteria, self.order = criteria, order


class SearchDone(Message):
    def __init__(self, query: str, hits: list[Hit], order: list[int], *, ranked: bool,
                 page: Page, version: int) -> None:
        super().__init__()
        self.query, self.hits, self.order = query, hits, order
        self.ranked = ranked
        """False: plain substring hits, given while the ranked index is being built."""
        self.page, self.version = page, version
        """The first hits' texts and states, read by the search worker at this version,
        so the results are drawn at once rather than after a page read of their own."""


class IndexBuilt(Message):
    """The ranked search index is ready."""
