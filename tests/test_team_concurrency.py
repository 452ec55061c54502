"""A team coding at once: on a shared PostgreSQL server, and on one SQLite file (WAL).

Eight coder processes apply 500 codings each, all started together; afterwards every
coding is present exactly once, each with its journal entry, no "database is locked"
reached anyone, and agreement is computable and equal to the krippendorff package's on
the codings the test itself decided.
"""

from __future__ import annotations

import csv
import math
import multiprocessing
import random
import traceback
from pathlib import Path
from typing import Any

import krippendorff
import numpy as np
import pytest
from sqlalchemy import text

from qualcode.db.engine import create_project, open_project
from qualcode.reports.agreement import compute
from qualcode.services.codebook import import_codebook
from qualcode.services.coding import apply_codes
from qualcode.services.imports import parse_files, write_source

from .conftest import REPO, Cli
from .postgres import postgres_server, postgres_url  # noqa: F401 (fixtures)

CODERS = [f"coder{i}" for i in range(8)]
CODES = ["hacking", "caregiving", "self-monitoring", "quality of care", "commercial use"]
QUOTES = 200
PER_CODER = 500


def plan(coder: int) -> list[tuple[int, str]]:
    """The (quote position, code) pairs one coder applies: a different subset for each."""
    pairs = [(q, c) for q in range(QUOTES) for c in CODES]
    return random.Random(coder).sample(pairs, PER_CODER)


def build_project(db: str, folder: Path) -> list[int]:
    from qualcode.domain.codebook import load_codebook

    table = folder / "quotes.csv"
    with table.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["group", "speaker", "text"])
        for i in range(QUOTES):
            writer.writerow(["G1", f"P{i % 9 + 1}", f"Verbatim n° {i} : « données de santé »"])
    (parsed,) = parse_files([table])
    project = create_project(db)
    try:
        with project.write() as s:
            import_codebook(s, load_codebook(REPO / "codebooks/numerique-sante.yaml"))
            write_source(s, str(table), parsed, group=None, coder="setup")
        with project.read() as s:
            return [int(i) for i, in s.execute(text("SELECT id FROM quote ORDER BY position"))]
    finally:
        project.close()


def code_as(db: str, coder: int, quote_ids: list[int], start: Any, errors: Any) -> None:
    """One coder's process: 500 actions, each its own transaction, as the workbench does."""
    try:
        project = open_project(db, warn=False)
        start.wait()
        for position, code in plan(coder):
            with project.write() as session:
                apply_codes(session, quote_id=quote_ids[position], codes=[code],
                            coder=CODERS[coder])
        project.close()
    except BaseException:
        errors.put(f"{CODERS[coder]}: {traceback.format_exc()}")


def run_team(db: str, quote_ids: list[int]) -> list[str]:
    ctx = multiprocessing.get_context("spawn")
    start = ctx.Barrier(len(CODERS))
    errors = ctx.Queue()
    workers = [ctx.Process(target=code_as, args=(db, i, quote_ids, start, errors))
               for i in range(len(CODERS))]
    for w in workers:
        w.start()
    for w in workers:
        w.join(timeout=900)
    found = []
    while not errors.empty():
        found.append(errors.get())
    found += [f"worker {w.name} exit code {w.exitcode}" for w in workers if w.exitcode != 0]
    return found


