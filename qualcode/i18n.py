"""The interface's words in the user's language: one message catalogue (gettext).

English is written in the code; French comes from `locale/fr/LC_MESSAGES/qualcode.po`,
compiled to the `.mo` beside it (`make translations` extracts the marked strings with
Babel, updates the catalogue and compiles it; a test checks both are complete and
current). A string is marked `_("…")` where it is shown, or `N_("…")` where it is
defined before the language is known (a key's description, a class-level table) and
then passed through `_()` when shown.

The language: `--lang`, else the settings' `lang` (or `$QUALCODE_LANG`), else the
locale (`LANG=fr_FR.UTF-8` gives French), else English.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Protocol

DOMAIN = "qualcode"
LOCALES = Path(__file__).resolve().parent / "locale"
LANGUAGES = ("en", "fr")
DEFAULT = "en"



class _Catalogue(Protocol):
    def gettext(self, message: str, /) -> str: ...
    def ngettext(self, singular: str, plural: str, count: int, /) -> str: ...


class _English:
    """English as the code writes it, which is what gettext's NullTranslations does,
    without loading gettext: a millisecond of every command's start-up in English."""

    def gettext(self, message: str, /) -> str:
        return message

    def ngettext(self, singular: str, plural: str, count: int, /) -> str:
        return singular if count == 1 else plural


_translation: _Catalogue = _English()
current = DEFAULT
"""The language in use."""


def from_locale(environ: Mapping[str, str] = os.environ) -> str | None:
    """The language the locale asks for, if we have it: the first of `LC_ALL`,
    `LC_MESSAGES` and `LANG` that is set decides, as the C library does."""
    for variable in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(variable, "")
        if value:
            code = value.split(".")[0].split("_")[0].split("@")[0].lower()
            return code if code in LANGUAGES else None
    return None


def choose(flag: str | None = None, setting: str | None = None) -> str:
    """The language to use: the flag, the settings, the locale, English."""
    return flag or setting or from_locale() or DEFAULT


def use(language: str) -> None:
    """Show the interface in `language` from now on."""
    global _translation, current
    if language not in LANGUAGES:
        language = DEFAULT
    if language == DEFAULT:
        _translation = _English()
    else:
        import gettext

        _translation = gettext.translation(DOMAIN, LOCALES, languages=[language], fallback=True)
    current = language


@contextmanager
def speaking(language: str) -> Iterator[None]:
    """Use `language` for a while, then the one before: a report is written in its study's
    language whatever the interface speaks."""
    before = current
    use(language)
    try:
        yield
    finally:
        use(before)


def _(message: str) -> str:
    """`message` in the language in use."""
    return _translation.gettext(message)


def N_(message: str) -> str:  # noqa: N802 - gettext's name for it
    """Marks `message` for the catalogue without translating it yet."""
    return message


def percent(share: float, digits: int = 1) -> str:
    """A share as the language writes it: `25.0%` in English, `25,0 %` in French (a
    decimal comma, and a no-break space before the sign)."""
    text = f"{share * 100:.{digits}f}"
    return f"{text.replace('.', ',')}\u00a0%" if current == "fr" else f"{text}%"


def ngettext(singular: str, plural: str, count: int) -> str:
    """`singular` or `plural` as the language counts `count` (French: 0 and 1 are
    singular)."""
    return _translation.ngettext(singular, plural, count)
