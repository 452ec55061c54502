"""Segments by keyboard: x, w, b, W, B, `)` select words; a code key or `a` codes them."""

from __future__ import annotations

from pathlib import Path

from qualcode.tui.selection import words
from qualcode.tui.widgets.quote_view import QuoteView

from .conftest import Cli
from .tui_support import SIZE, ready, settle, sql, workbench


def segments(db: Path, quote_id: int) -> list[tuple[object, ...]]:
    """alice's segments on the quote (the demo's other coders have coded some quotes)."""
    return sql(db, "SELECT d.name, c.span_start, c.span_end FROM coding c JOIN code d "
               "ON d.id = c.code_id JOIN coder k ON k.id = c.coder_id WHERE c.quote_id = ? "
               "AND c.span_start IS NOT NULL AND k.name = 'alice' ORDER BY c.span_start",
               quote_id)


def text_of(db: Path, quote_id: int) -> str:
    return str(sql(db, "SELECT text FROM quote WHERE id = ?", quote_id)[0][0])


def hotkey_code(db: Path, key: str) -> str:
    return str(sql(db, "SELECT name FROM code WHERE key = ?", key)[0][0])


async def test_three_words_coded_with_a_digit_then_removed(demo_db: Path) -> None:
    async with workbench(demo_db).run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        await pilot.press("n")
        await settle(pilot)
        qid = screen.quote_id
        assert qid is not None
        text = text_of(demo_db, qid)
        await pilot.press("x", "w", "w")
        await pilot.pause()
        view = screen.query_one(QuoteView)
        (a, _), (_, b) = words(text)[0], words(text)[2]
        assert f"selected « {text[a:b]} »" in view.content
        await pilot.press("1")
        await settle(pilot)
        name = hotkey_code(demo_db, "1")
        assert segments(demo_db, qid) == [(name, a, b)]
        # the whole quote does not carry the code: only its three words
        assert not sql(demo_db, "SELECT 1 FROM coding c JOIN coder k ON k.id = c.coder_id "
                       "WHERE quote_id = ? AND span_start IS NULL AND k.name = 'alice'", qid)
        assert f"« {text[a:b]} »" in view.content and "selected «" not in view.content
        assert f"added « {name} » to « {text[a:b]} » of #{qid}" in screen.last_note
        # the code is on one segment only: its key takes that segment off
        await pilot.press("1")
        await settle(pilot)
        assert segments(demo_db, qid) == []


async def test_start_keys_sentence_key_escape_and_a_picker_on_the_selection(
        demo_db: Path) -> None:
    async with workbench(demo_db).run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        qid = screen.quote_id
        assert qid is not None
        text = text_of(demo_db, qid)
        found = words(text)
        await pilot.press("x", "w", "w", "W")
        await pilot.pause()
        sel = screen.current_selection()
        assert sel is not None and sel.span == (found[1][0], found[2][1])
        await pilot.press("B", "b")
        await pilot.pause()
        sel = screen.current_selection()
        assert sel is not None and sel.span == (found[0][0], found[1][1])
        await pilot.press("escape")
        await pilot.pause()
        assert screen.current_selection() is None
        await pilot.press("x", "right_parenthesis")
        await pilot.pause()
        sel = screen.current_selection()
        assert sel is not None and sel.last >= sel.first
        span = sel.span
        await pilot.press("a")
        await pilot.pause()
        await pilot.press(*"hacking", "enter")
        await settle(pilot)
        assert segments(demo_db, qid) == [("hacking", *span)]
        assert screen.current_selection() is None  # coding it ends the selection


async def test_moving_drops_the_selection_and_memo_on_a_segment(demo_db: Path) -> None:
    async with workbench(demo_db).run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        await pilot.press("x", "w")
        await pilot.pause()
        assert screen.current_selection() is not None
        await pilot.press("j")
        await pilot.pause()
        assert screen.current_selection() is None
        qid = screen.quote_id
        assert qid is not None
        await pilot.press("x", "w", "2")
        await settle(pilot)
        await pilot.press("m")
        await pilot.pause()
        from textual.widgets import Select, TextArea

        memo = pilot.app.screen
        targets = memo.query_one(Select)
        segment_key = [v for _, v in targets._options if ":" in str(v)]  # noqa: SLF001
        assert len(segment_key) == 1
        targets.value = segment_key[0]
        await pilot.pause()
        memo.query_one(TextArea).text = "trois mots qui comptent"
        await pilot.press("ctrl+s")
        await settle(pilot)
        rows = sql(demo_db, "SELECT span_start, memo FROM coding c JOIN coder k "
                   "ON k.id = c.coder_id WHERE quote_id = ? AND k.name = 'alice'", qid)
        assert rows == [(0, "trois mots qui comptent")]  # no whole-quote coding appeared


async def test_a_mouse_drag_selects_the_words_it_touches(demo_db: Path) -> None:
    async with workbench(demo_db).run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        qid = screen.quote_id
        assert qid is not None
        text = text_of(demo_db, qid)
        view = screen.query_one(QuoteView)
        line, start, _ = view._quote_lines[0]  # noqa: SLF001 — where the quote is drawn
        assert start == 0
        found = words(text)
        # from inside the second word to inside the fourth, on the quote's first line
        a, b = found[1][0] + 1, found[3][0] + 1
        await pilot.mouse_down(QuoteView, offset=(1 + a, line))
        await pilot.hover(QuoteView, offset=(1 + b, line))
        await pilot.mouse_up(QuoteView, offset=(1 + b, line))
        await pilot.pause()
        sel = screen.current_selection()
        assert sel is not None and sel.span == (found[1][0], found[3][1])
        await pilot.press("1")
        await settle(pilot)
        assert segments(demo_db, qid)[0][1:] == (found[1][0], found[3][1])


async def test_undo_takes_a_segment_back_and_the_log_names_its_words(
        demo_db: Path, cli: Cli) -> None:
    async with workbench(demo_db).run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        qid = screen.quote_id
        assert qid is not None
        await pilot.press("x", "w", "1")
        await settle(pilot)
        assert len(segments(demo_db, qid)) == 1
        await pilot.press("u")
        await settle(pilot)
        assert segments(demo_db, qid) == []
        await pilot.press("u")  # and the undo of the undo is not what u does: nothing left
        await settle(pilot)
    log = cli("--db", str(demo_db), "log").out
    text = text_of(demo_db, qid)
    found = words(text)
    assert text[found[0][0]:found[1][1]] in log
