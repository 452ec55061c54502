"""The coding workbench driven by Textual's Pilot, against bare Textual doing the same.

Start-up is timed to the first usable screen: the quote list and the current quote
drawn from the project, keys answered (the counts per code may still be on their way;
the tree shows "…" until they come). Its floor is a bare Textual app to its first
screen. The cold start does the same in a new Python process, imports included,
against a process importing the libraries the workbench needs and showing a bare app.

Moves, toggles and search keystrokes run in a started workbench and time only the key
presses, against a bare app taking as many presses. Pilot waits for the whole process
to go idle after each key, so a press costs ~60 ms of waiting even in a bare app; the
details give, per key, that paced wall time and the event loop's own CPU time (what
must fit in a frame, 16.7 ms at 60 Hz), both for the workbench and for the bare app.
A key's CPU may be spread over several steps of the event loop (the key, then a
worker's result, then the repaint), with frames drawn between them; the details also
give the longest single step while the keys were pressed, and how many steps held
the loop longer than a frame: the moments the screen could not answer.
"""

from __future__ import annotations

import asyncio
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from benchmarks.harness import Case, Corpus, Timed

MOVES = 1000
TOGGLES = 1000
SEARCH = "données sensibles ha"
"""Twenty keystrokes of a search as you type."""
FILTER = "every 60+"
"""Typed in the filter picker to narrow it to the level "60+" (every 60+ group)."""
FILTER_ROUNDS = 5
SIZE = (120, 40)
CODER = "alice"
"""A coder with codings on a third of the corpus: her progress and counts are read."""
FRAME = 1 / 60
"""Seconds of one frame at 60 Hz."""
SMOKE_PRESSES = 20
"""At the smoke size (run inside `make test`) a case only has to work, not be timed."""

Drive = Callable[[Any], Awaitable[dict[str, float]]]


async def _first_screen(app: Any, pilot: Any) -> None:
    """Until the coding screen holds the project and has painted it."""
    while getattr(app.screen, "bench", None) is None:
        await asyncio.sleep(0.005)  # not Pilot's pause: its bookkeeping would slow the load
    await pilot.pause(0)  # processes what is pending, then paints the screen at once


@contextmanager
def _loop_steps() -> Iterator[dict[str, float]]:
    """While inside: the longest step of the event loop (each callback asyncio runs, on
    the loop's own thread CPU clock) and how many took longer than a frame."""
    run = asyncio.events.Handle._run
    longest, over = [0.0], [0]

    def timed(handle: asyncio.events.Handle) -> None:
        started = time.thread_time()
        try:
            run(handle)
        finally:
            took = time.thread_time() - started
            longest[0] = max(longest[0], took)
            over[0] += took > FRAME

    out: dict[str, float] = {}
    asyncio.events.Handle._run = timed  # type: ignore[assignment]
    try:
        yield out
    finally:
        asyncio.events.Handle._run = run  # type: ignore[method-assign]
        out["longest event-loop step"] = longest[0]
        out["event-loop steps over a frame (count)"] = over[0]


async def _workbench(db: Path, drive: Drive | None) -> Timed:
    from qualcode.db.engine import open_project
    from qualcode.tui.app import make_app
    from qualcode.tui.screens.coding import CodingScreen

    started = time.perf_counter()
    project = open_project(str(db), warn=False)
    app = make_app(project, CODER)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await _first_screen(app, pilot)
            first = time.perf_counter() - started
            if drive is None:
                return Timed(first)
            screen = app.screen
            assert isinstance(screen, CodingScreen) and screen.bench is not None
            while not screen.bench.counts_loaded:
                await pilot.pause(0.01)
            await app.workers.wait_for_complete()
            begun = time.perf_counter()
            with _loop_steps() as steps:
                details = await drive(pilot)
                await app.workers.wait_for_complete()
                await pilot.pause()
            return Timed(time.perf_counter() - begun,
                         {"first screen": first, **details, **steps})
    finally:
        project.close()


