"""`codebook show|validate|import|export`: YAML (and REFI-QDA .qdc, by extension)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from qualcode.cli.app import _Group, app, state
from qualcode.cli.output import Force, check_output, write_output
from qualcode.i18n import N_, _

codebook_app = typer.Typer(cls=_Group, help=N_("Show, check, import and export the codebook."),
                           no_args_is_help=True)
app.add_typer(codebook_app, name="codebook")


@codebook_app.command(help=N_("The codebook as a tree, with hotkeys and how many quotes carry "
                              "each code."))
def show(ctx: typer.Context) -> None:
    from sqlalchemy import text

    from qualcode.db.engine import open_project
    from qualcode.services.code_tree import code_tree
    from qualcode.services.quotes import CLOSURE_CTE

    project = open_project(state(ctx).db)
    try:
        with project.read() as session:
            nodes = code_tree(session)
            counts = dict(session.execute(text(
                CLOSURE_CTE + "SELECT cl.ancestor, COUNT(DISTINCT c.quote_id) FROM coding c "
                "JOIN code_closure cl ON cl.descendant = c.code_id GROUP BY cl.ancestor"
            )).all())
    finally:
        project.close()
    for node in nodes:
        key = f"[{node.key}] " if node.key else "    "
        flag = " (exclusive)" if node.exclusive else ""
        print(
            _("{indent}{key}{name}{flag}  — {quotes} quotes").format(
                indent="  " * node.depth,
                key=key,
                name=node.name,
                flag=flag,
                quotes=counts.get(node.id, 0),
            )
        )


@codebook_app.command(help=N_("Check a codebook file: bad YAML, unknown keys, duplicate or "
                              "near-empty names."))
def validate(file: Annotated[Path, typer.Argument(help=N_("Codebook file (YAML)."))]) -> None:
    from qualcode.domain.codebook import validate_file
    from qualcode.errors import UserError

    findings = validate_file(file)
    for f in findings:
        where = f"{file}:{f.line}" if f.line else str(file)
        print(f"{where}: {'error' if f.fatal else 'warning'}: {f.message}")
    errors = sum(1 for f in findings if f.fatal)
    if errors:
        raise UserError(
            _("{errors} error(s) in the codebook").format(errors=errors), path=str(file)
        )
    print(f"{file}: ok" + (f" ({len(findings)} warning(s))" if findings else ""))


@codebook_app.command("import", help=N_("Bring a codebook into the project; codes are matched by "
                                        "name, nothing is deleted."))
def import_(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help=N_("Codebook file (YAML, or .qdc)."))],
) -> None:
    from qualcode.db.engine import open_project
    from qualcode.domain.codebook import load_codebook
    from qualcode.services import events
    from qualcode.services.codebook import import_codebook

    st = state(ctx)
    skipped: list[str] = []
    if file.suffix.lower() == ".qdc":
        from qualcode.exchange.qdc import read_qdc

        book, skipped = read_qdc(file)
    else:
        book = load_codebook(file)
    project = open_project(st.db)
    try:
        with project.write() as session:
            added, updated = import_codebook(session, book)
            events.record(session, coder=st.coder, action="codebook", path=str(file),
                          added=added, updated=updated)
    finally:
        project.close()
    print(_("{file}: {added} codes added, {updated} updated").format(
              file=file, added=added, updated=updated))
    for line in skipped:
        print(f"{file}: {line}" if line.startswith("warning:") else
              _("{file}: not imported: {line}").format(file=file, line=line))


@codebook_app.command(help=N_("Write the project's codebook back to a file."))
def export(ctx: typer.Context,
           file: Annotated[Path, typer.Argument(help=N_("Target file (.yaml, or .qdc)."))],
           force: Force = False) -> None:
    from qualcode.db.engine import open_project
    from qualcode.domain.codebook import to_yaml
    from qualcode.services.codebook_export import export_codebook

    check_output(file, force=force)
    project = open_project(state(ctx).db)
    try:
        if file.suffix.lower() == ".qdc":
            from qualcode.exchange.qdc import export_qdc

            with project.write() as session:  # writes only the GUID namespace, once
                content: str | bytes = export_qdc(session)
        else:
            with project.read() as session:
                content = to_yaml(export_codebook(session))
    finally:
        project.close()
    write_output(file, content, force=force)
    print(_("wrote {file}").format(file=file))
