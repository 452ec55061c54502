"""REFI-QDA exchange: `export FILE.qdpx`, and the `.qdpx` branch of `import`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from qualcode.cli.app import State, app, state


@app.command()
def export(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="Target REFI-QDA project (.qdpx).")],
) -> None:
    """The whole project as a REFI-QDA project for NVivo, ATLAS.ti, MAXQDA or QualCoder."""
    from qualcode.db.engine import open_project
    from qualcode.errors import UserError
    from qualcode.exchange.qdpx_export import archive, build
    from qualcode.exporters.files import write_owner_only

    if file.suffix.lower() != ".qdpx":
        raise UserError("name the file *.qdpx (a REFI-QDA project)", path=str(file))
    st = state(ctx)
    project = open_project(st.db)
    try:
        with project.write() as session:  # writes only the GUID namespace, once
            refi = build(session, Path(st.db).stem if "://" not in st.db else "qualcode")
            data = archive(refi)
    finally:
        project.close()
    write_owner_only(file, data)
    selections = sum(len(s.selections) for s in refi.sources)
    codings = sum(len(sel.codings) for s in refi.sources for sel in s.selections)
    print(f"wrote {file}: {len(refi.sources)} text sources, {selections} selections, "
          f"{codings} codings, {len(refi.users)} users, {len(refi.notes)} notes")


def import_qdpx(st: State, file: Path) -> None:
    """Parse the whole archive first, then write it in one transaction."""
    from qualcode.db.engine import open_project
    from qualcode.errors import UserError
    from qualcode.exchange.qdpx_import import plan, skipped_counts, write
    from qualcode.importers.qdpx import read

    refi = read(file)
    project = open_project(st.db)
    try:
        todo = plan(refi, st.coder)
        with project.write() as session:
            result = write(session, todo, path=str(file), coder=st.coder,
                           name=refi.name or file.stem)
    except UserError as exc:  # e.g. a group the project's design does not have
        raise exc if exc.path else UserError(str(exc), path=str(file)) from None
    finally:
        project.close()
    already = f" ({result.already} already imported)" if result.already else ""
    print(f"{file}: {result.sources} sources{already}, {result.quotes} quotes, "
          f"{result.codings} codings by {len(result.coders)} coders, {result.memos} memos, "
          f"{result.reviews} reviews; codes {result.codes_added} added, "
          f"{result.codes_updated} updated")
    for line in skipped_counts(todo.skipped):
        print(f"{file}: not imported: {line}" if not line.startswith(("note:", "warning:"))
              else f"{file}: {line}")
