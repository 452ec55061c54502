"""JSON as qualcode prints it, and long arrays written a piece at a time.

Every JSON output (`quotes --json`, `report --format json`, `segments --format json`…)
is what `json.dumps(…, indent=2, ensure_ascii=False)` gives, with a final newline, so
that one reader reads them all. Small outputs are written by the standard library
itself. Large ones by orjson, which writes the same bytes ten times faster (the
standard library's C encoder does not indent, and its Python one took longer than the
query: `quotes --json` on 100,000 quotes; `segments` spent 16 of its 23 s in it on a
million codings), but costs 14 ms to import (it loads `dataclasses`, `uuid` and
`datetime` for the types it knows): more than the Python encoder takes for the
demo's report (3 ms) or 1,000 quotes (10 ms). The two differ only in how they write
a float below 1e-4 (`1e-05` against `0.00001`), the same number.

A record (`QuoteView`) is written as its attributes, in order: both encoders are given
`vars` for what they do not know.
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import islice
from typing import Any, BinaryIO

from qualcode.services.collector import collector_paused

CHUNK = 500
"""Items of a long array written at a time: 50 MB written at once (`quotes --json` at
100k) were 12,000 fresh pages to fault in, twice (orjson's buffer, then its copy); in
pieces of 500 quotes (0.5 MB) the same memory serves each piece, where pieces of 2,000
still faulted in 7,000 pages, not 3,900. A streamed array (a million segments) is never
whole in memory."""
SMALL = 20_000
"""Values (strings, numbers, containers) up to which the standard library writes the
JSON: the Python encoder writes about 2,000 values a millisecond here, so up to this
it takes less time than importing orjson."""


def json_bytes(data: Any) -> bytes:
    """`data` as the commands print it: UTF-8 as written (accents kept), two-space
    indents, a final newline."""
    if _small(data):
        return _standard(data).encode()
    import orjson

    return orjson.dumps(data, default=vars, option=orjson.OPT_INDENT_2
                        | orjson.OPT_APPEND_NEWLINE | orjson.OPT_NON_STR_KEYS)


def write_array(items: Iterable[Any], sink: BinaryIO) -> int:
    """`items` into `sink` as `json_bytes(list(items))` would write them, CHUNK at a
    time; how many. Each piece is what orjson writes for that slice, its brackets cut:
    they stand alone on their lines, and the items are indented as inside the array.
    The items form no cycle, whether they live to the end (`quotes --json`'s records) or
    are freed piece by piece (a million segments): a collection would free nothing."""
    pieces = iter(items)
    piece = list(islice(pieces, CHUNK))
    if len(piece) < CHUNK and _small(piece):
        sink.write(_standard(piece).encode())
        return len(piece)
    import orjson

    option = orjson.OPT_INDENT_2 | orjson.OPT_NON_STR_KEYS
    count = 0
    with collector_paused():
        while piece:
            sink.write(b"[\n" if not count else b",\n")
            sink.write(memoryview(orjson.dumps(piece, default=vars,
                                               option=option))[2:-2])  # no "[\n", "\n]"
            count += len(piece)
            piece = list(islice(pieces, CHUNK))
    sink.write(b"\n]\n" if count else b"[]\n")
    return count


def _standard(data: Any) -> str:
    import json

    return json.dumps(data, default=vars, indent=2, ensure_ascii=False) + "\n"


def _small(data: Any) -> bool:
    """Whether `data` holds at most SMALL values; counting stops once it is over."""
    budget = SMALL
    stack = [data]
    while stack:
        value = stack.pop()
        if hasattr(value, "__dict__"):
            value = vars(value)
        if isinstance(value, dict | list | tuple):
            budget -= len(value)
            if budget < 0:
                return False
            stack.extend(value.values() if isinstance(value, dict) else value)
    return True
