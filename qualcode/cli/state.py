"""Who runs a command, on which project, in which language: what the root options, the
environment and the settings decide before any command runs. Free of Typer, so that the
quick path (`cli.quick`) decides it exactly as the whole command line does."""

from __future__ import annotations

from typing import NamedTuple

from qualcode.config import DEFAULT_DB, resolve_coder
from qualcode.i18n import _


class State(NamedTuple):
    """Decided once, before the command runs. A NamedTuple, not a dataclass: every
    command builds one, and `dataclasses` costs 8 ms of start-up (it imports `inspect`)."""

    db: str
    coder: str
    theme: str = "dark"
    keys: dict[str, str] | None = None
    """The workbench's changed keys, by action (the settings' `[keys]`)."""
    origins: dict[str, str] | None = None
    """Where `db` and `coder` came from, for `qualcode config show`."""


def make_state(db: str | None, coder: str | None, lang: str | None) -> State:
    """The state the root options (`lang` already checked) and the settings make; the
    language is put in use on the way."""
    from qualcode import i18n
    from qualcode.settings import keymap
    from qualcode.settings import load as load_settings

    settings = load_settings()
    i18n.use(i18n.choose(lang, settings.get("lang")))
    project = db or settings.get("db") or DEFAULT_DB
    origins = {"db": "--db" if db else settings.origin("db", _("default: ./qualcode.db")),
               "lang": "--lang" if lang else settings.origin(
                   "lang", _("the locale") if i18n.from_locale() else _("default")),
               "coder": "--coder" if coder else settings.origin(
                   "coder", _("default: the URL's user, else the login name"))}
    return State(db=project, coder=resolve_coder(coder or settings.get("coder"), project),
                 theme=settings.get("theme") or "dark", keys=keymap(settings),
                 origins=origins)
