"""The Typer application: global options, error handling, and the shared context.

Commands live in sibling modules, one per area; each imports its services inside the
command so `qualcode --help` and light commands start without loading heavy parts.
"""

from __future__ import annotations

from typing import Annotated, Any

import typer
from typer.core import TyperGroup
from typer.exceptions import TyperException

from qualcode.cli.ending import failure, say
from qualcode.cli.state import State, make_state
from qualcode.i18n import N_, _


class _Group(TyperGroup):
    """Turns every failure into SPEC's one clear line on stderr and exit status 1."""

    def list_commands(self, ctx: Any) -> list[str]:
        return list(self.commands)  # the order they are declared in, not alphabetical

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except (typer.Exit, typer.Abort, TyperException):
            raise
        except (Exception, KeyboardInterrupt) as exc:  # a bug or an environment failure too
            told = failure(exc)
            if told is None:
                raise
            _fail(*told)
        return None


def _fail(message: str, code: int = 1) -> None:
    say(message)
    raise typer.Exit(code)


app = typer.Typer(
    cls=_Group,
    help=N_("Code focus-group verbatims with a codebook, review as a team, report by group cell."),
    no_args_is_help=False,
    invoke_without_command=True,
    pretty_exceptions_enable=False,
    add_completion=True,  # --install-completion: typer.completion costs 4 ms of start-up
    context_settings={"help_option_names": ["-h", "--help"]},
)


def state(ctx: typer.Context) -> State:
    obj = ctx.find_root().obj
    assert isinstance(obj, State)
    return obj


@app.callback()
def _root(
    ctx: typer.Context,
    db: Annotated[str | None, typer.Option("--db", help=N_("Project file or postgresql:// URL "
                                           "(default $QUALCODE_DB, else the settings' db, "
                                           "else ./qualcode.db)."))] = None,
    coder: Annotated[str | None, typer.Option("--coder", help=N_("Who is coding (default "
                                              "$QUALCODE_CODER, else the settings' coder, "
                                              "else your login name)."))] = None,
    lang: Annotated[str | None, typer.Option(
        "--lang", help=N_("fr or en (default $QUALCODE_LANG, else the settings' lang, else the "
        "locale: LANG=fr_FR.UTF-8 is French)."))] = None,
    version: Annotated[bool, typer.Option("--version", help=N_("Show the version."))] = False,
) -> None:
    if version:
        from qualcode import version_line

        print(version_line())
        raise typer.Exit()
    from qualcode import i18n

    if lang is not None and lang not in i18n.LANGUAGES:
        raise typer.BadParameter(_("{lang!r}: fr or en").format(lang=lang), param_hint="--lang")
    ctx.obj = make_state(db, coder, lang)
    if ctx.invoked_subcommand is None:
        from qualcode.cli.project_cmds import open_workbench

        open_workbench(ctx.obj)
