"""A coder in a separate process, for the kill and concurrency tests.

`workbench` mode opens the project once and toggles codes exactly as the workbench's
number keys do (`services.coding.toggle_code` inside `project.write()`); `cli` mode
runs the real `qualcode code` command in a loop, in-process, one command a
transaction. Each action prints `start QUOTE CODE` before it and `ack QUOTE CODE +|-`
once committed, so the test knows which actions the user was told are saved.

    python tests/reliability_driver.py MODE DB CODER SEED SECONDS
"""

from __future__ import annotations

import random
import sys
import time

CODES = ["hacking", "data sensitivity", "reassurance", "caregiving", "digital exclusion",
         "commercial use", "self-monitoring", "coordination of care"]


def say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def quote_ids(db: str) -> list[int]:
    import sqlite3

    conn = sqlite3.connect(db, timeout=30)
    try:
        return [r[0] for r in conn.execute("SELECT id FROM quote ORDER BY id")]
    finally:
        conn.close()


def workbench(db: str, coder: str, rng: random.Random, until: float) -> None:
    from qualcode.db.engine import open_project
    from qualcode.services.coding import toggle_code

    quotes = quote_ids(db)
    project = open_project(db)
    say("ready")
    try:
        while time.monotonic() < until:
            quote, code = rng.choice(quotes), rng.choice(CODES)
            say(f"start {quote} {code}")
            with project.write() as session:
                change = toggle_code(session, quote_id=quote, code=code, coder=coder)
            say(f"ack {quote} {code} {'+' if change.added else '-'}")
    finally:
        project.close()


def cli(db: str, coder: str, rng: random.Random, until: float) -> None:
    """Applies codes it has not applied yet, through the real command line."""
    import sqlite3

    from qualcode.cli.whole import app, quote_cmds  # noqa: F401  (loaded before "ready")
    from qualcode.db import engine  # noqa: F401
    from qualcode.services import coding  # noqa: F401

    conn = sqlite3.connect(db, timeout=30)
    done = set(conn.execute(
        "SELECT c.quote_id, d.name FROM coding c JOIN code d ON d.id = c.code_id "
        "JOIN coder k ON k.id = c.coder_id WHERE k.name = ?", (coder,)).fetchall())
    conn.close()
    todo = [(q, c) for q in quote_ids(db) for c in CODES if (q, c) not in done]
    rng.shuffle(todo)
    say("ready")
    for quote, code in todo:
        if time.monotonic() >= until:
            break
        say(f"start {quote} {code}")
        try:
            app(["--db", db, "--coder", coder, "code", str(quote), code], prog_name="qualcode",
                standalone_mode=False)
        except SystemExit as exc:
            if exc.code:
                raise
        say(f"ack {quote} {code} +")


def main() -> None:
    mode, db, coder, seed, seconds = sys.argv[1:6]
    until = time.monotonic() + float(seconds)
    {"workbench": workbench, "cli": cli}[mode](db, coder, random.Random(int(seed)), until)
    say("done")


if __name__ == "__main__":
    main()
