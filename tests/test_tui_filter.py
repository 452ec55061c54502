"""The coding screen's filter bar: what it offers, narrowing, combining, dropping a filter."""

from __future__ import annotations

from pathlib import Path

import pytest

from qualcode.search.normalise import fold
from qualcode.tui.widgets.filter_bar import FilterBar
from qualcode.tui.widgets.key_footer import KeyFooter
from qualcode.tui.widgets.line_list import LineList
from qualcode.tui.widgets.quote_list import QuoteList
from qualcode.tui.widgets.search_box import SearchBox

from .tui_support import SIZE, count_layouts, ready, settle, sql, workbench


def quotes_of(db: Path, where: str) -> set[int]:
    return {int(str(i)) for (i,) in sql(
        db, "SELECT q.id FROM quote q JOIN study_group g ON g.id = q.group_id "
        "JOIN participant p ON p.id = q.participant_id WHERE " + where)}


def shown_ids(screen: object) -> set[int]:
    quotes = screen.query_one(QuoteList)  # type: ignore[attr-defined]
    return {quotes.bench.ids[i] for i in quotes.order}


def labels(bar: FilterBar) -> list[str]:
    choices = bar.query_one(LineList)
    return [choices.line_text(i)[2:] for i in range(choices.line_count)]


async def test_the_bar_offers_every_filter_and_narrows_without_accents(demo_db: Path) -> None:
    counts = {table: len(sql(demo_db, f"SELECT id FROM {table}"))
              for table in ("study_group", "level", "code", "coder", "participant")}
    async with workbench(demo_db).run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        bar = screen.query_one(FilterBar)
        assert not bar.is_open
        await pilot.press("f")
        await settle(pilot)
        assert bar.is_open and screen.focused is bar.query_one("#narrow")
        # three "uncoded" choices (mine, anyone's, most informative first), then one a
        # group, level, code, coder and speaker
        assert len(bar.shown) == 3 + sum(counts.values())
        await pilot.press(*"SANTE")
        await settle(pilot)
        names = labels(bar)
        assert names and all("sante" in fold(n) for n in names)
        assert any("mon espace santé status" in n for n in names)  # the accent kept on screen
        await pilot.press("escape")
        await settle(pilot)
        assert not bar.is_open and screen.focused is screen.query_one(QuoteList)
        assert screen.criteria == ()


async def test_filters_combine_and_enter_on_a_marked_one_drops_it(demo_db: Path) -> None:
    old = quotes_of(demo_db, "g.name IN ('G3', 'G6')")
    g6 = quotes_of(demo_db, "g.name = 'G6'")
    p2 = quotes_of(demo_db, "g.name = 'G6' AND p.label = 'P2'")
    assert p2 and p2 < g6 < old
    async with workbench(demo_db).run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        bar = screen.query_one(FilterBar)
        await pilot.press("f", *"every 60+", "enter")
        await settle(pilot)
        assert shown_ids(screen) == old
        await pilot.press("f", *"speaker: g6 p2", "enter")
        await settle(pilot)
        assert shown_ids(screen) == p2  # 60+ and that speaker
        await pilot.press("f")
        await settle(pilot)
        assert bar.shown[0] == "clear"
        choices = bar.query_one(LineList)
        marked = [choices.line_text(i)[2:] for i in range(choices.line_count)
                  if choices.line_text(i).startswith("●")]
        assert sorted(marked) == ["Speaker: G6 P2", "age: every 60+ group"]
        await pilot.press(*"speaker: g6 p2", "enter")  # marked: enter drops it
        await settle(pilot)
        assert shown_ids(screen) == old
        await pilot.press("f", "enter")  # "All quotes" comes first once a filter is on
        await settle(pilot)
        assert screen.criteria == () and len(screen.query_one(QuoteList).order) == len(
            sql(demo_db, "SELECT id FROM quote"))


async def test_arrows_choose_and_a_double_click_picks(demo_db: Path) -> None:
    async with workbench(demo_db).run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        bar = screen.query_one(FilterBar)
        await pilot.press("f", *"group g", "down", "down")
        await settle(pilot)
        assert labels(bar)[bar.query_one(LineList).highlighted or 0].startswith("Group G3")
        await pilot.press("enter")
        await settle(pilot)
        assert shown_ids(screen) == quotes_of(demo_db, "g.name = 'G3'")
        await pilot.press("f", *"group g5")
        await settle(pilot)
        assert await pilot.click(LineList, offset=(4, 0), times=2)
        await settle(pilot)
        assert not bar.is_open
        assert shown_ids(screen) == quotes_of(demo_db, "g.name = 'G5'")


