"""Snapshots of the main screens on the demo project, 100×30, cursors not blinking."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Input

from .tui_support import ready, settle, workbench

SNAP_SIZE = (100, 30)


def keys_then_settle(*keys: str) -> Callable[[Pilot[None]], Awaitable[None]]:
    async def run_before(pilot: Pilot[None]) -> None:
        await ready(pilot)
        for screen in pilot.app.screen_stack:
            for box in screen.query(Input):
                box.cursor_blink = False
        if keys:
            await pilot.press(*keys)
        await settle(pilot)
        for screen in pilot.app.screen_stack:  # the boxes the keys opened, too
            for box in screen.query(Input):
                box.cursor_blink = False
        await settle(pilot)

    return run_before


def test_coding_screen(snap_compare: Any, demo_db: Path) -> None:
    assert snap_compare(workbench(demo_db), terminal_size=SNAP_SIZE,
                        run_before=keys_then_settle("j", "j"))


def test_report_screen(snap_compare: Any, demo_db: Path) -> None:
    assert snap_compare(workbench(demo_db), terminal_size=SNAP_SIZE,
                        run_before=keys_then_settle("r"))


def test_codebook_screen(snap_compare: Any, demo_db: Path) -> None:
    assert snap_compare(workbench(demo_db), terminal_size=SNAP_SIZE,
                        run_before=keys_then_settle("c", "down"))


def test_help_screen(snap_compare: Any, demo_db: Path) -> None:
    assert snap_compare(workbench(demo_db), terminal_size=SNAP_SIZE,
                        run_before=keys_then_settle("question_mark"))


SMALL = (80, 24)
"""The smallest terminal the workbench is made for: every screen must fit it."""


def test_transcript_view_at_80x24(snap_compare: Any, demo_db: Path) -> None:
    assert snap_compare(workbench(demo_db), terminal_size=SMALL,
                        run_before=keys_then_settle("j", "x", "w", "w", "2", "t"))


def test_code_picker_at_80x24(snap_compare: Any, demo_db: Path) -> None:
    assert snap_compare(workbench(demo_db), terminal_size=SMALL,
                        run_before=keys_then_settle("a", *"secu"))


def test_code_form_at_80x24(snap_compare: Any, demo_db: Path) -> None:
    assert snap_compare(workbench(demo_db), terminal_size=SMALL,
                        run_before=keys_then_settle("c", "e"))
