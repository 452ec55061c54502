"""The coding screen, key by key, checked against the database it writes to."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from qualcode.search.normalise import fold
from qualcode.tui.screens.coding import CodingScreen
from qualcode.tui.widgets.quote_list import QuoteList
from qualcode.tui.widgets.quote_view import QuoteView

from .tui_support import SIZE, codes_of, count_layouts, ready, settle, sql, workbench


def demo_order(db: Path) -> list[int]:
    """Quote ids in transcript order, read independently of the workbench."""
    return [int(str(i)) for (i,) in sql(
        db, "SELECT q.id FROM quote q JOIN study_group g ON g.id = q.group_id "
        "ORDER BY g.position, g.id, q.position")]


def hotkeys(db: Path) -> dict[str, str]:
    """SPEC: codes keep their own key; the others get the spare digits in tree order."""
    rows = sql(db, "SELECT id, name, parent_id, position, key FROM code")
    children: dict[object, list[tuple[object, ...]]] = {}
    for row in sorted(rows, key=lambda r: (r[3], r[0])):
        children.setdefault(row[2], []).append(row)
    tree: list[tuple[object, ...]] = []

    def walk(parent: object) -> None:
        for row in children.get(parent, []):
            tree.append(row)
            walk(row[0])

    walk(None)
    own = {str(r[4]): str(r[1]) for r in tree if r[4]}
    spare = iter(sorted(set("123456789") - set(own)))
    for r in tree:
        if not r[4]:
            digit = next(spare, None)
            if digit:
                own[digit] = str(r[1])
    return own


async def test_moves_with_arrows_and_j_k(demo_db: Path) -> None:
    order = demo_order(demo_db)
    async with workbench(demo_db).run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        assert screen.quote_id == order[0]
        await pilot.press("j", "j", "down")
        assert screen.quote_id == order[3]
        await pilot.press("k", "up")
        assert screen.quote_id == order[1]
        await pilot.press("k", "k", "k")
        assert screen.quote_id == order[0]  # stops at the first quote


async def test_number_keys_toggle_the_code_with_that_hotkey(demo_db: Path) -> None:
    keys = hotkeys(demo_db)
    assert keys["1"] == "dehumanisation" and keys["5"] == "loss of human contact"
    order = demo_order(demo_db)
    async with workbench(demo_db).run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        await pilot.press("1")
        await settle(pilot)
        assert codes_of(demo_db, order[0]) == {keys["1"]}
        await pilot.press("5", "j", "9")
        await settle(pilot)
        assert codes_of(demo_db, order[0]) == {keys["1"], keys["5"]}
        assert codes_of(demo_db, order[1]) == {keys["9"]}
        await pilot.press("k", "1")
        await settle(pilot)
        assert codes_of(demo_db, order[0]) == {keys["5"]}
        # What is shown is what is stored, in all three panes.
        assert screen.bench is not None
        state = screen.bench.state(order[0])
        names = {screen.bench.code_by_id[c].name for c in state.codes_of("alice")}
        assert names == {keys["5"]}
        body = pilot.app.screen.query_one(QuoteView).content
        assert f"alice (me): ■ {keys['5']}" in body


async def test_full_stop_marks_reviewed_with_no_code(demo_db: Path) -> None:
    order = demo_order(demo_db)
    async with workbench(demo_db).run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("3", "full_stop")
        await settle(pilot)
    assert codes_of(demo_db, order[0]) == set()
    assert sql(demo_db, "SELECT r.quote_id FROM review r JOIN coder k ON k.id = r.coder_id "
               "WHERE k.name = 'alice'") == [(order[0],)]


async def test_n_goes_to_the_next_quote_i_have_not_reviewed(demo_db: Path) -> None:
    order = demo_order(demo_db)
    async with workbench(demo_db).run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        await pilot.press("j", "2", "k", "full_stop")
        await settle(pilot)
        await pilot.press("n")
        assert screen.quote_id == order[2]  # order[1] is coded by me, order[0] reviewed


async def test_undo_reverses_the_last_change_even_after_a_restart(demo_db: Path) -> None:
    order = demo_order(demo_db)
    async with workbench(demo_db).run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("1", "j", "2")
        await settle(pilot)
    assert codes_of(demo_db, order[1]) == {"data security"}
    async with workbench(demo_db).run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        await pilot.press("u")
        await settle(pilot)
        assert codes_of(demo_db, order[1]) == set()
        assert screen.quote_id == order[1]  # the undone quote is shown
        await pilot.press("u")
        await settle(pilot)
    assert codes_of(demo_db, order[0]) == set()


async def test_memo_on_the_quote_and_on_a_coding(demo_db: Path) -> None:
    order = demo_order(demo_db)
    async with workbench(demo_db).run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("m")
        await pilot.pause()
        await pilot.press(*"à revoir", "ctrl+s")
        await settle(pilot)
        assert sql(demo_db, "SELECT quote_id, text FROM memo") == [(order[0], "à revoir")]
        await pilot.press("2", "m")
        await settle(pilot)
        from textual.widgets import Select

        pilot.app.screen.query_one(Select).value = str(
            sql(demo_db, "SELECT id FROM code WHERE name = 'data security'")[0][0])
        await pilot.pause()
        await pilot.press(*"fort", "ctrl+s")
        await settle(pilot)
    assert sql(demo_db, "SELECT c.memo FROM coding c JOIN coder k ON k.id = c.coder_id "
               "WHERE k.name = 'alice'") == [("fort",)]


async def test_search_as_you_type_finds_and_highlights(demo_db: Path) -> None:
    texts = dict(sql(demo_db, "SELECT id, text FROM quote"))
    needle = "hacking"
    expected = {qid for qid, text in texts.items() if needle in fold(str(text))}
    assert expected
    async with workbench(demo_db).run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        await pilot.press("slash", *needle)
        await settle(pilot)
        shown = screen.query_one(QuoteList)
        assert screen.bench is not None
        assert {screen.bench.ids[i] for i in shown.order} == expected
        qid = screen.quote_id
        assert qid is not None
        spans = screen.hit_spans[qid]
        assert spans and all(str(texts[qid])[a:b].casefold() == needle for a, b in spans)
        await pilot.press("enter", "escape")
        await settle(pilot)
        assert len(shown.order) == len(texts)


async def test_filter_by_level_group_and_uncoded(demo_db: Path) -> None:
    order = demo_order(demo_db)
    old = {int(str(i)) for (i,) in sql(
        demo_db, "SELECT q.id FROM quote q JOIN study_group g ON g.id = q.group_id "
        "WHERE g.name IN ('G3', 'G6')")}
    async with workbench(demo_db).run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        assert screen.bench is not None
        await pilot.press("f", *"every 60+", "enter")
        await settle(pilot)
        assert {screen.bench.ids[i] for i in screen.query_one(QuoteList).order} == old
        await pilot.press("escape")
        await settle(pilot)
        assert len(screen.query_one(QuoteList).order) == len(order)
        await pilot.press("home", "1")
        await settle(pilot)
        await pilot.press("f", *"uncoded: not reviewed by me", "enter")
        await settle(pilot)
        shown = [screen.bench.ids[i] for i in screen.query_one(QuoteList).order]
        assert shown == order[1:]


async def test_report_screen_drills_down_to_a_quote(demo_db: Path) -> None:
    from qualcode.tui.screens.report import ReportScreen

    async with workbench(demo_db).run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("r")
        await settle(pilot)
        report = pilot.app.screen
        assert isinstance(report, ReportScreen) and report.report is not None
        cell = next(c for c in report.report["cells"] if c["quotes"])
        themes = [t["name"] for t in report.report["themes"]]
        groups = [g["name"] for g in report.report["groups"]]
        await pilot.press(*["down"] * themes.index(cell["theme"]))
        await pilot.press(*["right"] * groups.index(cell["group"]), "enter")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, CodingScreen) and screen.quote_id is not None
        carried = sql(demo_db, "SELECT g.name FROM quote q JOIN study_group g "
                      "ON g.id = q.group_id WHERE q.id = ?", screen.quote_id)
        assert carried == [(cell["group"],)]


async def test_report_is_live_as_codes_change(demo_db: Path) -> None:
    from qualcode.tui.screens.report import ReportScreen

    async with workbench(demo_db).run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("r")
        await settle(pilot)
        assert isinstance(pilot.app.screen, ReportScreen)
        before = pilot.app.screen.report
        await pilot.press("escape", "4", "r")
        await settle(pilot)
        after = pilot.app.screen
        assert isinstance(after, ReportScreen) and before and after.report
        count = {(c["theme"], c["group"]): c["quotes"] for c in after.report["cells"]}
        old = {(c["theme"], c["group"]): c["quotes"] for c in before["cells"]}
        assert count[("reassurance", "G1")] == old[("reassurance", "G1")] + 1


async def test_help_palette_and_missing_screens(demo_db: Path) -> None:
    from qualcode.tui.screens.help import HelpScreen

    async with workbench(demo_db).run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(pilot.app.screen, HelpScreen)
        await pilot.press("escape")
        titles = {c.title for c in pilot.app.get_system_commands(screen)}
        assert {"Search", "Filter", "Undo", "Report", "Memo", "Team review", "Suggestions",
                "Help", "Codebook", "Reviewed, none applies"} <= titles
        await pilot.press("ctrl+p")
        await pilot.pause()
        from textual.command import CommandPalette

        assert isinstance(pilot.app.screen, CommandPalette)
        await pilot.press(*"undo")
        await pilot.pause(0.3)
        await pilot.press("escape")
        await pilot.pause()
        expected = {"s": ("SuggestionsScreen", "suggestions not available"),
                    "v": ("ReviewScreen", "team review not available")}
        for key, (name, fallback) in expected.items():
            await pilot.press(key)
            await settle(pilot)
            shown = pilot.app.screen
            if isinstance(shown, CodingScreen):  # that helper's screen is not merged yet
                assert any(fallback in n.message for n in pilot.app._notifications)
            else:
                assert type(shown).__name__ == name
                await pilot.press("escape")
                await settle(pilot)


async def test_q_quits(demo_db: Path) -> None:
    app = workbench(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("q")
        await pilot.pause()
        assert not app.is_running


async def test_the_tree_redraws_one_code_line_with_its_new_marks(demo_db: Path) -> None:
    from qualcode.tui.widgets.line_list import LineList

    async with workbench(demo_db).run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        tree = screen.query_one("#codes", LineList)
        before = tree.render_line(0).text
        await pilot.press("1")
        await settle(pilot)
        after = tree.render_line(0).text
        assert before.split()[:2] == ["1", "□"] and after.split()[:2] == ["1", "■"]
        assert tree.line_text(0).split()[1] == "■"


async def test_a_long_quote_scrolls_with_shift_and_the_next_one_starts_at_its_top(
        demo_db: Path) -> None:
    first = demo_order(demo_db)[0]
    words = " ".join(f"mot{n}" for n in range(600)) + " FIN-DU-VERBATIM"
    con = sqlite3.connect(demo_db)
    with con:
        con.execute("UPDATE quote SET text = ? WHERE id = ?", (words, first))
    con.close()
    async with workbench(demo_db).run_test(size=SIZE) as pilot:
        await ready(pilot)
        view = pilot.app.screen.query_one(QuoteView)
        room = view.scrollable_content_region.height
        assert view.virtual_size.height > room and view.max_scroll_y > 0

        def on_screen() -> str:
            return "\n".join(view.render_line(y).text for y in range(room))

        assert "FIN-DU-VERBATIM" not in on_screen()
        for _ in range(view.max_scroll_y // 3 + 1):
            await pilot.press("J")
        await pilot.pause()
        assert view.scroll_offset.y == view.max_scroll_y
        assert "FIN-DU-VERBATIM" in on_screen()
        await pilot.press("K")
        await pilot.pause()
        assert view.scroll_offset.y == view.max_scroll_y - 3
        await pilot.press("j")
        await pilot.pause()
        assert view.scroll_offset.y == 0 and "mot599" not in on_screen()


async def test_moving_and_typing_a_search_never_lay_out_the_screen(
        demo_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Moves, long quotes, search keystrokes and their results must change only what
    they show."""
    first = demo_order(demo_db)[1]
    con = sqlite3.connect(demo_db)
    with con:  # a quote too long for its pane: its scrollbar must not cost a layout
        con.execute("UPDATE quote SET text = ? WHERE id = ?", ("très long " * 400, first))
    con.close()
    async with workbench(demo_db).run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("slash")
        await settle(pilot)
        layouts = count_layouts(monkeypatch)
        await pilot.press(*"donn")
        await settle(pilot)
        assert layouts == []
        assert 0 < len(pilot.app.screen.query_one(QuoteList).order) < len(demo_order(demo_db))
        await pilot.press("enter")  # back to the list: the footer changes its keys in place
        await settle(pilot)
        assert layouts == []
        await pilot.press("escape")  # the box goes: that one lays out
        await settle(pilot)
        layouts.clear()
        await pilot.press("home", *"jjjjkkkk")
        await settle(pilot)
        assert layouts == []


