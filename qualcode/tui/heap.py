"""Python's garbage collector, kept out of the way of the keys.

With a 100,000-quote project open, a collection of every generation walked every
live object: 110-130 ms, a frozen screen every 70 moves or so. Once the project is
loaded, what survived is frozen (`gc.freeze`): such objects are still freed when no
longer used, and only a reference cycle among them waits for the app to end. Since
then a move still left the old generation some 60-90 ms of objects to walk a few
times per thousand moves (texts read ahead, drawn lines kept), so the old
generation is now collected when the user has left the keys alone for a second, and
only very rarely otherwise. The youngest generation is collected every 3,000 new
objects rather than every 700 (a move paid for one or two collections of 0.6 ms),
but not much less often: at 10,000, the middle generation grew to 30 ms a collection.
On the harness project, 1,000 moves then held the event loop past a frame once (20 ms),
against eight times (up to 48 ms) before.
"""

from __future__ import annotations

import gc
import time

YOUNG_OBJECTS = 3_000
"""New objects between two collections of the youngest generation, once loaded."""
OLD_RARELY = 1_000
"""Collections of the middle generation before Python itself collects the oldest: a
safety net for a session without a pause (Python's own default is 10)."""
IDLE_SECONDS = 1.0
"""Time without a key or a click after which the oldest generation is collected."""


class QuietHeap:
    """When the collector runs, for one app: freeze once loaded, collect old objects
    when idle, and put Python's settings back when the app ends."""

    def __init__(self) -> None:
        self._thresholds: tuple[int, int, int] | None = None
        """Python's thresholds before `settle` changed them (None: not settled)."""
        self._last_input = time.monotonic()

    def settle(self) -> None:
        """Collect once and freeze what survived: the project just loaded."""
        gc.collect()
        gc.freeze()
        if self._thresholds is None:
            self._thresholds = gc.get_threshold()
            gc.set_threshold(YOUNG_OBJECTS, self._thresholds[1], OLD_RARELY)

    def touched(self) -> None:
        """A key or a click: the user is at work."""
        self._last_input = time.monotonic()

    def tick(self) -> bool:
        """Called every second or so: collect the old generation if the user is idle
        and some collections have moved objects into it since. True if it did."""
        if (self._thresholds is None or gc.get_count()[2] == 0
                or time.monotonic() - self._last_input < IDLE_SECONDS):
            return False
        gc.collect()
        return True

    def restore(self) -> None:
        gc.unfreeze()
        if self._thresholds is not None:
            gc.set_threshold(*self._thresholds)
            self._thresholds = None
