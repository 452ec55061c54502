"""Finding quotes and codes for them: `search`, `suggest`, `duplicates`."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated, Any

import typer

from qualcode.cli import reads
from qualcode.cli.app import app, state
from qualcode.cli.json_output import emit_json
from qualcode.cli.reads import quote_rows
from qualcode.i18n import N_, _
from qualcode.safety.terminal import printable

if TYPE_CHECKING:
    from sqlmodel import Session


@app.command(help=N_("Accent- and typo-tolerant search over quotes, best first."))
def search(
    ctx: typer.Context,
    query: Annotated[
        str,
        typer.Argument(
            help=N_(
                'Words (typos and missing accents forgiven); "an exact phrase" in double quotes.'
            )
        ),
    ],
    limit: Annotated[int, typer.Option("--limit", min=1, help=N_("At most this many."))] = 50,
    regex: Annotated[
        bool, typer.Option("--regex", help=N_("QUERY is a regular expression."))
    ] = False,
    group: Annotated[str | None, typer.Option("--group", help=N_("Only this group."))] = None,
    level: Annotated[
        list[str] | None,
        typer.Option(
            "--level",
            help=N_("Only groups at this design level: `age=60+` or `CSP-` (repeatable)."),
        ),
    ] = None,
    code: Annotated[
        str | None, typer.Option("--code", help=N_("Only quotes with this code (or a sub-code)."))
    ] = None,
    coder: Annotated[
        str | None, typer.Option("--coder", help=N_("Only this coder's work."))
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help=N_("JSON, as SPEC describes."))] = False,
) -> None:
    reads.search(state(ctx), query, limit=limit, regex=regex, group=group, level=level,
                 code=code, coder=coder, as_json=as_json)


@app.command(help=N_("Codes suggested for quotes, from the codebook's keywords and from the "
                     "quotes already coded, each with its reasons."))
def suggest(
    ctx: typer.Context,
    quote_id: Annotated[int | None, typer.Argument(help=N_("Quote id (every quote if omitted)."))]
    = None,
    apply: Annotated[bool, typer.Option("--apply", help=N_("Code the suggestions at or above "
                                        "--threshold, as the coder `auto` (never as you)."))]
    = False,
    threshold: Annotated[float | None, typer.Option(
        "--threshold", min=0.0, max=100.0, help=N_("Least score for --apply (default 70).")
    )] = None,
    coder: Annotated[str | None, typer.Option(
        "--coder", help=N_("Learn from this coder's codes only (default: every coder but "
        "`auto`)."))] = None,
    consensus: Annotated[bool, typer.Option(
        "--consensus", help=N_("Learn from the consensus only."))] = False,
    evaluate: Annotated[bool, typer.Option(
        "--evaluate", help=N_("Measure the suggestions by cross-validation over the coded "
        "quotes (grouped by focus group), beside keywords alone."))] = False,
    folds: Annotated[int, typer.Option("--folds", min=2, max=20,
                                       help=N_("Folds of --evaluate."))] = 5,
    as_json: Annotated[bool, typer.Option("--json", help=N_("JSON output."))] = False,
) -> None:
    from qualcode.db.engine import open_project
    from qualcode.errors import UserError
    from qualcode.reports.counts import Scope
    from qualcode.search import suggest as sg

    if coder and consensus:
        raise UserError(_("choose --coder or --consensus, not both"))
    if evaluate and (apply or quote_id is not None):
        raise UserError(_("--evaluate measures every coded quote: no quote id, no --apply"))
    scope = Scope(coder=coder, consensus=consensus)
    cut = sg.APPLY_THRESHOLD if threshold is None else threshold
    project = open_project(state(ctx).db)
    try:
        if evaluate:
            from qualcode.search.evaluate import evaluate as run

            with project.read() as session:
                _check_coder(session, coder)
                result = run(session, scope, folds=folds, threshold=cut)
            _print_evaluation(result.as_dict(), as_json)
            return
        session_of = project.write if apply else project.read
        with session_of() as session:
            _check_coder(session, coder)
            found = ({quote_id: sg.suggest(session, quote_id, scope)} if quote_id is not None
                     else sg.suggest_all(session, scope))
            if apply:
                added = sg.apply_suggestions(session, found, threshold=cut)
    finally:
        project.close()
    if as_json:
        emit_json([{"id": qid, "suggestions": [{"code": s.code, "score": s.score,
                                                "matched": list(s.matched), "why": s.why}
                                               for s in sugg]}
                   for qid, sugg in found.items()])
    else:
        for qid, sugg in found.items():
            if not sugg:
                continue
            print(f"#{qid}")
            for s in sugg:
                mark = "*" if s.score >= cut else " "
                print(printable(f"  {mark} {s.score:5.1f}  {s.code}  ({s.reason})"))
    if apply:
        print(_("{added} codings added as `{AUTO_CODER}` (score >= {cut:g})").format(
                  added=added, AUTO_CODER=sg.AUTO_CODER, cut=cut),
              file=sys.stderr if as_json else sys.stdout)


def _check_coder(session: Session, coder: str | None) -> None:
    from sqlmodel import select

    from qualcode.db.models import Coder
    from qualcode.errors import UserError

    if coder and session.exec(select(Coder.id).where(Coder.name == coder)).first() is None:
        raise UserError(_("unknown coder {coder!r}; `qualcode log` shows who coded").format(
                            coder=coder))


def _print_evaluation(data: dict[str, Any], as_json: bool) -> None:
    if as_json:
        emit_json(data)
        return
    print(
        _(
            "suggestions measured on {quotes} coded quotes ({scope}), {folds}-fold "
            "cross-validation by group over {groups} groups, at score >= {threshold:g}"
        ).format(
            quotes=data["quotes"],
            scope=data["scope"],
            folds=data["folds"],
            groups=data["groups"],
            threshold=data["threshold"],
        )
    )
    print(f"{'code':<32} {'n':>6}   {'learned P':>9} {'R':>5} {'F1':>5} {'R@3':>5}   "
          f"{'keywords P':>10} {'R':>5} {'F1':>5} {'R@3':>5}")

    def cell(value: float | None) -> str:
        return "    –" if value is None else f"{value:5.2f}"

    for row in data["codes"]:
        mark = "" if row["enough_codings"] else " (few)"
        name = (row["code"] + mark)[:32]
        learned, keywords = row["learned"], row["keywords"]
        print(printable(
            f"{name:<32} {row['examples']:>6}   {cell(learned['precision']):>9} "
            f"{cell(learned['recall'])} {cell(learned['f1'])} {cell(learned['recall_at_3'])}   "
            f"{cell(keywords['precision']):>10} {cell(keywords['recall'])} "
            f"{cell(keywords['f1'])} {cell(keywords['recall_at_3'])}"))
    print(
        _(
            "learned F1 above keyword F1 for {better} of the {codes} codes with {least} codings or "
            "more"
        ).format(
            better=data["learned_beats_keywords"],
            codes=data["codes_with_enough_codings"],
            least=data["min_codings"],
        )
    )


@app.command(help=N_("Quotes that look like the same verbatim imported twice, most similar first."))
def duplicates(
    ctx: typer.Context,
    threshold: Annotated[float, typer.Option("--threshold", min=0.0, max=100.0,
                                             help=N_("Least similarity, 0-100."))] = 92.0,
    as_json: Annotated[bool, typer.Option("--json", help=N_("JSON output."))] = False,
) -> None:
    from qualcode.db.engine import open_project
    from qualcode.search.duplicates import near_duplicates

    project = open_project(state(ctx).db)
    try:
        with project.read() as session:
            pairs = near_duplicates(session, threshold=threshold)
            rows = quote_rows(session, {i for a, b, _ in pairs for i in (a, b)})
    finally:
        project.close()
    if as_json:
        emit_json([{"ids": [a, b], "similarity": score} for a, b, score in pairs])
        return
    if not pairs:
        print(_("no near-duplicate quotes"))
    for a, b, score in pairs:
        print(f"#{a} {rows[a][0]} {rows[a][1]} ~ #{b} {rows[b][0]} {rows[b][1]}  ({score:.1f})")
        print(f"    {printable(rows[a][2])}")
        print(f"    {printable(rows[b][2])}")
