"""Work done once per distinct text, where a large table repeats the same few.

A coded table or segment list of 100,000 quotes repeats its group, speaker, coder and
code names, its participants' attributes and each quote's words from row to row; making
a cell (escaped, made safe, parsed) once per distinct text and reusing it took several
seconds off each export. Only texts are kept: 1 and True are equal as keys but are not
the same cell, so any other value is made each time.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def once_per_text(make: Callable[[object], T]) -> Callable[[object], T]:
    """`make`, remembered for every text it is given."""
    made: dict[str, T] = {}

    def cell(value: object) -> T:
        if not isinstance(value, str):
            return make(value)
        found = made.get(value)
        if found is None:
            found = made[value] = make(value)
        return found

    return cell
