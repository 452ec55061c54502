"""The command line converts only the commands it may run, and still parses as a whole.

`qualcode.cli.invoked` keeps the commands named among the arguments; these tests hold
that nothing a user types parses differently from the whole application.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import typer
from typer.main import get_command_name

from qualcode.cli import invoked
from qualcode.cli.app import app


def names(chosen: typer.Typer) -> set[str]:
    commands = {c.name or get_command_name(getattr(c.callback, "__name__", ""))
                for c in chosen.registered_commands}
    return commands | {str(g.name) for g in chosen.registered_groups}


def qualcode(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "QUALCODE_CODER": "tester", "LANG": "C.UTF-8"}
    return subprocess.run([sys.executable, "-m", "qualcode", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, check=False)


def test_only_the_named_command_is_converted() -> None:
    assert names(invoked(app, ["--db", "p.db", "report", "--format", "json"])) == {"report"}
    assert names(invoked(app, ["codebook", "show"])) == {"codebook"}
    assert names(invoked(app, ["--version"])) == set()
    assert names(invoked(app, [])) == set()  # the workbench, from the root callback


def test_a_value_named_like_a_command_keeps_both() -> None:
    assert names(invoked(app, ["--db", "export", "report"])) == {"export", "report"}


def test_without_a_command_the_whole_application_answers() -> None:
    everything = names(app)
    assert len(everything) > 20
    for args in (["--help"], ["-h"], ["reprot"], ["--db", "p.db"]):
        assert names(invoked(app, args)) == everything, args


def test_a_project_named_like_a_command(tmp_path: Path) -> None:
    assert qualcode("--db", "export", "init", cwd=tmp_path).returncode == 0
    done = qualcode("--db", "export", "report", "--format", "json", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("{")


def test_the_root_help_and_a_misspelt_command_still_list_every_command(tmp_path: Path) -> None:
    listing = qualcode("--help", cwd=tmp_path).stdout
    for name in names(app):
        assert f" {name} " in listing, name
    wrong = qualcode("reprot", cwd=tmp_path)
    assert wrong.returncode == 2
    assert "report" in wrong.stderr


def test_version_prints_alone(tmp_path: Path) -> None:
    done = qualcode("--version", cwd=tmp_path)
    assert done.returncode == 0
    assert done.stdout.startswith("qualcode ")
