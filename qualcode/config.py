"""Where the project lives and who is coding, resolved the way SPEC says.

Order for the database: `--db`, then `QUALCODE_DB`, then the settings files
(`qualcode.settings`), then `qualcode.db` in the current directory. Order for the coder:
`--coder`, then `QUALCODE_CODER`, then the settings files, then the user a PostgreSQL
URL names, then the login name.
"""

from __future__ import annotations

import os
import re
from urllib.parse import unquote

DEFAULT_DB = "qualcode.db"
RESERVED_CODERS = frozenset({"consensus", "auto"})
"""`consensus` holds adjudicated codings, `auto` machine suggestions: never a person."""


def resolve_coder(coder: str | None, db: str = "") -> str:
    """On a PostgreSQL URL that names its user, that user is the default coder: on a
    team server the connected role is who writes."""
    if coder:
        return coder
    env = os.environ.get("QUALCODE_CODER")
    if env:
        return env
    if db.startswith(("postgresql://", "postgres://")):
        user = db.split("://", 1)[1].split("@", 1)
        if len(user) == 2 and user[0].split(":", 1)[0]:
            return unquote(user[0].split(":", 1)[0])
    import getpass  # it loads termios: only for a coder no setting names

    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry, e.g. in a container
        return "coder"


def is_url(db: str) -> bool:
    return "://" in db


_SECRET = re.compile(r"(\b[a-z][a-z0-9+.-]*://[^\s:/@]*:)[^\s@]+@", re.IGNORECASE)


def masked(text: str) -> str:
    """`text` with the password of any URL in it replaced by `***`: errors, summaries and
    the journal name a team server without ever printing its password."""
    return _SECRET.sub(r"\1***@", text)
