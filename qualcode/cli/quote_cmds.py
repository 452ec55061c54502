"""Quotes in and out, and coding from scripts: `import`, `quotes`, `code`, `log`."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Annotated

import typer

from qualcode.cli.app import app, emit_json, state
from qualcode.cli.output import Force, write_output


@app.command("import")
def import_(
    ctx: typer.Context,
    files: Annotated[list[Path], typer.Argument(help="Transcripts (txt, md, docx, vtt, srt), "
                                                "quote tables (csv, xlsx), or one .qdpx "
                                                "project.")],
    group: Annotated[str | None, typer.Option("--group", help="Group of a transcript.")] = None,
    fmt: Annotated[str, typer.Option("--format", help="auto (by extension, then content), "
                                     "or txt, md, docx, vtt, srt, csv, xlsx, qdpx.")] = "auto",
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show the speakers, their turns "
                                          "and what to check; write nothing.")] = False,
    add_codes: Annotated[bool, typer.Option("--add-codes", help="A coded table's codes that "
                                            "the codebook lacks are added (under a code "
                                            "named after the file).")] = False,
    groups: Annotated[Path | None, typer.Option("--groups", help="A .qdpx into a study: a "
                                                "CSV `source,group` giving each source's "
                                                "group.")] = None,
) -> None:
    """Import transcripts or quote tables; re-importing the same file adds nothing, and a
    corrected transcript replaces its old version, keeping the coding."""
    from qualcode.cli.progress import progress_bar
    from qualcode.db.engine import open_project
    from qualcode.services.imports import parse_files, write_sources

    st = state(ctx)
    # A .qdpx is a whole project (codes, coders, codings), not a ParsedSource: own path.
    if fmt == "qdpx" or (fmt == "auto" and any(f.suffix.lower() == ".qdpx" for f in files)):
        from qualcode.cli.exchange_cmds import import_qdpx
        from qualcode.errors import UserError

        if len(files) != 1:
            raise UserError("import a .qdpx project alone")
        import_qdpx(st, files[0], group=group, groups=groups)
        return
    if groups is not None:
        from qualcode.errors import UserError

        raise UserError("--groups is for a .qdpx project; a transcript takes --group")
    if dry_run:
        from qualcode.services.imports import preview

        for path, src in zip(files, parse_files(files, fmt), strict=True):
            print(preview(str(path), src), end="")
        return
    project = open_project(st.db)
    try:
        with progress_bar("importing", 2 * len(files)) as advance:
            parsed = parse_files(files, fmt, progress=advance)
            with project.write() as session:
                summaries = write_sources(session, [(str(p), s) for p, s in zip(
                    files, parsed, strict=True)], group=group, coder=st.coder,
                    add_codes=add_codes, progress=advance)
    finally:
        project.close()
    for summary in summaries:
        print(summary.line())
        for note in summary.notes:
            print(f"  {note}")


@app.command()
def quotes(
    ctx: typer.Context,
    group: Annotated[str | None, typer.Option("--group", help="Only this group.")] = None,
    code: Annotated[str | None, typer.Option("--code", help="Only quotes with this code "
                                             "(or a sub-code).")] = None,
    coder: Annotated[str | None, typer.Option("--coder", help="Only this coder's work.")] = None,
    uncoded: Annotated[bool, typer.Option("--uncoded", help="Only quotes nobody (or --coder) "
                                          "has coded or reviewed.")] = False,
    moderators: Annotated[bool, typer.Option("--moderators", help="With --uncoded, "
                                             "moderators' turns too.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="JSON, as SPEC describes.")] = False,
    fmt: Annotated[str | None, typer.Option("--format", help="csv or xlsx: a coded table, "
                                            "one row per quote and coder, importable "
                                            "again (needs -o).")] = None,
    output: Annotated[Path | None, typer.Option("-o", "--output", help="File to write the "
                                                "table to.")] = None,
    force: Force = False,
) -> None:
    """List quotes with their ids and codes, in transcript order."""
    from qualcode.db.engine import open_project
    from qualcode.errors import UserError
    from qualcode.services.quotes import QuoteFilter, list_quotes

    if fmt is not None and (fmt not in ("csv", "xlsx") or output is None or as_json):
        raise UserError("--format takes csv or xlsx, with -o FILE (and not --json)")
    project = open_project(state(ctx).db)
    try:
        with project.read() as session:
            views = list_quotes(session, QuoteFilter(group=group, code=code, coder=coder,
                                                     uncoded=uncoded, moderators=moderators))
            if fmt is not None:
                from qualcode.services.quote_table import coded_table

                table = coded_table(session, [v.id for v in views])
    finally:
        project.close()
    if fmt is not None and output is not None:
        from qualcode.exporters.quote_table import to_csv, to_xlsx

        write_output(output, to_csv(table) if fmt == "csv" else to_xlsx(table), force=force)
        left = (f"; {table.segments_left_out} segment codings left out (a cell holds "
                "whole-quote codes)") if table.segments_left_out else ""
        print(f"{output}: {len(table.rows)} rows, {len(views)} quotes{left}")
        return
    if as_json:
        emit_json([v.as_json() for v in views])
        return
    from qualcode.safety.terminal import printable

    for v in views:
        who = " (moderator)" if v.moderator else ""
        codes = "; ".join(f"{c}: {', '.join(n)}" for c, n in v.codes.items())
        print(printable(f"#{v.id} {v.group} {v.speaker}{who}" + (f"  [{codes}]" if codes
                                                                   else "")))
        print(f"    {printable(v.text)}")


@app.command()
def code(
    ctx: typer.Context,
    quote_id: Annotated[int, typer.Argument(help="Quote id (see `qualcode quotes`).")],
    codes: Annotated[list[str] | None, typer.Argument(help="Code names.")] = None,
    remove: Annotated[bool, typer.Option("--remove", help="Remove these codes.")] = False,
    memo: Annotated[str | None, typer.Option("--memo", help="Memo on the codings, or on the "
                                             "quote when no code is given.")] = None,
    reviewed: Annotated[bool, typer.Option("--reviewed", help="Reviewed: none applies.")] = False,
    span: Annotated[str | None, typer.Option("--span", help="Code a segment: START:END in "
                                             "code points of the quote's text.")] = None,
    excerpt: Annotated[str | None, typer.Option("--text", help="Code a segment: the words, "
                                                "exactly as they occur once in the "
                                                "quote.")] = None,
) -> None:
    """Apply or remove codes on a quote (or a segment of it) as the current coder."""
    from qualcode.db.engine import open_project
    from qualcode.errors import UserError
    from qualcode.services import coding

    st = state(ctx)
    names = codes or []
    if reviewed and (names or remove):
        raise UserError("--reviewed takes no code and no --remove")
    if (span or excerpt) and (reviewed or not names):
        raise UserError("a segment (--span or --text) needs the codes to put on it")
    if not names and not reviewed and memo is None:
        raise UserError("name at least one code, or --reviewed, or --memo")
    if span and excerpt:
        raise UserError("give the segment by --span or by --text, not both")
    project = open_project(st.db)
    try:
        with project.write() as session:
            where = None
            if span:
                where = coding.parse_span(span)
            elif excerpt:
                where = coding.find_excerpt(coding._quote(session, quote_id).text, excerpt)
            words = (f" on « {coding._quote(session, quote_id).text[where[0]:where[1]]} » "
                     f"({where[0]}:{where[1]})") if where else ""
            if reviewed:
                coding.mark_reviewed(session, quote_id=quote_id, coder=st.coder)
                print(f"quote {quote_id}: reviewed by {st.coder}, no code applies")
            elif remove:
                change = coding.remove_codes(session, quote_id=quote_id, codes=names,
                                             coder=st.coder, span=where)
                print(f"quote {quote_id}: removed {', '.join(change.removed) or 'nothing'}"
                      f"{words}")
            elif names:
                change = coding.apply_codes(session, quote_id=quote_id, codes=names,
                                            coder=st.coder, memo=memo, span=where)
                extra = f" (replacing {', '.join(change.removed)})" if change.removed else ""
                print(f"quote {quote_id}: {st.coder} applied "
                      f"{', '.join(change.added) or 'nothing new'}{words}{extra}")
            else:
                coding.set_memo(session, quote_id=quote_id, coder=st.coder, text=memo or "")
                print(f"quote {quote_id}: memo saved")
    finally:
        project.close()


@app.command()
def segments(
    ctx: typer.Context,
    code: Annotated[str | None, typer.Option("--code", help="Only this code (and its "
                                             "sub-codes).")] = None,
    coder: Annotated[str | None, typer.Option("--coder", help="Only this coder.")] = None,
    group: Annotated[str | None, typer.Option("--group", help="Only this group.")] = None,
    fmt: Annotated[str, typer.Option("--format", help="csv, xlsx (a sheet per theme), md "
                                     "or json")] = "csv",
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Write to a file "
                                                "(xlsx needs one).")] = None,
    force: Force = False,
) -> None:
    """Every coding as one row: a segment's words (or the whole quote), its cell, speaker,
    attributes, code, coder and memo: the coded-segment retrieval."""
    import sys

    from qualcode.db.engine import open_project
    from qualcode.errors import UserError
    from qualcode.exporters.segments import FORMATS, render
    from qualcode.services.segments import segment_rows

    if fmt not in FORMATS:
        raise UserError(f"unknown format {fmt!r} (available: {', '.join(FORMATS)})")
    if fmt == "xlsx" and output is None:
        raise UserError("xlsx is a file: give -o FILE.xlsx")
    project = open_project(state(ctx).db)
    try:
        with project.read() as session:
            table = segment_rows(session, code=code, coder=coder, group=group)
    finally:
        project.close()
    data = render(table, fmt)
    if output is None:
        sys.stdout.write(data.decode("utf-8").lstrip("\ufeff"))
        return
    write_output(output, data, force=force)
    print(f"{output}: {len(table.rows)} coded segments")


@app.command()
def log(
    ctx: typer.Context,
    coder: Annotated[str | None, typer.Option("--coder", help="Only this coder.")] = None,
    since: Annotated[str | None, typer.Option("--since", help="From this date "
                                              "(YYYY-MM-DD or ISO time, UTC).")] = None,
    until: Annotated[str | None, typer.Option("--until", help="Up to this date, included "
                                              "(YYYY-MM-DD or ISO time, UTC).")] = None,
) -> None:
    """Who did what, when (from the project's journal)."""
    from qualcode.db.engine import open_project
    from qualcode.services.audit import read_log

    start = _moment("--since", since)
    end = _moment("--until", until)
    if end is not None and until is not None and len(until) == 10:
        end += timedelta(days=1)  # a bare date means the whole of that day
    project = open_project(state(ctx).db)
    try:
        with project.read() as session:
            lines = read_log(session, coder=coder, since=start, until=end)
    finally:
        project.close()
    for line in lines:
        when = line.at.strftime("%Y-%m-%d %H:%M:%S")
        print(f"{when}  {line.coder:<12} {line.action:<8} {line.text}")


def _moment(option: str, value: str | None) -> datetime | None:
    from qualcode.errors import UserError

    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise UserError(f"{option} {value!r} is not a date like 2026-11-28") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
