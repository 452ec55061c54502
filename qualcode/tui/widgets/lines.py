"""Screen lines from styled pieces of text, without Rich's text layout machinery.

The workbench redraws its panes on every move. Rich's general layout (spans,
justification, renderables within renderables) was most of the cost of a move, and it
breaks lines at the no-break spaces of French typography. A line here is a list of
pieces: text in a style over the line's base style; `strip_of` draws one, `wrap`
fills a paragraph into lines.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from itertools import accumulate

from rich.cells import cell_len, get_character_cell_size, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip

Piece = tuple[str, Style | None]
"""Some text and its style over the line's base (None: the base alone)."""

_FLAT = str.maketrans({"\n": " ", "\r": " ", "\t": " "})


def flat(text: str) -> str:
    """Line breaks and tabs as spaces: a row is one line whatever its text holds."""
    return text.translate(_FLAT)


def fit(text: str, width: int) -> str:
    """The text in exactly `width` cells: padded, or cut with an ellipsis."""
    cells = cell_len(text)
    if cells <= width:
        return text + " " * (width - cells)
    return set_cell_size(text, width - 1) + "…"


def strip_of(pieces: Iterable[Piece], width: int, base: Style) -> Strip:
    """The row drawn by `pieces`, exactly `width` cells wide."""
    segments: list[Segment] = []
    room = width
    for text, style in pieces:
        if not text:
            continue
        look = base + style if style is not None else base
        cells = cell_len(text)
        if cells > room:
            if room > 0:
                segments.append(Segment(set_cell_size(text, room - 1) + "…", look))
            room = 0
            break
        segments.append(Segment(text, look))
        room -= cells
    if room:
        segments.append(Segment(" " * room, base))
    return Strip(segments, width)


def layered(text: str, layers: Sequence[tuple[int, int, Style]],
            style: Style | None = None) -> list[Piece]:
    """The text with each layer's style over the characters start:end it covers; later
    layers lie over earlier ones (segments under search hits under the selection)."""
    cuts = sorted({0, len(text)} | {min(max(p, 0), len(text))
                                    for a, b, _ in layers for p in (a, b)})
    out: list[Piece] = []
    for a, b in zip(cuts, cuts[1:], strict=False):
        look = style
        for start, end, over in layers:
            if start <= a and b <= end:
                look = over if look is None else look + over
        out.append((text[a:b], look))
    return out


_TOKENS = re.compile(r"\n|[ ]+|[^ \n]+")
"""Words, runs of breakable spaces, line breaks. Only plain spaces break a line: the
no-break spaces French puts before ; : ! ? » and after « keep those signs with their
word (Rich breaks at them, leaving a `?` alone at the start of a line)."""


def wrap(pieces: Sequence[Piece], width: int) -> list[list[Piece]]:
    """The pieces filled into lines of `width` cells, word by word.

    A word longer than a line starts a line and is cut where it ends. Spaces at a
    soft break are dropped; line breaks in the text are kept, tabs become spaces.
    """
    pieces = [(text.replace("\t", " ").replace("\r", ""), style) for text, style in pieces]
    plain = "".join(text for text, _ in pieces)
    starts = list(accumulate((len(text) for text, _ in pieces), initial=0))

    def part(a: int, b: int) -> list[Piece]:
        """The pieces' slices covering plain[a:b], each in its own style."""
        out: list[Piece] = []
        i = bisect_right(starts, a) - 1
        while a < b:
            text, style = pieces[i]
            end = min(b, starts[i + 1])
            if end > a:
                out.append((text[a - starts[i]:end - starts[i]], style))
                a = end
            i += 1
        return out

    ranges: list[tuple[int, int]] = []
    start = end = 0  # the line being filled is plain[start:end]
    room = width
    for match in _TOKENS.finditer(plain):
        token, (a, b) = match.group(), match.span()
        cells = cell_len(token)
        if token == "\n" or (token[0] == " " and cells > room):  # spaces at a break go
            ranges.append((start, end))
            start = end = b
            room = width
            continue
        if token[0] != " " and cells > room and end > start:  # the word to the next line
            ranges.append((start, end))
            start = end = a
            room = width
        while cells > room:  # longer than a line: cut where the line ends
            cut = max(a + 1, a + _fitting(plain[a:b], room))
            if cut >= b:  # one wide character on a line too narrow for it
                break
            ranges.append((start, cut))
            start = end = a = cut
            room, cells = width, cell_len(plain[cut:b])
        end = b
        room -= cells
    ranges.append((start, end))
    return [part(a, b) for a, b in ranges]


def _fitting(text: str, room: int) -> int:
    """How many of the text's characters fit in `room` cells."""
    used = 0
    for n, char in enumerate(text):
        used += get_character_cell_size(char)
        if used > room:
            return n
    return len(text)
