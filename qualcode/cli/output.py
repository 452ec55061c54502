"""Where the output commands write: never over a project, and over another existing file
only by choice (`--force`, or yes to the question on a terminal)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, BinaryIO

import typer

from qualcode.i18n import N_, _

Force = Annotated[bool, typer.Option(
    "--force", help=N_("Replace the output file if it exists (never a project: refused)."))]


def write_output(path: Path, content: str | bytes | Callable[[BinaryIO], None], *,
                 force: bool) -> None:
    """Owner-only and atomic (see `exporters.files`), after the overwrite check."""
    from qualcode.exporters.files import write_owner_only

    check_output(path, force=force)
    write_owner_only(path, content)


def check_output(path: Path, *, force: bool) -> None:
    """Before anything is computed (an export also writes GUIDs into the project)."""
    from qualcode.errors import UserError
    from qualcode.exporters.files import refuse_database

    refuse_database(path)
    if path.exists() and not force:
        if not (sys.stdin.isatty() and sys.stderr.isatty()):
            raise UserError(_("exists: add --force to replace it (nothing was written)"),
                            path=str(path))
        if not typer.confirm(_("{path} exists: replace it?").format(path=path), default=False,
                             err=True):
            raise UserError(_("kept as it was (nothing was written)"), path=str(path))
