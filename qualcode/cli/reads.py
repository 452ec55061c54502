"""The read commands' work, free of Typer: the whole command line (`cli.quote_cmds`,
`cli.report_cmds`, `cli.search_cmds`) and the quick path (`cli.quick`) run these same
bodies with the options they parsed."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from qualcode.cli.ending import left_to_exit
from qualcode.cli.json_output import emit_json
from qualcode.cli.state import State
from qualcode.i18n import _

if TYPE_CHECKING:
    from sqlmodel import Session

    from qualcode.db.reader import Reader
    from qualcode.search.kept import Fresh


def quotes(st: State, *, group: str | None = None, code: str | None = None,
           coder: str | None = None, uncoded: bool = False, moderators: bool = False,
           as_json: bool = False, fmt: str | None = None, output: Path | None = None,
           force: bool = False) -> None:
    from qualcode.errors import UserError
    from qualcode.services.quotes import QuoteFilter, list_quotes

    if fmt is not None and (fmt not in ("csv", "xlsx") or output is None or as_json):
        raise UserError(_("--format takes csv or xlsx, with -o FILE (and not --json)"))
    if fmt is not None and output is not None:  # told at once, not after the table is read
        from qualcode.cli.output import check_output

        check_output(output, force=force)
    wanted = QuoteFilter(group=group, code=code, coder=coder, uncoded=uncoded,
                         moderators=moderators)
    from qualcode.db.reading import reading

    with reading(st.db) as db:
        views = list_quotes(db, wanted)
        if fmt is not None:
            from qualcode.services.quote_table import coded_table

            chosen = [v.id for v in views]
            views = []  # the table holds the words: the listing's copies go first
            table = coded_table(db, chosen)
    if fmt is not None and output is not None:
        from qualcode.cli.output import write_output
        from qualcode.exporters.quote_table import to_xlsx, write_csv

        write_output(output, (lambda sink: write_csv(table, sink)) if fmt == "csv"
                     else to_xlsx(table),
                     force=True)  # checked above
        left = (_("; {count} segment codings left out (a cell holds whole-quote "
                  "codes)").format(count=table.segments_left_out)
                if table.segments_left_out else "")
        print(_("{output}: {rows} rows, {quotes} quotes{left}").format(
                  output=output, rows=len(table.rows), quotes=len(chosen), left=left))
        return
    if as_json:
        emit_json(views)  # the records are the JSON (QuoteView)
        left_to_exit(views)
        return
    from qualcode.safety.terminal import printable

    for v in views:
        who = " (moderator)" if v.moderator else ""
        codes = "; ".join(f"{c}: {', '.join(n)}" for c, n in v.codes.items())
        print(printable(f"#{v.id} {v.group} {v.speaker}{who}" + (f"  [{codes}]" if codes
                                                                   else "")))
        print(f"    {printable(v.text)}")
    left_to_exit(views)


def segments(st: State, *, code: str | None = None, coder: str | None = None,
             group: str | None = None, fmt: str = "csv", output: Path | None = None,
             force: bool = False) -> None:
    from qualcode.db.reading import reading
    from qualcode.errors import UserError
    from qualcode.exporters.segments import FORMATS, write
    from qualcode.services.segments import segment_rows

    if fmt not in FORMATS:
        raise UserError(_("unknown format {fmt!r} (available: {items})").format(
                            fmt=fmt, items=', '.join(FORMATS)))
    if fmt == "xlsx" and output is None:
        raise UserError(_("xlsx is a file: give -o FILE.xlsx"))
    if output is not None:
        from qualcode.cli.output import check_output

        check_output(output, force=force)
    count = 0

    def into(sink: BinaryIO) -> None:
        nonlocal count
        count = write(table, fmt, sink)

    with reading(st.db) as db:
        table = segment_rows(db, code=code, coder=coder, group=group)
        if output is None:
            write(table, fmt, sys.stdout.buffer, bom=False)
        else:
            from qualcode.cli.output import write_output

            write_output(output, into, force=True)  # checked above, before rows were read
    if output is not None:
        print(_("{output}: {count} coded segments").format(output=output, count=count))
    left_to_exit(table)


def report(st: State, *, fmt: str = "json", output: Path | None = None,
           coder: str | None = None, consensus: bool = False, quotes: int = 3,
           theme: str | None = None, subthemes: bool = False, indicators: Path | None = None,
           by: str | None = None, where: list[str] | None = None, context: bool = False,
           spec: Path | None = None, all_quotes: bool = False, force: bool = False) -> None:
    """`fmt` is one the report knows (the whole command line tells an unknown one its way)."""
    from qualcode.cli.reporting import ANNEXED, BINARY, compute_report, render, run_spec
    from qualcode.errors import UserError

    if spec is not None:
        given = {"--format": fmt != "json", "-o": output is not None, "--coder": coder,
                 "--consensus": consensus, "--quotes": quotes != 3, "--theme": theme,
                 "--subthemes": subthemes, "--indicators": indicators, "--by": by,
                 "--where": where, "--context": context, "--all-quotes": all_quotes}
        also = [name for name, value in given.items() if value]
        if also:
            raise UserError(_("--spec holds the whole report: drop {options}").format(
                options=", ".join(also)))
        run_spec(st, spec, force=force)
        return
    if all_quotes and fmt not in ANNEXED:
        raise UserError(_("--all-quotes is for --format md, html, docx, xlsx or json"))
    if fmt in BINARY and output is None:
        raise UserError(_("--format {fmt} writes a file: add -o FILE.{fmt}").format(fmt=fmt))
    if output is not None:  # told at once, not after a long report is computed
        from qualcode.cli.output import check_output

        check_output(output, force=force)
    data = compute_report(st, coder=coder, consensus=consensus, quotes=quotes,
                          theme=theme, subthemes=subthemes, indicators=indicators, by=by,
                          where=where or [], all_quotes=all_quotes, context=context)
    if fmt == "json" and output is None:
        emit_json(data)
    else:
        content = render(data, fmt)
        if output is None:
            sys.stdout.write(content if isinstance(content, str) else content.decode())
        else:
            from qualcode.cli.output import write_output

            write_output(output, content, force=True)  # checked above
            print(_("wrote {output}").format(output=output))
    left_to_exit(data)


def search(st: State, query: str, *, limit: int = 50, regex: bool = False,
           group: str | None = None, level: list[str] | None = None, code: str | None = None,
           coder: str | None = None, as_json: bool = False) -> None:
    from qualcode.db.reading import reading
    from qualcode.safety.terminal import printable
    from qualcode.search.engine import SearchIndex
    from qualcode.search.filters import SearchFilter, quote_ids

    db = st.db
    with reading(db) as reader:
        within = quote_ids(reader, SearchFilter(group=group, levels=tuple(level or ()),
                                                code=code, coder=coder))
        index = SearchIndex.load(reader, read_texts=False)
        run = index.search_regex if regex else index.search
        hits = run(query, limit=limit, within=within)
        rows = quote_rows(reader, {h.quote_id for h in hits})
    if as_json:
        emit_json([{"id": h.quote_id, "group": rows[h.quote_id][0],
                    "speaker": rows[h.quote_id][1], "score": h.score,
                    "text": rows[h.quote_id][2]} for h in hits])
    else:
        if not hits:
            print(_("no quote matches"), file=sys.stderr)
        for h in hits:
            grp, speaker, text = rows[h.quote_id]
            print(printable(f"#{h.quote_id} {grp} {speaker}  ({h.score:.0f})"))
            print(f"    {_highlight(text, h.spans)}")
    if index.fresh.entries:
        sys.stdout.flush()  # the answer first: keeping the index is for the next search
        _keep_index(db, index.fresh)
    left_to_exit(index)


AGREEMENT_FORMATS = ("md", "json")


def agreement(st: State, *, coders: str | None = None, fmt: str = "md", by_group: bool = False,
              bootstrap: int = 1000, seed: int = 2007, assigned: bool = False) -> None:
    """`fmt` is one of AGREEMENT_FORMATS (the whole command line tells another its way)."""
    from qualcode.db.reading import reading
    from qualcode.reports.agreement import compute, to_markdown

    names = [c.strip() for c in coders.split(",") if c.strip()] if coders else None
    with reading(st.db) as reader:
        data = compute(reader, names, by_group=by_group, replicates=bootstrap, seed=seed,
                       assigned=assigned)
    if fmt == "json":
        emit_json(data)
    else:
        print(to_markdown(data), end="")
    left_to_exit(data)


BOLD_UNDERLINED = "\x1b[1m\x1b[4m{}\x1b[0m"
"""Click's `style(…, bold=True, underline=True)`, written out: Click is not loaded here."""


