"""The review screen: quotes settled by agreement counted, a thread, a decision's reason."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input

from qualcode.db.engine import open_project
from qualcode.tui.screens.review import ReviewScreen

from .conftest import Cli
from .test_team_concurrency import build_project
from .test_team_review_screen import Host, settle_all, text_of


async def test_discuss_then_decide_with_a_reason(cli: Cli, tmp_path: Path) -> None:
    db = str(tmp_path / "team.db")
    q = build_project(db, tmp_path)
    for quote, alice, bob in [(q[0], "hacking", "caregiving"), (q[1], "hacking", "hacking"),
                              (q[2], "caregiving", "hacking")]:
        assert cli("--db", db, "--coder", "alice", "code", str(quote), alice).code == 0
        assert cli("--db", db, "--coder", "bob", "code", str(quote), bob).code == 0
    assert cli("--db", db, "--coder", "bob", "comment", str(q[0]),
               "Il parle d’aidant, pas de piratage.").code == 0
    app = Host(open_project(db), "carol")
    async with app.run_test(size=(100, 40)) as pilot:
        await settle_all(app, pilot)
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        assert "1 settled by agreement" in text_of(screen, "#status")
        assert "bob: Il parle d’aidant, pas de piratage." in text_of(screen, "#thread")
        await pilot.press("c")
        await pilot.pause()
        box = screen.query_one("#comment", Input)
        assert box.has_focus
        box.value = "Non : « piratage » des données."  # Pilot cannot type « »
        await pilot.press("enter")
        await settle_all(app, pilot)
        assert "carol: Non : « piratage » des données." in text_of(screen, "#thread")
        assert screen.current is not None and screen.current.quote_id == q[0]  # stays put
        await pilot.press("c")
        await pilot.pause()
        await pilot.press("escape")  # closes the field, not the screen
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        await pilot.press("1")  # alice's codes
        await settle_all(app, pilot)
    log = cli("--db", db, "log").out
    assert (f"quote {q[0]}: the consensus is now hacking (decided by carol, because Non : "
            "« piratage » des données.)") in log
