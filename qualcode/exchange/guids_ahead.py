"""GUIDs made ahead, in a forked process, on the core the export's own thread leaves.

An export hashes two million GUIDs and its main thread is the one that sets its pace
(the compressing thread waits for it); the codings' GUIDs depend on nothing but their
ids, so a child process makes them all while the parent writes the Cases, and leaves
them in a temporary file, 37 bytes an id, that the parent reads once when the Sources
need them. Where `os.fork` is missing, or the child fails, they are made in process.
"""

from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import Callable
from itertools import repeat
from operator import add, mul

from qualcode.exchange.guids import guid_lines, split_lines

CHUNK = 50_000
"""GUIDs the child makes and writes at a time: its memory stays a few megabytes."""
_SIZE = 37
"""A GUID and its newline."""


def forks() -> bool:
    return hasattr(os, "fork")


class Ahead:
    """`guid_bytes(namespace, kind, ids)` for ids 0 to `top`, made by a child process
    from the moment this is made; `of` waits for it the first time."""

    def __init__(self, namespace: uuid.UUID, kind: str, top: int) -> None:
        self._make: Callable[[list[int]], bytes] = (
            lambda ids: guid_lines(namespace, kind, ids))
        self._top = top
        self._made: bytes | None = None
        self._file = tempfile.TemporaryFile()
        self._pid = os.fork() if forks() else -1
        if self._pid == 0:  # the child: make, write, leave without running the parent's exit
            try:
                for start in range(0, top + 1, CHUNK):
                    self._file.write(self._make(list(range(start, min(start + CHUNK, top + 1))))
                                     + b"\n")
                self._file.flush()
            finally:
                os._exit(0 if self._file.tell() == _SIZE * (top + 1) else 1)

    def _ready(self) -> bytes | None:
        if self._pid > 0:
            _pid, status = os.waitpid(self._pid, 0)
            self._pid = -1
            if status == 0:
                self._file.seek(0)
                self._made = self._file.read()  # kept as bytes: half the memory of text
            self._file.close()
        return self._made

    def run(self, first: int, count: int) -> bytes | None:
        """The GUIDs of ids `first` to `first + count - 1`, one a line, as the child
        left them (one slice, no object per GUID); None if it made none."""
        made = self._ready()
        if made is None or first < 0 or first + count - 1 > self._top:
            return None
        return made[_SIZE * first:_SIZE * (first + count) - 1]

    def of(self, ids: list[int]) -> list[bytes]:
        made = self._ready()
        if made is None or not ids or max(ids) > self._top or min(ids) < 0:
            return split_lines(self._make(ids))
        first = ids[0]
        if ids[-1] - first == len(ids) - 1 and ids == list(range(first, first + len(ids))):
            return made[_SIZE * first:_SIZE * (first + len(ids)) - 1].split(b"\n")
        starts = list(map(mul, ids, repeat(_SIZE)))
        return list(map(made.__getitem__, map(slice, starts, map(
            add, starts, repeat(_SIZE - 1)))))
