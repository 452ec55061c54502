"""Two workbenches on one project see each other's codes appear, and who is there.

Both apps run under Pilot in one event loop, as two coders would in two terminals;
their projects are separate `Project` objects (own engines and connections). Waiting is
by polling the screen's own state, never a fixed sleep that a slow machine could beat.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from qualcode.db.engine import open_project
from qualcode.tui import live
from qualcode.tui.app import make_app
from qualcode.tui.widgets.key_footer import KeyFooter
from qualcode.tui.widgets.status_line import StatusLine

from .conftest import Cli
from .postgres import postgres_server, postgres_url  # noqa: F401 (fixtures)
from .tui_support import SIZE, ready


async def until(check, seconds: float = 30.0) -> bool:  # type: ignore[no-untyped-def]
    for _ in range(int(seconds / 0.05)):
        if check():
            return True
        await asyncio.sleep(0.05)
    return False


@pytest.fixture(params=["sqlite", "postgresql"])
def shared_demo(request: pytest.FixtureRequest, cli: Cli, tmp_path: Path,
                monkeypatch: pytest.MonkeyPatch) -> str:
    from .conftest import REPO

    db = str(tmp_path / "demo.db") if request.param == "sqlite" else \
        request.getfixturevalue("postgres_url")
    monkeypatch.chdir(REPO)
    assert cli("--db", db, "demo", "--no-tui").code == 0
    monkeypatch.setattr(live, "PRESENCE_SECONDS", 0.5)
    return db


async def test_a_teammates_code_appears_and_the_cursor_stays(shared_demo: str) -> None:
    alice_app = make_app(open_project(shared_demo, warn=False), "alice")
    bob_app = make_app(open_project(shared_demo, warn=False), "bob")
    async with alice_app.run_test(size=SIZE) as alice, bob_app.run_test(size=SIZE) as bob:
        mine, theirs = await ready(alice), await ready(bob)
        await alice.press("j", "j")
        where = mine.quote_id
        target = theirs.quote_id
        assert target is not None and mine.bench is not None
        assert not mine.bench.state(target).codes_of("bob")
        await bob.press("1")
        assert await until(lambda: bool(mine.bench and
                                        mine.bench.state(target).codes_of("bob")))
        assert mine.quote_id == where  # alice's cursor did not move
        status = alice_app.screen.query_one(StatusLine)
        assert "updated by bob" in status.text
        footer = alice_app.screen.query_one(KeyFooter)

        def footer_text() -> str:
            with alice_app._context():  # two apps in one process: draw as alice's
                return footer.render_line(0).text

        assert await until(lambda: "● bob" in footer_text())
