"""The workbench reopens where the coder left it: the quote and the filters."""

from __future__ import annotations

from pathlib import Path

from qualcode.tui.widgets.quote_list import QuoteList

from .tui_support import SIZE, ready, settle, sql, workbench


async def test_quit_and_reopen_at_the_same_quote_and_filter(demo_db: Path) -> None:
    async with workbench(demo_db).run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        await pilot.press("f", *"every 60+", "enter")
        await settle(pilot)
        await pilot.press("j", "j")
        await settle(pilot)
        left_at, shown = screen.quote_id, list(screen.query_one(QuoteList).order)
        await pilot.press("q")
    async with workbench(demo_db).run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        await settle(pilot)
        assert [c.label for c in screen.criteria] == ["60+"]
        assert list(screen.query_one(QuoteList).order) == shown
        assert screen.quote_id == left_at
    async with workbench(demo_db, coder="bob").run_test(size=SIZE) as pilot:
        screen = await ready(pilot)  # another coder's place is their own
        assert not screen.criteria and screen.query_one(QuoteList).cursor == 0


async def test_a_place_that_no_longer_holds_starts_at_the_top(demo_db: Path) -> None:
    import sqlite3

    con = sqlite3.connect(demo_db)
    place = '{"quote_id": 999999, "criteria": [{"kind": "drop table", "value": 1}]}'
    con.execute("INSERT INTO meta (key, value) VALUES ('workbench.place:alice', ?)", (place,))
    con.commit()
    con.close()
    async with workbench(demo_db).run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        assert not screen.criteria and screen.query_one(QuoteList).cursor == 0
    assert sql(demo_db, "SELECT COUNT(*) FROM quote")[0][0] == 22
