"""End to end: the real `qualcode` command in a terminal (tmux), driven by keystrokes."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest

from .conftest import REPO
from .tui_support import sql

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="needs tmux")
PATIENCE = 90.0
"""Seconds to wait for something to appear; generous for a loaded machine, not a timing test."""


def wait_for(what: Callable[[], bool], label: str) -> None:
    deadline = time.monotonic() + PATIENCE
    while not what():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {label}")
        time.sleep(0.2)


def test_code_two_quotes_undo_one_and_quit(tmp_path: Path) -> None:
    db = tmp_path / "e2e.db"
    env = {**os.environ, "QUALCODE_CODER": "alice", "TERM": "xterm-256color"}
    env.pop("QUALCODE_DB", None)
    subprocess.run([sys.executable, "-m", "qualcode", "--db", str(db), "demo", "--no-tui"],
                   cwd=REPO, env=env, check=True, capture_output=True)
    socket = f"qualcode-test-{uuid.uuid4().hex[:12]}"
    tmux = ["tmux", "-L", socket]
    command = f"{sys.executable} -m qualcode --db {db}"
    subprocess.run([*tmux, "-f", "/dev/null", "new-session", "-d", "-s", "w", "-x", "100",
                    "-y", "30", command], cwd=tmp_path, env=env, check=True)

    def screen() -> str:
        out = subprocess.run([*tmux, "capture-pane", "-p", "-t", "w"], capture_output=True,
                             text=True)
        return out.stdout

    def keys(*names: str) -> None:
        subprocess.run([*tmux, "send-keys", "-t", "w", *names], check=True)

    def mine() -> list[tuple[object, ...]]:
        return sql(db, "SELECT c.quote_id, d.name FROM coding c JOIN code d ON d.id = c.code_id "
                       "JOIN coder k ON k.id = c.coder_id WHERE k.name = 'alice' "
                       "ORDER BY c.quote_id")

    order = [q for (q,) in sql(db, "SELECT q.id FROM quote q JOIN study_group g ON "
                                   "g.id = q.group_id ORDER BY g.position, g.id, q.position")]
    try:
        wait_for(lambda: "0/22 reviewed" in screen(), "the workbench")
        keys("1")
        wait_for(lambda: len(mine()) == 1, "the first coding")
        wait_for(lambda: "1/22 reviewed" in screen(), "the first coding on screen")
        keys("j", "2")
        wait_for(lambda: len(mine()) == 2, "the second coding")
        wait_for(lambda: "2/22 reviewed" in screen(), "the second coding on screen")
        keys("u")
        wait_for(lambda: len(mine()) == 1, "the undo")
        wait_for(lambda: "1/22 reviewed" in screen(), "the undo on screen")
        keys("q")
        wait_for(lambda: subprocess.run([*tmux, "has-session", "-t", "w"],
                                        capture_output=True).returncode != 0, "the app to quit")
    finally:
        subprocess.run([*tmux, "kill-server"], capture_output=True)
    assert mine() == [(order[0], "dehumanisation")]
    events = [a for (a,) in sql(db, "SELECT action FROM event WHERE coder = 'alice' ORDER BY id")]
    assert events == ["code", "code", "undo"]
