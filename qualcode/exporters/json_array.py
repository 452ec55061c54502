"""JSON as qualcode prints it, and long arrays written a piece at a time.

Every JSON output (`quotes --json`, `report --format json`, `segments --format json`…)
is what `json.dumps(…, indent=2, ensure_ascii=False)` gives, with a final newline, so
that one reader reads them all. orjson writes those bytes ten times faster: the standard
library's C encoder does not indent, and its Python one took longer than the query
(`quotes --json` on 100,000 quotes; `segments` spent 16 of its 23 s in it on a million
codings).
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


def json_bytes(data: Any) -> bytes:
    """`data` as the commands print it: UTF-8 as written (accents kept), two-space
    indents, a final newline."""
    import orjson

    return orjson.dumps(data, option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE
                        | orjson.OPT_NON_STR_KEYS)


def write_array(items: Iterable[Any], sink: BinaryIO) -> int:
    """`items` into `sink` as `json_bytes(list(items))` would write them, CHUNK at a
    time; how many. Each piece is what orjson writes for that slice, its brackets cut:
    they stand alone on their lines, and the items are indented as inside the array.
    The items form no cycle, whether they live to the end (`quotes --json`'s records) or
    are freed piece by piece (a million segments): a collection would free nothing."""
    import orjson

    option = orjson.OPT_INDENT_2 | orjson.OPT_NON_STR_KEYS
    count = 0
    pieces = iter(items)
    with collector_paused():
        while piece := list(islice(pieces, CHUNK)):
            sink.write(b"[\n" if not count else b",\n")
            sink.write(memoryview(orjson.dumps(piece, option=option))[2:-2])  # no "[\n", "\n]"
            count += len(piece)
    sink.write(b"\n]\n" if count else b"[]\n")
    return count
