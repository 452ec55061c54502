"""Writing into a compressed stream from a second thread.

zlib, the CRC and the file write all release the GIL, so a zip entry compressed in a
thread of its own takes the deflate time off the thread that makes the text: on a
two-core machine an export is about as long as the slower of the two, not their sum.
"""

from __future__ import annotations

import queue
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import BinaryIO, cast

QUEUED = 4
"""Chunks (a megabyte or two each: `xml_write.FLUSH`, or a slice of quotes'
selections) waiting at most: the memory the two threads share stays under ten
megabytes whichever is faster."""

SWITCH = 0.0005
"""Seconds a thread waits for the GIL before asking for it, while the two run: the
writing thread needs it back for a moment between deflating, checksumming and writing
each chunk, and at the default 5 ms it spent more time waiting for it than deflating."""


class _Behind:
    """What the writing thread sees: `write` hands the bytes over and returns."""

    def __init__(self, chunks: queue.Queue[bytes | None]) -> None:
        self._chunks = chunks
        self.failed: BaseException | None = None

    def write(self, data: bytes) -> int:
        if self.failed is not None:
            raise self.failed
        self._chunks.put(bytes(data))
        return len(data)


@contextmanager
def written_behind(sink: BinaryIO) -> Iterator[BinaryIO]:
    """A file-like object whose writes reach `sink` from another thread, all of them
    before the block exits; an error of that thread is raised in this one."""
    chunks: queue.Queue[bytes | None] = queue.Queue(QUEUED)
    behind = _Behind(chunks)

    def drain() -> None:
        while (chunk := chunks.get()) is not None:
            if behind.failed is None:
                try:
                    sink.write(chunk)
                except BaseException as exc:  # noqa: BLE001 - raised again in the caller
                    behind.failed = exc

    thread = threading.Thread(target=drain, name="qualcode-compress", daemon=True)
    switch = sys.getswitchinterval()
    sys.setswitchinterval(SWITCH)
    thread.start()
    try:
        yield cast(BinaryIO, behind)
    finally:
        chunks.put(None)
        thread.join()
        sys.setswitchinterval(switch)
    if behind.failed is not None:
        raise behind.failed
