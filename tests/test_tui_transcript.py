"""`t`: the whole transcript of the group, codings marked, the coding keys working there."""

from __future__ import annotations

from pathlib import Path

import pytest

from qualcode.tui.screens.transcript import TranscriptScreen
from qualcode.tui.widgets.status_line import StatusLine
from qualcode.tui.widgets.transcript_view import TranscriptView

from .conftest import REPO, Cli
from .tui_support import ready, settle, sql, workbench

TURNS = 300


@pytest.fixture
def long_group(cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """One group of 300 turns, a moderator's question every third turn."""
    db = tmp_path / "t.db"
    monkeypatch.chdir(REPO)
    assert cli("--db", str(db), "init", "--study", "data/study.toml", "--codebook",
               "codebooks/numerique-sante.yaml").code == 0
    monkeypatch.chdir(tmp_path)
    lines = [f"ANIMATRICE : Question n° {n} ?" if n % 3 == 0 else
             f"P{n % 5 + 1} : Réponse n° {n}, sur mes données de santé et l’hôpital."
             for n in range(TURNS)]
    (tmp_path / "g1.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert cli("--db", str(db), "import", str(tmp_path / "g1.txt"), "--group", "G1").code == 0
    return db


def status(screen: TranscriptScreen) -> str:
    return screen.query_one(StatusLine).text


async def test_transcript_in_order_virtualised_and_back_to_the_quote(long_group: Path) -> None:
    async with workbench(long_group).run_test(size=(80, 24)) as pilot:
        screen = await ready(pilot)
        await pilot.press("j", "j", "j", "j")
        await settle(pilot)
        start = screen.quote_id
        await pilot.press("t")
        await settle(pilot)
        shown = pilot.app.screen
        assert isinstance(shown, TranscriptScreen)
        view = shown.query_one(TranscriptView)
        assert view.quote_id == start and "turn 5 of 300" in status(shown)
        text = view.content
        assert "P5 : Réponse n° 4, sur mes données" in text  # the cursor's turn, accents kept
        assert "ANIMATRICE (moderator) : Question n° 3 ?" in text
        assert len(view.content.splitlines()) <= view.size.height  # only what fits is laid out
        await pilot.press("end")
        await settle(pilot)
        assert "Réponse n° 299" in view.content and "turn 300 of 300" in status(shown)
        await pilot.press("home", "j")
        await settle(pilot)
        assert "turn 2 of 300" in status(shown)
        second = view.quote_id
        assert view.content.index("Question n° 0 ?") < view.content.index("Réponse n° 1,")
        await pilot.press("pagedown")
        await settle(pilot)
        assert view.quote_id > second
        await pilot.press("pageup")
        await settle(pilot)
        assert view.quote_id == second
        await pilot.press("t")
        await settle(pilot)
        assert pilot.app.screen is screen and screen.quote_id == second
        await pilot.press("t", "escape")
        await settle(pilot)
        assert pilot.app.screen is screen and screen.quote_id == second


async def test_coding_keys_and_selection_work_in_the_transcript(demo_db: Path) -> None:
    async with workbench(demo_db).run_test(size=(120, 36)) as pilot:
        screen = await ready(pilot)
        qid = screen.quote_id
        assert qid is not None
        await pilot.press("t")
        await settle(pilot)
        shown = pilot.app.screen
        assert isinstance(shown, TranscriptScreen)
        await pilot.press("x", "w", "3")
        await settle(pilot)
        key3 = str(sql(demo_db, "SELECT name FROM code WHERE key = '3'")[0][0])
        rows = sql(demo_db, "SELECT d.name, c.span_start FROM coding c JOIN code d "
                   "ON d.id = c.code_id JOIN coder k ON k.id = c.coder_id "
                   "WHERE c.quote_id = ? AND k.name = 'alice'", qid)
        assert (key3, 0) in rows
        view = shown.query_one(TranscriptView)
        assert "┃" in view.content  # the stripe beside the coded lines
        await pilot.press("j", "4")
        await settle(pilot)
        nxt = view.quote_id
        key4 = str(sql(demo_db, "SELECT name FROM code WHERE key = '4'")[0][0])
        whole = sql(demo_db, "SELECT d.name FROM coding c JOIN code d ON d.id = c.code_id "
                    "JOIN coder k ON k.id = c.coder_id WHERE c.quote_id = ? AND k.name = 'alice'"
                    " AND c.span_start IS NULL", nxt)
        assert (key4,) in whole
        await pilot.press("escape")
        await settle(pilot)
        assert pilot.app.screen is screen and screen.quote_id == nxt
        assert screen.bench is not None
        assert screen.bench.state(nxt).whole_codes_of("alice")  # drawn here on return
