"""A progress bar for long actions: on stderr, only on a terminal, only when it is slow.

A bar that flashes for a tenth of a second is noise, and one written into a pipe or a
log file is garbage; so it appears only once the action has run for `delay` seconds,
and never when stderr is not a terminal.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any


@contextmanager
def progress_bar(description: str, total: int, *,
                 delay: float = 0.5) -> Iterator[Callable[..., None]]:
    """Yields `advance(*_)`: call it once per unit of work done."""
    started = time.monotonic()
    done = 0
    bar: Any = None
    task: Any = None

    def advance(*_: object) -> None:
        nonlocal done, bar, task
        done += 1
        if bar is None and sys.stderr.isatty() and time.monotonic() - started > delay:
            from rich.console import Console
            from rich.progress import Progress

            bar = Progress(console=Console(stderr=True), transient=True)
            bar.start()
            task = bar.add_task(description, total=total, completed=done)
        elif bar is not None:
            bar.update(task, completed=done)

    try:
        yield advance
    finally:
        if bar is not None:
            bar.stop()
