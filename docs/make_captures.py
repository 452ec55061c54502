"""Regenerate the guide's pictures of the workbench: `make docs` runs this first.

Each picture is Textual's own screenshot (SVG) of the real workbench, on the demo study
built afresh in a temporary folder, driven by keys as a researcher would press them:
the coding screen, a segment being selected, the transcript, the suggestions with
their reasons, the team review and the live report. Nothing here is drawn by hand, so
a change to a screen shows in the guide the next time it is built.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from textual.pilot import Pilot

OUT = Path(__file__).resolve().parent / "captures"
SIZE = (110, 32)


async def _settle(pilot: Pilot[None]) -> None:
    for _ in range(4):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


async def _shoot(db: Path) -> dict[str, str]:
    from qualcode.db.engine import open_project
    from qualcode.tui.app import make_app

    shots: dict[str, str] = {}
    app = make_app(open_project(str(db), warn=False), "alice")
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        await pilot.press("j")  # G1 P2, quote #9: hacking and sensitive data
        await _settle(pilot)
        shots["coding"] = app.export_screenshot(title="qualcode: coding")
        await pilot.press("x", "w", "w", "w")
        await _settle(pilot)
        shots["segment"] = app.export_screenshot(title="qualcode: a segment")
        await pilot.press("escape", "t")
        await _settle(pilot)
        shots["transcript"] = app.export_screenshot(title="qualcode: the transcript")
        await pilot.press("t", "s")
        await _settle(pilot)
        shots["suggestions"] = app.export_screenshot(title="qualcode: suggestions")
        await pilot.press("escape", "v")
        await _settle(pilot)
        shots["review"] = app.export_screenshot(title="qualcode: team review")
        await pilot.press("escape", "r")
        await _settle(pilot)
        shots["report"] = app.export_screenshot(title="qualcode: live report")
    return shots


def _second_coder(db: Path) -> None:
    """bob codes a few quotes otherwise, so the review screen has something to show."""
    from qualcode.db.engine import open_project
    from qualcode.services.coding import apply_codes

    project = open_project(str(db), warn=False)
    try:
        with project.write() as session:
            for quote, codes in ((9, ["hacking"]), (10, ["data sensitivity"]),
                                 (5, ["quality of care"]), (7, ["reassurance"])):
                apply_codes(session, quote_id=quote, codes=codes, coder="bob")
    finally:
        project.close()


def main() -> int:
    from qualcode.services.demo import build_demo

    OUT.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "demo.db"
        os.environ.setdefault("QUALCODE_CODER", "alice")
        build_demo(str(db))
        _second_coder(db)
        shots = asyncio.run(_shoot(db))
    for name, svg in shots.items():
        (OUT / f"{name}.svg").write_text(svg, encoding="utf-8")
    print(f"{len(shots)} captures written to {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
