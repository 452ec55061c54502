"""Moderators' turns are context, not the coding queue: `n`, progress, --uncoded, a warning."""

from __future__ import annotations

from pathlib import Path

import pytest

from qualcode.tui.widgets.status_line import StatusLine

from .conftest import REPO, Cli
from .tui_support import SIZE, ready, settle, workbench

TRANSCRIPT = """ANIMATRICE : Bonjour à tous.
P1 : Mes données, je les garde.
ANIMATRICE : Et vous ?
P2 : Moi je scanne tout.
P1 : Pareil.
"""


@pytest.fixture
def with_moderator(cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    db = tmp_path / "m.db"
    monkeypatch.chdir(REPO)
    assert cli("--db", str(db), "init", "--study", "data/study.toml", "--codebook",
               "codebooks/numerique-sante.yaml").code == 0
    monkeypatch.chdir(tmp_path)
    (tmp_path / "g1.txt").write_text(TRANSCRIPT, encoding="utf-8")
    assert cli("--db", str(db), "import", str(tmp_path / "g1.txt"), "--group", "G1").code == 0
    return db


def test_uncoded_leaves_moderators_out_unless_asked(cli: Cli, with_moderator: Path) -> None:
    db = str(with_moderator)
    plain = cli("--db", db, "quotes", "--uncoded", "--json").json()
    assert [q["speaker"] for q in plain] == ["P1", "P2", "P1"]
    every = cli("--db", db, "quotes", "--uncoded", "--moderators", "--json").json()
    assert len(every) == 5


async def test_n_progress_and_warning_skip_moderators(with_moderator: Path) -> None:
    async with workbench(with_moderator).run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        status = pilot.app.screen.query_one(StatusLine)
        assert "0/3 reviewed" in status.text
        assert screen.bench is not None
        first = screen.quote_id
        assert first in screen.bench.moderator_quotes
        await pilot.press("n")
        assert screen.quote_id not in screen.bench.moderator_quotes
        await pilot.press("1")  # code the participant's turn
        await settle(pilot)
        assert "1/3 reviewed" in status.text
        assert f"added « dehumanisation » to #{screen.quote_id}" in status.text
        await pilot.press("1")
        await settle(pilot)
        assert f"removed « dehumanisation » from #{screen.quote_id}" in status.text
        await pilot.press("1")
        await settle(pilot)
        await pilot.press("k", "2")  # back on the moderator's turn, and code it
        await settle(pilot)
        assert screen.quote_id == first
        assert "a moderator's turn: reports leave it out" in status.text
        assert "1/3 reviewed" in status.text  # the progress counts participants only