async def test_the_loaded_project_is_left_out_of_collections_until_the_app_ends(
        demo_db: Path) -> None:
    import gc

    from qualcode.tui import heap

    before = gc.get_threshold()
    async with workbench(demo_db).run_test(size=SIZE) as pilot:
        await ready(pilot)
        assert gc.get_freeze_count() > 0
        assert gc.get_threshold() == (heap.YOUNG_OBJECTS, before[1], heap.OLD_RARELY)
        quiet = pilot.app.heap  # type: ignore[attr-defined]
        quiet.touched()  # else the app's own idle tick may collect during the press
        gc.collect(1)  # a middle-generation collection: the old one has work waiting
        assert gc.get_count()[2] > 0
        await pilot.press("j")
        assert not quiet.tick()  # a key was just pressed: no full collection now
        quiet._last_input -= heap.IDLE_SECONDS  # as if the key was a second ago
        assert quiet.tick() and gc.get_count()[2] == 0  # idle: collected
        assert not quiet.tick()  # nothing new moved to the old generation since
    assert gc.get_freeze_count() == 0 and gc.get_threshold() == before


async def test_steady_scrollbars_draw_what_textual_draws(demo_db: Path) -> None:
    """The panes' scrollbars keep what they drew per look: whatever the quote and the
    scroll, the kept lines must be those Textual's own scrollbar draws afresh."""
    from textual.geometry import Region
    from textual.scrollbar import ScrollBar

    from qualcode.tui.widgets.scrolling import SteadyScrollBar

    con = sqlite3.connect(demo_db)
    with con:
        con.execute("UPDATE quote SET text = ? WHERE id = ?",
                    ("très long " * 300, demo_order(demo_db)[1]))
    con.close()
    async with workbench(demo_db).run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        bars = [pane.vertical_scrollbar for pane in (screen.query_one(QuoteView),
                                                      screen.query_one(QuoteList))]
        assert all(isinstance(bar, SteadyScrollBar) for bar in bars)
        seen = set()
        for keys in ([], ["j"], ["J"], ["J", "J"], ["K"], ["j"], ["k"], ["J"], ["end"]):
            await pilot.press(*keys)
            await settle(pilot)
            for bar in bars:
                crop = Region(0, 0, *bar.size)
                kept = [list(strip) for strip in bar.render_lines(crop)]
                bar._styles_cache.clear()
                afresh = [list(strip) for strip in ScrollBar.render_lines(bar, crop)]
                assert kept == afresh
                seen.add(str(kept))
        assert len(seen) > 4  # the thumb did move and change size