def check_team_result(db: str, quote_ids: list[int]) -> None:
    project = open_project(db, warn=False)
    try:
        with project.read() as s:
            rows = s.execute(text(
                "SELECT k.name, c.quote_id, d.name, COUNT(*) FROM coding c "
                "JOIN coder k ON k.id = c.coder_id JOIN code d ON d.id = c.code_id "
                "GROUP BY k.name, c.quote_id, d.name")).all()
            assert all(n == 1 for *_, n in rows), "a coding is duplicated"
            got = {(coder, q, code) for coder, q, code, _ in rows}
            want = {(CODERS[i], quote_ids[q], code) for i in range(len(CODERS))
                    for q, code in plan(i)}
            assert got == want
            events = s.execute(text("SELECT COUNT(*) FROM event WHERE action = 'code'")).one()
            assert events[0] == len(CODERS) * PER_CODER
            data = compute(s, CODERS)
    finally:
        project.close()
    assert data["coders"] == CODERS
    by_code = {row["code"]: row for row in data["codes"]}
    touched = [{q for q, _ in plan(i)} for i in range(len(CODERS))]
    for code in CODES:
        values = np.array([[(1.0 if (q, code) in set(plan(i)) else 0.0) if q in touched[i]
                            else np.nan for q in range(QUOTES)] for i in range(len(CODERS))])
        expected = krippendorff.alpha(reliability_data=values, level_of_measurement="nominal")
        alpha = by_code[code]["krippendorff_alpha"]
        assert alpha is not None and math.isclose(alpha, expected, abs_tol=1e-9)


@pytest.mark.slow
@pytest.mark.postgres
def test_eight_coders_at_once_on_postgresql(postgres_url: str, tmp_path: Path) -> None:  # noqa: F811
    quote_ids = build_project(postgres_url, tmp_path)
    assert run_team(postgres_url, quote_ids) == []
    check_team_result(postgres_url, quote_ids)


@pytest.mark.slow
def test_eight_coders_at_once_on_one_sqlite_file(tmp_path: Path) -> None:
    db = str(tmp_path / "shared.db")
    quote_ids = build_project(db, tmp_path)
    errors = run_team(db, quote_ids)
    assert not [e for e in errors if "locked" in e], errors
    assert errors == []
    check_team_result(db, quote_ids)


@pytest.mark.postgres
def test_the_commands_on_postgresql(cli: Cli, postgres_url: str,  # noqa: F811
                                    tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every team command, and the ones they rely on, against a real server."""
    monkeypatch.chdir(REPO)
    assert cli("--db", postgres_url, "demo", "--no-tui").code == 0
    assert cli("--db", str(tmp_path / "bob.db"), "demo", "--no-tui").code == 0
    monkeypatch.chdir(tmp_path)
    quotes = cli("--db", postgres_url, "quotes", "--json").json()
    for q in quotes[:5]:
        assert cli("--db", postgres_url, "--coder", "alice", "code", str(q["id"]),
                   "hacking").code == 0
        assert cli("--db", str(tmp_path / "bob.db"), "--coder", "bob", "code", str(q["id"]),
                   "caregiving").code == 0
    assert cli("--db", postgres_url, "--coder", "alice", "code", str(quotes[11]["id"]),
               "--reviewed").code == 0
    assert cli("--db", postgres_url, "--coder", "alice", "code", str(quotes[11]["id"]),
               "--memo", "« à revoir »").code == 0
    merged = cli("--db", postgres_url, "--coder", "lead", "merge", str(tmp_path / "bob.db"))
    assert merged.code == 0, merged.err
    assert "5 codings added" in merged.out
    again = cli("--db", postgres_url, "--coder", "lead", "merge", str(tmp_path / "bob.db"))
    assert "0 codings added" in again.out
    data = cli("--db", postgres_url, "agreement", "--format", "json", "--coders",
               "alice,bob,seed").json()
    assert data["coders"] == ["alice", "bob", "seed"]
    from qualcode.services.review import disagreements, settle

    project = open_project(postgres_url)
    try:
        with project.read() as s:
            todo = disagreements(s, pair=("alice", "bob"))
        assert len(todo) == 5
        for d in todo:
            with project.write() as s:
                settle(s, quote_id=d.quote_id, codes=d.codes["bob"], coder="lead")
    finally:
        project.close()
    report = cli("--db", postgres_url, "report", "--consensus").json()
    assert sum(c["quotes"] for c in report["cells"] if c["theme"] == "caregiving") == 5
    assert cli("--db", postgres_url, "log", "--coder", "lead").out.count("settle") == 5
