"""Writing output files owner-only, atomically: a report of health verbatims is as
sensitive as the project, and a crash must not leave half a file behind."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from qualcode.errors import UserError
from qualcode.i18n import _


def write_owner_only(path: Path, content: str | bytes | Callable[[BinaryIO], None]) -> None:
    """Refuses to write over a database: a project (the open one or another) is never
    replaced by a report, a codebook or an export by a slip of the file name. `content`
    may be a function that writes into the open file, for what is too big to hold."""
    refuse_database(path)
    folder = path.parent if str(path.parent) else Path(".")
    try:
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise UserError(
            _("cannot write here: {strerror}").format(strerror=exc.strerror), path=str(path)
        ) from None
    try:
        with os.fdopen(fd, "wb") as fh:
            if callable(content):
                content(fh)
            else:
                fh.write(content.encode("utf-8") if isinstance(content, str) else content)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise UserError(
            _("cannot write: {strerror}").format(strerror=exc.strerror), path=str(path)
        ) from None


def refuse_database(path: Path) -> None:
    try:
        with path.open("rb") as fh:
            head = fh.read(16)
    except OSError:
        return  # absent or unreadable: nothing to protect here
    if head == b"SQLite format 3\x00":
        raise UserError(_("is a database (a qualcode project?): choose another file name; "
                        "nothing was written"), path=str(path))
