"""Team work: `agreement` between coders and `merge` of another coder's project file."""

from __future__ import annotations

from typing import Annotated

import typer

from qualcode.cli.app import app, emit_json, state

FORMATS = ("md", "json")


@app.command()
def agreement(
    ctx: typer.Context,
    coders: Annotated[str | None, typer.Option("--coders", help="Comma-separated coder names "
                                               "(default: everyone but consensus and auto).")]
    = None,
    fmt: Annotated[str, typer.Option("--format", help="md or json")] = "md",
    by_group: Annotated[bool, typer.Option("--by-group", help="Also each focus group "
                                           "on its own.")] = False,
) -> None:
    """Inter-coder agreement per code and exclusive parent: %, Cohen, Fleiss, Krippendorff."""
    if fmt not in FORMATS:
        raise typer.BadParameter(f"unknown format {fmt!r} (available: {', '.join(FORMATS)})")
    from qualcode.db.engine import open_project
    from qualcode.reports.agreement import compute, to_markdown

    names = [c.strip() for c in coders.split(",") if c.strip()] if coders else None
    project = open_project(state(ctx).db)
    try:
        with project.read() as session:
            data = compute(session, names, by_group=by_group)
    finally:
        project.close()
    if fmt == "json":
        emit_json(data)
    else:
        print(to_markdown(data), end="")
