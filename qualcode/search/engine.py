"""Quote search: accent- and case-insensitive substring matching over folded texts.

The index folds every quote once when loaded, so each keystroke of a search-as-you-type
costs one scan of folded strings; hits carry character spans in the original text so
a screen can highlight exactly what matched.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import text as sql
from sqlmodel import Session

from qualcode.search.normalise import fold


@dataclass(frozen=True)
class Hit:
    quote_id: int
    score: float
    spans: tuple[tuple[int, int], ...]
    """Character spans in the quote's text that matched, to highlight."""


class SearchIndex:
    def __init__(self, texts: dict[int, str]) -> None:
        self._texts = texts
        self._folded = {qid: fold(text) for qid, text in texts.items()}

    @classmethod
    def load(cls, session: Session) -> SearchIndex:
        rows = session.execute(sql("SELECT id, text FROM quote ORDER BY group_id, position"))
        return cls({int(qid): str(text) for qid, text in rows})

    def search(self, query: str, *, limit: int = 50,
               within: Collection[int] | None = None) -> list[Hit]:
        needle = fold(query)
        if not needle:
            return []
        allowed = None if within is None else set(within)
        hits: list[Hit] = []
        for qid, folded in self._folded.items():
            if (allowed is None or qid in allowed) and needle in folded:
                hits.append(Hit(qid, 100.0, _spans(self._texts[qid], needle)))
                if len(hits) >= limit:
                    break
        return hits


def _spans(text: str, needle: str) -> tuple[tuple[int, int], ...]:
    """Where the folded needle occurs, mapped back to the original characters."""
    folded: list[str] = []
    origin: list[int] = []
    for i, ch in enumerate(text):
        piece = " " if ch.isspace() else fold(ch)
        if piece == " " and folded and folded[-1] == " ":
            continue
        folded.extend(piece)
        origin.extend([i] * len(piece))
    haystack = "".join(folded)
    spans: list[tuple[int, int]] = []
    start = haystack.find(needle)
    while start >= 0:
        end = start + len(needle)
        spans.append((origin[start], origin[end - 1] + 1))
        start = haystack.find(needle, end)
    return tuple(spans)
