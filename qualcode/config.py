"""Where the project lives and who is coding, resolved the way SPEC says.

Order for the database: `--db`, then `QUALCODE_DB`, then `qualcode.db` in the current
directory. Order for the coder: `--coder`, then `QUALCODE_CODER`, then the login name.
"""

from __future__ import annotations

import getpass
import os

DEFAULT_DB = "qualcode.db"
RESERVED_CODERS = frozenset({"consensus", "auto"})
"""`consensus` holds adjudicated codings, `auto` machine suggestions: never a person."""


def resolve_db(db: str | None) -> str:
    return db or os.environ.get("QUALCODE_DB") or DEFAULT_DB


def resolve_coder(coder: str | None) -> str:
    if coder:
        return coder
    env = os.environ.get("QUALCODE_CODER")
    if env:
        return env
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry, e.g. in a container
        return "coder"


def is_url(db: str) -> bool:
    return "://" in db
