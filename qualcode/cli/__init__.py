"""`qualcode` command line: a thin shell over the services."""

from __future__ import annotations

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


def main() -> None:
    import signal

    if hasattr(signal, "SIGPIPE"):  # `qualcode quotes | head`: stop quietly, as Unix tools do
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    import sys

    import typer.main

    from qualcode.cli.language import preselect, translated

    preselect(sys.argv[1:])
    translated(typer.main.get_command(app))(prog_name="qualcode")
