"""The theme-by-group-cell report as the read commands make it: computed once, then
worded in each format asked for. Free of Typer (`cli.quick` runs `report` too)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from qualcode.cli.json_output import json_text
from qualcode.cli.state import State
from qualcode.i18n import _

BINARY = ("xlsx", "docx")
ANNEXED = ("md", "html", "docx", "xlsx", "json")


def run_spec(st: State, path: Path, *, force: bool) -> None:
    """Compute the spec's report once and write it in each of its formats."""
    from qualcode.reports.spec import load_spec

    spec = load_spec(path)
    from qualcode.cli.output import check_output, write_output

    for target in spec.outputs.values():
        check_output(target, force=force)
    data = compute_report(st, coder=spec.coder, consensus=spec.consensus, quotes=spec.quotes,
                          theme=spec.theme, subthemes=spec.subthemes,
                          indicators=spec.indicators, by=spec.by, where=list(spec.where),
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
