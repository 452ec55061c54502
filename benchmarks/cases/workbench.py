"""The coding workbench driven by Textual's Pilot, against bare Textual doing the same.

Startup runs to the first usable screen (the quote list filled, keys answered) and then
quits, so it also counts waiting for the background count of codings; the floor is a
bare `App.run_test` of an empty app. Moves, toggles and search keystrokes run in a
started workbench (startup included), against a bare app taking as many key presses,
so the ratio is the workbench's own cost per key. The toggles' floor adds, on every
other press, the bare `toggle_code` service call in its own transaction.
"""

from __future__ import annotations

import asyncio
import tempfile
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from benchmarks.harness import Case, Corpus

MOVES = 1000
TOGGLES = 1000
SEARCH = "données sensibles ha"
"""Twenty keystrokes of a search as you type."""
SIZE = (120, 40)
SMOKE_PRESSES = 20
"""At the smoke size (run inside `make test`) a case only has to work, not be timed."""

Drive = Callable[[Any], Awaitable[None]]


async def _workbench(db: Path, drive: Drive | None) -> None:
    from qualcode.db.engine import open_project
    from qualcode.tui.app import make_app

    project = open_project(str(db), warn=False)
    app = make_app(project, "bench")
    try:
        async with app.run_test(size=SIZE) as pilot:
            while getattr(app.screen, "bench", None) is None:
                await pilot.pause(0.005)
            await pilot.pause()
            if drive is not None:
                while not app.screen.bench.counts_loaded:  # type: ignore[attr-defined]
                    await pilot.pause(0.01)
                await app.workers.wait_for_complete()
                await drive(pilot)
                await app.workers.wait_for_complete()
                await pilot.pause()
    finally:
        project.close()


async def _bare(presses: int, extra: Callable[[], None] | None = None) -> None:
    from textual.app import App
    from textual.widgets import Footer, Static

    class Bare(App[None]):
        BINDINGS = [("j", "step", "Step")]

        def compose(self) -> Any:
            yield Static("0", id="n")
            yield Footer()

        def action_step(self) -> None:
            self.query_one("#n", Static).update("1")
            if extra is not None:
                extra()

    async with Bare().run_test(size=SIZE) as pilot:
        for _ in range(presses):
            await pilot.press("j")


def _copy(corpus: Corpus) -> Path:
    return corpus.fresh_copy(Path(tempfile.mkdtemp(prefix="qualcode-bench-")))


def startup(corpus: Corpus) -> None:
    asyncio.run(_workbench(corpus.db, None))


def startup_floor(corpus: Corpus) -> None:
    asyncio.run(_bare(0))


def _count(corpus: Corpus, full: int) -> int:
    return min(full, SMOKE_PRESSES) if corpus.size == "smoke" else full


def _moves(count: int) -> Drive:
    async def drive(pilot: Any) -> None:
        for _ in range(count):
            await pilot.press("j")

    return drive


def _toggles(count: int) -> Drive:
    async def drive(pilot: Any) -> None:
        for i in range(count):
            await pilot.press("j" if i % 2 else "1")

    return drive


async def _search(pilot: Any) -> None:
    await pilot.press("slash", *[" " if ch == " " else ch for ch in SEARCH])


def moves(corpus: Corpus) -> None:
    asyncio.run(_workbench(corpus.db, _moves(_count(corpus, MOVES))))


def toggles(corpus: Corpus) -> None:
    asyncio.run(_workbench(_copy(corpus), _toggles(_count(corpus, TOGGLES))))


def search(corpus: Corpus) -> None:
    asyncio.run(_workbench(corpus.db, _search))


def presses_floor(count: int) -> Callable[[Corpus], None]:
    def floor(corpus: Corpus) -> None:
        asyncio.run(_bare(_count(corpus, count)))

    return floor


def toggles_floor(corpus: Corpus) -> None:
    """Bare key presses, each running the bare service call in its own transaction."""
    from sqlalchemy import text

    from qualcode.db.engine import open_project
    from qualcode.services.coding import toggle_code

    project = open_project(str(_copy(corpus)), warn=False)
    with project.read() as session:
        quote = int(session.execute(text("SELECT min(id) FROM quote")).scalar_one())
        code = str(session.execute(text("SELECT name FROM code ORDER BY id")).scalars().first())

    def toggle() -> None:
        with project.write() as session:
            toggle_code(session, quote_id=quote, code=code, coder="bench")

    try:
        asyncio.run(_bare(_count(corpus, TOGGLES) // 2, toggle))
    finally:
        project.close()


CASES: list[Case] = [
    Case("workbench startup", startup, startup_floor, repeat=3,
         notes="to the first usable screen; floor: bare App.run_test"),
    Case(f"workbench {MOVES} moves", moves, presses_floor(MOVES), repeat=1,
         notes="includes startup; floor: a bare app taking as many key presses"),
    Case(f"workbench {TOGGLES} toggles", toggles, toggles_floor, repeat=1,
         notes="half toggles, half moves, all writes committed; floor: bare presses "
               "running the bare toggle_code service call"),
    Case("workbench 20 search keystrokes", search, presses_floor(len(SEARCH) + 1), repeat=1,
         notes="includes startup and the search index; floor: bare key presses"),
]
