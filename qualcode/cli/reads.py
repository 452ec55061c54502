"""The read commands' work, free of Typer: the whole command line (`cli.quote_cmds`)
and the quick path (`cli.quick`) run these same bodies with the options they parsed."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import BinaryIO

from qualcode.cli.ending import left_to_exit
from qualcode.cli.json_output import emit_json
from qualcode.cli.state import State
from qualcode.i18n import _


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
    if fmt is None:
        from qualcode.db.reading import reading

        with reading(st.db) as db:
            views = list_quotes(db, wanted)
    else:
        from qualcode.db.engine import open_project
        from qualcode.services.quote_table import coded_table

        project = open_project(st.db)
        try:
            with project.read() as session:
                views = list_quotes(session, wanted)
                table = coded_table(session, [v.id for v in views])
        finally:
            project.close()
    if fmt is not None and output is not None:
        from qualcode.cli.output import write_output
        from qualcode.exporters.quote_table import to_csv, to_xlsx

        write_output(output, to_csv(table) if fmt == "csv" else to_xlsx(table),
                     force=True)  # checked above
        left = (_("; {count} segment codings left out (a cell holds whole-quote "
                  "codes)").format(count=table.segments_left_out)
                if table.segments_left_out else "")
        print(_("{output}: {rows} rows, {quotes} quotes{left}").format(
                  output=output, rows=len(table.rows), quotes=len(views), left=left))
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
