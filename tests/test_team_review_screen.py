"""The review screen, driven by Textual's Pilot inside a tiny host app."""

from __future__ import annotations

from pathlib import Path

from textual.app import App
from textual.widgets import Static

from qualcode.db.engine import Project, open_project
from qualcode.services.review import disagreements, progress
from qualcode.tui.screens.review import ReviewScreen

from .conftest import Cli


class Host(App[None]):
    def __init__(self, project: Project, coder: str) -> None:
        super().__init__()
        self.project, self.coder = project, coder

    def on_mount(self) -> None:
        self.push_screen(ReviewScreen(self.project, self.coder))


async def settle_all(app: Host, pilot: object) -> None:
    for _ in range(3):
        await app.workers.wait_for_complete()
        await pilot.pause()  # type: ignore[attr-defined]


def text_of(screen: ReviewScreen, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


async def test_review_screen_settles_every_disagreement(cli: Cli, demo_db: Path) -> None:
    db = str(demo_db)
    # alice and bob disagree on quotes 1-4 and agree on quote 5
    for quote, alice, bob in [(1, ["hacking"], ["caregiving"]),
                              (2, ["hacking"], ["hacking", "self-monitoring"]),
                              (3, ["mes activated"], ["mes never used"]),
                              (4, ["quality of care"], []),
                              (5, ["hacking"], ["hacking"])]:
        for coder, codes in (("alice", alice), ("bob", bob)):
            args = list(codes) or ["--reviewed"]
            assert cli("--db", db, "--coder", coder, "code", str(quote), *args).code == 0
    project = open_project(db)
    app = Host(project, "carol")
    async with app.run_test(size=(120, 50)) as pilot:
        await settle_all(app, pilot)
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        assert screen.focused is None, screen.focused
        await pilot.press("f")
        await pilot.pause()
        assert screen.query_one("#filter").value == "", screen.focused
        await pilot.press(*"alice", "comma", *"bob", "enter")
        await settle_all(app, pilot)
        assert screen.filters == {"pair": ("alice", "bob")}, screen.focused
        assert "settled 0/4" in text_of(screen, "#status")
        first = screen.current
        assert first is not None
        shown = " ".join(str(w.render()) for w in screen.query(".coder"))
        assert "alice" in shown and "bob" in shown
        for codes in first.codes.values():
            assert all(c in shown for c in codes)
            assert all(c in text_of(screen, "#definitions") for c in codes)
        for step in range(4):
            current = screen.current
            assert current is not None and current.consensus is None
            quote = current.quote_id
            if quote == 1:
                await pilot.press("2")  # bob's version
            elif quote == 2:
                await pilot.press("b")  # both
            elif quote == 3:
                await pilot.press("b")  # both exclusive children: refused, nothing stored
                await settle_all(app, pilot)
                assert screen.current is not None and screen.current.quote_id == 3
                assert screen.current.consensus is None
                await pilot.press("e")  # edit: starts from the union; untick one
                await settle_all(app, pilot)
                editor = screen.query_one("#editor")
                assert editor.display
                editor.deselect("mes never used")  # type: ignore[attr-defined]
                await pilot.press("e")
            else:
                await pilot.press("0")  # none applies
            await settle_all(app, pilot)
            assert f"settled {step + 1}/4" in text_of(screen, "#status")
            assert "vs consensus" in text_of(screen, "#figures")
        await pilot.press("q")
        await pilot.pause()
        assert not isinstance(app.screen, ReviewScreen)
    with project.read() as session:
        done = disagreements(session, pair=("alice", "bob"))
        assert progress(done).settled == 4
        assert {d.quote_id: d.consensus for d in done} == {
            1: ("caregiving",), 2: ("hacking", "self-monitoring"), 3: ("mes activated",),
            4: ()}
    project.close()
    report = cli("--db", db, "report", "--consensus").json()
    totals = {c["theme"]: 0 for c in report["cells"]}
    for c in report["cells"]:
        totals[c["theme"]] += c["quotes"]
    assert totals["caregiving"] == 1 and totals["hacking"] == 1
    assert totals["mes activated"] == 1 and totals["mes never used"] == 0
    assert cli("--db", db, "log", "--coder", "carol").out.count("settle") == 4
