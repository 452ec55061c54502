"""Shared by the reliability tests: driver processes and what their output promises."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from qualcode.services.demo import build_demo

DRIVER = Path(__file__).with_name("reliability_driver.py")


def demo_project(folder: Path) -> Path:
    db = folder / "team.db"
    build_demo(str(db))
    return db


def start_driver(mode: str, db: Path, coder: str, seed: int, seconds: float,
                 env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, str(DRIVER), mode, str(db), coder, str(seed), str(seconds)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, **(env or {})},
    )


@dataclass
class Promises:
    """What a driver's output told its user: the last acknowledged state of each
    (quote, code), and the action under way when it stopped (if any)."""

    acked: dict[tuple[int, str], bool] = field(default_factory=dict)
    count: int = 0
    in_flight: tuple[int, str] | None = None

    def read(self, lines: Iterable[str]) -> Promises:
        for line in lines:
            words = line.split(" ")
            if words[0] == "start":
                self.in_flight = (int(words[1]), " ".join(words[2:]))
            elif words[0] == "ack":
                key = (int(words[1]), " ".join(words[2:-1]))
                self.acked[key] = words[-1] == "+"
                self.count += 1
                self.in_flight = None
        return self


def coding_state(db: Path, coder: str) -> set[tuple[int, str]]:
    conn = sqlite3.connect(db, timeout=30)
    try:
        return set(conn.execute(
            "SELECT c.quote_id, d.name FROM coding c JOIN code d ON d.id = c.code_id "
            "JOIN coder k ON k.id = c.coder_id WHERE k.name = ?", (coder,)).fetchall())
    finally:
        conn.close()


def broken_promises(db: Path, coder: str, promises: Promises) -> list[str]:
    """Every acknowledged state the database does not hold (the in-flight one may go
    either way: its user was never told)."""
    present = coding_state(db, coder)
    return [f"quote {q} {c!r} acknowledged {'applied' if on else 'removed'}"
            for (q, c), on in promises.acked.items()
            if (q, c) != promises.in_flight and ((q, c) in present) != on]


def integrity(db: Path) -> str:
    conn = sqlite3.connect(db, timeout=30)
    try:
        return str(conn.execute("PRAGMA integrity_check").fetchone()[0])
    finally:
        conn.close()


def journal_count(db: Path, coder: str) -> int:
    conn = sqlite3.connect(db, timeout=30)
    try:
        return int(conn.execute("SELECT COUNT(*) FROM event WHERE coder = ? AND action IN "
                                "('code', 'uncode')", (coder,)).fetchone()[0])
    finally:
        conn.close()
