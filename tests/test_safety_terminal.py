"""Escape sequences stored in verbatims never reach the terminal; no output replaces a
database; a closed pipe ends the listing quietly."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

from .conftest import REPO, Cli

NASTY = "Bonjour \x1b[2J\x1b]0;pwned\x07 les données"


def test_quotes_and_search_show_control_characters_escaped(cli: Cli, tmp_path: Path) -> None:
    db = str(tmp_path / "p.db")
    assert cli("--db", db, "init").code == 0
    table = tmp_path / "t.csv"
    with table.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([["group", "speaker", "text"], ["G1", "P1", "x"]])
    assert cli("--db", db, "import", str(table)).code == 0
    import sqlite3

    with sqlite3.connect(db) as conn:  # as an older version, or a crafted file, stored it
        conn.execute("UPDATE quote SET text = ?", (NASTY,))
    for args in (("quotes",), ("search", "données")):
        out = cli("--db", db, *args).out
        assert "\x1b" not in out and "\x07" not in out, args
        assert "\\x1b[2J" in out and "les données" in out, args


def test_no_output_replaces_a_database(cli: Cli, demo_db: Path, tmp_path: Path) -> None:
    db = str(demo_db)
    before = demo_db.read_bytes()
    for args in (("report", "-o", db), ("codebook", "export", db),
                 ("quotes", "--format", "csv", "-o", db), ("segments", "-o", db)):
        result = cli("--db", db, *args)
        assert result.code == 1 and "is a database" in result.err, (args, result.err)
        assert result.err.count("\n") == 1
    assert demo_db.read_bytes() == before
    other = tmp_path / "other.qdpx"
    assert cli("--db", str(other), "init").code == 0
    refused = cli("--db", str(other), "export", str(other))
    assert refused.code == 1 and "is a database" in refused.err


def test_a_closed_pipe_ends_the_listing_quietly(demo_db: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    run = subprocess.run(
        f"{sys.executable} -m qualcode --db {demo_db} quotes | head -1", shell=True,
        capture_output=True, text=True, env=env, timeout=120)
    assert run.stdout.count("\n") == 1 and "Traceback" not in run.stderr, run.stderr
