"""Settings written once (issue 23, item 3): flag > environment > ./qualcode.toml > the
user's config.toml > default; a bad file is one line naming the file and the line."""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import REPO, Cli


@pytest.fixture
def user_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "xdg"
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home))
    (home / "qualcode").mkdir(parents=True)
    return home / "qualcode" / "config.toml"


def test_a_report_needs_no_option_once_the_project_and_coder_are_set(
        cli: Cli, tmp_path: Path, user_config: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    assert cli("--db", str(tmp_path / "étude.db"), "demo", "--no-tui").code == 0
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("QUALCODE_CODER")
    (tmp_path / "qualcode.toml").write_text('db = "étude.db"\ncoder = "élodie"\n',
                                            encoding="utf-8")
    report = cli("report", "--format", "json")
    assert report.code == 0, report.err
    assert report.json()["groups"]
    shown = cli("config", "show").out
    assert f"db = {tmp_path / 'étude.db'}  ({tmp_path / 'qualcode.toml'})" in shown
    assert f"coder = élodie  ({tmp_path / 'qualcode.toml'})" in shown


def test_precedence_flag_environment_project_user(cli: Cli, tmp_path: Path, user_config: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("QUALCODE_CODER")
    user_config.write_text('coder = "ursula"\ntheme = "light"\n', encoding="utf-8")
    assert "coder = ursula  (" + str(user_config) + ")" in cli("config", "show").out
    assert "theme = light" in cli("config", "show").out
    (tmp_path / "qualcode.toml").write_text('coder = "paul"\n', encoding="utf-8")
    assert "coder = paul" in cli("config", "show").out
    monkeypatch.setenv("QUALCODE_CODER", "eve")
    assert "coder = eve  ($QUALCODE_CODER)" in cli("config", "show").out
    assert "coder = flo  (--coder)" in cli("--coder", "flo", "config", "show").out


@pytest.mark.parametrize(("content", "message"), [
    ('db = "x.db"\ncouleur = "bleu"\n', "qualcode.toml:2: unknown setting 'couleur'"),
    ('theme = "rose"\n', "qualcode.toml:1: theme is dark or light, not 'rose'"),
    ('coder = \n', "qualcode.toml:1: not valid TOML"),
    ('coder = 3\n', "qualcode.toml:1: coder must be text"),
    ('[keys]\nsugestions = "g"\n', "qualcode.toml:2: no workbench key is called 'sugestions'"),
    ('[keys]\nsuggestions = "f"\n', "qualcode.toml:2: suggestions and filter would share"),
    ('[keys]\nsuggestions = "a b"\n', "qualcode.toml:2: suggestions needs one key"),
    ('[keys]\nsuggestions = "x"\n', "qualcode.toml:2: suggestions cannot take 'x'"),
])
def test_a_bad_settings_file_is_one_line(cli: Cli, tmp_path: Path, user_config: Path,
                                         content: str, message: str) -> None:
    (tmp_path / "qualcode.toml").write_text(content, encoding="utf-8")
    result = cli("quotes")
    assert result.code != 0 and message in result.err, result.err
    assert len(result.err.strip().splitlines()) == 1


def test_the_light_theme_reaches_the_workbench(demo_db: Path) -> None:
    from qualcode.db.engine import open_project
    from qualcode.tui.app import make_app

    project = open_project(str(demo_db), warn=False)
    try:
        assert make_app(project, "alice", "light").theme == "textual-light"
        assert make_app(project, "alice").theme == "textual-dark"
    finally:
        project.close()



def test_keys_set_in_two_files_must_not_meet(cli: Cli, tmp_path: Path,
                                             user_config: Path) -> None:
    user_config.write_text('[keys]\nsuggestions = "g"\n', encoding="utf-8")
    (tmp_path / "qualcode.toml").write_text('[keys]\nfilter = "g"\n', encoding="utf-8")
    result = cli("quotes")
    assert result.code == 1 and "would share the key 'g'" in result.err
    assert str(user_config) in result.err and str(tmp_path / "qualcode.toml") in result.err
    (tmp_path / "qualcode.toml").write_text('[keys]\nfilter = "ctrl+f"\n', encoding="utf-8")
    shown = cli("config", "show").out
    assert f"keys.suggestions = g  ({user_config})" in shown
    assert f"keys.filter = ctrl+f  ({tmp_path / 'qualcode.toml'})" in shown


async def test_a_changed_key_works_and_the_footer_and_help_say_it(demo_db: Path) -> None:
    """Issue 23: keys remappable from the settings; the help and footer show them."""
    from textual.widgets import Static

    from qualcode.db.engine import open_project
    from qualcode.tui.app import make_app
    from qualcode.tui.screens.help import HelpScreen
    from qualcode.tui.widgets.key_footer import KeyFooter

    from .tui_support import ready, settle

    app = make_app(open_project(str(demo_db), warn=False), "alice",
                   keys={"suggestions": "g", "help": "ctrl+h"})
    async with app.run_test(size=(160, 30)) as pilot:
        screen = await ready(pilot)
        footer = screen.query_one(KeyFooter).render_line(0).text
        assert "g Suggest" in footer and "s Suggest" not in footer
        await pilot.press("s")  # no longer suggestions
        await settle(pilot)
        assert app.screen is screen
        await pilot.press("g")
        await settle(pilot)
        assert type(app.screen).__name__ == "SuggestionsScreen"
        await pilot.press("escape", "ctrl+h")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        lines = [app.screen.query_one(Static).render_line(y).text for y in range(40)]
        row = next(line for line in lines if "codes suggested for the quote" in line)
        assert " g " in row and " s " not in row
        assert any("ctrl+h" in line and "this help" in line for line in lines)
