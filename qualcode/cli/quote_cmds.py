"""Quotes in and out, and coding from scripts: `import`, `quotes`, `code`, `log`."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Annotated

import typer

from qualcode.cli import reads, writes
from qualcode.cli.app import app, state
from qualcode.cli.output import Force
from qualcode.i18n import N_, _


@app.command("import", help=N_("Import transcripts or quote tables; re-importing the same file "
                               "adds nothing, and a corrected transcript replaces its old "
                               "version, keeping the coding."))
def import_(
    ctx: typer.Context,
    files: Annotated[list[Path], typer.Argument(help=N_("Transcripts (txt, md, docx, vtt, srt), "
                                                "quote tables (csv, xlsx), or one .qdpx "
                                                "project."))],
    group: Annotated[str | None, typer.Option("--group", help=N_("Group of a transcript."))] = None,
    fmt: Annotated[str, typer.Option("--format", help=N_("auto (by extension, then content), "
                                     "or txt, md, docx, vtt, srt, csv, xlsx, qdpx."))] = "auto",
    dry_run: Annotated[bool, typer.Option("--dry-run", help=N_("Show the speakers, their turns "
                                          "and what to check; write nothing."))] = False,
    add_codes: Annotated[bool, typer.Option("--add-codes", help=N_("A coded table's codes that "
                                            "the codebook lacks are added (under a code "
                                            "named after the file)."))] = False,
    groups: Annotated[Path | None, typer.Option("--groups", help=N_("A .qdpx into a study: a "
                                                "CSV `source,group` giving each source's "
                                                "group."))] = None,
) -> None:
    writes.import_(state(ctx), files, group=group, fmt=fmt, dry_run=dry_run,
                   add_codes=add_codes, groups=groups)


@app.command(help=N_("List quotes with their ids and codes, in transcript order."))
def quotes(
    ctx: typer.Context,
    group: Annotated[str | None, typer.Option("--group", help=N_("Only this group."))] = None,
    code: Annotated[
        str | None, typer.Option("--code", help=N_("Only quotes with this code (or a sub-code)."))
    ] = None,
    coder: Annotated[
        str | None, typer.Option("--coder", help=N_("Only this coder's work."))
    ] = None,
    uncoded: Annotated[
        bool,
        typer.Option(
            "--uncoded", help=N_("Only quotes nobody (or --coder) has coded or reviewed.")
        ),
    ] = False,
    moderators: Annotated[
        bool, typer.Option("--moderators", help=N_("With --uncoded, moderators' turns too."))
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help=N_("JSON, as SPEC describes."))] = False,
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format",
            help=N_(
                "csv or xlsx: a coded table, "
                "one row per quote and coder, importable "
                "again (needs -o)."
            ),
        ),
    ] = None,
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help=N_("File to write the table to."))
    ] = None,
    force: Force = False,
) -> None:
    reads.quotes(state(ctx), group=group, code=code, coder=coder, uncoded=uncoded,
                 moderators=moderators, as_json=as_json, fmt=fmt, output=output, force=force)


@app.command(help=N_("Apply or remove codes on a quote (or a segment of it) as the current coder."))
def code(
    ctx: typer.Context,
    quote_id: Annotated[int, typer.Argument(help=N_("Quote id (see `qualcode quotes`)."))],
    codes: Annotated[list[str] | None, typer.Argument(help=N_("Code names."))] = None,
    remove: Annotated[bool, typer.Option("--remove", help=N_("Remove these codes."))] = False,
    memo: Annotated[
        str | None,
        typer.Option(
            "--memo", help=N_("Memo on the codings, or on the quote when no code is given.")
        ),
    ] = None,
    reviewed: Annotated[
        bool, typer.Option("--reviewed", help=N_("Reviewed: none applies."))
    ] = False,
    span: Annotated[
        str | None,
        typer.Option(
            "--span", help=N_("Code a segment: START:END in code points of the quote's text.")
        ),
    ] = None,
    excerpt: Annotated[
        str | None,
        typer.Option(
            "--text", help=N_("Code a segment: the words, exactly as they occur once in the quote.")
        ),
    ] = None,
) -> None:
    from qualcode.db.engine import open_project
    from qualcode.errors import UserError
    from qualcode.services import coding

    st = state(ctx)
    names = codes or []
    if reviewed and (names or remove):
        raise UserError(_("--reviewed takes no code and no --remove"))
    if (span or excerpt) and (reviewed or not names):
        raise UserError(_("a segment (--span or --text) needs the codes to put on it"))
    if not names and not reviewed and memo is None:
        raise UserError(_("name at least one code, or --reviewed, or --memo"))
    if span and excerpt:
        raise UserError(_("give the segment by --span or by --text, not both"))
    project = open_project(st.db)
    try:
        with project.write() as session:
            where = None
            if span:
                where = coding.parse_span(span)
            elif excerpt:
                where = coding.find_excerpt(coding._quote(session, quote_id).text, excerpt)
            words = (_(" on « {words} » ({start}:{end})").format(
                words=coding._quote(session, quote_id).text[where[0]:where[1]],
                start=where[0], end=where[1]) if where else "")
            if reviewed:
                coding.mark_reviewed(session, quote_id=quote_id, coder=st.coder)
                print(_("quote {quote_id}: reviewed by {coder}, no code applies").format(
                          quote_id=quote_id, coder=st.coder))
            elif remove:
                change = coding.remove_codes(session, quote_id=quote_id, codes=names,
                                             coder=st.coder, span=where)
                print(
                    _("quote {quote_id}: removed {value}{words}").format(
                        quote_id=quote_id, value=", ".join(change.removed) or _("nothing"),
                        words=words,
                    )
                )
            elif names:
                change = coding.apply_codes(session, quote_id=quote_id, codes=names,
                                            coder=st.coder, memo=memo, span=where)
                extra = (_(" (replacing {codes})").format(codes=", ".join(change.removed))
                         if change.removed else "")
                print(
                    _("quote {quote_id}: {coder} applied {value}{words}{extra}").format(
                        quote_id=quote_id,
                        coder=st.coder,
                        value=", ".join(change.added) or _("nothing new"),
                        words=words,
                        extra=extra,
                    )
                )
            else:
                coding.set_memo(session, quote_id=quote_id, coder=st.coder, text=memo or "")
                print(_("quote {quote_id}: memo saved").format(quote_id=quote_id))
    finally:
        project.close()


@app.command(help=N_("Every coding as one row: a segment's words (or the whole quote), its cell, "
                     "speaker, attributes, code, coder and memo: the coded-segment retrieval."))
def segments(
    ctx: typer.Context,
    code: Annotated[str | None, typer.Option("--code", help=N_("Only this code (and its "
                                             "sub-codes)."))] = None,
    coder: Annotated[str | None, typer.Option("--coder", help=N_("Only this coder."))] = None,
    group: Annotated[str | None, typer.Option("--group", help=N_("Only this group."))] = None,
    fmt: Annotated[str, typer.Option("--format", help=N_("csv, xlsx (a sheet per theme), md "
                                     "or json"))] = "csv",
    output: Annotated[Path | None, typer.Option("-o", "--output", help=N_("Write to a file "
                                                "(xlsx needs one)."))] = None,
    force: Force = False,
) -> None:
    reads.segments(state(ctx), code=code, coder=coder, group=group, fmt=fmt, output=output,
                   force=force)


@app.command(help=N_("Who did what, when (from the project's journal)."))
def log(
    ctx: typer.Context,
    coder: Annotated[str | None, typer.Option("--coder", help=N_("Only this coder."))] = None,
    since: Annotated[str | None, typer.Option("--since", help=N_("From this date "
                                              "(YYYY-MM-DD or ISO time, UTC)."))] = None,
    until: Annotated[str | None, typer.Option("--until", help=N_("Up to this date, included "
                                              "(YYYY-MM-DD or ISO time, UTC)."))] = None,
) -> None:
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
        raise UserError(_("{option} {value!r} is not a date like 2026-11-28").format(
                            option=option, value=value)) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
