"""The work of `init` and `import`, free of Typer: the whole command line
(`cli.project_cmds`, `cli.quote_cmds`) and the quick path (`cli.quick`) run these same
bodies with the options they parsed. Every script that starts a project runs both."""

from __future__ import annotations

from pathlib import Path

from qualcode.cli.state import State
from qualcode.config import masked
from qualcode.errors import UserError
from qualcode.i18n import _


def init(st: State, *, study: Path | None = None, codebook: Path | None = None) -> None:
    from qualcode.db.creating import creating
    from qualcode.domain.codebook import load_codebook
    from qualcode.domain.study import load_study
    from qualcode.services import events
    from qualcode.services.codebook import import_codebook
    from qualcode.services.study import apply_study

    spec = load_study(study) if study else None
    book = load_codebook(codebook) if codebook else None
    with creating(st.db) as writer:
        if spec is not None:
            apply_study(writer, spec)
        if book is not None:
            import_codebook(writer, book)
        events.record(writer, coder=st.coder, action="init",
                      study=str(study) if study else None,
                      codebook=str(codebook) if codebook else None)
    groups = _(", {count} groups").format(count=len(spec.groups)) if spec else ""
    codes = _(", {count} codes").format(count=sum(1 for _ in book.walk())) if book else ""
    print(_("created {project}{groups}{codes}").format(
              project=masked(st.db), groups=groups, codes=codes))


def import_(st: State, files: list[Path], *, group: str | None = None, fmt: str = "auto",
            dry_run: bool = False, add_codes: bool = False, groups: Path | None = None) -> None:
    from qualcode.cli.progress import progress_bar
    from qualcode.db.writing import writable
    from qualcode.services.imports import needs_session, parse_files, write_sources

    # A .qdpx is a whole project (codes, coders, codings), not a ParsedSource: own path.
    if fmt == "qdpx" or (fmt == "auto" and any(f.suffix.lower() == ".qdpx" for f in files)):
        if len(files) != 1:
            raise UserError(_("import a .qdpx project alone"))
        import_qdpx(st, files[0], group=group, groups=groups)
        return
    if groups is not None:
        raise UserError(_("--groups is for a .qdpx project; a transcript takes --group"))
    if dry_run:
        from qualcode.services.imports import preview

        for path, src in zip(files, parse_files(files, fmt), strict=True):
            print(preview(str(path), src), end="")
        return
    with writable(st.db) as project, progress_bar("importing", 2 * len(files)) as advance:
        parsed = parse_files(files, fmt, progress=advance)
        with project.action(needs_session=lambda db: needs_session(db, parsed, group)) as writer:
            summaries = write_sources(writer, [(str(p), s) for p, s in zip(
                files, parsed, strict=True)], group=group, coder=st.coder,
                add_codes=add_codes, progress=advance)
    for summary in summaries:
        print(summary.line())
        for note in summary.notes:
            print(f"  {note}")


def import_qdpx(st: State, file: Path, *, group: str | None = None,
                groups: Path | None = None) -> None:
    """Parse the whole archive first, then write it in one transaction. `group` (all
    sources) or `groups` (a `source,group` CSV) puts the sources into a study's groups."""
    from qualcode.db.engine import open_project
    from qualcode.exchange.qdpx_import import plan, skipped_counts, write
    from qualcode.exchange.regroup import load_group_map, regroup
    from qualcode.importers.qdpx import read

    if group is not None and groups is not None:
        raise UserError(_("give --group (one group for every source) or --groups MAP.csv, "
                        "not both"))
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
                else _("; put the file's sources into the study's groups with --group G or "
                       "--groups MAP.csv (columns source,group)"))
        if exc.path and not hint:
            raise
        raise UserError(str(exc) + hint, path=None if exc.path else str(file)) from None
    finally:
        project.close()
    already = (_(" ({count} already imported)").format(count=result.already)
               if result.already else "")
    print(
        _(
            "{file}: {sources} sources{already}, {quotes} quotes, {codings} codings by {count} "
            "coders, {memos} memos, {reviews} reviews; codes {codes_added} added, "
            "{codes_updated} updated"
        ).format(
            file=file,
            sources=result.sources,
            already=already,
            quotes=result.quotes,
            codings=result.codings,
            count=len(result.coders),
            memos=result.memos,
            reviews=result.reviews,
            codes_added=result.codes_added,
            codes_updated=result.codes_updated,
        )
    )
    for line in skipped_counts(todo.skipped):
        print(_("{file}: not imported: {line}").format(file=file, line=line)
              if not line.startswith(("note:", "warning:")) else f"{file}: {line}")
