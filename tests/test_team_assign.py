"""`assign` draws a double-coding sample stratified by group; `agreement --assigned` uses it."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import numpy as np

from .conftest import Cli
from .test_team_agreement import close, oracle_alpha, raw_matrices


def participant_quotes(db: Path) -> dict[str, set[int]]:
    """Each group's non-moderator quotes, read with plain SQL."""
    out: dict[str, set[int]] = {}
    for group, quote in sqlite3.connect(db).execute(
            "SELECT g.name, q.id FROM quote q JOIN study_group g ON g.id = q.group_id "
            "JOIN participant p ON p.id = q.participant_id WHERE p.is_moderator = 0"):
        out.setdefault(group, set()).add(quote)
    return out


def assigned(db: Path, coder: str) -> set[int]:
    return {q for q, in sqlite3.connect(db).execute(
        "SELECT a.quote_id FROM assignment a JOIN coder k ON k.id = a.coder_id "
        "WHERE k.name = ?", (coder,))}


def test_sample_is_stratified_repeatable_and_replaced(cli: Cli, demo_db: Path) -> None:
    db = str(demo_db)
    result = cli("--db", db, "assign", "--coders", "alice,bob", "--share", "20%", "--seed", "3")
    assert result.code == 0, result.err
    groups = participant_quotes(demo_db)
    sample = assigned(demo_db, "alice")
    assert sample == assigned(demo_db, "bob")
    for group, quotes in groups.items():
        assert len(sample & quotes) == max(1, round(0.2 * len(quotes))), group
    assert sample <= set().union(*groups.values())  # never a moderator turn
    assert f"assigned {len(sample)} quotes" in result.out and "seed 3" in result.out
    assert cli("--db", db, "assign", "--coders", "alice,bob", "--share", "20%",
               "--seed", "3").code == 0
    assert assigned(demo_db, "alice") == sample
    assert cli("--db", db, "assign", "--coders", "alice,bob", "--share", "0.5",
               "--seed", "4").code == 0
    bigger = assigned(demo_db, "alice")
    assert bigger != sample and len(bigger) > len(sample)
    rows = sqlite3.connect(demo_db).execute("SELECT COUNT(*) FROM assignment").fetchone()[0]
    assert rows == 2 * len(bigger)  # replaced, not added to
    log = cli("--db", db, "log").out
    assert f"assigned {len(bigger)} quotes (50% of each group, seed 4) to alice, bob" in log


def test_bad_shares_and_lone_coders_are_one_line_and_change_nothing(cli: Cli,
                                                                    demo_db: Path) -> None:
    db = str(demo_db)
    for share in ("0%", "abc", "150%", "-5%"):
        result = cli("--db", db, "assign", "--coders", "alice,bob", "--share", share)
        assert result.code != 0 and result.err.count("\n") == 1, (share, result.err)
    lone = cli("--db", db, "assign", "--coders", "alice,alice", "--share", "20%")
    assert lone.code == 1 and "two or more" in lone.err
    assert assigned(demo_db, "alice") == set()
    none = cli("--db", db, "agreement", "--assigned")
    assert none.code == 1 and "no quote is assigned" in none.err


def test_agreement_on_the_assigned_sample_only(cli: Cli, demo_db: Path) -> None:
    db = str(demo_db)
    cli("--db", db, "assign", "--coders", "alice,bob", "--share", "40%", "--seed", "8")
    sample = sorted(assigned(demo_db, "alice"))
    outside = sorted(set().union(*participant_quotes(demo_db).values()) - set(sample))
    rng = np.random.default_rng(2)
    for quote in sample + outside[:10]:
        for coder in ("alice", "bob"):
            code = ["hacking", "caregiving"][int(rng.integers(0, 2))]
            assert cli("--db", db, "--coder", coder, "code", str(quote), code).code == 0
    data = cli("--db", db, "agreement", "--assigned", "--format", "json",
               "--bootstrap", "0").json()
    assert data["coders"] == ["alice", "bob"] and data["assigned"] == len(sample)
    assert data["units"] == len(sample)
    per_code, _ = raw_matrices(demo_db, ["alice", "bob"])
    units = sorted(set(sample) | set(outside[:10]))
    keep = np.isin(np.array(units), sample)
    hacking = next(r for r in data["codes"] if r["code"] == "hacking")
    assert close(hacking["krippendorff_alpha"], oracle_alpha(per_code["hacking"][:, keep]))
    everything = cli("--db", db, "agreement", "--coders", "alice,bob", "--format", "json",
                     "--bootstrap", "0").json()
    assert everything["units"] == len(sample) + 10
