"""The whole command line: every command registered on the Typer application."""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING

from qualcode.cli import (  # noqa: F401
    codebook_cmds,
    config_cmds,
    exchange_cmds,
    project_cmds,
    protection_cmds,
    quote_cmds,
    report_cmds,
    search_cmds,
    study_cmds,
    team_cmds,
)
from qualcode.cli.app import app

__all__ = ["app", "invoked", "main"]

if TYPE_CHECKING:
    import typer


def main() -> None:
    import os
    import sys

    import typer.main

    from qualcode.cli.ending import quiet_pipe
    from qualcode.cli.language import preselect, translated

    quiet_pipe()

    preselect(sys.argv[1:])
    # a shell asking for completions passes its words in the environment, not the arguments
    completing = "_QUALCODE_COMPLETE" in os.environ
    chosen = app if completing else invoked(app, sys.argv[1:])
    translated(typer.main.get_command(chosen))(prog_name="qualcode")


def invoked(whole: typer.Typer, args: list[str]) -> typer.Typer:
    """The application with only the commands `args` may name.

    Typer turns every command's signature into Click parameters before it parses
    anything: 40 ms of each process's start-up for thirty commands, when one runs. Every
    command whose name is among the arguments is kept (an option's value that happens
    to be a command's name only costs that command's conversion), so Click parses and
    reports exactly as it would with them all. With no command named, the whole
    application stays when anything could be one (a misspelt command is told apart
    from the others, the help lists them all); with options only (`--version`), the
    root alone is needed.
    """
    from typer.main import get_command_name

    words = set(args)
    commands = [c for c in whole.registered_commands
                if (c.name or get_command_name(c.callback.__name__ if c.callback else "")) in words]
    groups = [g for g in whole.registered_groups if g.name in words]
    if not commands and not groups and not all(a.startswith("-") for a in args):
        return whole
    if not commands and not groups and words & {"-h", "--help"}:
        return whole
    chosen = copy.copy(whole)
    chosen.registered_commands, chosen.registered_groups = commands, groups
    return chosen
