"""The suggestions dialog, pushed from a tiny host app as the workbench does on `s`."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from textual.app import App
from textual.widgets import OptionList

from qualcode.db.engine import open_project
from qualcode.search.suggest import suggest
from qualcode.tui.screens.suggestions import SuggestionsScreen

UNSET = object()


class Host(App[None]):
    def __init__(self, screen: SuggestionsScreen) -> None:
        super().__init__()
        self.screen_to_push = screen
        self.result: object = UNSET

    def on_mount(self) -> None:
        self.push_screen(self.screen_to_push, self.done)

    def done(self, result: str | None) -> None:
        self.result = result


def codings(db: Path, quote_id: int) -> set[tuple[str, str]]:
    conn = sqlite3.connect(db)
    rows = conn.execute("SELECT k.name, d.name FROM coding c JOIN coder k ON k.id = c.coder_id "
                        "JOIN code d ON d.id = c.code_id WHERE c.quote_id = ?",
                        (quote_id,)).fetchall()
    conn.close()
    return set(rows)


async def run_dialog(db: Path, quote_id: int, *keys: str) -> tuple[object, list[str]]:
    project = open_project(str(db))
    try:
        host = Host(SuggestionsScreen(project, "alice", quote_id))
        async with host.run_test() as pilot:
            await pilot.app.workers.wait_for_complete()
            await pilot.pause()
            options = host.screen.query_one("#suggestions", OptionList)
            shown = [str(options.get_option_at_index(i).prompt)
                     for i in range(options.option_count)]
            for key in keys:
                await pilot.press(key)
                await pilot.app.workers.wait_for_complete()
                await pilot.pause()
        return host.result, shown
    finally:
        project.close()


def expected(db: Path, quote_id: int) -> list[str]:
    project = open_project(str(db))
    try:
        with project.read() as session:
            return [s.code for s in suggest(session, quote_id)]
    finally:
        project.close()


async def test_digit_applies_that_suggestion_as_the_person(demo_db: Path) -> None:
    codes = expected(demo_db, 9)
    assert len(codes) >= 2
    result, shown = await run_dialog(demo_db, 9, "2")
    assert [line.split("  ")[0] for line in shown[:9]] == [f"{n} {c}" for n, c in
                                                           enumerate(codes[:9], start=1)]
    assert "données sensibles" in shown[0]
    assert result == codes[1]
    assert ("alice", codes[1]) in codings(demo_db, 9)
    assert not any(coder == "auto" for coder, _ in codings(demo_db, 9))


async def test_enter_applies_the_highlighted_one(demo_db: Path) -> None:
    codes = expected(demo_db, 4)
    result, _ = await run_dialog(demo_db, 4, "enter")
    assert result == codes[0]
    assert ("alice", codes[0]) in codings(demo_db, 4)


async def test_escape_applies_nothing(demo_db: Path) -> None:
    before = codings(demo_db, 9)
    result, _ = await run_dialog(demo_db, 9, "escape")
    assert result is None
    assert codings(demo_db, 9) == before


async def test_after_more_coding_the_last_model_answers_while_a_new_one_learns(
        demo_db: Path) -> None:
    from textual.widgets import Label

    from qualcode.search.suggest import KeptSuggester
    from qualcode.services.coding import apply_codes

    kept = KeptSuggester()
    project = open_project(str(demo_db))
    try:
        host = Host(SuggestionsScreen(project, "alice", 9, kept))
        async with host.run_test() as pilot:
            await pilot.app.workers.wait_for_complete()
            first = kept.last
            assert first is not None
        with project.write() as session:
            apply_codes(session, quote_id=4, codes=["hacking"], coder="alice")
        host = Host(SuggestionsScreen(project, "alice", 9, kept))
        async with host.run_test() as pilot:
            await pilot.pause()
            await pilot.app.workers.wait_for_complete()
            await pilot.pause()
            status = str(host.screen.query_one("#status", Label).render())
            assert "learning them now" in status
            assert kept.last is not first  # learnt again in the background
    finally:
        project.close()
