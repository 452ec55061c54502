"""The coding workbench: a Textual app over one open project, for one coder.

Every change is one transaction run in a thread worker; the screen changes only once
the write has committed and the worker has posted the stored result back, so what is
on screen is always already on disk. Writes are queued and run one at a time in the
order the keys were pressed.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from functools import partial
from typing import TYPE_CHECKING, ClassVar

from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session
from textual import events, work
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.message_pump import MessagePump
from textual.notifications import SeverityLevel
from textual.screen import Screen

from qualcode.db.engine import Project
from qualcode.errors import UserError
from qualcode.i18n import N_, _
from qualcode.tui.heap import IDLE_SECONDS, QuietHeap
from qualcode.tui.live import POLL_SECONDS, Live
from qualcode.tui.messages import WriteFailed

if TYPE_CHECKING:
    from qualcode.search.suggest import KeptSuggester

Job = Callable[[Session], Message | None]
"""One user action: runs inside `Project.write()`, returns the reply to post after commit."""


class QualcodeApp(App[None]):
    CSS_PATH = "workbench.tcss"
    TITLE = "qualcode"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit", N_("Quit"), id="quit"),
    ]

    def __init__(self, project: Project, coder: str) -> None:
        super().__init__()
        self.project = project
        self.coder = coder
        self._jobs: deque[tuple[Job, MessagePump]] = deque()
        self._write_lock = threading.Lock()
        self._reads: dict[object, Callable[[], None]] = {}
        self._reads_lock = threading.Lock()
        self.heap = QuietHeap()
        """Settled by the worker that loads the project (see `tui.heap`)."""
        self.live = Live(self)
        self._polling = False
        """Teammates' changes and presence (see `tui.live`)."""
        self._suggester: KeptSuggester | None = None
        self.keys: dict[str, str] = {}
        """The workbench's changed keys, by action (the settings' `[keys]`)."""

    @property
    def suggester(self) -> KeptSuggester:
        """Suggestions trained on the project's coding, kept between quotes and screens
        (the suggestions screen and the "most informative" order share it); made on first
        use, so a session that never asks pays nothing."""
        if self._suggester is None:
            from qualcode.search.suggest import KeptSuggester

            self._suggester = KeptSuggester()
        return self._suggester

    @contextmanager
    def interruptible(self, session: Session) -> Iterator[None]:
        """A long background read (the counts of a big project) that quitting interrupts.

        Without it, leaving the workbench in its first seconds would wait for the
        read to finish: Python joins worker threads before the process ends.
        """
        raw = session.connection().connection.dbapi_connection
        stop = getattr(raw, "interrupt", None) or getattr(raw, "cancel", None)
        token = object()
        if stop is not None:
            with self._reads_lock:
                self._reads[token] = stop
        try:
            yield
        finally:
            with self._reads_lock:
                self._reads.pop(token, None)

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.InputEvent):
            self.heap.touched()
        await super().on_event(event)

    def on_unmount(self) -> None:
        self.heap.restore()
        self.live.close()
        with self._reads_lock:
            for stop in self._reads.values():
                stop()
            self._reads.clear()

    def on_mount(self) -> None:
        from qualcode.tui.screens.coding import CodingScreen

        self.set_interval(IDLE_SECONDS, self.heap.tick)
        self.set_interval(POLL_SECONDS, self._poll_team)
        self.push_screen(CodingScreen())

    def _poll_team(self) -> None:
        """One poll at a time; a slow one is let finish, never cancelled by the next."""
        if not self._polling:
            self._polling = True
            self._poll_worker()

    @work(thread=True, group="live", exit_on_error=False)
    def _poll_worker(self) -> None:
        try:
            self.live.poll()
        finally:
            self._polling = False

    def submit(self, job: Job, reply_to: MessagePump) -> None:
        """Queue a write; its reply goes to `reply_to` once committed."""
        self._jobs.append((job, reply_to))
        self._run_next_job()

    @work(thread=True, group="writes", exit_on_error=False)
    def _run_next_job(self) -> None:
        # Each worker takes the oldest job under the lock, so writes run in key order
        # whichever thread happens to start first.
        with self._write_lock:
            job, reply_to = self._jobs.popleft()
            try:
                with self.project.write() as session:
                    reply = job(session)
            except UserError as exc:
                reply_to.post_message(WriteFailed(str(exc)))
                return
            except SQLAlchemyError as exc:
                reply_to.post_message(WriteFailed(_("not saved: {reason}").format(
                    reason=str(exc).splitlines()[0])))
                return
            if reply is not None:
                reply_to.post_message(reply)

    def notify(self, message: str, *, title: str = "", severity: SeverityLevel = "information",
               timeout: float | None = None, markup: bool = True) -> None:
        """Said in the status line of the nearest screen that has one, not in a toast: a
        toast lies over the text being read (the quote, the review, the help)."""
        for screen in reversed(self.screen_stack):
            say = getattr(screen, "say", None)
            if callable(say):
                say(message, severity)
                return
        super().notify(message, title=title, severity=severity, timeout=timeout,
                       markup=markup)

    async def action_quit(self) -> None:
        """Quit, keeping the coder's place (quote and filters) for next time."""
        from qualcode.services.places import save_place

        for screen in self.screen_stack:
            place = getattr(screen, "place", None)
            if callable(place) and getattr(screen, "bench", None) is not None:
                try:
                    with self._write_lock, self.project.write() as session:
                        save_place(session, self.coder, place())
                except (SQLAlchemyError, UserError):
                    pass  # a read-only or busy project: quitting matters more
        self.exit()

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        for title, help_text, action, *values in getattr(screen, "PALETTE", ()):
            fill = values[0] if values else {}
            yield SystemCommand(_(title).format(**fill), _(help_text).format(**fill),
                                partial(screen.run_action, action))


PaletteEntry = tuple[str, str, str] | tuple[str, str, str, dict[str, str]]
"""A screen's command in the palette: title and help (marked for the catalogue, with
`{names}` filled from the optional fourth item when shown), and the action it runs."""

THEMES = {"dark": "textual-dark", "light": "textual-light"}
"""The settings' `theme` → Textual's theme (the palette switches it too)."""


def make_app(project: Project, coder: str, theme: str = "dark",
             keys: dict[str, str] | None = None) -> QualcodeApp:
    """The app the CLI runs and the tests drive; `keys` gives workbench keys another
    key, by the action's name (the settings' `[keys]`): the footer, the help and every
    screen with that key follow."""
    app = QualcodeApp(project, coder)
    app.theme = THEMES.get(theme, THEMES["dark"])
    app.keys = dict(keys or {})
    if keys:
        app.set_keymap(keys)
    return app
