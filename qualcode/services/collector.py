"""Pausing Python's cyclic garbage collector while a command builds what it keeps.

Reading a large project makes hundreds of thousands of rows, strings and records that
live until the output is written and form no cycle. Each collection their allocation
sets off scans every live container and frees nothing: at 100,000 quotes that was a
tenth of `quotes --json`. Memory is still freed by reference counts meanwhile.

What was made inside still counts as young when the collector resumes, so the first
allocation after set off a collection of all of it: 45 ms for `quotes --json` at 100k,
freeing nothing. Leaving the pause, it is moved to the oldest generation (`gc.freeze`
then `gc.unfreeze`: two list splices), as if it had survived collections already.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """No cyclic collection inside; the collector is left as it was found (a caller
    that already paused it keeps it paused), what was made inside counted as old."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.freeze()
            gc.unfreeze()
            gc.enable()
