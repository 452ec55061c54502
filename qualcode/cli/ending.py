"""How a command ends: its failure as SPEC's one line on stderr with its exit status, and
its results left to the end of the process. Free of Typer, shared by the whole command
line (`cli.app`) and the quick path (`cli.quick`)."""

from __future__ import annotations

import os
import sys
from typing import Any

from qualcode.errors import UserError
from qualcode.i18n import _


def failure(exc: BaseException) -> tuple[str, int] | None:
    """The line and exit status that tell `exc` to the user; None for a bug that
    `QUALCODE_DEBUG` asks to see whole (the caller lets it through)."""
    if isinstance(exc, UserError):
        return str(exc), 1
    if isinstance(exc, KeyboardInterrupt):
        return _("interrupted; nothing was written by the unfinished action"), 130
    if os.environ.get("QUALCODE_DEBUG"):
        return None
    if "sqlalchemy" in sys.modules:  # only the write path and the server load it
        from sqlalchemy.exc import OperationalError

        if isinstance(exc, OperationalError):
            return _("database error: {error}").format(
                error=str(exc.orig).splitlines()[0]), 1
    return _("internal error ({kind}: {error}); set QUALCODE_DEBUG=1 for details").format(
        kind=type(exc).__name__, error=exc), 1


def say(message: str) -> None:
    """One line on stderr, after the program's name (in any language), secrets masked."""
    from qualcode.config import masked

    print(f"qualcode: {masked(message)}", file=sys.stderr)


def quiet_pipe() -> None:
    """`qualcode quotes | head`: stop quietly when the reader goes, as Unix tools do."""
    import signal

    if hasattr(signal, "SIGPIPE"):
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)


_LEFT_TO_EXIT: list[Any] = []


def left_to_exit(value: Any) -> None:
    """`value` kept to the end of the process, which then ends without Python's teardown
    (see `qualcode.__main__`). For a read command, whose work is whole once its output
    is written (its project read and closed, nothing else open): freeing its results
    one by one, then the interpreter's modules, took 0.045 s of `quotes --json`'s 0.6 s
    at 100k, and 0.04 s of `report`'s 0.15 s on a 1k project. The last value given is
    kept, so that commands run one after another in a process keep no more than one."""
    _LEFT_TO_EXIT[:] = [value]


def ends_at_once() -> bool:
    return bool(_LEFT_TO_EXIT)
