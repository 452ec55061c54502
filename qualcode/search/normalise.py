"""Folding text for matching: what a researcher typing fast without accents means.

`fold("Sécurité des Données")` gives `"securite des donnees"`: case folded, accents
and ligatures dropped (œ → oe), typographic apostrophes and dashes made plain,
whitespace collapsed. Stored texts are never folded, only compared through this.

Folding is done one character at a time through a table filled on first sight of
each character: decomposition, accent stripping and case folding never look across
characters once accents are gone, so this equals folding the whole string, and a
100,000-quote project folds in a fraction of the time. The same table gives, for
highlighting, where each folded character came from in the original text.
"""

from __future__ import annotations

import re
import unicodedata

_SPECIAL = {
    "\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'",
    "\u2013": "-", "\u2014": "-", "\u2011": "-",
    "\u00a0": " ", "\u202f": " ", "\u2009": " ",
    "œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ß": "ss",
}
WORD = re.compile(r"\w+")
"""A word of folded text: what search and suggestions compare."""


def _fold_char(ch: str) -> str:
    decomposed = unicodedata.normalize("NFKD", _SPECIAL.get(ch, ch))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


class _Table(dict[int, str]):
    """`str.translate` table computing each character's folding once."""

    def __missing__(self, code: int) -> str:
        folded = self[code] = _fold_char(chr(code))
        if len(folded) != 1:
            _UNEVEN.add(chr(code))
        return folded


_TABLE = _Table()
_UNEVEN: set[str] = set()
"""Characters seen so far that do not fold to exactly one character (œ, accents alone)."""


def fold(text: str) -> str:
    return " ".join(text.translate(_TABLE).split())


def fold_with_offsets(text: str, folded: str | None = None) -> tuple[str, list[int]]:
    """`fold(text)` (pass it as `folded` when known) and, for each of its characters,
    its index in `text`.

    A folded span `[a, b)` covers the original `[offsets[a], offsets[b - 1] + 1)`.
    Most characters fold to exactly one: only the others (œ, "…", runs of spaces)
    are looked at one by one.
    """
    folded = fold(text) if folded is None else folded
    if text[:1].isspace() or text[-1:].isspace():
        return folded, _offsets_slowly(text)
    out: list[str] = []
    offsets: list[int] = []
    last = 0
    for match in _odd_characters().finditer(text):
        start, end = match.span()
        out.append(text[last:start].translate(_TABLE))
        offsets += range(last, start)
        if match.group().isspace():
            if not text[end:end + 1].isspace():  # the last of a run of spaces stays
                out.append(" ")
                offsets.append(start)
        else:
            piece = _TABLE[ord(match.group())]
            out.append(piece)
            offsets += [start] * len(piece)
        last = end
    out.append(text[last:].translate(_TABLE))
    offsets += range(last, len(text))
    if "".join(out) == folded:
        return folded, offsets
    return folded, _offsets_slowly(text)


def _odd_characters() -> re.Pattern[str]:
    """What does not fold one for one: whitespace other than a single space, and
    the characters of `_UNEVEN`."""
    if _ODD[0] != len(_UNEVEN):
        chars = "".join(re.escape(c) for c in sorted(_UNEVEN))
        _ODD[:] = [len(_UNEVEN), re.compile(r"[^\S ]| (?=\s)" + (f"|[{chars}]" if chars else ""))]
    pattern = _ODD[1]
    assert isinstance(pattern, re.Pattern)
    return pattern


_ODD: list[object] = [-1, None]


def _offsets_slowly(text: str) -> list[int]:
    """Character by character: for texts where folding joins characters across spaces
    (a lone accent "´" folds to a space next to another)."""
    offsets: list[int] = []
    space = True  # drops leading whitespace and collapses runs
    for index, ch in enumerate(text):
        for c in _TABLE[ord(ch)]:
            if c.isspace() and space:
                continue
            space = c.isspace()
            offsets.append(index)
    if space and offsets:
        offsets.pop()  # the trailing space
    return offsets


def original_span(offsets: list[int], start: int, end: int) -> tuple[int, int]:
    """The original-text span of the folded span `[start, end)`."""
    return offsets[start], offsets[end - 1] + 1
