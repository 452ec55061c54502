"""The review screen at 80×24, opened from the workbench, shows the quote under review."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Static

from .conftest import Cli
from .tui_support import ready, settle, sql, workbench


async def test_the_quote_under_review_is_readable_at_80_by_24(cli: Cli, demo_db: Path) -> None:
    db = str(demo_db)
    for coder, code in (("alice", "hacking"), ("bob", "caregiving")):
        assert cli("--db", db, "--coder", coder, "code", "2", code).code == 0
    async with workbench(demo_db, "carol").run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press("v")
        await settle(pilot)
        quote = pilot.app.screen.query_one("#quote", Static)
        assert quote.size.height >= 5  # the header line and at least 4 lines of the words
        assert "iPhone" in str(quote.render())


async def test_review_edit_says_how_to_save_shows_the_tree_and_toasts_nothing(
        cli: Cli, demo_db: Path) -> None:
    from textual.widgets import SelectionList

    db = str(demo_db)
    for coder, code in (("alice", "hacking"), ("bob", "caregiving")):
        assert cli("--db", db, "--coder", coder, "code", "2", code).code == 0
    async with workbench(demo_db, "carol").run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press("v")
        await settle(pilot)
        screen = pilot.app.screen
        await pilot.press("e")
        await settle(pilot)
        editor = screen.query_one("#editor", SelectionList)
        assert "e saves" in str(editor.border_title)
        prompts = [str(editor.get_option_at_index(i).prompt) for i in range(editor.option_count)]
        assert "data security" in prompts and "  hacking" in prompts  # the tree's indents
        await pilot.press("e")  # saves the ticked codes as the consensus
        await settle(pilot)
        assert not pilot.app._notifications  # noqa: SLF001 — said in the status line instead
        assert "settled:" in str(screen.query_one("#status", Static).render())


async def test_review_shows_the_words_of_a_segment(cli: Cli, demo_db: Path) -> None:
    db = str(demo_db)
    assert cli("--db", db, "--coder", "alice", "code", "2", "hacking", "--span", "0:7").code == 0
    assert cli("--db", db, "--coder", "bob", "code", "2", "caregiving").code == 0
    async with workbench(demo_db, "carol").run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        await pilot.press("v")
        await settle(pilot)
        shown = " ".join(str(box.render()) for box in pilot.app.screen.query(".coder"))
        text = str(sql(demo_db, "SELECT text FROM quote WHERE id = 2")[0][0])
        assert f"• hacking « {text[:7]} »" in shown and "• caregiving" in shown
