"""REFI-QDA exchange: `export FILE.qdpx` (the `.qdpx` branch of `import` is in
`cli.writes`)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from qualcode.cli.app import app, state
from qualcode.cli.output import Force, check_output, write_output
from qualcode.i18n import N_, _

VALIDATE_UP_TO = 2_000_000  # bytes of project.qde `export` checks unasked (1.5 s at most)


@app.command(help=N_("The whole project as a REFI-QDA project for NVivo, ATLAS.ti, MAXQDA or "
                     "QualCoder."))
def export(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help=N_("Target REFI-QDA project (.qdpx)."))],
    validate: Annotated[bool | None, typer.Option(
        "--validate/--no-validate", show_default=False,
        help=N_("Check the written project.qde against the REFI-QDA schema (by default when "
             "it is under 2 MB: 1.5 s of checking at most)."))] = None,
    positions: Annotated[str, typer.Option(
        "--positions", help=N_("How selections count characters: `codepoints` (the standard; "
        "QualCoder, ATLAS.ti, MAXQDA) or `utf16` (NVivo). They differ only after an emoji "
        "or another character outside the BMP."))] = "codepoints",
    force: Force = False,
) -> None:
    from qualcode.db.reading import reading
    from qualcode.errors import UserError
    from qualcode.exchange.qdpx_export import build, draw_namespace, write_archive

    if file.suffix.lower() != ".qdpx":
        raise UserError(_("name the file *.qdpx (a REFI-QDA project)"), path=str(file))
    if positions not in ("codepoints", "utf16"):
        raise UserError(_("--positions is codepoints or utf16, not {positions!r}").format(
                            positions=positions))
    check_output(file, force=force)
    st = state(ctx)
    draw_namespace(st.db)  # the export's only write, on its first run
    with reading(st.db) as reader:  # one snapshot, read as it is written
        refi = build(reader, Path(st.db).stem if "://" not in st.db else "qualcode",
                     utf16=positions == "utf16")
        write_output(file, lambda sink: write_archive(refi, sink), force=force)
    if validate is not False:
        _check_written(file, always=bool(validate))
    done = refi.summary
    print(
        _(
            "wrote {file}: {sources} text sources, {selections} selections, {codings} codings, "
            "{users} users, {notes} notes"
        ).format(
            file=file,
            sources=done.sources,
            selections=done.selections,
            codings=done.codings,
            users=done.users,
            notes=done.notes,
        )
    )
    moved = done.moved
    if moved:
        unit, other = ((_("UTF-16 units (NVivo)"), _("code points (--positions codepoints: "
                        "QualCoder, ATLAS.ti, MAXQDA)")) if positions == "utf16" else
                       (_("code points (the standard: QualCoder, ATLAS.ti, MAXQDA)"),
                        _("UTF-16 units (--positions utf16 for NVivo)")))
        print(
            _(
                "note: {moved} selection(s) follow an emoji or another character outside the "
                "BMP: positions written in {unit}; a reader counting {other} would shift them"
            ).format(moved=moved, unit=unit, other=other)
        )


def _check_written(file: Path, *, always: bool) -> None:
    """The file as written, against the standard's schema: a violation is a qualcode bug,
    so the file stays for a bug report, each violation is one line, and the exit is 1.

    Unless asked, a large file is not checked: the validator reads about 2.6 MB a second
    (5 s for a 10k-quote project, longer than the export itself), after 0.4 s of setup.
    """
    import zipfile

    from qualcode.errors import UserError
    from qualcode.exchange.schema_check import schema_errors

    with zipfile.ZipFile(file) as zf:
        if not always and zf.getinfo("project.qde").file_size > VALIDATE_UP_TO:
            return
        errors = schema_errors(zf.read("project.qde"), "project")
    for line in errors:
        print(
            _("qualcode: {file}: project.qde {line}").format(file=file, line=line), file=sys.stderr
        )
    if errors:
        raise UserError(_("written, but {count} REFI-QDA schema violation(s) above; other "
                          "programs may refuse it (--no-validate skips this check)").format(
                            count=len(errors)),
                        path=str(file))