def quote_rows(source: Reader | Session, ids: set[int]) -> dict[int, tuple[str, str, str]]:
    """Group, speaker and text of these quotes."""
    from qualcode.db.batches import id_batches
    from qualcode.db.reader import reader_of

    reader = reader_of(source)
    found: dict[int, tuple[str, str, str]] = {}
    for marks, params in id_batches(sorted(ids)):
        found.update((int(qid), (grp, speaker, text)) for qid, grp, speaker, text in reader.rows(
            "SELECT q.id, g.name, p.label, q.text FROM quote q "
            "JOIN study_group g ON g.id = q.group_id JOIN participant p ON p.id = q.participant_id "
            f"WHERE q.id IN ({marks})", params))
    return found


def _keep_index(db: str, fresh: Fresh) -> None:
    """Write what this search indexed anew, so the next one reads it; a project busy
    elsewhere or not writable keeps its index as it was (the next search retries)."""
    from sqlalchemy.exc import SQLAlchemyError

    from qualcode.db.engine import open_project
    from qualcode.db.reader import reader_of
    from qualcode.errors import UserError
    from qualcode.search.kept import keep

    try:
        project = open_project(db, warn=False)
        try:
            with project.write() as session:
                keep(reader_of(session), fresh)
        finally:
            project.close()
    except (SQLAlchemyError, UserError):
        return


def _highlight(text: str, spans: tuple[tuple[int, int], ...]) -> str:
    """Matched words in bold on a terminal; plain text when piped."""
    from qualcode.safety.terminal import printable

    if not sys.stdout.isatty():
        return printable(text)
    out, last = [], 0
    for start, end in spans:  # the words escaped first, then our own styling around them
        out += [printable(text[last:start]), BOLD_UNDERLINED.format(printable(text[start:end]))]
        last = end
    return "".join(out + [printable(text[last:])])
