"""The real `qualcode` command in a terminal (tmux) for end-to-end tests: keys in, screen out.

Each terminal has its own tmux server (a unique `-L` socket), so tests run in parallel
without seeing each other's sessions.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

import pytest

needs_tmux = pytest.mark.skipif(shutil.which("tmux") is None, reason="needs tmux")
PATIENCE = 90.0
"""Seconds to wait for something to appear; generous for a loaded machine, not a timing test."""


def wait_for(what: Callable[[], bool], label: str) -> None:
    deadline = time.monotonic() + PATIENCE
    while not what():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {label}")
        time.sleep(0.2)


def workbench_env(coder: str) -> dict[str, str]:
    env = {**os.environ, "QUALCODE_CODER": coder, "TERM": "xterm-256color"}
    # COLUMNS/LINES (set under pytest-xdist) would override the size of the tmux window.
    for name in ("QUALCODE_DB", "COLUMNS", "LINES"):
        env.pop(name, None)
    return env


class Terminal:
    """`qualcode --db DB` (the workbench) running in a detached tmux session."""

    def __init__(self, db: Path, coder: str, *, width: int = 100, height: int = 30) -> None:
        self.tmux = ["tmux", "-L", f"qualcode-test-{uuid.uuid4().hex[:12]}"]
        # `exec`: the pane's process is qualcode itself, so its pid is the one to signal.
        command = "exec " + shlex.join([sys.executable, "-m", "qualcode", "--db", str(db)])
        subprocess.run([*self.tmux, "-f", "/dev/null", "new-session", "-d", "-s", "w", "-x",
                        str(width), "-y", str(height), command],
                       cwd=db.parent, env=workbench_env(coder), check=True)

    def __enter__(self) -> Terminal:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        subprocess.run([*self.tmux, "kill-server"], capture_output=True)

    def screen(self) -> str:
        return subprocess.run([*self.tmux, "capture-pane", "-p", "-t", "w"],
                              capture_output=True, text=True).stdout

    def keys(self, *names: str) -> None:
        if names:
            subprocess.run([*self.tmux, "send-keys", "-t", "w", *names], check=True)

    def pid(self) -> int:
        out = subprocess.run([*self.tmux, "list-panes", "-t", "w", "-F", "#{pane_pid}"],
                             capture_output=True, text=True, check=True).stdout
        return int(out.split()[0])

    def running(self) -> bool:
        return subprocess.run([*self.tmux, "has-session", "-t", "w"],
                              capture_output=True).returncode == 0