async def _press(pilot: Any, keys: list[str]) -> dict[str, list[float]]:
    """Each key by Pilot, with its paced wall time and the event loop's CPU time."""
    walls: dict[str, list[float]] = {}
    cpus: dict[str, list[float]] = {}
    for key in keys:
        wall, cpu = time.perf_counter(), time.thread_time()
        await pilot.press(key)
        cpus.setdefault(key, []).append(time.thread_time() - cpu)
        walls.setdefault(key, []).append(time.perf_counter() - wall)
    return {**{f"{k} wall": v for k, v in walls.items()},
            **{f"{k} cpu": v for k, v in cpus.items()}}


def _summary(samples: dict[str, list[float]], names: dict[str, str]) -> dict[str, float]:
    """Medians and 90th percentiles of the per-key figures, under readable names."""
    out: dict[str, float] = {}
    for key, label in names.items():
        for kind in ("wall", "cpu"):
            values = sorted(samples.get(f"{key} {kind}", []))
            if values:
                out[f"{label} {kind}"] = statistics.median(values)
                if kind == "cpu":
                    out[f"{label} cpu p90"] = values[int(0.9 * (len(values) - 1))]
    return out


async def _bare(keys: list[str], extra: Callable[[], None] | None = None) -> Timed:
    from textual.app import App
    from textual.widgets import Footer, Static

    class Bare(App[None]):
        BINDINGS = [("j", "step", "Step"), ("1", "code", "Code")]

        def compose(self) -> Any:
            yield Static("0", id="n")
            yield Footer()

        def action_step(self) -> None:
            self.query_one("#n", Static).update("1")

        def action_code(self) -> None:
            self.action_step()
            if extra is not None:
                extra()

    started = time.perf_counter()
    async with Bare().run_test(size=SIZE) as pilot:
        await pilot.pause(0)
        first = time.perf_counter() - started
        if not keys:
            return Timed(first)
        begun = time.perf_counter()
        with _loop_steps() as steps:
            samples = await _press(pilot, keys)
        total = time.perf_counter() - begun
    return Timed(total, {"first screen": first, **steps,
                         **_summary(samples, {"j": "per key", "1": "per toggle key"})})


def _copy(corpus: Corpus) -> Path:
    return corpus.fresh_copy(Path(tempfile.mkdtemp(prefix="qualcode-bench-")))


def _count(corpus: Corpus, full: int) -> int:
    return min(full, SMOKE_PRESSES) if corpus.size == "smoke" else full


def startup(corpus: Corpus) -> Timed:
    return asyncio.run(_workbench(corpus.db, None))


def startup_floor(corpus: Corpus) -> Timed:
    return asyncio.run(_bare([]))


COLD = """
import asyncio, sys
from qualcode.db.engine import open_project
from qualcode.tui.app import make_app

async def main():
    app = make_app(open_project(sys.argv[1], warn=False), "alice")
    async with app.run_test(size=(120, 40)) as pilot:
        while getattr(app.screen, "bench", None) is None:
            await asyncio.sleep(0.005)
        await pilot.pause(0)
        print("ready", flush=True)

asyncio.run(main())
"""
COLD_FLOOR = """
import asyncio
import rapidfuzz, sqlalchemy, sqlmodel
from textual.app import App
from textual.widgets import Footer, Static

class Bare(App):
    def compose(self):
        yield Static("0")
        yield Footer()

async def main():
    async with Bare().run_test(size=(120, 40)) as pilot:
        await pilot.pause(0)
        print("ready", flush=True)

asyncio.run(main())
"""


def _cold(script: str, *args: str) -> Timed:
    """From starting a Python process to its first screen (its exit is not timed)."""
    started = time.perf_counter()
    with subprocess.Popen([sys.executable, "-c", script, *args], stdout=subprocess.PIPE,
                          text=True) as child:
        assert child.stdout is not None
        line = child.stdout.readline()
        ready = time.perf_counter() - started
        child.communicate()
    if line.strip() != "ready" or child.returncode != 0:
        raise RuntimeError(f"the cold start did not reach its first screen: {line!r}")
    return Timed(ready)


