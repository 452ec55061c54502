"""GUIDs made ahead, in a forked process, on the core the export's own thread leaves.

An export hashes two million GUIDs and its main thread is the one that sets its pace
(the compressing thread waits for it); the codings' GUIDs depend on nothing but their
ids, so a child process makes them all while the parent writes the Cases, and writes
them in id order to a temporary file, 37 bytes an id, from which the parent reads
the ids it needs as soon as the child has reached them (the Cases ask for them in
roughly increasing order). Where `os.fork` is missing, or the child fails before
reaching an id, they are made in process.
"""

from __future__ import annotations

import os
import tempfile
import time
import uuid
from collections.abc import Callable
from itertools import repeat
from operator import add, mul, sub

from qualcode.exchange.guids import LINE, guid_lines, split_lines

CHUNK = 50_000
"""GUIDs the child makes and writes at a time: its memory stays a few megabytes."""
POLL = 0.001
"""Seconds between two looks at how far the child has written."""
WINDOW = 1 << 20
"""Bytes of the file read at once and kept for the next asks (a case's quotes are
asked for one at a time, in increasing order: one read for thousands of them)."""


def forks() -> bool:
    return hasattr(os, "fork")


class Ahead:
    """`guid_bytes(namespace, kind, ids)` for ids 0 to `top`, made by a child process
    from the moment this is made; `of` and `run` wait for it to reach their ids."""

    def __init__(self, namespace: uuid.UUID, kind: str, top: int) -> None:
        self._make: Callable[[list[int]], bytes] = (
            lambda ids: guid_lines(namespace, kind, ids))
        self._top = top
        self._file = tempfile.TemporaryFile()
        self._written = 0
        """Bytes of the file the child has written, as last seen."""
        self._window, self._window_at = b"", 0
        """The bytes last read, and where in the file they start."""
        self._pid = os.fork() if forks() else -1
        if self._pid == 0:  # the child: make, write, leave without running the parent's exit
            try:
                for start in range(0, top + 1, CHUNK):
                    self._file.write(self._make(list(range(start, min(start + CHUNK, top + 1))))
                                     + b"\n")
                    self._file.flush()
            finally:
                os._exit(0 if self._file.tell() == LINE * (top + 1) else 1)

    def _lines(self, first: int, last: int) -> bytes | None:
        """The lines of ids `first` to `last`, each with its newline, once the child has
        written them; None if it never will (it failed, or there is none)."""
        if first < 0 or last > self._top:
            return None
        needed = LINE * (last + 1)
        while self._written < needed:
            if self._pid <= 0:
                return None
            ended, _status = os.waitpid(self._pid, os.WNOHANG)
            self._written = os.fstat(self._file.fileno()).st_size  # all of it once ended
            if ended:
                self._pid = -1  # a failed child's lines are right as far as they go
            elif self._written < needed:
                time.sleep(POLL)
        start, at = LINE * first, self._window_at
        if start < at or needed > at + len(self._window):
            self._window_at = at = start
            self._window = os.pread(self._file.fileno(),
                                    max(needed, min(start + WINDOW, self._written)) - start, start)
        return self._window[start - at:needed - at]

    def run(self, first: int, count: int) -> bytes | None:
        """The GUIDs of ids `first` to `first + count - 1`, one a line, as the child
        wrote them (one read, no object per GUID); None if it did not."""
        lines = self._lines(first, first + count - 1)
        return lines[:-1] if lines is not None else None

    def of(self, ids: list[int]) -> list[bytes]:
        lines = self._lines(min(ids), max(ids)) if ids else None
        if lines is None:
            return split_lines(self._make(ids))
        first = min(ids)
        if ids[0] == first and ids == list(range(first, first + len(ids))):
            return lines[:-1].split(b"\n")
        starts = list(map(mul, map(sub, ids, repeat(first)), repeat(LINE)))
        return list(map(lines.__getitem__, map(slice, starts, map(
            add, starts, repeat(LINE - 1)))))