async def test_narrowing_and_focus_changes_never_lay_out_the_screen(
        demo_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    async with workbench(demo_db).run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        await pilot.press("f")
        await settle(pilot)
        layouts = count_layouts(monkeypatch)
        await pilot.press(*"every", "down", "up", "backspace")
        await settle(pilot)
        assert layouts == []
        assert screen.query_one(FilterBar).shown


async def test_the_footer_follows_the_focus_and_answers_clicks(demo_db: Path) -> None:
    async with workbench(demo_db).run_test(size=(120, 30)) as pilot:
        screen = await ready(pilot)
        footer = screen.query_one(KeyFooter)
        line = footer.render_line(0).text
        assert "f Filter" in line and "^p palette" in line
        assert await pilot.click(KeyFooter, offset=(line.index("f Filter"), 0))
        await settle(pilot)
        assert screen.query_one(FilterBar).is_open
        typing = footer.render_line(0).text
        assert "f Filter" not in typing  # letters now go to the box, not to the keys
        assert "↑↓ Choose" in typing
        await pilot.press("escape")
        await settle(pilot)
        assert footer.render_line(0).text == line


async def test_the_bar_keeps_to_the_left_panes_when_the_terminal_changes_size(
        demo_db: Path) -> None:
    async with workbench(demo_db).run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        bar, quotes = screen.query_one(FilterBar), screen.query_one(QuoteList)
        await pilot.press("f")
        await settle(pilot)
        assert bar.outer_size.width == quotes.outer_size.width < 120
        await pilot.resize_terminal(80, 24)
        await settle(pilot)
        await pilot.pause()
        assert bar.outer_size.width == quotes.outer_size.width < 80
        hint = bar.query_one("#filter-hint").render_line(0).text
        assert "↑↓ choose · enter pick · esc close" in hint  # the keys come first


async def test_keys_typed_in_one_burst_after_slash_or_f_land_in_the_box(demo_db: Path) -> None:
    """A terminal hands over a fast typist's keys together: Textual gives each to the
    widget focused when it reads the key, so `/`, `f` and enter must move the focus
    first."""
    from textual import events

    def burst(app: object, keys: str) -> None:
        names = {"/": "slash", " ": "space", "+": "plus", "\r": "enter"}
        for ch in keys:
            app.post_message(events.Key(names.get(ch, ch), ch))  # type: ignore[attr-defined]

    def codings() -> int:
        return len(sql(demo_db, "SELECT id FROM coding"))

    async with workbench(demo_db).run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        burst(pilot.app, "/donn")
        await settle(pilot)
        assert screen.query_one("#search", SearchBox).value == "donn"
        await pilot.press("escape", "escape")
        await settle(pilot)
        burst(pilot.app, "fevery 60+")
        await settle(pilot)
        bar = screen.query_one(FilterBar)
        assert bar.is_open and bar.query_one("#narrow", SearchBox).value == "every 60+"
        assert len(bar.shown) == 1
        await pilot.press("escape")
        await settle(pilot)

        before = codings()
        burst(pilot.app, "/donn\r1")  # search, keep it, code the first hit
        await settle(pilot)
        assert screen.query_one("#search", SearchBox).value == "donn"
        assert isinstance(screen.focused, QuoteList) and codings() == before + 1
        burst(pilot.app, "fevery 60+\rj")  # filter, then move in the filtered list
        await settle(pilot)
        assert not bar.is_open and bar.query_one("#narrow", SearchBox).value == "every 60+"
        assert isinstance(screen.focused, QuoteList)
        assert [c.kind for c in screen.criteria] == ["level"] and "60+" in screen.criteria[0].label


async def test_the_list_redraws_what_it_must_when_the_focus_comes_and_goes(
        demo_db: Path) -> None:
    """Opening the bar takes the focus from the list: only the cursor's colour changes,
    so only that line is drawn again; every line must still be what a fresh draw gives."""
    async with workbench(demo_db).run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        quotes = screen.query_one(QuoteList)
        await pilot.press("j", "j")
        await settle(pilot)

        def lines() -> list[list[object]]:
            return [list(quotes.render_line(y)) for y in range(quotes.size.height)]

        drawn = []
        for keys in (["f"], ["escape"], ["f"], ["escape"]):
            await pilot.press(*keys)
            await settle(pilot)
            kept = lines()
            quotes._cache.clear()
            assert kept == lines()
            drawn.append(kept[quotes.cursor])
        assert drawn[0] != drawn[1] and drawn[0] == drawn[2]  # the cursor's colour did change


async def test_levels_of_two_dimensions_combine_and_one_dimension_replaces(
        demo_db: Path) -> None:
    older = quotes_of(demo_db, "g.name IN ('G3', 'G6')")
    csp_minus_older = quotes_of(demo_db, "g.name = 'G6'")
    csp_minus_young = quotes_of(demo_db, "g.name = 'G4'")
    assert csp_minus_older and csp_minus_older < older
    async with workbench(demo_db).run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        await pilot.press("f", *"every 60+", "enter")
        await settle(pilot)
        await pilot.press("f", *"every csp-", "enter")
        await settle(pilot)
        assert shown_ids(screen) == csp_minus_older  # CSP- and 60+, not CSP- alone
        await pilot.press("f", *"every <35", "enter")
        await settle(pilot)
        assert shown_ids(screen) == csp_minus_young  # a new age replaces the old one


async def test_saving_in_the_codebook_keeps_the_filter_and_the_quote(demo_db: Path) -> None:
    async with workbench(demo_db).run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        await pilot.press("f", *"every 60+", "enter")
        await settle(pilot)
        await pilot.press("j")
        await settle(pilot)
        kept, shown = screen.quote_id, list(screen.query_one(QuoteList).order)
        assert screen.criteria and len(shown) < len(screen.bench or [])
        await pilot.press("c")
        await settle(pilot)
        await pilot.press("e")
        await pilot.pause()
        pilot.app.screen.query_one("#field-description").value = "redéfini"  # type: ignore[attr-defined]
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert pilot.app.screen is screen
        assert [c.label for c in screen.criteria] == ["60+"]
        assert list(screen.query_one(QuoteList).order) == shown and screen.quote_id == kept
