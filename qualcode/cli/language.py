"""The command line in the user's language, help included.

Typer reads every help text when the commands are declared, before any option is parsed,
and `--help` is answered while parsing: so the language is chosen from the arguments, the
settings and the locale first (`preselect`), and the help texts, marked `N_` where they are
declared, are translated on the command tree built for this run (`translated`).

Typer draws a few words of its own around them ("Usage:", "Options", "Show this message
and exit."), from module constants and from the copy of Click it carries, which has no
catalogue. `_translate_frame` points those at ours; it touches Typer's internals, so it is
guarded: should a Typer release move them, the frame stays English and nothing breaks (a
test shows the French frame on the Typer we pin).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from qualcode import i18n
from qualcode.i18n import N_, _

HELP_OPTION = N_("Show this message and exit.")
FRAME = (N_("Usage:"), N_("Options"), N_("Commands"), N_("Arguments"), N_("Error"),
         N_("[default: {}]"), N_("[required]"), N_("Aborted."),
         N_("Try [blue]'{command_path} {help_option}'[/] for help."),
         N_("Install completion for the current shell."),
         N_("Show completion for the current shell, to copy it or customize the installation."))
"""Typer's own words that a user meets, so that the extraction keeps them."""


def preselect(argv: Sequence[str]) -> None:
    """Use the language this run will use, before the command line is parsed, Typer's
    own words included."""
    choose_early(argv)
    if i18n.current != i18n.DEFAULT:
        _translate_frame()


def choose_early(argv: Sequence[str]) -> None:
    """Use the language the arguments, the settings and the locale choose, before
    anything can fail: a broken settings file is then told in that language. The quick
    path (`cli.quick`) calls this alone."""
    flag = None
    for i, arg in enumerate(argv):
        if arg == "--":
            break
        if arg == "--lang" and i + 1 < len(argv):
            flag = argv[i + 1]
        elif arg.startswith("--lang="):
            flag = arg.partition("=")[2]
    if flag not in i18n.LANGUAGES:
        flag = None  # the root callback says what is wrong with it
    try:
        from qualcode.settings import load

        setting = load().get("lang")
    except Exception:  # noqa: BLE001 - a bad settings file is reported by the command itself
        setting = None
    i18n.use(i18n.choose(flag, setting))


def translated(command: Any) -> Any:
    """`command` and its sub-commands with their help in the language in use."""
    if command.help:
        command.help = _(command.help)
    if getattr(command, "short_help", None):
        command.short_help = _(command.short_help)
    for param in command.params:
        if getattr(param, "help", None):
            param.help = _(param.help)
    for sub in getattr(command, "commands", {}).values():
        translated(sub)
    return command


def _translate_frame() -> None:
    try:
        import typer.rich_utils as rich
        from typer._click import core, formatting
    except ImportError:  # pragma: no cover - another Typer: its frame stays English
        return
    for name, text in (("DEFAULT_STRING", "[default: {}]"), ("REQUIRED_LONG_STRING", "[required]"),
                       ("ARGUMENTS_PANEL_TITLE", "Arguments"), ("OPTIONS_PANEL_TITLE", "Options"),
                       ("COMMANDS_PANEL_TITLE", "Commands"), ("ERRORS_PANEL_TITLE", "Error"),
                       ("ABORTED_TEXT", "Aborted."),
                       ("RICH_HELP", "Try [blue]'{command_path} {help_option}'[/] for help.")):
        if hasattr(rich, name):
            setattr(rich, name, _(text))
    write_usage = getattr(formatting.HelpFormatter, "write_usage", None)
    help_option = getattr(core.Command, "get_help_option", None)
    if write_usage is None or help_option is None:  # pragma: no cover - another Typer
        return

    def usage_in_language(self: Any, prog: str, args: str = "", prefix: str | None = None) -> None:
        write_usage(self, prog, args, f"{_('Usage:')} " if prefix is None else prefix)

    def help_option_in_language(self: Any, ctx: Any) -> Any:
        option = help_option(self, ctx)
        if option is not None and option.help == HELP_OPTION:
            option.help = _(HELP_OPTION)
        return option

    formatting.HelpFormatter.write_usage = usage_in_language  # type: ignore[method-assign]
    core.Command.get_help_option = help_option_in_language  # type: ignore[method-assign]
