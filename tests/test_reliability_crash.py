"""SIGKILL in the middle of a stream of `qualcode code` commands loses nothing acknowledged.

(The workbench's kill test, on the real app in a terminal, is test_reliability_crash_workbench.)
Each round starts a coder process, lets it code for a random moment, kills it with
SIGKILL (no cleanup, no atexit, as a power cut would to the program), then checks
that every coding acknowledged before the kill is in the file and that SQLite's
integrity check passes. The file carries over from round to round, so later rounds
work on a file that has already survived kills.
"""

from __future__ import annotations

import random
import signal
import threading
import time
from pathlib import Path
from typing import IO

from .reliability_support import (
    Promises,
    broken_promises,
    coding_state,
    demo_project,
    integrity,
    start_driver,
)

ROUNDS = 5


def _follow(out: IO[str], lines: list[str], first_ack: threading.Event) -> None:
    for line in out:
        lines.append(line)
        if line.startswith("ack"):
            first_ack.set()


def kill_rounds(db: Path, coder: str, rng: random.Random) -> tuple[int, int]:
    """Returns (acknowledged actions, kills that interrupted an action under way)."""
    total = killed_mid_stream = 0
    expected = Promises()
    for _ in range(ROUNDS):
        proc = start_driver("cli", db, coder, rng.randrange(1 << 30), seconds=60)
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "ready", proc.stderr.read() if proc.stderr else ""
        lines: list[str] = []
        first_ack = threading.Event()
        reader = threading.Thread(target=_follow, args=(proc.stdout, lines, first_ack),
                                  daemon=True)
        reader.start()
        assert first_ack.wait(120), "the coder never acknowledged anything"
        time.sleep(rng.uniform(0.0, 1.0))  # somewhere in the stream, between or inside actions
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        reader.join()
        assert proc.returncode == -signal.SIGKILL
        round_ = Promises().read(line.strip() for line in lines)
        killed_mid_stream += round_.in_flight is not None
        total += round_.count
        expected.acked.update(round_.acked)
        expected.in_flight = round_.in_flight
        assert integrity(db) == "ok"
        assert broken_promises(db, coder, expected) == []
        if expected.in_flight is not None:  # settled now: whatever the file says is the truth
            expected.acked[expected.in_flight] = expected.in_flight in coding_state(db, coder)
            expected.in_flight = None
    return total, killed_mid_stream


def test_cli_kill_keeps_every_acknowledged_coding(tmp_path: Path) -> None:
    """The real `qualcode code` command, run in a loop, killed at random moments."""
    db = demo_project(tmp_path)
    total, mid = kill_rounds(db, "carol", random.Random())
    print(f"cli: {ROUNDS} kills, {mid} during an action, {total} acknowledged codings all kept")
    assert total >= ROUNDS

