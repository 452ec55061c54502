"""Messages that thread workers post back to the event loop, with their results."""

from __future__ import annotations

from collections import Counter

from textual.message import Message

from qualcode.search.engine import Hit
from qualcode.tui.data import Criterion, QuoteState, Workbench


class WorkbenchLoaded(Message):
    def __init__(self, bench: Workbench, keep: int | None = None) -> None:
        super().__init__()
        self.bench = bench
        self.keep = keep
        """The quote to put the cursor back on after a reload."""


class CountsLoaded(Message):
    def __init__(self, bench: Workbench, everyone: Counter[int], mine: Counter[int]) -> None:
        super().__init__()
        self.bench, self.everyone, self.mine = bench, everyone, mine


class QuoteSaved(Message):
    """A write on one quote committed: here is the quote's state as stored."""

    def __init__(self, quote_id: int, state: QuoteState, note: str, *, jump: bool = False,
                 code_id: int | None = None) -> None:
        super().__init__()
        self.quote_id, self.state, self.note, self.jump = quote_id, state, note, jump
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
    def __init__(self, query: str, hits: list[Hit], order: list[int]) -> None:
        super().__init__()
        self.query, self.hits, self.order = query, hits, order
