"""`python -m qualcode` and the `qualcode` program.

`qualcode --version` is answered here, before the command line is loaded: Typer and the
command tree take 80 ms to load, four times a bare Python start, and a script that only
asks which qualcode it runs should not wait for them. The read commands (`quotes`,
`segments`, `report`, `search`, `agreement`), `init` and `import`, as scripts call them,
are run without Typer either (`cli.quick`). Anything else, an error included, goes to
the whole command line, so it is parsed and reported exactly as before.

A command may leave its results to the process's end (`cli.ending.left_to_exit`): once it
has succeeded, the process then ends without Python's teardown. This is done here, in
the process's own entry, not in `cli.main`, which a script may call more than once.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

ROOT_VALUES = ("--db", "--coder", "--lang")
"""The root options that take a value (tests hold this against the command line's)."""


def only_version(args: Sequence[str]) -> bool:
    """Whether `args` are root options that parse, one of them `--version`, and no
    command: what the root callback answers with the version alone."""
    asked, rest = False, list(args)
    while rest:
        arg = rest.pop(0)
        if arg == "--version":
            asked = True
        elif arg in ROOT_VALUES:
            if not rest:
                return False  # a missing value is the command line's error to report
            rest.pop(0)
        elif arg.partition("=")[0] not in ROOT_VALUES:
            return False
    return asked


def main() -> None:
    args = sys.argv[1:]
    if only_version(args):
        from qualcode import version_line

        print(version_line())
        return
    from qualcode.cli.quick import run

    status = run(args)
    if status is not None:
        _end(status)
        sys.exit(status)
    from qualcode.cli.whole import main as whole

    try:
        whole()
    except SystemExit as done:
        _end(done.code)
        raise


def _end(status: object) -> None:
    """Once a command has succeeded, its output written and its project closed: the
    process ends at once when the command left its results to it."""
    from qualcode.cli.ending import ends_at_once

    if status in (None, 0) and ends_at_once():
        import os

        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(0)


if __name__ == "__main__":
    main()
