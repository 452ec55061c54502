"""Team work: `agreement` between coders and `merge` of another coder's project file."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from qualcode.cli import reads
from qualcode.cli.app import _Group, app, state
from qualcode.config import masked
from qualcode.i18n import N_, _


@app.command(help=N_("Inter-coder agreement per code and exclusive parent: %, Cohen, Fleiss, "
                     "Krippendorff."))
def agreement(
    ctx: typer.Context,
    coders: Annotated[str | None, typer.Option("--coders", help=N_("Comma-separated coder names "
                                               "(default: everyone but consensus and auto)."))]
    = None,
    fmt: Annotated[str, typer.Option("--format", help=N_("md or json"))] = "md",
    by_group: Annotated[bool, typer.Option("--by-group", help=N_("Also each focus group "
                                           "on its own."))] = False,
    bootstrap: Annotated[int, typer.Option("--bootstrap", min=0, max=100_000,
                                           help=N_("Replicates for alpha's 95 % interval "
                                           "(0: none)."))] = 1000,
    seed: Annotated[int, typer.Option("--seed", help=N_("Seed of the bootstrap draws: the "
                                      "same seed gives the same interval."))] = 2007,
    assigned: Annotated[bool, typer.Option("--assigned", help=N_("Only the double-coding "
                                           "sample drawn by `assign`."))] = False,
) -> None:
    if fmt not in reads.AGREEMENT_FORMATS:
        raise typer.BadParameter(_("unknown format {fmt!r} (available: {items})").format(
                                     fmt=fmt, items=', '.join(reads.AGREEMENT_FORMATS)))
    reads.agreement(state(ctx), coders=coders, fmt=fmt, by_group=by_group, bootstrap=bootstrap,
                    seed=seed, assigned=assigned)


@app.command(help=N_("Draw a double-coding sample, stratified by group, for every listed coder "
                     "to code.\n"
                     "\n"
                     "Replaces the listed coders' earlier assignment; their codings are kept. In "
                     "the workbench, `n` goes through a coder's assigned quotes first."))
def assign(
    ctx: typer.Context,
    coders: Annotated[str, typer.Option("--coders", help=N_("Comma-separated coders who will "
                                        "all code the sample."))],
    share: Annotated[str, typer.Option("--share", help=N_("Share of each group's participant "
                                       "quotes, e.g. 20%."))],
    seed: Annotated[int | None, typer.Option("--seed", help=N_("Makes the draw repeatable "
                                             "(default: a new one, printed)."))] = None,
) -> None:
    from qualcode.db.engine import open_project
    from qualcode.services.assign import assign as draw_sample
    from qualcode.services.assign import parse_share

    names = list(dict.fromkeys(c.strip() for c in coders.split(",") if c.strip()))
    fraction = parse_share(share)
    project = open_project(state(ctx).db)
    try:
        with project.write() as session:
            draw = draw_sample(session, coders=names, share=fraction, seed=seed,
                               by=state(ctx).coder)
    finally:
        project.close()
    groups = ", ".join(f"{g} {n}" for g, n in draw.per_group.items())
    print(
        _(
            "assigned {total} quotes ({fraction:.0%} of each group: {groups}) to {items}; seed "
            "{seed}"
        ).format(
            total=draw.total,
            fraction=fraction,
            groups=groups,
            items=", ".join(names),
            seed=draw.seed,
        )
    )


@app.command(help=N_("Discuss a quote under review with the team, or read its thread."))
def comment(
    ctx: typer.Context,
    quote_id: Annotated[int, typer.Argument(help=N_("The quote under discussion."))],
    text: Annotated[str | None, typer.Argument(help=N_("Your message (none: show the "
                                               "thread)."))] = None,
) -> None:
    from qualcode.db.engine import open_project
    from qualcode.services.comments import comment as add_comment
    from qualcode.services.comments import thread

    project = open_project(state(ctx).db)
    try:
        if text is not None:
            with project.write() as session:
                add_comment(session, quote_id=quote_id, coder=state(ctx).coder, text=text)
        with project.read() as session:
            messages = thread(session, quote_id)
    finally:
        project.close()
    for m in messages:
        print(f"{m.at:%Y-%m-%d %H:%M}  {m.coder}: {m.text}")
    if not messages:
        print(_("no comment on quote {quote_id} yet").format(quote_id=quote_id))


@app.command(help=N_("Adjudicate a quote: make its consensus exactly these codes, as the current "
                     "coder."))
def settle(
    ctx: typer.Context,
    quote_id: Annotated[int, typer.Argument(help=N_("The quote to adjudicate."))],
    codes: Annotated[list[str] | None, typer.Argument(help=N_("The consensus codes (none with "
                                                      "--none)."))] = None,
    none: Annotated[bool, typer.Option("--none", help=N_("The consensus is that no code "
                                       "applies."))] = False,
    why: Annotated[str | None, typer.Option("--why", help=N_("Your reason, kept with the "
                                            "decision and shown by `log`."))] = None,
) -> None:
    from qualcode.db.engine import open_project
    from qualcode.errors import UserError
    from qualcode.services.review import settle as settle_quote

    if bool(codes) == none:
        raise UserError(_("name the consensus codes, or --none when no code applies"))
    project = open_project(state(ctx).db)
    try:
        with project.write() as session:
            settle_quote(session, quote_id=quote_id, codes=list(codes or []),
                         coder=state(ctx).coder, why=why)
    finally:
        project.close()
    decided = ", ".join(codes or []) or _("no code applies")
    print(_("quote {quote_id}: the consensus is now {decided}").format(
              quote_id=quote_id, decided=decided))


@app.command(help=N_("Bring another coder's codings, memos and review marks into this project.\n"
                     "\n"
                     "Only adds: nothing here is overwritten or removed, and merging twice adds "
                     "nothing."))
def merge(
    ctx: typer.Context,
    other_db: Annotated[str, typer.Argument(metavar="OTHER_DB", help=N_("Another coder's project "
                                            "file (or postgresql:// URL)."))],
    threshold: Annotated[float, typer.Option("--threshold", min=50, max=100,
                                             help=N_("Similarity (0-100) from which a quote "
                                             "whose text changed is taken as the same."))]
    = 90.0,
) -> None:
    import tempfile

    from qualcode.config import is_url
    from qualcode.db.engine import normalise_url, open_project
    from qualcode.db.sqlite import trusted_copy
    from qualcode.errors import UserError
    from qualcode.services.merge import merge as merge_projects

    st = state(ctx)
    if normalise_url(other_db) == normalise_url(st.db) or _same_file(other_db, st.db):
        raise UserError(_("cannot merge a project into itself"), path=other_db)
    with tempfile.TemporaryDirectory(prefix="qualcode-merge-") as folder:
        if is_url(other_db):
            other = open_project(other_db)
        else:  # a checked private copy: the other file is only read, never changed
            other = open_project(str(trusted_copy(Path(other_db), Path(folder))), warn=False)
        try:
            project = open_project(st.db)
            try:
                with other.read() as theirs, project.write() as ours:
                    report = merge_projects(ours, theirs, coder=st.coder, threshold=threshold)
            except (KeyError, ValueError, TypeError) as exc:  # JSONDecodeError is one
                raise UserError(
                    _(
                        "not a consistent qualcode project ({kind}: {exc}); nothing was merged"
                    ).format(kind=type(exc).__name__, exc=exc),
                    path=other_db,
                ) from None
            finally:
                project.close()
        finally:
            other.close()
    print(
        _(
            "merged {project}: {codings_added} codings added ({codings_present} already here), "
            "{reviews_added} review marks, {memos} memos; coders: {coders}"
        ).format(
            project=masked(other_db),
            codings_added=report.codings_added,
            codings_present=report.codings_present,
            reviews_added=report.reviews_added,
            memos=report.memos_added + report.memos_appended,
            coders=", ".join(report.coders) or _("none"),
        )
    )
    print(
        _(
            "quotes: {quotes_exact} matched exactly, {quotes_fuzzy} by similar text, {count} not "
            "found here"
        ).format(
            quotes_exact=report.quotes_exact,
            quotes_fuzzy=report.quotes_fuzzy,
            count=len(report.unmatched),
        )
    )
    if report.codes_added:
        print(_("codes added: {items}").format(items=', '.join(report.codes_added)))
    if report.codes_differing:
        print(_("same name, different definition (this project's kept): {items}").format(
                  items=', '.join(report.codes_differing)))
    if report.spans_widened:
        print(_("{spans_widened} span codings now cover their whole quote (the span's words "
                "changed)").format(spans_widened=report.spans_widened))
    for q in report.unmatched:
        short = q.text if len(q.text) <= 70 else q.text[:69] + "…"
        print(_("  not found: {group} {speaker}: {short}").format(
                  group=q.group, speaker=q.speaker, short=short))


def _same_file(a: str, b: str) -> bool:
    """The same file under two names (a symlink, a relative path, a hard link)."""
    try:
        return "://" not in a + b and os.path.samefile(a, b)
    except OSError:
        return False


team_app = typer.Typer(cls=_Group, help=N_("Members of a PostgreSQL team project, each with a "
                       "role of their own (coder, adjudicator, viewer)."), no_args_is_help=True)
app.add_typer(team_app, name="team")


@team_app.command("add", help=N_("Create a member's database role; prints, once, the URL they "
                                 "connect with."))
def team_add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help=N_("The member's name: their database role and "
                                        "coder name."))],
    role: Annotated[str, typer.Option("--role", help=N_("coder, adjudicator or viewer"))],
) -> None:
    from qualcode.db.engine import open_project
    from qualcode.services import team_server

    project = open_project(state(ctx).db)
    try:
        with project.write() as session:
            url = team_server.add(session, name=name, role=role, url=str(project.engine.url))
    finally:
        project.close()
    print(_("added {name} as {role}. Give them this URL (shown once; it holds their "
            "password):\n{url}").format(name=name, role=role, url=url))


@team_app.command("list", help=N_("The team's members and their roles."))
def team_list(ctx: typer.Context) -> None:
    from qualcode.db.engine import open_project
    from qualcode.services import team_server

    project = open_project(state(ctx).db)
    try:
        with project.read() as session:
            found = team_server.members(session)
    finally:
        project.close()
    for member in found:
        print(f"{member.name}\t{member.role}")
    if not found:
        print(_("no members yet; `qualcode team add NAME --role coder` adds one"))


@team_app.command("remove", help=N_("Drop a member's database role; their codings stay in the "
                                    "project."))
def team_remove(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help=N_("The member to remove."))],
) -> None:
    from qualcode.db.engine import open_project
    from qualcode.services import team_server

    project = open_project(state(ctx).db)
    try:
        with project.write() as session:
            member = team_server.remove(session, name=name)
    finally:
        project.close()
    print(_("removed {name} ({role}); their codings stay in the project").format(
              name=member.name, role=member.role))
