"""`qualcode backup`: a consistent, owner-only copy of a project others keep coding in.

On SQLite the copy comes from SQLite's online backup API (one snapshot, writers carry
on) and is reopened as a project before it is reported, so a backup that would not
open is never announced as one. On PostgreSQL the server's own tool is the right
one: the command to run is given instead of a home-made dump.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from sqlalchemy import text

from qualcode.config import is_url
from qualcode.db import sqlite as sqlite_db
from qualcode.db.engine import open_project
from qualcode.errors import UserError
from qualcode.i18n import _


@dataclass(frozen=True)
class BackupSummary:
    path: Path
    quotes: int
    codings: int
    events: int

    def line(self) -> str:
        return (_("backed up to {path} (owner-only): {quotes} quotes, {codings} codings, "
                  "{events} journal entries").format(
                    path=self.path, quotes=self.quotes, codings=self.codings, events=self.events))


def backup(db: str, target: Path) -> BackupSummary:
    """Copy the project at `db` (path or URL) to `target`, which must not exist yet."""
    if is_url(db):
        raise UserError(_("on PostgreSQL, back up with: {pg_dump_command}").format(
                            pg_dump_command=pg_dump_command(db, target)))
    if target.exists() and target.resolve() == Path(db).resolve():
        raise UserError(_("the backup cannot be the project itself"), path=str(target))
    project = open_project(db)
    try:
        sqlite_db.backup_to(project.engine, target)
    finally:
        project.close()
    copy = open_project(str(target), warn=False)
    try:
        with copy.read() as session:
            quotes, codings, events = session.execute(text(
                "SELECT (SELECT COUNT(*) FROM quote), (SELECT COUNT(*) FROM coding), "
                "(SELECT COUNT(*) FROM event)")).one()
    finally:
        copy.close()
    return BackupSummary(target, int(quotes), int(codings), int(events))


def pg_dump_command(url: str, target: Path) -> str:
    """The documented PostgreSQL backup, without the password (pg_dump asks for it)."""
    parts = urlsplit(url.replace("postgresql+psycopg://", "postgresql://", 1))
    host = parts.hostname or ""
    netloc = (f"{parts.username}@" if parts.username else "") + host + (
        f":{parts.port}" if parts.port else "")
    clean = urlunsplit(("postgresql", netloc, parts.path, parts.query, ""))
    return f"(umask 077; pg_dump --format=custom --file={target} '{clean}')"
