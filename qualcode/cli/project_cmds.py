"""Creating projects and opening the workbench: `init`, `demo`, `tui`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from qualcode.cli import writes
from qualcode.cli.app import app, state
from qualcode.cli.state import State
from qualcode.config import masked
from qualcode.i18n import N_, _


@app.command(help=N_("Create the project (never overwrites one); with no option, an empty "
                     "project."))
def init(
    ctx: typer.Context,
    study: Annotated[Path | None, typer.Option("--study", help=N_("Study design (TOML)."))] = None,
    codebook: Annotated[
        Path | None, typer.Option("--codebook", help=N_("Codebook (YAML)."))
    ] = None,
) -> None:
    writes.init(state(ctx), study=study, codebook=codebook)


@app.command(help=N_("Build the demo project (the study « Les Français et le numérique en "
                     "santé », 2024) into the chosen db, then open the workbench."))
def demo(
    ctx: typer.Context,
    no_tui: Annotated[bool, typer.Option("--no-tui", help=N_("Build it, do not open it."))] = False,
) -> None:
    from qualcode.services.demo import build_demo

    st = state(ctx)
    quotes = build_demo(st.db)
    print(_("demo project created in {project}: {quotes} quotes of the study « Les Français et "
            "le numérique en santé », coded by `seed`").format(project=masked(st.db),
                                                               quotes=quotes))
    if not no_tui:
        open_workbench(st)


@app.command(help=N_("Open the coding workbench (the default when no command is given)."))
def tui(ctx: typer.Context) -> None:
    open_workbench(state(ctx))


def open_workbench(st: State) -> None:
    from qualcode.db.engine import open_project
    from qualcode.tui.app import make_app

    project = open_project(st.db)
    try:
        make_app(project, st.coder, st.theme, st.keys).run()
    finally:
        project.close()