def cold(corpus: Corpus) -> Timed:
    return _cold(COLD, str(corpus.db))


def cold_floor(corpus: Corpus) -> Timed:
    return _cold(COLD_FLOOR)


def _moves(count: int) -> Drive:
    async def drive(pilot: Any) -> dict[str, float]:
        return _summary(await _press(pilot, ["j"] * count), {"j": "per key"})

    return drive


def _toggles(count: int) -> Drive:
    async def drive(pilot: Any) -> dict[str, float]:
        keys = ["j" if i % 2 else "1" for i in range(count)]
        return _summary(await _press(pilot, keys), {"1": "per toggle key", "j": "per key"})

    return drive


async def _search(pilot: Any) -> dict[str, float]:
    keys = ["slash", *[" " if ch == " " else ch for ch in SEARCH]]
    samples = await _press(pilot, keys)
    typed = {kind: [v for k, vs in samples.items() if k.endswith(kind) and
                    not k.startswith("slash") for v in vs] for kind in (" wall", " cpu")}
    return _summary({"key wall": typed[" wall"], "key cpu": typed[" cpu"]},
                    {"key": "per keystroke"})


async def _filter(pilot: Any) -> dict[str, float]:
    """`f`, narrowing the picker, `enter`, until the filtered list is on screen; then
    escape, until every quote is back. Five times over."""
    screen = pilot.app.screen
    samples: dict[str, list[float]] = {}
    shown: list[float] = []
    for _ in range(FILTER_ROUNDS):
        typed = await _press(pilot, ["f", *[" " if ch == " " else ch for ch in FILTER]])
        started = time.perf_counter()
        typed.update(await _press(pilot, ["enter"]))
        for key, values in typed.items():
            pressed, kind = key.rsplit(" ", 1)
            name = {"f": "open", "enter": "enter"}.get(pressed, "key")
            samples.setdefault(f"{name} {kind}", []).extend(values)
        while screen.filtered is None:
            await pilot.pause(0.001)
        shown.append(time.perf_counter() - started)
        await pilot.press("escape")
        while screen.filtered is not None:
            await pilot.pause(0.001)
    return {**_summary(samples, {"open": "open the picker", "key": "per narrowing key",
                                 "enter": "enter"}),
            "enter to filtered list wall": statistics.median(shown)}


TRANSCRIPT_MOVES = 200
SELECTION_KEYS = 30
PICKS = 5
PICK = "securite"
"""Typed in the code picker (`a`): accent-blind, it narrows to « data security »'s codes."""


async def _transcript(pilot: Any) -> dict[str, float]:
    """`t` opens the group's transcript at the current quote; moves through it; `x` and
    `w` extend a selection word by word; escape drops it, escape goes back."""
    from qualcode.tui.screens.transcript import TranscriptScreen

    samples = await _press(pilot, ["t"])
    while not isinstance(pilot.app.screen, TranscriptScreen):
        await pilot.pause(0.001)
    samples.update(await _press(pilot, ["j"] * TRANSCRIPT_MOVES))
    samples.update(await _press(pilot, ["x", *["w"] * SELECTION_KEYS]))
    await pilot.press("escape", "escape")
    return _summary(samples, {"t": "open the transcript", "j": "per move",
                              "w": "per selection key"})


async def _picker(pilot: Any) -> dict[str, float]:
    """`a`, then the keys narrowing the picker over the whole codebook, then escape."""
    samples: dict[str, list[float]] = {}
    for _ in range(PICKS):
        typed = await _press(pilot, ["a", *PICK])
        for key, values in typed.items():
            pressed, kind = key.rsplit(" ", 1)
            samples.setdefault(f"{'open' if pressed == 'a' else 'key'} {kind}", []).extend(
                values)
        await pilot.press("escape")
    return _summary(samples, {"open": "open the picker", "key": "per narrowing key"})


