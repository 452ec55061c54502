"""Many processes first-use the same new names at the same instant, as a team starting.

Each round, eight processes wait at one barrier, then each codes the same quote with the
same code as a coder that does not exist yet: the coder row and the coding row are both
raced for. Every process must succeed, and the project must end with one coder, one
coding and one journal entry per round, on a real PostgreSQL server and on one SQLite file.
"""

from __future__ import annotations

import multiprocessing
import traceback
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from qualcode.db.engine import open_project
from qualcode.services.coding import apply_codes

from .postgres import postgres_server, postgres_url  # noqa: F401 (fixtures)
from .test_team_concurrency import build_project

PROCESSES = 8
ROUNDS = 20


def newcomer(round_: int) -> str:
    return f"newcomer{round_}"


def first_use(db: str, quote_ids: list[int], start: Any, errors: Any) -> None:
    try:
        project = open_project(db, warn=False)
        for round_ in range(ROUNDS):
            start.wait(timeout=120)
            with project.write() as session:
                apply_codes(session, quote_id=quote_ids[round_], codes=["hacking"],
                            coder=newcomer(round_))
        project.close()
    except BaseException:
        errors.put(traceback.format_exc())


def race(db: str, quote_ids: list[int]) -> list[str]:
    ctx = multiprocessing.get_context("spawn")
    start = ctx.Barrier(PROCESSES)
    errors = ctx.Queue()
    workers = [ctx.Process(target=first_use, args=(db, quote_ids, start, errors))
               for _ in range(PROCESSES)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(timeout=600)
    found = []
    while not errors.empty():
        found.append(errors.get())
    return found + [f"exit code {w.exitcode}" for w in workers if w.exitcode != 0]


def check(db: str, quote_ids: list[int]) -> None:
    project = open_project(db, warn=False)
    try:
        with project.read() as s:
            coders = s.execute(text(
                "SELECT name, COUNT(*) FROM coder WHERE name LIKE 'newcomer%' GROUP BY name"
            )).all()
            codings = s.execute(text(
                "SELECT k.name, c.quote_id FROM coding c JOIN coder k ON k.id = c.coder_id "
                "WHERE k.name LIKE 'newcomer%'")).all()
            journal = s.execute(text(
                "SELECT COUNT(*) FROM event WHERE action = 'code' AND coder LIKE 'newcomer%'"
            )).one()[0]
    finally:
        project.close()
    assert sorted(coders) == sorted((newcomer(r), 1) for r in range(ROUNDS))
    assert sorted(codings) == sorted((newcomer(r), quote_ids[r]) for r in range(ROUNDS))
    assert journal == ROUNDS


@pytest.mark.slow
def test_eight_processes_first_use_the_same_names_on_a_server(
        postgres_url: str, tmp_path: Path) -> None:  # noqa: F811
    quote_ids = build_project(postgres_url, tmp_path)
    assert race(postgres_url, quote_ids) == []
    check(postgres_url, quote_ids)


def test_eight_processes_first_use_the_same_names_on_one_file(tmp_path: Path) -> None:
    db = str(tmp_path / "team.db")
    quote_ids = build_project(db, tmp_path)
    assert race(db, quote_ids) == []
    check(db, quote_ids)
