"""The one exception type users see.

Every user-facing failure (bad file, unknown code, locked project…) is raised as a
`UserError` whose message is already the single line the CLI prints: naming the file
and line where there is one. Anything else reaching the top is a bug.
"""

from __future__ import annotations


def toml_error(exc: ValueError, path: str) -> UserError:
    """A TOML file's syntax error as one line with its line number, which Python 3.11's
    `tomllib` gives only inside its message."""
    import re

    from qualcode.i18n import _

    where = re.search(r"line (\d+)", str(exc))
    reason = str(exc).split(" (at ")[0]
    return UserError(_("not valid TOML: {reason}").format(reason=reason), path=path,
                     line=int(where.group(1)) if where else None)


class UserError(Exception):
    """A problem the user can fix; its text is shown as is, on one line."""

    def __init__(self, message: str, *, path: str | None = None, line: int | None = None) -> None:
        where = ""
        if path is not None:
            where = f"{path}:{line}: " if line is not None else f"{path}: "
        from qualcode.config import masked

        # One line whatever the message quotes (a header cell, a file name, a driver's
        # error may hold line breaks), and no password of a URL.
        flat = " ".join(f"{where}{message}".splitlines())
        super().__init__(masked(flat))
        self.path = path
        self.line = line
