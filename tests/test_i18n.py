"""The interface in French or English through one message catalogue (issue 23, item 1):
the language chosen by --lang, the settings or the locale; the catalogue complete and
compiled; the workbench's strings all through it; both languages at 80×24."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

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
        marked = {_key(m.id) for m in read_po(f) if m.id}
    with PO.open("rb") as f:
        french = {_key(m.id): _key(m.string) for m in read_po(f) if m.id}
    assert len(marked) > 100
    assert not sorted(marked - set(french), key=str), "run `make translations`"
    assert not [m for m in marked if not _filled(french[m])], "untranslated"
    with PO.with_suffix(".mo").open("rb") as f:
        compiled = {_key(m.id): _key(m.string) for m in read_mo(f) if m.id}
    assert compiled == {m: french[m] for m in french if _filled(french[m])}, (
        "run `make translations`")


def _key(text: str | list[str] | tuple[str, ...]) -> str | tuple[str, ...]:
    """A message's text, or its singular and plural forms, comparable whoever read it."""
    return text if isinstance(text, str) else tuple(text)


def _filled(text: str | tuple[str, ...]) -> bool:
    return bool(text) and all(text) if isinstance(text, tuple) else bool(text)


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


COMMAND_LINE = sorted(p for p in (REPO / "qualcode").rglob("*.py")
                      if "tui" not in p.relative_to(REPO).parts)
"""Every module outside the workbench: its messages reach the command line."""
PRINTED_BY = {"print", "echo", "secho", "confirm"}
RAISED_BY = {"UserError", "BadParameter"}
HELP_OF = {"Option", "Argument", "command", "callback", "Typer"}


def _is_marked(node: ast.expr) -> bool:
    return isinstance(node, ast.Call) and getattr(node.func, "id", None) in ("_", "N_")


def _unmarked_messages(path: Path) -> list[str]:
    """Literal texts raised as errors, printed by a command, or given as help."""
    in_cli = "cli" in path.relative_to(REPO).parts
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call):
            continue
        name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
        texts: list[ast.expr] = []
        if name in RAISED_BY or (in_cli and name in PRINTED_BY):
            texts = node.args[:1]
        if name in HELP_OF:
            texts = [k.value for k in node.keywords if k.arg == "help"]
            found += [f"{path.name}:{node.lineno}: help not marked N_"
                      for t in texts if not _is_marked(t)]
            continue
        if name in ("command", "callback") and not any(k.arg == "help" for k in node.keywords):
            continue
        found += [f"{path.name}:{node.lineno}: {ast.unparse(t)[:60]}" for t in texts
                  if _words(t) and not (isinstance(t, ast.JoinedStr) and _only_data(t))]
    return found


def _only_data(node: ast.JoinedStr) -> bool:
    """An f-string that only lays out data (`f"{file}: {line}"`), with no words of its own."""
    return not any(isinstance(p, ast.Constant) and re.search(r"[a-z]{2,} [a-z]{2,}", p.value)
                   for p in node.values)


def test_the_command_line_messages_all_go_through_the_catalogue() -> None:
    found = [line for module in COMMAND_LINE for line in _unmarked_messages(module)]
    assert not found, "\n".join(found)


def _helps(command: Any) -> list[str]:
    texts = [command.help or ""] + [getattr(p, "help", None) or "" for p in command.params]
    texts += [t for sub in getattr(command, "commands", {}).values() for t in _helps(sub)]
    return [t for t in texts if t]


def test_every_help_text_of_every_command_is_in_the_catalogue() -> None:
    """A command documented by its docstring alone would stay English: Babel does not read
    docstrings, so each command's help is given as `help=N_(…)`."""
    import typer.main

    from qualcode.cli.whole import app

    with PO.open("rb") as f:
        french = {m.id: m.string for m in read_po(f) if m.id}
    helps = _helps(typer.main.get_command(app))
    assert len(helps) > 100
    assert not [h for h in helps if not french.get(h)]


def test_placeholders_survive_translation() -> None:
    """A French message naming a placeholder its English lacks would fail when shown."""
    import string

    formatter = string.Formatter()

    def names(text: str) -> set[str]:
        return {n for _, n, _, _ in formatter.parse(text) if n is not None}

    with PO.open("rb") as f:
        pairs = [(m.id, m.string) for m in read_po(f) if m.id and m.string]
    broken = [(e, f) for e, f in pairs if "{" in e + f and not names(f) <= names(e)]
    assert not broken


def _run(*args: str, lang: str = "C.UTF-8", cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    import os

    env = {**os.environ, "LANG": lang, "COLUMNS": "100", "NO_COLOR": "1"}
    env.pop("LC_ALL", None)
    env.pop("QUALCODE_LANG", None)
    return subprocess.run([sys.executable, "-m", "qualcode", *args], capture_output=True,
                          text=True, env=env, cwd=cwd, timeout=120)


def test_the_command_line_help_is_french_under_a_french_locale() -> None:
    french = _run("report", "--help", lang="fr_FR.UTF-8").stdout
    assert "Utilisation" in french and "Écrire dans un fichier" in french, french
    assert "Afficher ce message et quitter." in french
    assert "Write to a file" not in french and "Show this message" not in french
    english = _run("--lang", "en", "report", "--help", lang="fr_FR.UTF-8").stdout
    assert "Usage" in english and "Write to a file" in english
    assert "Utilisation" in _run("--lang", "fr", "--help").stdout


def test_errors_and_summaries_are_french_under_a_french_locale(tmp_path: Path) -> None:
    missing = _run("--db", str(tmp_path / "none.db"), "quotes", lang="fr_FR.UTF-8", cwd=tmp_path)
    assert missing.returncode == 1
    assert missing.stderr.startswith("qualcode: ") and "aucun projet ici" in missing.stderr
    assert len(missing.stderr.strip().splitlines()) == 1
    made = _run("--db", str(tmp_path / "p.db"), "init", "--study", str(REPO / "data/study.toml"),
                "--codebook", str(REPO / "codebooks/numerique-sante.yaml"),
                lang="fr_FR.UTF-8", cwd=tmp_path)
    assert made.returncode == 0, made
    assert made.stdout == f"créé {tmp_path / 'p.db'}, 6 groupes, 25 codes\n", made
    english = _run("--db", str(tmp_path / "none.db"), "quotes", cwd=tmp_path)
    assert "no project here" in english.stderr


@pytest.mark.parametrize("count", [-1, 0, 1, 2, 10])
def test_english_without_gettext_is_what_gettext_gives(count: int) -> None:
    """English is answered without loading gettext (`i18n._English`): the same words as
    gettext's NullTranslations, plurals included."""
    import gettext

    from qualcode.i18n import _English

    null, english = gettext.NullTranslations(), _English()
    assert english.gettext("données") == null.gettext("données")
    assert english.ngettext("a quote", "quotes", count) == null.ngettext("a quote", "quotes",
                                                                          count)
