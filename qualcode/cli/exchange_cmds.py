"""REFI-QDA exchange: `export FILE.qdpx`, and the `.qdpx` branch of `import`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from qualcode.cli.app import State, app, state
from qualcode.cli.output import Force, check_output, write_output

VALIDATE_UP_TO = 2_000_000  # bytes of project.qde `export` checks unasked (1.5 s at most)


@app.command()
def export(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="Target REFI-QDA project (.qdpx).")],
    validate: Annotated[bool | None, typer.Option(
        "--validate/--no-validate", show_default=False,
        help="Check the written project.qde against the REFI-QDA schema (by default when "
             "it is under 2 MB: 1.5 s of checking at most).")] = None,
    positions: Annotated[str, typer.Option(
        "--positions", help="How selections count characters: `codepoints` (the standard; "
        "QualCoder, ATLAS.ti, MAXQDA) or `utf16` (NVivo). They differ only after an emoji "
        "or another character outside the BMP.")] = "codepoints",
    force: Force = False,
) -> None:
    """The whole project as a REFI-QDA project for NVivo, ATLAS.ti, MAXQDA or QualCoder."""
    from qualcode.db.engine import open_project
    from qualcode.errors import UserError
    from qualcode.exchange.positions import after_astral
    from qualcode.exchange.qdpx_export import archive, build, utf16_positions

    if file.suffix.lower() != ".qdpx":
        raise UserError("name the file *.qdpx (a REFI-QDA project)", path=str(file))
    if positions not in ("codepoints", "utf16"):
        raise UserError(f"--positions is codepoints or utf16, not {positions!r}")
    check_output(file, force=force)
    st = state(ctx)
    project = open_project(st.db)
    try:
        with project.write() as session:  # writes only the GUID namespace, once
            refi = build(session, Path(st.db).stem if "://" not in st.db else "qualcode")
        moved = sum(after_astral(s) for s in refi.sources)
        if positions == "utf16":
            utf16_positions(refi)
        data = archive(refi)
    finally:
        project.close()
    write_output(file, data, force=force)
    if validate is not False:
        _check_written(file, always=bool(validate))
    selections = sum(len(s.selections) for s in refi.sources)
    cases = {case.guid for case in refi.cases}  # a quote's speaker, written as NVivo does
    codings = sum(c.code not in cases for s in refi.sources for sel in s.selections
                  for c in sel.codings)
    print(f"wrote {file}: {len(refi.sources)} text sources, {selections} selections, "
          f"{codings} codings, {len(refi.users)} users, {len(refi.notes)} notes")
    if moved:
        unit, other = (("UTF-16 units (NVivo)", "code points (--positions codepoints: "
                        "QualCoder, ATLAS.ti, MAXQDA)") if positions == "utf16" else
                       ("code points (the standard: QualCoder, ATLAS.ti, MAXQDA)",
                        "UTF-16 units (--positions utf16 for NVivo)"))
        print(f"note: {moved} selection(s) follow an emoji or another character outside the "
              f"BMP: positions written in {unit}; a reader counting {other} would shift them")


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
        print(f"qualcode: {file}: project.qde {line}", file=sys.stderr)
    if errors:
        raise UserError(f"written, but {len(errors)} REFI-QDA schema violation(s) above; "
                        "other programs may refuse it (--no-validate skips this check)",
                        path=str(file))


def import_qdpx(st: State, file: Path, *, group: str | None = None,
                groups: Path | None = None) -> None:
    """Parse the whole archive first, then write it in one transaction. `group` (all
    sources) or `groups` (a `source,group` CSV) puts the sources into a study's groups."""
    from qualcode.db.engine import open_project
    from qualcode.errors import UserError
    from qualcode.exchange.qdpx_import import plan, skipped_counts, write
    from qualcode.exchange.regroup import load_group_map, regroup
    from qualcode.importers.qdpx import read

    if group is not None and groups is not None:
        raise UserError("give --group (one group for every source) or --groups MAP.csv, "
                        "not both")
    mapping = load_group_map(groups) if groups is not None else None
    refi = read(file)
    project = open_project(st.db)
    try:
        todo = plan(refi, st.coder)
        if group is not None or mapping is not None:
            regroup(todo, group=group, mapping=mapping, map_path=str(groups or ""))
        with project.write() as session:
            result = write(session, todo, path=str(file), coder=st.coder,
                           name=refi.name or file.stem)
    except UserError as exc:  # e.g. a group the project's design does not have
        hint = ("" if group is not None or groups is not None or "unknown group" not in str(exc)
                else "; put the file's sources into the study's groups with --group G or "
                "--groups MAP.csv (columns source,group)")
        if exc.path and not hint:
            raise
        raise UserError(str(exc) + hint, path=None if exc.path else str(file)) from None
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
