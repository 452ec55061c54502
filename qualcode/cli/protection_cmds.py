"""Protecting the participants' words: `backup` and `pseudonymise`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from qualcode.cli.app import app, state


@app.command()
def backup(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="The copy to write (must not exist yet).")],
) -> None:
    """A consistent, owner-only copy of the project while others keep working."""
    from qualcode.services.backup import backup as make_backup

    print(make_backup(state(ctx).db, file).line())


@app.command()
def pseudonymise(
    ctx: typer.Context,
    map_file: Annotated[Path, typer.Option("--map", help="CSV with the header `name,pseudonym`; "
                                           "it is never copied into the project.")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="List every replacement, "
                                          "change nothing.")] = False,
) -> None:
    """Replace participants' real names (and their variants) in speakers and texts."""
    from qualcode.db.engine import open_project
    from qualcode.services.pseudonymise import pseudonymise as run

    st = state(ctx)
    project = open_project(st.db)
    try:
        plan = run(project, map_file, coder=st.coder, dry_run=dry_run)
    finally:
        project.close()
    for r in plan.replacements:
        kind = "" if r.exact else " (variant)"
        print(f"{r.where}: {r.found!r} → {r.replacement!r}{kind}  {r.context}")
    for r in plan.doubtful:
        print(f"to review: {r.where}: {r.found!r} (an ordinary word too; left as written)  "
              f"{r.context}")
    total = sum(plan.counts.values())
    detail = ", ".join(f"{n} in {kind}s" for kind, n in sorted(plan.counts.items()))
    if dry_run:
        print(f"dry run: {total} replacements would be made" + (f" ({detail})" if detail else "")
              + "; nothing was written")
        return
    print(f"{total} replacements made" + (f" ({detail})" if detail else "")
          + (f"; {len(plan.doubtful)} places to review, listed above" if plan.doubtful else ""))
    if not plan.scrubbed:
        print("warning: another session has the project open; old texts stay in its "
              "write-ahead log until every session closes", file=sys.stderr)
    print("note: backups made earlier (*.bak, `qualcode backup` copies) still hold the real "
          "names: delete them or keep them safe")
