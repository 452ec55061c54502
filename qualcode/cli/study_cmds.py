"""`study import`: grow a project's design (new groups, levels, participants) from a file."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from qualcode.cli.app import _Group, app, state
from qualcode.i18n import N_

study_app = typer.Typer(cls=_Group, help=N_("The study design: groups, dimensions, participants."),
                        no_args_is_help=True)
app.add_typer(study_app, name="study")


@study_app.command("import", help=N_("Add the file's new groups, dimension levels and "
                                     "participants; nothing is removed or renamed, so quotes "
                                     "already imported keep their groups."))
def study_import(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help=N_("Study TOML (SPEC, Files)."))],
) -> None:
    from qualcode.db.engine import open_project
    from qualcode.domain.study import load_study
    from qualcode.services.study import apply_study

    spec = load_study(file)
    project = open_project(state(ctx).db)
    try:
        with project.write() as session:
            changes = apply_study(session, spec)
    finally:
        project.close()
    print(f"{file}: {changes.line()}")
