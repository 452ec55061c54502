"""Teammates' work appearing in the open workbench, without the event loop waiting.

Twice a second a thread worker asks the project's watcher (services.live) whether others
committed anything; only then does it read what changed, and it posts one `TeamChanged`
to every screen on the stack, each of which re-reads just what it shows (the quotes
named, or everything after a codebook change) in its own workers. Every few seconds the
same worker writes this coder's presence heartbeat and reads who else is here, for the
footers. A failure here (a dropped server connection) is quiet and retried: live
updates are a convenience, the coder's own work never depends on them.
"""

from __future__ import annotations

import threading
import time
from typing import TYPE_CHECKING

from textual.message import Message

from qualcode.services.live import Seen, Watcher, heartbeat, present

if TYPE_CHECKING:
    from qualcode.tui.app import QualcodeApp

POLL_SECONDS = 0.5
PRESENCE_SECONDS = 10.0


class TeamChanged(Message):
    """Others changed these quotes (or, `everything`, the codebook or the quotes)."""

    def __init__(self, seen: Seen) -> None:
        super().__init__()
        self.quotes, self.everything, self.by = seen.quotes, seen.everything, seen.by


class Live:
    """The app's side of live updates: polled from a thread worker only."""

    def __init__(self, app: QualcodeApp) -> None:
        self.app = app
        self.watcher = Watcher(app.project, app.coder)
        self.others: tuple[str, ...] = ()
        """Who else has the project open now, shown in every footer."""
        self._last_beat = 0.0
        self._lock = threading.Lock()
        self._closed = False

    def poll(self) -> None:
        # Only the reads hold the lock, never a call back into the event loop: `close`
        # runs there, and would wait for a lock held by a thread waiting for it.
        with self._lock:
            if self._closed:
                return
            try:
                seen, others = self._read()
            except Exception:  # noqa: BLE001 - a convenience: never the coder's problem
                return
        try:
            if others is not None and others != self.others:
                self.others = others
                self.app.call_from_thread(self._redraw_footers)
            if seen.changed:
                self._tell(TeamChanged(seen))
        except RuntimeError:  # the app stopped meanwhile
            return

    def _read(self) -> tuple[Seen, tuple[str, ...] | None]:
        seen = self.watcher.poll()
        now = time.monotonic()
        if now - self._last_beat < PRESENCE_SECONDS:
            return seen, None
        self._last_beat = now
        with self.app.project.write() as session:
            heartbeat(session, self.app.coder)
        with self.app.project.read() as session:
            return seen, tuple(present(session, self.app.coder))

    def _redraw_footers(self) -> None:
        """Every footer shows who else is here; they are redrawn, never laid out again."""
        from qualcode.tui.widgets.key_footer import KeyFooter

        for screen in self.app.screen_stack:
            for footer in screen.query(KeyFooter):
                footer.refresh()

    def _tell(self, message: Message) -> None:
        for screen in list(self.app.screen_stack):
            screen.post_message(message)

    def close(self) -> None:
        with self._lock:
            self._closed = True
            self.watcher.close()
