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
import typer.main
from typer.core import TyperOption
from typer.main import get_command_name

from qualcode import __version__
from qualcode.__main__ import ROOT_VALUES, only_version
from qualcode.cli.whole import app, invoked

from .conftest import Cli


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


VERSION_ONLY = [["--version"], ["--db", "p.db", "--version"], ["--version", "--db=p.db"],
                ["--lang", "xx", "--coder", "--version", "--version"], ["--lang=", "--version"],
                ["--db", "--version", "--version"]]
NOT_VERSION_ONLY = [[], ["--db", "p.db"], ["--version", "report"], ["--help", "--version"],
                    ["--version", "-h"], ["--bogus", "--version"], ["--version", "--db"],
                    ["--version=1"], ["--version", "--"], ["--db", "--version"]]


def test_the_version_is_answered_before_the_command_line_only_when_it_alone_is_asked() -> None:
    for args in VERSION_ONLY:
        assert only_version(args), args
    for args in NOT_VERSION_ONLY:
        assert not only_version(args), args


def test_the_early_version_answers_as_the_whole_command_line_does(tmp_path: Path) -> None:
    """Every argument list the early answer takes gets the same output and status from
    the whole command line, which has no early answer."""
    whole = [sys.executable, "-c", "import sys; from qualcode.cli import main; "
             "sys.argv[0] = 'qualcode'; main()"]
    for args in VERSION_ONLY:
        early = qualcode(*args, cwd=tmp_path)
        late = subprocess.run([*whole, *args], cwd=tmp_path, capture_output=True, text=True,
                              check=False, env={**os.environ, "QUALCODE_CODER": "tester"})
        assert (early.returncode, early.stdout, early.stderr) == (
            late.returncode, late.stdout, late.stderr), args
        assert early.stdout == f"qualcode {__version__}\n"


def test_the_early_version_knows_every_root_option_that_takes_a_value() -> None:
    root = typer.main.get_command(app)
    taking = {name for param in root.params if isinstance(param, TyperOption)
              and not param.is_flag and not param.count for name in param.opts}
    assert taking == set(ROOT_VALUES)


def test_the_early_version_loads_no_command_line(tmp_path: Path) -> None:
    probe = ("import runpy, sys; sys.argv = ['qualcode', '--db', 'x.db', '--version']; "
             "runpy.run_module('qualcode', run_name='__main__'); "
             "print(sorted(m for m in sys.modules if m.split('.')[0] in "
             "('typer', 'click', 'sqlite3', 'qualcode')))")
    done = subprocess.run([sys.executable, "-c", probe], cwd=tmp_path, capture_output=True,
                          text=True, check=True)
    assert done.stdout.splitlines() == [f"qualcode {__version__}",
                                        "['qualcode']"]  # run as __main__, not kept as a module


def test_a_read_command_ends_at_once_with_its_whole_output(cli: Cli, demo_db: Path,
                                                      tmp_path: Path) -> None:
    """The read commands leave their results to the process's end, which skips Python's
    teardown: every byte is still written, through a pipe as to a file (buffered, as
    outside this test's environment), and the status is 0; a command that fails ends
    as before."""
    db = str(demo_db)
    env = {**{k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"},
           "QUALCODE_CODER": "tester", "LANG": "C.UTF-8"}
    run = [sys.executable, "-m", "qualcode", "--db", db]
    second = cli("--db", db, "--coder", "anne", "code", "1", "hacking")  # for `agreement`
    assert second.code == 0, second.err
    for args in (["quotes", "--json"], ["quotes"], ["quotes", "--code", "hacking", "--json"],
                 ["report", "--format", "json"], ["report"], ["search", "données santé"],
                 ["segments"], ["segments", "--format", "json"], ["agreement"],
                 ["agreement", "--format", "json", "--bootstrap", "50"]):
        whole = cli("--db", db, *args)
        piped = subprocess.run([*run, *args], cwd=tmp_path, env=env, capture_output=True,
                               text=True, check=False)
        assert (piped.returncode, piped.stdout) == (0, whole.out), piped.stderr
        into = tmp_path / "out.txt"
        with into.open("wb") as file:
            status = subprocess.run([*run, *args], cwd=tmp_path, env=env, stdout=file,
                                    check=False).returncode
        assert status == 0 and into.read_text(encoding="utf-8") == whole.out
    failed = subprocess.run([*run, "quotes", "--code", "no such code", "--json"],
                            cwd=tmp_path, env=env, capture_output=True, text=True, check=False)
    assert failed.returncode == 1 and "no such code" in failed.stderr and not failed.stdout
