"""`report`: the theme-by-group-cell report, in every format researchers hand on."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from qualcode.cli.app import app, state
from qualcode.cli.ending import left_to_exit
from qualcode.cli.json_output import emit_json, json_text
from qualcode.cli.output import Force, check_output, write_output
from qualcode.cli.state import State
from qualcode.i18n import N_, _

BINARY = ("xlsx", "docx")
ANNEXED = ("md", "html", "docx", "xlsx", "json")


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
        run_spec(state(ctx), spec, force=force)
        return
    from qualcode.reports.spec import FORMATS

    if fmt not in FORMATS:
        raise typer.BadParameter(_("unknown format {fmt!r} (available: {items})").format(
                                     fmt=fmt, items=', '.join(FORMATS)))
    if all_quotes and fmt not in ANNEXED:
        raise UserError(_("--all-quotes is for --format md, html, docx, xlsx or json"))
    if fmt in BINARY and output is None:
        raise UserError(_("--format {fmt} writes a file: add -o FILE.{fmt}").format(fmt=fmt))
    if output is not None:  # told at once, not after a long report is computed
        check_output(output, force=force)
    data = compute_report(state(ctx), coder=coder, consensus=consensus, quotes=quotes,
                          theme=theme, subthemes=subthemes, indicators=indicators, by=by,
                          where=where or [], all_quotes=all_quotes, context=context)
    if fmt == "json" and output is None:
        emit_json(data)
    else:
        content = render(data, fmt)
        if output is None:
            sys.stdout.write(content if isinstance(content, str) else content.decode())
        else:
            write_output(output, content, force=True)  # checked above
            print(_("wrote {output}").format(output=output))
    left_to_exit(data)


def run_spec(st: State, path: Path, *, force: bool) -> None:
    """Compute the spec's report once and write it in each of its formats."""
    from qualcode.reports.spec import load_spec

    spec = load_spec(path)
    for target in spec.outputs.values():
        check_output(target, force=force)
    data = compute_report(st, coder=spec.coder, consensus=spec.consensus, quotes=spec.quotes,
                          theme=spec.theme, subthemes=spec.subthemes,
                          indicators=spec.indicators, by=spec.by, where=spec.where,
                          all_quotes=spec.all_quotes, context=spec.context,
                          language=spec.lang)
    for fmt, target in spec.outputs.items():
        write_output(target, render(data, fmt), force=True)
        print(_("wrote {output}").format(output=target))


def render(data: dict[str, Any], fmt: str) -> str | bytes:
    """The report in one format, worded in its language; heavy libraries load only for the
    format that needs them."""
    import importlib

    from qualcode import i18n

    if fmt == "json":
        return json_text(data)
    module = importlib.import_module(f"qualcode.exporters.report_{fmt}")
    with i18n.speaking(data.get("language") or i18n.current):
        content: str | bytes = module.render(data)
    return content


def report_language(st: State, study: str | None) -> str:
    """A report speaks its study's language (the study file's `language`), unless `--lang`
    asks for another: the synthesis is handed in the language of its transcripts, whatever
    language the researcher's terminal speaks."""
    from qualcode import i18n

    if (st.origins or {}).get("lang") != "--lang" and study in i18n.LANGUAGES:
        return str(study)
    return i18n.current


def compute_report(st: State, *, coder: str | None = None, consensus: bool = False,
                   quotes: int = 3, theme: str | None = None, subthemes: bool = False,
                   indicators: Path | None = None, by: str | None = None,
                   where: list[str] | None = None, all_quotes: bool = False,
                   context: bool = False, language: str | None = None) -> dict[str, Any]:
    from qualcode.config import is_url
    from qualcode.db.reading import reading
    from qualcode.errors import UserError
    from qualcode.reports.columns import parse_where
    from qualcode.reports.counts import Options, Scope, compute
    from qualcode.reports.indicators import Indicator, find_indicators, load_indicators
    from qualcode.services.code_tree import code_tree
    from qualcode.services.design import load_design, study_language

    if coder and consensus:
        raise UserError(_("choose --coder or --consensus, not both"))
    filters = parse_where(where or [])
    with reading(st.db) as db:
        figures: list[Indicator] = []
        path = indicators or find_indicators(None if is_url(st.db) else Path(st.db),
                                             load_design(db).title)
        if path is not None:
            _title, figures = load_indicators(path, [c.name for c in code_tree(db)])
        data = compute(db, Scope(coder=coder, consensus=consensus),
                       Options(theme=theme, quotes=quotes, subthemes_cooccur=subthemes,
                               indicators=figures, by=by, where=filters))
        data["language"] = language or report_language(st, study_language(db))
        if context:
            from qualcode.reports.context import add_context

            add_context(db, data["quotes"])
        if all_quotes:
            from qualcode.reports.annex import annex

            data["annex"] = annex(db, Scope(coder=coder, consensus=consensus),
                                  theme=theme, where=filters)
        return data


def print_summary(st: State) -> None:
    """A plain-text glance at the report: top-level themes × groups, quote counts."""
    data = compute_report(st, quotes=0)
    groups = [g["name"] for g in data["groups"]]
    top = [t["name"] for t in data["themes"] if t["parent"] is None]
    cells = {(c["theme"], c["group"]): c["quotes"] for c in data["cells"]}
    width = max(len(t) for t in top) if top else 10
    print(f"{'theme':<{width}}  " + "  ".join(f"{g:>4}" for g in groups))
    for theme in top:
        print(f"{theme:<{width}}  " + "  ".join(f"{cells[(theme, g)]:>4}" for g in groups))
