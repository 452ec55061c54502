"""Protecting the participants' words: `backup` and `pseudonymise`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from qualcode.cli.app import app, state
from qualcode.i18n import N_, _


@app.command(help=N_("A consistent, owner-only copy of the project while others keep working."))
def backup(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help=N_("The copy to write (must not exist yet)."))],
) -> None:
    from qualcode.services.backup import backup as make_backup

    print(make_backup(state(ctx).db, file).line())


@app.command(help=N_("Replace participants' real names (and their variants) in speakers and "
                     "texts."))
def pseudonymise(
    ctx: typer.Context,
    map_file: Annotated[Path, typer.Option("--map", help=N_("CSV with the header `name,pseudonym`; "
                                           "it is never copied into the project."))],
    dry_run: Annotated[bool, typer.Option("--dry-run", help=N_("List every replacement, "
                                          "change nothing."))] = False,
) -> None:
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
        print(
            _(
                "to review: {where}: {found!r} (an ordinary word too; left as written)  {context}"
            ).format(where=r.where, found=r.found, context=r.context)
        )
    total = sum(plan.counts.values())
    detail = ", ".join(_("{kind}: {count}").format(count=n, kind=_(kind))
                       for kind, n in sorted(plan.counts.items()))
    detail = f" ({detail})" if detail else ""
    if dry_run:
        print(_("dry run: {total} replacements would be made{detail}; nothing was "
                "written").format(total=total, detail=detail))
        return
    doubtful = (_("; {count} places to review, listed above").format(count=len(plan.doubtful))
                if plan.doubtful else "")
    print(_("{total} replacements made{detail}{doubtful}").format(total=total, detail=detail,
                                                                  doubtful=doubtful))
    if not plan.scrubbed:
        print(_("warning: another session has the project open; old texts stay in its "
              "write-ahead log until every session closes"), file=sys.stderr)
    print(_("note: backups made earlier (*.bak, `qualcode backup` copies) still hold the real "
          "names: delete them or keep them safe"))
