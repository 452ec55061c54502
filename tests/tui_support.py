"""Driving the workbench in tests: build it on a project, wait until it has settled."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.screen import Screen

from qualcode.db.engine import open_project
from qualcode.tui.app import QualcodeApp, make_app
from qualcode.tui.screens.coding import CodingScreen

SIZE = (100, 30)


def workbench(db: Path, coder: str = "alice") -> QualcodeApp:
    return make_app(open_project(str(db), warn=False), coder)


async def settle(pilot: Pilot[None]) -> None:
    """Let every worker finish and every message it posted be handled."""
    for _ in range(4):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


async def ready(pilot: Pilot[None]) -> CodingScreen:
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, CodingScreen)
    assert screen.bench is not None and screen.bench.counts_loaded
    return screen


def sql(db: Path, query: str, *params: object) -> list[tuple[object, ...]]:
    con = sqlite3.connect(db)
    try:
        return list(con.execute(query, params).fetchall())
    finally:
        con.close()


def codes_of(db: Path, quote_id: int, coder: str = "alice") -> set[str]:
    return {str(name) for (name,) in sql(
        db, "SELECT d.name FROM coding c JOIN code d ON d.id = c.code_id "
        "JOIN coder k ON k.id = c.coder_id WHERE c.quote_id = ? AND k.name = ?", quote_id, coder)}



def count_layouts(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """From now on, one item more in the list for each layout pass of a screen: a pass
    costs more than a frame on 100,000 quotes, so moves and keystrokes must not cause one."""
    layouts: list[int] = []
    refresh_layout = Screen._refresh_layout

    def counted(self: Screen[object], *args: object, **kwargs: object) -> None:
        layouts.append(1)
        refresh_layout(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Screen, "_refresh_layout", counted)
    return layouts
