"""Seeing a teammate's work as it happens, cheaply enough to ask twice a second.

Every user action writes one journal event in its own transaction (services.events), so
"did anyone else change the project?" is "are there events by others after the last one
I saw?". Asking the database that every half second would cost a query each time; the
watcher first asks the backend whether anything was committed at all:

- SQLite: `PRAGMA data_version` on a connection of the watcher's own changes whenever
  another connection commits to the file, and costs no read of the data.
- PostgreSQL: each event also sends `NOTIFY` from the same transaction (so it is
  delivered only if that transaction commits); the watcher `LISTEN`s on a connection of
  its own and drains notifications without waiting.

Only then are the new events read, to say which quotes changed (or that the codebook
did, which touches every quote). Who else is working now comes from a heartbeat each
open workbench writes in `meta` (`presence:<coder>` = the time), read with the events.
The watcher does blocking I/O: a UI calls it from a worker thread, never its event loop.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import text as sql
from sqlmodel import Session, col, select

from qualcode.db.engine import Project
from qualcode.db.models import Event, Meta
from qualcode.services.events import CHANGES_CHANNEL as CHANNEL

PRESENCE = "presence:"
AWAY_AFTER = timedelta(seconds=30)
"""A workbench whose heartbeat is older than this is taken as closed."""


@dataclass(frozen=True)
class Seen:
    """What others changed since the last look."""

    quotes: frozenset[int] = frozenset()
    everything: bool = False
    """A codebook or import change: every shown quote may differ."""
    by: tuple[str, ...] = ()
    """Who made those changes."""

    @property
    def changed(self) -> bool:
        return self.everything or bool(self.quotes)


@dataclass
class Watcher:
    project: Project
    me: str
    _last_event: int = 0
    _sqlite: sqlite3.Connection | None = None
    _listener: Any = None
    _version: int | None = None
    _started: bool = False

    def start(self) -> None:
        """Remember where the journal stands now; only later changes are news."""
        with self.project.read() as session:
            self._last_event = int(session.execute(
                sql("SELECT COALESCE(MAX(id), 0) FROM event")).scalar_one())
        if self.project.is_sqlite:
            assert self.project.path is not None
            self._sqlite = sqlite3.connect(f"file:{self.project.path}?mode=ro", uri=True,
                                           check_same_thread=False)
            self._version = self._data_version()
        else:
            import psycopg

            url = self.project.engine.url.set(drivername="postgresql")
            self._listener = psycopg.connect(url.render_as_string(hide_password=False),
                                             autocommit=True)
            self._listener.execute(f"LISTEN {CHANNEL}")
        self._started = True

    def _data_version(self) -> int:
        assert self._sqlite is not None
        return int(self._sqlite.execute("PRAGMA data_version").fetchone()[0])

    def _committed_since(self) -> bool:
        """Has anyone committed since the last look? Costs no read of the data."""
        if self._sqlite is not None:
            version = self._data_version()
            moved, self._version = version != self._version, version
            return moved
        drained = list(self._listener.notifies(timeout=0))
        return bool(drained)

    def poll(self) -> Seen:
        if not self._started:
            self.start()
        if not self._committed_since():
            return Seen()
        with self.project.read() as session:
            rows = session.exec(select(Event).where(col(Event.id) > self._last_event)
                                .order_by(col(Event.id))).all()
        if rows:
            self._last_event = int(rows[-1].id or 0)
        theirs = [e for e in rows if e.coder != self.me]
        quotes = frozenset(int(e.payload["quote_id"]) for e in theirs
                           if "quote_id" in e.payload)
        everything = any("quote_id" not in e.payload for e in theirs)
        return Seen(quotes=quotes, everything=everything,
                    by=tuple(dict.fromkeys(e.coder for e in theirs)))

    def close(self) -> None:
        if self._sqlite is not None:
            self._sqlite.close()
        if self._listener is not None:
            self._listener.close()


def heartbeat(session: Session, coder: str) -> None:
    """Say this coder has the workbench open (call every few seconds)."""
    now = datetime.now(UTC).isoformat(timespec="seconds")
    key = PRESENCE + coder
    row = session.get(Meta, key)
    if row is None:
        session.add(Meta(key=key, value=now))
    else:
        row.value = now
        session.add(row)


def present(session: Session, me: str) -> list[str]:
    """Others whose workbench is open now, by name."""
    horizon = datetime.now(UTC) - AWAY_AFTER
    rows = session.execute(sql("SELECT key, value FROM meta WHERE key LIKE :p"),
                           {"p": PRESENCE + "%"}).all()
    out = []
    for key, value in rows:
        name = key[len(PRESENCE):]
        try:
            seen = datetime.fromisoformat(value)
        except ValueError:
            continue
        if name != me and seen >= horizon:
            out.append(name)
    return sorted(out)
