"""The interface in French or English through one message catalogue (issue 23, item 1):
the language chosen by --lang, the settings or the locale; the catalogue complete and
compiled; the workbench's strings all through it; both languages at 80×24."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from qualcode import i18n

from .conftest import REPO, Cli

LOCALE = REPO / "qualcode" / "locale"
PO = LOCALE / "fr" / "LC_MESSAGES" / "qualcode.po"
TRANSLATED = sorted(str(p.relative_to(REPO)) for p in (REPO / "qualcode" / "tui").rglob("*.py"))
"""Every module of the workbench: its user-visible strings all go through the catalogue."""
SHOWN_BY = {"Label", "notify", "say", "StatusLine", "PickScreen", "WriteFailed",
            "QuoteSaved", "SearchBox", "Binding", "Text", "append", "Static", "Input",
            "FormScreen", "CodesLoaded", "SystemCommand"}
"""Calls whose text arguments a user reads."""


def test_the_catalogue_holds_every_marked_string_in_french(tmp_path: Path) -> None:
    pot = tmp_path / "qualcode.pot"
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "extract", "-k", "N_",
                    "--no-location", "-o", str(pot), str(REPO / "qualcode")], check=True,
                   capture_output=True)
    with pot.open("rb") as f:
        marked = {m.id for m in read_po(f) if m.id}
    with PO.open("rb") as f:
        french = {m.id: m.string for m in read_po(f) if m.id}
    assert len(marked) > 100
    assert not sorted(marked - set(french)), "run `make translations`"
    assert not [m for m in marked if not french[m]], "untranslated"
    with PO.with_suffix(".mo").open("rb") as f:
        compiled = {m.id: m.string for m in read_mo(f) if m.id}
    assert compiled == {m: french[m] for m in french if french[m]}, "run `make translations`"


def _words(node: ast.expr) -> bool:
    """Whether an argument is a literal text with words in it (a bare number is not, nor
    a piece of SQL)."""
    if isinstance(node, ast.Constant):
        return (isinstance(node.value, str) and sum(c.isalpha() for c in node.value) > 2
                and not re.search(r"\bSELECT\b|\bIN \(|\bq\.\w+", node.value))
    if isinstance(node, ast.JoinedStr):
        return any(_words(part) for part in node.values)
    return False


def _unmarked(path: Path) -> list[str]:
    """Literal texts handed straight to a call that shows them."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call):
            continue
        name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
        if name not in SHOWN_BY:
            continue
        texts = node.args[2:3] if name == "Binding" else node.args
        for arg in texts + [k.value for k in node.keywords if k.arg == "placeholder"]:
            if _words(arg):
                found.append(f"{path.name}:{node.lineno}: {ast.unparse(arg)[:60]}")
    return found


def test_the_workbench_strings_all_go_through_the_catalogue() -> None:
    found = [line for module in TRANSLATED for line in _unmarked(REPO / module)]
    assert not found, "\n".join(found)


@pytest.mark.parametrize(("environment", "flag", "expected"), [
    ({"LANG": "fr_FR.UTF-8"}, None, "fr"),
    ({"LANG": "fr_FR.UTF-8"}, "en", "en"),
    ({"LANG": "de_DE.UTF-8"}, None, "en"),
    ({"LANG": "en_GB.UTF-8", "LC_ALL": "fr_CA.UTF-8"}, None, "fr"),
    ({"LANG": "fr_FR.UTF-8", "QUALCODE_LANG": "en"}, None, "en"),
])
def test_the_language_comes_from_the_flag_the_settings_or_the_locale(
        cli: Cli, monkeypatch: pytest.MonkeyPatch, environment: dict[str, str],
        flag: str | None, expected: str) -> None:
    for variable, value in environment.items():
        monkeypatch.setenv(variable, value)
    shown = cli(*(["--lang", flag] if flag else []), "config", "show").out
    assert f"lang = {expected} " in shown
    assert cli("--lang", "de", "config", "show").code == 2


async def test_the_workbench_speaks_french_at_80_by_24(demo_db: Path) -> None:
    from qualcode.db.engine import open_project
    from qualcode.tui.app import make_app
    from qualcode.tui.screens.help import HelpScreen
    from qualcode.tui.widgets.key_footer import KeyFooter
    from qualcode.tui.widgets.status_line import StatusLine

    from .tui_support import ready, settle

    for language, words in (("fr", ("À coder", "revues", "citation 1 sur 22")),
                            ("en", ("Next new", "reviewed", "quote 1 of 22"))):
        i18n.use(language)
        app = make_app(open_project(str(demo_db), warn=False), "alice")
        async with app.run_test(size=(80, 24)) as pilot:
            screen = await ready(pilot)
            footer = screen.query_one(KeyFooter).render_line(0).text
            status = screen.query_one(StatusLine).text
            assert words[0] in footer and words[1] in status and words[2] in status, (
                footer, status)
            await pilot.press("question_mark")
            await settle(pilot)
            assert isinstance(app.screen, HelpScreen)
            shown = [app.screen.query_one("Static").render_line(y).text for y in range(4)]
            assert any(("L’atelier" if language == "fr" else "workbench") in line
                       for line in shown), shown


def test_french_typography_in_the_catalogue() -> None:
    with PO.open("rb") as f:
        french = [m.string for m in read_po(f) if m.id and m.string]
    for text in french:
        for i, ch in enumerate(text):
            if ch in ":;?!" and i > 0 and text[i - 1] == " ":
                pytest.fail(f"a plain space before {ch!r} in {text[:60]!r}")
            if ch == "«" and text[i + 1:i + 2] == " ":
                pytest.fail(f"a plain space after « in {text[:60]!r}")
