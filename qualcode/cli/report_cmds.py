"""`report`: the theme-by-group-cell report, in every format researchers hand on."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from qualcode.cli import reads
from qualcode.cli.app import app, state
from qualcode.cli.output import Force
from qualcode.i18n import N_, _


@app.command(help=N_("Themes per group cell: quotes, participants, share, cells that stand out, "
                     "verbatims."))
def report(
    ctx: typer.Context,
    fmt: Annotated[
        str, typer.Option("--format", help=N_("md, csv, xlsx, html, docx or json"))
    ] = "json",
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help=N_("Write to a file."))
    ] = None,
    coder: Annotated[
        str | None, typer.Option("--coder", help=N_("Only this coder's codes."))
    ] = None,
    consensus: Annotated[
        bool,
        typer.Option(
            "--consensus",
            help=N_(
                "The consensus: adjudicated codes, and those all of a quote's coders agreed on."
            ),
        ),
    ] = False,
    quotes: Annotated[
        int, typer.Option("--quotes", help=N_("Illustrative quotes per theme and group."))
    ] = 3,
    theme: Annotated[
        str | None, typer.Option("--theme", help=N_("Only this theme and its sub-themes."))
    ] = None,
    subthemes: Annotated[
        bool,
        typer.Option(
            "--subthemes",
            help=N_("Co-occurrence of every sub-theme, not only the top-level themes."),
        ),
    ] = False,
    indicators: Annotated[
        Path | None,
        typer.Option("--indicators", help=N_("Survey figures (YAML) to show beside their theme.")),
    ] = None,
    by: Annotated[
        str | None,
        typer.Option(
            "--by",
            help=N_(
                "A participant (else group) attribute whose values replace the groups as columns."
            ),
        ),
    ] = None,
    where: Annotated[
        list[str] | None,
        typer.Option(
            "--where",
            help=N_(
                "ATTRIBUTE=VALUE: only "
                "the participants matching it "
                "(repeatable; several values of one "
                "attribute: any of them)."
            ),
        ),
    ] = None,
    context: Annotated[bool, typer.Option("--context", help=N_(
        "Each illustrative quote with the moderator's question before it."))] = False,
    spec: Annotated[Path | None, typer.Option("--spec", help=N_(
        "A saved report definition (TOML): scope, theme, attribute, filters, quotes, "
        "formats and file names; run again, it gives the same report of the new coding."))
    ] = None,
    all_quotes: Annotated[bool, typer.Option("--all-quotes", help=N_(
        "An annex of every coded segment per theme and group, with the speaker's "
        "attributes and the coder, and the memos (not in csv)."))] = False,
    force: Force = False,
) -> None:
    from qualcode.reports.spec import FORMATS

    if spec is None and fmt not in FORMATS:
        raise typer.BadParameter(_("unknown format {fmt!r} (available: {items})").format(
                                     fmt=fmt, items=', '.join(FORMATS)))
    reads.report(state(ctx), fmt=fmt, output=output, coder=coder, consensus=consensus,
                 quotes=quotes, theme=theme, subthemes=subthemes, indicators=indicators, by=by,
                 where=where, context=context, spec=spec, all_quotes=all_quotes, force=force)
