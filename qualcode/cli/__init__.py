"""`qualcode` command line: a thin shell over the services."""

from __future__ import annotations

from qualcode.cli import codebook_cmds, project_cmds, quote_cmds, report_cmds, team_cmds  # noqa: F401
from qualcode.cli.app import app


def main() -> None:
    app(prog_name="qualcode")
