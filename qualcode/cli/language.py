"""The command line in the user's language, help included.

Typer reads every help text when the commands are declared, before any option is parsed,
and `--help` is answered while parsing: so the language is chosen from the arguments, the
settings and the locale first (`preselect`), and the help texts, marked `N_` where they are
declared, are translated on the command tree built for this run (`translated`). Click and
Typer draw a few words of their own ("Usage:", "Options", "Show this message and exit.");
they look them up through module-level `gettext` functions, which are pointed at our
catalogue, so a French help page has no English frame.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import click

from qualcode import i18n
from qualcode.i18n import N_, _

FRAME = (
    N_("Usage:"), N_("Options"), N_("Commands"), N_("Arguments"), N_("Error"),
    N_("Show this message and exit."), N_("[default: {}]"), N_("[required]"),
    N_("default: {default}"), N_("required"), N_("Aborted."), N_("Aborted!"),
    N_("Try [blue]'{command_path} {help_option}'[/] for help."),
    N_("Try '{command} {option}' for help."), N_("No such option: {name}"),
    N_("No such command {name!r}."), N_("Missing argument {param_hint}."),
    N_("Missing option {param_hint}."), N_("Invalid value for {param_hint}: {message}"),
    N_("Option {name!r} requires an argument."), N_("{value!r} is not a valid integer."),
    N_("{value!r} is not a valid float."), N_("{value!r} is not a valid boolean."),
    N_("Path {filename!r} does not exist."),
    N_("Install completion for the current shell."),
    N_("Show completion for the current shell, to copy it or customize the installation."),
)
"""Click's and Typer's own words that a user meets, so the extraction keeps them."""


def preselect(argv: Sequence[str]) -> None:
    """Use the language this run will use, before the command line is parsed."""
    flag = None
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv):
            flag = argv[i + 1]
        elif arg.startswith("--lang="):
            flag = arg.partition("=")[2]
        elif arg == "--":
            break
    if flag not in i18n.LANGUAGES:
        flag = None  # the root callback says what is wrong with it
    setting = None
    try:
        from qualcode.settings import load

        setting = load().get("lang")
    except Exception:  # noqa: BLE001 - a bad settings file is reported by the command itself
        setting = None
    i18n.use(i18n.choose(flag, setting))
    if i18n.current != i18n.DEFAULT:
        _translate_frame()


def translated(command: click.Command) -> click.Command:
    """`command` and its sub-commands with their help in the language in use."""
    if command.help:
        command.help = _(command.help)
    if command.short_help:
        command.short_help = _(command.short_help)
    for param in command.params:
        text = getattr(param, "help", None)
        if text:
            param.help = _(text)  # type: ignore[attr-defined]
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            translated(sub)
    return command


def _translate_frame() -> None:
    import click.core
    import click.decorators
    import click.exceptions
    import click.formatting
    import click.parser
    import click.types
    import typer.core
    import typer.rich_utils as rich

    modules: list[Any] = [click.core, click.decorators, click.exceptions, click.formatting,
                          click.parser, click.types, typer.core, rich]
    for module in modules:
        module._ = _
    rich.DEFAULT_STRING = _("[default: {}]")
    rich.REQUIRED_LONG_STRING = _("[required]")
    rich.ARGUMENTS_PANEL_TITLE = _("Arguments")
    rich.OPTIONS_PANEL_TITLE = _("Options")
    rich.COMMANDS_PANEL_TITLE = _("Commands")
    rich.ERRORS_PANEL_TITLE = _("Error")
    rich.ABORTED_TEXT = _("Aborted.")
    rich.RICH_HELP = _("Try [blue]'{command_path} {help_option}'[/] for help.")
