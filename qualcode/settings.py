"""Settings written once instead of typed with every command: the default project, the
coder, the language, the workbench's theme.

Two TOML files may hold them: the user's (`$XDG_CONFIG_HOME/qualcode/config.toml`,
else `~/.config/qualcode/config.toml`) and a project-local `qualcode.toml` in the
current folder, beside the project. A command-line flag wins over the environment
(`QUALCODE_DB`, `QUALCODE_CODER`, `QUALCODE_LANG`), which wins over the project file,
which wins over the user's file, which wins over the default. `qualcode config show`
says which one each value comes from. A file that cannot be read as settings is one
line naming the file and the line; nothing runs on a half-understood configuration.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import NamedTuple

from qualcode.errors import UserError, toml_error
from qualcode.i18n import N_, _

KEYS = {"db": N_("the project: a file, or a postgresql:// URL"),
        "coder": N_("who is coding"),
        "lang": N_("fr or en"),
        "theme": N_("the workbench's look: dark or light")}
"""Every setting a file may hold, with what it is for."""
KEYMAP = "keys"
"""The table of a settings file giving the workbench's keys another key: `[keys]`,
then `suggestions = "g"`; each is kept as the setting `keys.suggestions`."""
REMAPPABLE = {
    "next_new": "n", "any_code": "a", "transcript": "t", "none_applies": "full_stop",
    "search": "slash", "filter": "f", "memo": "m", "suggestions": "s", "undo": "u",
    "report": "r", "review": "v", "codebook": "c", "help": "question_mark", "quit": "q",
}
"""The workbench's keys a settings file may change, with their own keys (Textual's
names: `full_stop` is ".", `slash` "/", `question_mark` "?")."""
FIXED = frozenset({*"123456789", "j", "k", "J", "K", "x", "w", "b", "W", "B",
                   "right_parenthesis", "escape", "enter", "tab", "up", "down", "ctrl+p"})
"""The workbench's keys that stay as they are, so no changed key may take them."""
_KEY_NAME = re.compile(r"^(?:(?:ctrl|shift|alt)\+)*(?:[a-z0-9_]+|[A-Z]|[^\s,])$")
CHOICES = {"lang": ("fr", "en"), "theme": ("dark", "light")}
ENVIRONMENT = {"db": "QUALCODE_DB", "coder": "QUALCODE_CODER", "lang": "QUALCODE_LANG"}
PROJECT_FILE = "qualcode.toml"


class Setting(NamedTuple):
    value: str
    origin: str
    """Where it was found: a file's path, an environment variable, or "default"."""


class Settings:
    """Every command reads them: a plain class, since `dataclasses` costs 8 ms of
    start-up (it imports `inspect`)."""

    def __init__(self) -> None:
        self.found: dict[str, Setting] = {}

    def get(self, key: str) -> str | None:
        setting = self.found.get(key)
        return setting.value if setting is not None else None

    def origin(self, key: str, default: str) -> str:
        setting = self.found.get(key)
        return setting.origin if setting is not None else default


def user_file() -> Path:
    home = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(home) / "qualcode" / "config.toml"


def load(folder: Path | None = None) -> Settings:
    """The files' settings, the project file's over the user's (the environment and the
    flags are applied by whoever asks, over these)."""
    settings = Settings()
    for path in (user_file(), (folder or Path.cwd()) / PROJECT_FILE):
        for key, value in _read(path).items():
            settings.found[key] = Setting(value, str(path))
    for key, variable in ENVIRONMENT.items():
        if os.environ.get(variable):
            settings.found[key] = Setting(os.environ[variable], f"${variable}")
    return settings


def _read(path: Path) -> dict[str, str]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(
            _("cannot read the settings ({exc})").format(exc=exc), path=str(path)
        ) from None
    import tomllib  # only when there is a file: start-up stays light

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise toml_error(exc, str(path)) from None
    out: dict[str, str] = {}
    for key, value in data.items():
        line = line_of(text, key)
        if key == KEYMAP and isinstance(value, dict):
            out.update(_keymap(value, text, path))
            continue
        if key not in KEYS:
            raise UserError(_("unknown setting {key!r} (known: {items})").format(
                                key=key, items=', '.join(KEYS)),
                            path=str(path), line=line)
        if not isinstance(value, str) or not value.strip():
            raise UserError(
                _("{key} must be text ({KEYS})").format(key=key, KEYS=_(KEYS[key])),
                path=str(path),
                line=line,
            )
        if key in CHOICES and value not in CHOICES[key]:
            raise UserError(_("{key} is {items}, not {value!r}").format(
                                key=key, items=' or '.join(CHOICES[key]), value=value),
                            path=str(path), line=line)
        value = value.strip()
        if key == "db" and "://" not in value and not Path(value).expanduser().is_absolute():
            value = str(path.parent / value)  # a file beside the settings that name it
        out[key] = str(Path(value).expanduser()) if key == "db" and "://" not in value \
            else value
    return out


def _keymap(table: dict[str, object], text: str, path: Path) -> dict[str, str]:
    """The `[keys]` table: known actions only, one key each, no key given twice."""
    out: dict[str, str] = {}
    for action, key in table.items():
        line = line_of(text, action)
        if action not in REMAPPABLE:
            raise UserError(
                _("no workbench key is called {action!r} (known: {items})").format(
                    action=action, items=", ".join(REMAPPABLE)
                ),
                path=str(path),
                line=line,
            )
        if not isinstance(key, str) or not _KEY_NAME.match(key.strip()):
            raise UserError(
                _('{action} needs one key, such as "g", "ctrl+g" or "question_mark"').format(
                    action=action
                ),
                path=str(path),
                line=line,
            )
        out[f"{KEYMAP}.{action}"] = key.strip()
    given: dict[str, str] = {}
    for action in REMAPPABLE:
        key = out.get(f"{KEYMAP}.{action}", REMAPPABLE[action])
        if key in FIXED:
            raise UserError(
                _(
                    "{action} cannot take {key!r}, a key of the workbench that does not change"
                ).format(action=action, key=key),
                path=str(path),
                line=line_of(text, action),
            )
        if key in given:
            raise UserError(_("{action} and {given} would share the key {key!r}").format(
                                action=action, given=given[key], key=key),
                            path=str(path), line=line_of(text, action))
        given[key] = action
    return out


def keymap(settings: Settings) -> dict[str, str]:
    """The workbench's changed keys, by action (the project file's over the user's); two
    actions left on one key by the two files together are refused."""
    prefix = f"{KEYMAP}."
    changed = {k[len(prefix):]: s.value for k, s in settings.found.items()
               if k.startswith(prefix)}
    given: dict[str, str] = {}
    for action, default in REMAPPABLE.items():
        key = changed.get(action, default)
        if key in given:
            raise UserError(
                _("{action} ({origin}) and {given} ({given_origin}) would share "
                  "the key {key!r}").format(
                    action=action,
                    origin=settings.origin(prefix + action, _("its own key")),
                    given=given[key],
                    given_origin=settings.origin(prefix + given[key], _("its own key")),
                    key=key,
                )
            )
        given[key] = action
    return changed


def line_of(text: str, key: str) -> int | None:
    """The line where `key = …` is set in a TOML text, for messages naming it."""
    for number, line in enumerate(text.splitlines(), start=1):
        if re.match(rf"\s*{re.escape(key)}\s*=", line):
            return number
    return None
