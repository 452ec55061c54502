"""Regenerate the guide's pictures of the workbench: `make docs` runs this first.

Each picture is Textual's own screenshot (SVG) of the real workbench, on the demo study
built afresh in a temporary folder, driven by keys as a researcher would press them:
the coding screen, a segment being selected, the transcript, the suggestions with
their reasons, the team review and the live report; then a theme's chart as
`report --format html` draws it. Nothing here is drawn by hand, so a change to a
screen or a report shows in the guide the next time it is built.
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
STEPS = (
    (("j",), "coding", "coding"),  # G1 P2, quote #9: hacking and sensitive data
    (("x", "w", "w", "w"), "segment", "a segment"),
    (("escape", "t"), "transcript", "the transcript"),
    (("t", "s"), "suggestions", "suggestions"),
    (("escape", "v"), "review", "team review"),
    (("escape", "r"), "report", "live report"),
)
"""Keys pressed one after the other on the demo, each followed by a picture."""


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
        for keys, name, title in STEPS:
            await pilot.press(*keys)
            await _settle(pilot)
            shots[name] = app.export_screenshot(title=f"qualcode: {title}")
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


def _charts(db: Path) -> dict[str, str]:
    """The demo report's bar chart of one theme, as the HTML report draws it."""
    from qualcode.db.engine import open_project
    from qualcode.exporters import report_charts as charts
    from qualcode.exporters.report_common import View
    from qualcode.reports.counts import Options, Scope, compute

    project = open_project(str(db), warn=False)
    try:
        with project.read() as session:
            view = View(compute(session, Scope(), Options(quotes=0)))
    finally:
        project.close()
    return {"report-bars": '<?xml version="1.0" encoding="utf-8"?>\n' + charts.svg(
        charts.theme_bars(view, "data security"), "data security", "bars", scalable=False)}


def main() -> int:
    from qualcode import i18n
    from qualcode.services.demo import build_demo

    written = 0
    for language in i18n.LANGUAGES:  # each guide shows the workbench in its language
        i18n.use(language)
        (OUT / language).mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory() as folder:
            db = Path(folder) / "demo.db"
            os.environ.setdefault("QUALCODE_CODER", "alice")
            build_demo(str(db))
            _second_coder(db)
            shots = asyncio.run(_shoot(db))
            shots.update(_charts(db))
        for name, svg in shots.items():
            (OUT / language / f"{name}.svg").write_text(svg, encoding="utf-8")
            written += 1
    print(f"{written} captures written to {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
