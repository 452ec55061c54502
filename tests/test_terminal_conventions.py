"""Conventions of terminal tools (issue 23, item 4): NO_COLOR (no-color.org) honoured by
the command line and the workbench (no colour; bold and underline, which are not
colours, stay), and shell completion offered."""

from __future__ import annotations

import os
import pty
import re
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import REPO, Cli

COLOUR = re.compile(r"\x1b\[[0-9;]*(?:3[0-8]|4[0-8]|9[0-7]|10[0-7])[0-9;]*m")
"""An escape sequence that sets a foreground or background colour."""


def on_a_terminal(*args: str, no_color: bool) -> str:
    """What `qualcode ARGS` writes to a real terminal (a pseudo-terminal)."""
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    env.update(TERM="xterm-256color", COLUMNS="100", PYTHONPATH=str(REPO))
    if no_color:
        env["NO_COLOR"] = "1"
    leader, follower = pty.openpty()
    process = subprocess.Popen([sys.executable, "-m", "qualcode", *args], stdin=follower,
                               stdout=follower, stderr=follower, env=env, close_fds=True)
    os.close(follower)
    out = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:
            break
        if not chunk:
            break
        out += chunk
    process.wait(timeout=60)
    os.close(leader)
    return out.decode("utf-8", "replace")


def test_the_command_line_help_has_no_colour_under_no_color() -> None:
    assert COLOUR.search(on_a_terminal("--help", no_color=False))  # colours by default
    plain = on_a_terminal("--help", no_color=True)
    assert "report" in plain and not COLOUR.search(plain)


async def test_the_workbench_is_monochrome_under_no_color(
        demo_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from qualcode.db.engine import open_project
    from qualcode.tui.app import make_app

    from .tui_support import SIZE, ready

    chrome = {"ff5f57", "febc2e", "28c840"}  # the picture's window buttons, not the app

    def colours(svg: str) -> set[tuple[int, int, int]]:
        return {(int(c[0:2], 16), int(c[2:4], 16), int(c[4:6], 16))
                for c in re.findall(r"#([0-9a-fA-F]{6})\b", svg) if c.lower() not in chrome}

    shots = {}
    for no_color in (False, True):
        if no_color:
            monkeypatch.setenv("NO_COLOR", "1")
        app = make_app(open_project(str(demo_db), warn=False), "alice")
        async with app.run_test(size=SIZE) as pilot:
            await ready(pilot)
            shots[no_color] = colours(app.export_screenshot())
    def hued(colour: tuple[int, int, int]) -> bool:
        """Not a grey (the picture's default text, #c5c8c6, is a grey within 3)."""
        return max(colour) - min(colour) > 8

    assert any(hued(c) for c in shots[False])  # the codes' colours
    assert shots[True] and not [c for c in shots[True] if hued(c)]


def test_shell_completion_is_offered_and_completes_commands() -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO), "COMP_WORDS": "qualcode rep",
           "COMP_CWORD": "1", "_QUALCODE_COMPLETE": "complete_bash"}
    done = subprocess.run([sys.executable, "-m", "qualcode"], env=env, capture_output=True,
                          text=True, timeout=60)
    assert done.stdout.split() == ["report"]
    shown = subprocess.run([sys.executable, "-m", "qualcode", "--help"], capture_output=True,
                           text=True, timeout=60, env={**os.environ, "PYTHONPATH": str(REPO)})
    assert "--install-completion" in shown.stdout


def test_json_output_is_what_the_standard_library_would_write(cli: Cli, demo_db: Path) -> None:
    """The commands print JSON through orjson for speed (issue 24); a script reading it
    sees exactly `json.dumps(data, ensure_ascii=False, indent=2)` and a newline."""
    import json

    assert cli("--db", str(demo_db), "--coder", "alice", "code", "9", "hacking").code == 0
    for args in (["report"], ["quotes", "--json"], ["report", "--all-quotes", "--context"],
                 ["agreement", "--format", "json", "--bootstrap", "0"]):
        out = cli("--db", str(demo_db), *args).out
        assert out == json.dumps(json.loads(out), ensure_ascii=False, indent=2) + "\n", args
