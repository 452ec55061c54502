"""End to end: the real `qualcode` command in a terminal (tmux), driven by keystrokes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from .conftest import REPO
from .tmux_support import Terminal, needs_tmux, wait_for, workbench_env
from .tui_support import sql

pytestmark = needs_tmux


def test_code_two_quotes_undo_one_and_quit(tmp_path: Path) -> None:
    db = tmp_path / "e2e.db"
    subprocess.run([sys.executable, "-m", "qualcode", "--db", str(db), "demo", "--no-tui"],
                   cwd=REPO, env=workbench_env("alice"), check=True, capture_output=True)

    def mine() -> list[tuple[object, ...]]:
        return sql(db, "SELECT c.quote_id, d.name FROM coding c JOIN code d ON d.id = c.code_id "
                       "JOIN coder k ON k.id = c.coder_id WHERE k.name = 'alice' "
                       "ORDER BY c.quote_id")

    order = [q for (q,) in sql(db, "SELECT q.id FROM quote q JOIN study_group g ON "
                                   "g.id = q.group_id ORDER BY g.position, g.id, q.position")]
    with Terminal(db, "alice") as term:
        wait_for(lambda: "0/22 reviewed" in term.screen(), "the workbench")
        term.keys("1")
        wait_for(lambda: len(mine()) == 1, "the first coding")
        wait_for(lambda: "1/22 reviewed" in term.screen(), "the first coding on screen")
        term.keys("j", "2")
        wait_for(lambda: len(mine()) == 2, "the second coding")
        wait_for(lambda: "2/22 reviewed" in term.screen(), "the second coding on screen")
        term.keys("u")
        wait_for(lambda: len(mine()) == 1, "the undo")
        wait_for(lambda: "1/22 reviewed" in term.screen(), "the undo on screen")
        term.keys("q")
        wait_for(lambda: not term.running(), "the app to quit")
    assert mine() == [(order[0], "dehumanisation")]
    events = [a for (a,) in sql(db, "SELECT action FROM event WHERE coder = 'alice' ORDER BY id")]
    assert events == ["code", "code", "undo"]
