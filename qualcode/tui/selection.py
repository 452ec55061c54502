"""A selection of words in one quote, moved by keys (SPEC "Workbench keys": x, w, b,
W, B, `)`), to be coded as a segment.

A selection is kept as word indexes, not characters, so that every key moves by a
whole word and the segment coded is always whole words, as the words a researcher
quotes are. Plain data: the screens own one and draw it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache

_WORD = re.compile(r"\w+(?:['’\-]\w+)*")
"""A word with its inner apostrophes and hyphens (« l’hôpital », « peut-être »): French
elision and compounds are one unit to select."""
_SENTENCE_END = re.compile(r"[.!?…]+")


@lru_cache(maxsize=64)
def words(text: str) -> tuple[tuple[int, int], ...]:
    """The words of the text as (start, end) in code points."""
    return tuple(m.span() for m in _WORD.finditer(text))


@dataclass(frozen=True, slots=True)
class Selection:
    """Words first..last (inclusive) of quote `quote_id`'s text."""

    quote_id: int
    text: str
    first: int
    last: int

    @classmethod
    def start(cls, quote_id: int, text: str, at: int = 0) -> Selection | None:
        """The selection of one word, the first at or after character `at`; None for a
        text without words."""
        found = words(text)
        if not found:
            return None
        index = next((i for i, (_a, b) in enumerate(found) if b > at), len(found) - 1)
        return cls(quote_id, text, index, index)

    @property
    def span(self) -> tuple[int, int]:
        found = words(self.text)
        return found[self.first][0], found[self.last][1]

    @property
    def excerpt(self) -> str:
        start, end = self.span
        return self.text[start:end]

    def _count(self) -> int:
        return len(words(self.text))

    def end_by(self, step: int) -> Selection:
        """`w` / `b`: the end one word forward or back, never before the start."""
        last = min(max(self.last + step, self.first), self._count() - 1)
        return replace(self, last=last)

    def start_by(self, step: int) -> Selection:
        """`W` / `B`: the start one word forward or back, never past the end."""
        first = min(max(self.first + step, 0), self.last)
        return replace(self, first=first)

    def to_sentence_end(self) -> Selection:
        """`)`: the end to the last word of the sentence it is in, or of the next
        sentence when it is already there."""
        found = words(self.text)
        for mark in _SENTENCE_END.finditer(self.text, found[self.last][1]):
            last = max(i for i, (a, _b) in enumerate(found) if a < mark.start())
            if last > self.last:
                return replace(self, last=last)
        return replace(self, last=len(found) - 1)

    def between(self, start: int, end: int) -> Selection:
        """The words that characters start..end touch (a mouse drag), in either order."""
        start, end = min(start, end), max(start, end)
        found = words(self.text)
        inside = [i for i, (a, b) in enumerate(found) if a < max(end, start + 1) and b > start]
        if not inside:
            return self
        return replace(self, first=inside[0], last=inside[-1])
