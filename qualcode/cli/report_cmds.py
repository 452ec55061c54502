"""`report`: the theme-by-group-cell report."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from qualcode.cli.app import State, app, emit_json, state

FORMATS = ("json",)


@app.command()
def report(
    ctx: typer.Context,
    fmt: Annotated[str, typer.Option("--format", help="json")] = "json",
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Write to a file.")] = None,
    coder: Annotated[str | None, typer.Option("--coder", help="Only this coder's codes.")] = None,
    consensus: Annotated[bool, typer.Option("--consensus", help="Only adjudicated codes.")] = False,
) -> None:
    """Themes per group cell: quotes, participants, share, and cells that stand out."""
    if fmt not in FORMATS:
        raise typer.BadParameter(f"unknown format {fmt!r} (available: {', '.join(FORMATS)})")
    data = compute_report(state(ctx), coder=coder, consensus=consensus)
    if output is None:
        emit_json(data)
    else:
        import json

        from qualcode.exporters.files import write_owner_only

        write_owner_only(output, json.dumps(data, ensure_ascii=False, indent=2) + "\n")
        print(f"wrote {output}")


def compute_report(st: State, *, coder: str | None = None, consensus: bool = False) -> dict[
    str, Any
]:
    from qualcode.db.engine import open_project
    from qualcode.errors import UserError
    from qualcode.reports.counts import Scope, compute

    if coder and consensus:
        raise UserError("choose --coder or --consensus, not both")
    project = open_project(st.db)
    try:
        with project.read() as session:
            return compute(session, Scope(coder=coder, consensus=consensus))
    finally:
        project.close()


def print_summary(st: State) -> None:
    """A plain-text glance at the report: top-level themes × groups, quote counts."""
    data = compute_report(st)
    groups = [g["name"] for g in data["groups"]]
    top = [t["name"] for t in data["themes"] if t["parent"] is None]
    cells = {(c["theme"], c["group"]): c["quotes"] for c in data["cells"]}
    width = max(len(t) for t in top) if top else 10
    print(f"{'theme':<{width}}  " + "  ".join(f"{g:>4}" for g in groups))
    for theme in top:
        print(f"{theme:<{width}}  " + "  ".join(f"{cells[(theme, g)]:>4}" for g in groups))
