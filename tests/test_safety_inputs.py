"""Malformed input is refused with its line, and nothing is imported (issue "Hardening,
round two")."""

from __future__ import annotations

from pathlib import Path

from .conftest import Cli
from .tui_support import sql

JUNK_SRT = ("1\n00:00:01,000 --> 00:00:02,000\nP1 : Bonjour à tous\n\n"
            "ceci n'est pas un sous-titre\n\n"
            "3\n00:00:05,000 --> 00:00:06,000\nP2 : Au revoir\n")


def test_a_srt_block_without_timing_is_refused_with_its_line(cli: Cli, demo_db: Path,
                                                              tmp_path: Path) -> None:
    path = tmp_path / "g1.srt"
    path.write_text(JUNK_SRT, encoding="utf-8")
    before = sql(demo_db, "SELECT COUNT(*) FROM quote")
    result = cli("--db", str(demo_db), "import", str(path), "--group", "G1")
    assert result.code != 0
    assert "line 5: a SubRip block without its timing line" in result.err
    assert len(result.err.strip().splitlines()) == 1
    assert sql(demo_db, "SELECT COUNT(*) FROM quote") == before
    path.write_text(JUNK_SRT.replace("ceci n'est pas un sous-titre\n\n", ""), encoding="utf-8")
    assert cli("--db", str(demo_db), "import", str(path), "--group", "G1").code == 0
