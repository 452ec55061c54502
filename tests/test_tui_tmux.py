"""End to end: the real `qualcode` command in a terminal (tmux), driven by keystrokes."""

from __future__ import annotations

import json
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


def test_newcomer_codes_three_words_a_code_without_hotkey_and_reads_the_transcript(
        tmp_path: Path) -> None:
    """The "Done when" of segments, keys alone at 80×24: x w w and a digit, `a` and a name,
    `t` to read the group's transcript with the codings marked, then the CLI finds them."""
    db = tmp_path / "seg.db"
    subprocess.run([sys.executable, "-m", "qualcode", "--db", str(db), "demo", "--no-tui"],
                   cwd=REPO, env=workbench_env("alice"), check=True, capture_output=True)

    def mine() -> list[tuple[object, ...]]:
        return sql(db, "SELECT d.name, c.span_start, c.span_end FROM coding c JOIN code d "
                       "ON d.id = c.code_id JOIN coder k ON k.id = c.coder_id "
                       "WHERE k.name = 'alice' ORDER BY c.id")

    first = sql(db, "SELECT q.id, q.text FROM quote q JOIN study_group g ON g.id = q.group_id "
                    "ORDER BY g.position, g.id, q.position LIMIT 1")[0]
    text = str(first[1])
    three = " ".join(text.split()[:3])
    one_key = str(sql(db, "SELECT name FROM code WHERE key = '1'")[0][0])
    with Terminal(db, "alice", width=80, height=24) as term:
        wait_for(lambda: "0/22 reviewed" in term.screen(), "the workbench")
        term.keys("x", "w", "w")
        wait_for(lambda: f"selected « {three} »" in term.screen(), "the selection drawn")
        term.keys("1")
        wait_for(lambda: len(mine()) == 1, "the segment")
        assert mine() == [(one_key, 0, len(three))]
        term.keys("a")
        wait_for(lambda: "Any code" in term.screen(), "the picker")
        term.keys(*"piratage")
        wait_for(lambda: "hacking" in term.screen(), "the picker narrowed")
        term.keys("Enter")
        wait_for(lambda: len(mine()) == 2, "the code without a hotkey")
        assert mine()[1] == ("hacking", None, None)
        term.keys("t")
        wait_for(lambda: "transcript of G1" in term.screen(), "the transcript")
        assert "┃" in term.screen()
        term.keys("t")
        wait_for(lambda: "reviewed" in term.screen(), "back on the quote")
        term.keys("q")
        wait_for(lambda: not term.running(), "the app to quit")
    out = subprocess.run([sys.executable, "-m", "qualcode", "--db", str(db), "quotes", "--json",
                          "--coder", "alice"], cwd=tmp_path, env=workbench_env("alice"),
                         capture_output=True, text=True, check=True).stdout
    assert three in out and '"segments"' in out
    table = subprocess.run([sys.executable, "-m", "qualcode", "--db", str(db), "segments",
                            "--format", "csv"], cwd=tmp_path, env=workbench_env("alice"),
                           capture_output=True, text=True, check=True).stdout
    assert three in table
    report = subprocess.run([sys.executable, "-m", "qualcode", "--db", str(db), "report",
                             "--format", "json"], cwd=tmp_path, env=workbench_env("alice"),
                            capture_output=True, text=True, check=True).stdout
    illustrative = {(q["theme"], q["group"]): q["text"] for q in json.loads(report)["quotes"]}
    assert illustrative[(one_key, "G1")] == three  # the segment's words, not the whole turn
