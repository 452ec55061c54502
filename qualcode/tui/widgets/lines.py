"""One screen line from styled pieces, without Rich's text layout machinery.

The list, the tree and the status line each draw one-line rows: wrapping, justifying
and span bookkeeping are wasted on them, and on a move they were most of the cost
of drawing those rows. Pieces are joined, cut to the width with an ellipsis and
padded, each in its own style over the line's base style.
"""

from __future__ import annotations

from collections.abc import Iterable

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip

Piece = tuple[str, Style | None]
"""Some text and its style over the line's base (None: the base alone)."""

_FLAT = str.maketrans({"\n": " ", "\r": " ", "\t": " "})


def flat(text: str) -> str:
    """Line breaks and tabs as spaces: a row is one line whatever its text holds."""
    return text.translate(_FLAT)


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
