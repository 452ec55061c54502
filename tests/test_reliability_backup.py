"""`qualcode backup`: a consistent copy, taken while others keep coding, owner-only,
that opens as a project and holds everything acknowledged before it started."""

from __future__ import annotations

import json
import os
import random
import sqlite3
import threading
import time
from pathlib import Path
from typing import IO

from qualcode.db.engine import open_project

from .conftest import Cli
from .reliability_support import Promises, demo_project, start_driver


def journal_disagreements(db: Path) -> list[str]:
    """Replaying the journal must give exactly the codings in the file: a copy torn
    between a coding and its journal entry would not."""
    conn = sqlite3.connect(db)
    replay: set[tuple[str, int, int]] = set()
    for coder, payload in conn.execute(
            "SELECT coder, payload FROM event WHERE action IN ('code', 'uncode') "
            "ORDER BY id"):
        data = json.loads(payload)
        for row in data["deleted"]:
            replay.discard((coder, row["quote_id"], row["code_id"]))
        for row in data["created"]:
            replay.add((coder, row["quote_id"], row["code_id"]))
    stored = set(conn.execute("SELECT k.name, c.quote_id, c.code_id FROM coding c "
                              "JOIN coder k ON k.id = c.coder_id"))
    conn.close()
    return sorted(f"{x}" for x in replay ^ stored)


def follow(out: IO[str], lines: list[str]) -> threading.Thread:
    thread = threading.Thread(target=lambda: lines.extend(out), daemon=True)
    thread.start()
    return thread


def test_backup_while_others_keep_coding(cli: Cli, tmp_path: Path) -> None:
    db = demo_project(tmp_path)
    rng = random.Random()
    workbench = start_driver("workbench", db, "alice", rng.randrange(1 << 30), 12)
    script = start_driver("cli", db, "carol", rng.randrange(1 << 30), 12)
    streams: dict[str, list[str]] = {"alice": [], "carol": []}
    readers = [follow(p.stdout, streams[c]) for c, p in (("alice", workbench),
                                                         ("carol", script)) if p.stdout]
    deadline = time.monotonic() + 60
    while not all(any(x.startswith("ack") for x in s) for s in streams.values()):
        assert time.monotonic() < deadline, "the writers never got going"
        time.sleep(0.1)
    os.umask(0)
    copies = []
    for n in range(3):
        time.sleep(rng.uniform(0.5, 2))
        acked_before = Promises().read(line.strip() for line in list(streams["carol"]))
        target = tmp_path / f"copy{n}.db"
        result = cli("--db", str(db), "backup", str(target))
        assert result.code == 0 and result.err == "", result.err
        assert result.out.startswith(f"backed up to {target} (owner-only): 22 quotes")
        copies.append((target, acked_before))
    for proc in (workbench, script):
        assert proc.wait(60) == 0
    for reader in readers:
        reader.join()
    assert all(s for s in streams.values())
    for target, acked in copies:
        assert target.stat().st_mode & 0o777 == 0o600
        assert sqlite3.connect(target).execute("PRAGMA integrity_check").fetchone() == ("ok",)
        open_project(str(target)).close()
        assert journal_disagreements(target) == []
        conn = sqlite3.connect(target)
        held = set(conn.execute("SELECT c.quote_id, d.name FROM coding c JOIN code d ON "
                                "d.id = c.code_id JOIN coder k ON k.id = c.coder_id "
                                "WHERE k.name = 'carol'"))
        assert acked.count and set(acked.acked) <= held, "an acknowledged coding is missing"
    print(f"3 backups under 2 writers; carol's acknowledged codings in each: "
          f"{[len(a.acked) for _, a in copies]}")


def test_backup_never_overwrites(cli: Cli, tmp_path: Path) -> None:
    db = demo_project(tmp_path)
    target = tmp_path / "exists.db"
    target.write_text("precious", encoding="utf-8")
    result = cli("--db", str(db), "backup", str(target))
    assert result.code == 1 and result.err.count("\n") == 1 and "already exists" in result.err
    assert target.read_text(encoding="utf-8") == "precious"
    assert cli("--db", str(db), "backup", str(db)).code == 1


def test_postgres_backup_gives_the_pg_dump_command_without_the_password(cli: Cli,
                                                                        tmp_path: Path) -> None:
    target = tmp_path / "team.dump"
    result = cli("--db", "postgresql://ana:s3cret@db.example.org:5433/etude", "backup",
                 str(target))
    assert result.code == 1 and result.err.count("\n") == 1
    assert (f"pg_dump --format=custom --file={target} "
            "'postgresql://ana@db.example.org:5433/etude'") in result.err
    assert "s3cret" not in result.err and not target.exists()
