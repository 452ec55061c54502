"""The one exception type users see.

Every user-facing failure (bad file, unknown code, locked project…) is raised as a
`UserError` whose message is already the single line the CLI prints: naming the file
and line where there is one. Anything else reaching the top is a bug.
"""

from __future__ import annotations


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