def transcript(corpus: Corpus) -> Timed:
    return asyncio.run(_workbench(corpus.db, _transcript))


def picker(corpus: Corpus) -> Timed:
    return asyncio.run(_workbench(corpus.db, _picker))


def moves(corpus: Corpus) -> Timed:
    return asyncio.run(_workbench(corpus.db, _moves(_count(corpus, MOVES))))


def toggles(corpus: Corpus) -> Timed:
    return asyncio.run(_workbench(_copy(corpus), _toggles(_count(corpus, TOGGLES))))


def search(corpus: Corpus) -> Timed:
    return asyncio.run(_workbench(corpus.db, _search))


def filtering(corpus: Corpus) -> Timed:
    return asyncio.run(_workbench(corpus.db, _filter))


def presses_floor(count: int) -> Callable[[Corpus], Timed]:
    def floor(corpus: Corpus) -> Timed:
        return asyncio.run(_bare(["j"] * _count(corpus, count)))

    return floor


def toggles_floor(corpus: Corpus) -> Timed:
    """Bare key presses, each toggle running the bare service call in its own transaction."""
    from sqlalchemy import text

    from qualcode.db.engine import open_project
    from qualcode.services.coding import toggle_code

    project = open_project(str(_copy(corpus)), warn=False)
    with project.read() as session:
        quote = int(session.execute(text("SELECT min(id) FROM quote")).scalar_one())
        code = str(session.execute(text("SELECT name FROM code ORDER BY id")).scalars().first())

    def toggle() -> None:
        with project.write() as session:
            toggle_code(session, quote_id=quote, code=code, coder=CODER)

    count = _count(corpus, TOGGLES)
    try:
        return asyncio.run(_bare(["j" if i % 2 else "1" for i in range(count)], toggle))
    finally:
        project.close()


CASES: list[Case] = [
    Case("workbench startup", startup, startup_floor, repeat=5,
         notes="to the first usable screen, in a warm process; floor: a bare Textual app "
               "to its first screen"),
    Case("workbench cold start", cold, cold_floor, repeat=3,
         notes="a new Python process to the first usable screen; floor: a process importing "
               "textual, sqlmodel, sqlalchemy and rapidfuzz showing a bare app"),
    Case(f"workbench {MOVES} moves", moves, presses_floor(MOVES), repeat=1,
         notes="the presses only; floor: a bare app taking as many presses"),
    Case(f"workbench {TOGGLES} toggles", toggles, toggles_floor, repeat=1,
         notes="half toggles, half moves, all writes committed; floor: bare presses, the "
               "toggles running the bare toggle_code service call"),
    Case("workbench 20 search keystrokes", search, presses_floor(len(SEARCH) + 1), repeat=1,
         notes="/ and 20 keystrokes, the search index built meanwhile; floor: bare presses"),
    Case("workbench filter by a level", filtering,
         presses_floor(FILTER_ROUNDS * (len(FILTER) + 3)), repeat=1,
         notes="5 times: f, 9 keys narrowing the picker, enter, until the filtered list "
               "shows, then escape; floor: bare presses"),
    Case("workbench transcript view", transcript,
         presses_floor(1 + TRANSCRIPT_MOVES + 1 + SELECTION_KEYS), repeat=1,
         notes=f"t, {TRANSCRIPT_MOVES} moves through the group's transcript, x and "
               f"{SELECTION_KEYS} w extending the selection; floor: bare presses"),
    Case("workbench code picker", picker, presses_floor(PICKS * (1 + len(PICK))), repeat=1,
         notes=f"{PICKS} times: a, {len(PICK)} keys narrowing the picker over the codebook, "
               "escape; floor: bare presses"),
]
