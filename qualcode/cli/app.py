"""The Typer application: global options, error handling, and the shared context.

Commands live in sibling modules, one per area; each imports its services inside the
command so `qualcode --help` and light commands start without loading heavy parts.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from typing import Annotated, Any

import typer
from typer.core import TyperGroup
from typer.exceptions import TyperException

from qualcode.config import DEFAULT_DB, resolve_coder
from qualcode.errors import UserError
from qualcode.exporters.json_array import json_bytes, write_array
from qualcode.i18n import N_, _


class _Group(TyperGroup):
    """Turns every failure into SPEC's one clear line on stderr and exit status 1."""

    def list_commands(self, ctx: Any) -> list[str]:
        return list(self.commands)  # the order they are declared in, not alphabetical

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except UserError as exc:
            _fail(str(exc))
        except KeyboardInterrupt:
            _fail(_("interrupted; nothing was written by the unfinished action"), code=130)
        except (typer.Exit, typer.Abort, TyperException):
            raise
        except Exception as exc:  # a bug or an environment failure: still one line
            from sqlalchemy.exc import OperationalError

            if os.environ.get("QUALCODE_DEBUG"):
                raise
            if isinstance(exc, OperationalError):
                _fail(_("database error: {error}").format(
                    error=str(exc.orig).splitlines()[0]))
            _fail(_("internal error ({kind}: {error}); set QUALCODE_DEBUG=1 for details").format(
                kind=type(exc).__name__, error=exc))
        return None


def _fail(message: str, code: int = 1) -> None:
    from qualcode.config import masked

    print(f"qualcode: {masked(message)}", file=sys.stderr)  # the program's name, in any language
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


@dataclass
class State:
    db: str
    coder: str
    theme: str = "dark"
    keys: dict[str, str] | None = None
    """The workbench's changed keys, by action (the settings' `[keys]`)."""
    origins: dict[str, str] | None = None
    """Where `db` and `coder` came from, for `qualcode config show`."""


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
    from qualcode.settings import keymap
    from qualcode.settings import load as load_settings

    settings = load_settings()
    from qualcode import i18n

    if lang is not None and lang not in i18n.LANGUAGES:
        raise typer.BadParameter(_("{lang!r}: fr or en").format(lang=lang), param_hint="--lang")
    i18n.use(i18n.choose(lang, settings.get("lang")))
    project = db or settings.get("db") or DEFAULT_DB
    origins = {"db": "--db" if db else settings.origin("db", _("default: ./qualcode.db")),
               "lang": "--lang" if lang else settings.origin(
                   "lang", _("the locale") if i18n.from_locale() else _("default")),
               "coder": "--coder" if coder else settings.origin(
                   "coder", _("default: the URL's user, else the login name"))}
    ctx.obj = State(db=project, coder=resolve_coder(coder or settings.get("coder"), project),
                    theme=settings.get("theme") or "dark", keys=keymap(settings),
                    origins=origins)
    if ctx.invoked_subcommand is None:
        from qualcode.cli.project_cmds import open_workbench

        open_workbench(ctx.obj)


def json_text(data: Any) -> str:
    return json_bytes(data).decode()


_LEFT_TO_EXIT: list[Any] = []


def left_to_exit(value: Any) -> None:
    """`value` kept to the end of the process, which then ends without Python's teardown
    (see `qualcode.__main__`). For a read command, whose work is whole once its output
    is written (its project read and closed, nothing else open): freeing its results
    one by one, then the interpreter's modules, took 0.045 s of `quotes --json`'s 0.6 s
    at 100k, and 0.04 s of `report`'s 0.15 s on a 1k project. The last value given is
    kept, so that commands run one after another in a process keep no more than one."""
    _LEFT_TO_EXIT[:] = [value]


def ends_at_once() -> bool:
    return bool(_LEFT_TO_EXIT)


def emit_json(data: Any) -> None:
    """Written as the bytes orjson makes: decoding 50 MB (`quotes --json` at 100k) for
    the text layer to encode it again cost 0.15 s. A long array goes out in pieces."""
    sys.stdout.flush()
    out = sys.stdout.buffer
    if isinstance(data, list):
        write_array(data, out)
    else:
        out.write(json_bytes(data))
