"""Two workbenches and a command-line loop on one SQLite file: no lost write, and no
lock error ever reaches a user.

Runs ~15 s in `make test`; `QUALCODE_SOAK=1` runs the full minute. Each writer is its
own process and coder; at the end the file must hold exactly what each was told,
the journal must have one entry per acknowledged action, and nobody's stderr may
say anything.
"""

from __future__ import annotations

import os
import random
from pathlib import Path

import pytest

from .reliability_support import (
    Promises,
    broken_promises,
    demo_project,
    integrity,
    journal_count,
    start_driver,
)

SECONDS = 60.0 if os.environ.get("QUALCODE_SOAK") == "1" else 15.0
WRITERS = [("workbench", "alice"), ("workbench", "bob"), ("cli", "carol")]


@pytest.mark.slow
def test_two_workbenches_and_a_cli_loop_lose_nothing(tmp_path: Path) -> None:
    db = demo_project(tmp_path)
    rng = random.Random()
    procs = [(mode, coder, start_driver(mode, db, coder, rng.randrange(1 << 30), SECONDS))
             for mode, coder in WRITERS]
    report = []
    for mode, coder, proc in procs:
        out, err = proc.communicate(timeout=SECONDS + 120)
        assert proc.returncode == 0 and err == "", f"{coder} ({mode}): {err}"
        promises = Promises().read(out.splitlines())
        assert out.splitlines()[-1] == "done" and promises.in_flight is None
        assert broken_promises(db, coder, promises) == [], coder
        assert journal_count(db, coder) == promises.count, f"{coder}: a write was lost"
        report.append(f"{coder} ({mode}) {promises.count}")
        assert promises.count > 0
    assert integrity(db) == "ok"
    print(f"{SECONDS:g} s on one file: " + ", ".join(report) + " acknowledged actions, "
          "all in the file and the journal, no error shown")
