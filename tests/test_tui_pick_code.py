"""`a`: any code by name, accent- and case-blind over paths and keywords."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import OptionList

from .tui_support import SIZE, codes_of, ready, settle, sql, workbench


def no_hotkey(db: Path) -> set[str]:
    return {str(n) for (n,) in sql(db, "SELECT name FROM code WHERE key IS NULL")}


async def test_a_code_without_hotkey_by_a_piece_of_its_name(demo_db: Path) -> None:
    assert "hacking" in no_hotkey(demo_db)
    async with workbench(demo_db).run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        qid = screen.quote_id
        assert qid is not None
        await pilot.press("a")
        await pilot.pause()
        await pilot.press(*"HACK")  # case-blind
        await pilot.pause()
        choices = pilot.app.screen.query_one("#choices", OptionList)
        first = str(choices.get_option_at_index(0).prompt)
        assert "data security › hacking" in first
        await pilot.press("enter")
        await settle(pilot)
        assert "hacking" in codes_of(demo_db, qid)
        await pilot.press("a")  # the tick, and enter takes it off again
        await pilot.pause()
        await pilot.press(*"hack", "enter")
        await settle(pilot)
        assert "hacking" not in codes_of(demo_db, qid)


async def test_accents_and_keywords_narrow_too(demo_db: Path) -> None:
    async with workbench(demo_db).run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("a")
        await pilot.pause()
        await pilot.press(*"securite")  # « data security »'s own keywords hold sécurité
        await pilot.pause()
        choices = pilot.app.screen.query_one("#choices", OptionList)
        shown = [str(choices.get_option_at_index(i).prompt)
                 for i in range(choices.option_count)]
        assert shown and all("securit" in s.lower() or "sécurit" in s.lower() for s in shown)
        choices.screen.query_one("#narrow").value = ""
        await pilot.pause()
        await pilot.press(*"piratage")  # a keyword of « hacking », not in its name
        await pilot.pause()
        assert "hacking" in str(choices.get_option_at_index(0).prompt)
        await pilot.press("escape")
        await pilot.pause()
        assert pilot.app.screen.__class__.__name__ == "CodingScreen"
