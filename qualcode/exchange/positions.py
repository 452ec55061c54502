"""Whose character positions? Settling other tools' line-end and BOM conventions.

The standard counts code points of the plain-text file. NVivo and MAXQDA count a
`\\r\\n` as two, ATLAS.ti as one; some count a leading BOM. Where selections carry the
selected text in `name`, the convention that makes most of them match wins;
otherwise ATLAS.ti files with `\\r\\n` count it as one and every other tool as two.
The text is then stored with `\\n` line ends and the positions moved to match.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable

from qualcode.exchange.refi_model import RTextSource

Mapper = Callable[[int], int]


def _squash(text: str) -> str:
    return " ".join(text.split())


def settle(source: RTextSource, origin: str) -> str | None:
    """Rewrite `source` to LF text and matching positions; returns the convention used
    when it is not the plain one (for the import report)."""
    raw = source.text
    bom = raw.startswith("\ufeff")
    if bom:
        raw = raw[1:]
    lf = raw.replace("\r\n", "\n")
    cr_at = [i for i, ch in enumerate(raw) if ch == "\r" and raw[i + 1:i + 2] == "\n"]

    def two(pos: int) -> int:  # positions count "\r\n" as two code points
        return pos - bisect_left(cr_at, pos)

    candidates: list[tuple[str, Mapper]] = [("as written", two if cr_at else (lambda p: p))]
    if cr_at:
        candidates.append(("\\r\\n counted as one character", lambda p: p))
    if bom:
        first = candidates[0][1]
        candidates.append(("positions counting the byte-order mark",
                           lambda p: first(p - 1)))
    default = 1 if cr_at and "atlas" in origin.lower() else 0

    def score(mapper: Mapper) -> int:
        hits = 0
        for sel in source.selections:
            if sel.name:
                s, e = mapper(sel.start), mapper(sel.end)
                hits += 0 <= s <= e <= len(lf) and _squash(lf[s:e]) == _squash(sel.name)
        return hits

    scores = [score(m) for _, m in candidates]
    best = default if scores[default] == max(scores) else scores.index(max(scores))
    label, mapper = candidates[best]
    source.text = lf
    for sel in source.selections:
        sel.start, sel.end = mapper(sel.start), mapper(sel.end)
    return None if label == "as written" else label
