"""Report counts against an independent computation over the raw rows."""

from __future__ import annotations

import random
import sqlite3
from collections import defaultdict
from pathlib import Path

import pytest
from scipy.stats import fisher_exact
from statsmodels.stats.multitest import multipletests

from qualcode.reports.stats import fisher_exact_two_sided, holm

from .conftest import Cli


def expected_cells(db: Path, coders: set[str] | None) -> dict[tuple[str, str], tuple[int, int,
                                                                                      int]]:
    """Plain Python over raw rows: no closure table, no SQL grouping."""
    conn = sqlite3.connect(db)
    parent = dict(conn.execute("SELECT id, parent_id FROM code").fetchall())
    name = dict(conn.execute("SELECT id, name FROM code").fetchall())
    groups = dict(conn.execute("SELECT id, name FROM study_group").fetchall())
    quote = {qid: (gid, pid, mod) for qid, gid, pid, mod in conn.execute(
        "SELECT q.id, q.group_id, q.participant_id, p.is_moderator FROM quote q "
        "JOIN participant p ON p.id = q.participant_id")}
    quotes: dict[tuple[str, str], set[int]] = defaultdict(set)
    speakers: dict[tuple[str, str], set[int]] = defaultdict(set)
    codings: dict[tuple[str, str], int] = defaultdict(int)
    for qid, code_id, coder in conn.execute(
            "SELECT c.quote_id, c.code_id, k.name FROM coding c JOIN coder k ON k.id=c.coder_id"):
        if (coders is None and coder == "auto") or (coders is not None and coder not in coders):
            continue
        gid, pid, moderator = quote[qid]
        if moderator:
            continue
        node = code_id
        while node is not None:
            key = (name[node], groups[gid])
            quotes[key].add(qid)
            speakers[key].add(pid)
            codings[key] += 1
            node = parent[node]
    return {k: (len(quotes[k]), len(speakers[k]), codings[k]) for k in quotes}


def check(report: dict, db: Path, coders: set[str] | None) -> None:
    expected = expected_cells(db, coders)
    conn = sqlite3.connect(db)
    sizes = dict(conn.execute(
        "SELECT g.name, COUNT(*) FROM quote q JOIN participant p ON p.id=q.participant_id "
        "JOIN study_group g ON g.id=q.group_id WHERE NOT p.is_moderator GROUP BY g.name"))
    assert len(report["cells"]) == len(report["themes"]) * len(report["groups"])
    for cell in report["cells"]:
        want = expected.get((cell["theme"], cell["group"]), (0, 0, 0))
        assert (cell["quotes"], cell["participants"], cell["codings"]) == want, cell
        n = sizes.get(cell["group"], 0)
        assert cell["share"] == (want[0] / n if n else 0.0)


def test_demo_counts_match_independent_computation(cli: Cli, demo_db: Path) -> None:
    check(cli("--db", str(demo_db), "report").json(), demo_db, None)


def test_scopes_and_moderators(cli: Cli, demo_db: Path) -> None:
    db = str(demo_db)
    rng = random.Random(7)
    quotes = cli("--db", db, "quotes", "--json").json()
    leaves = ["hacking", "commercial use", "digital exclusion", "caregiving", "quality of care"]
    for q in quotes:
        for coder in ("alice", "bob", "auto"):
            picked = rng.sample(leaves, rng.randint(0, 2))
            if picked:
                assert cli("--db", db, "--coder", coder, "code", str(q["id"]), *picked).code == 0
    # one speaker becomes a moderator: their quotes must vanish from every count
    sqlite3.connect(db).execute("UPDATE participant SET is_moderator = 1 WHERE id = 1").connection \
        .commit()
    check(cli("--db", db, "report").json(), demo_db, None)
    check(cli("--db", db, "report", "--coder", "alice").json(), demo_db, {"alice"})
    check(cli("--db", db, "report", "--coder", "auto").json(), demo_db, {"auto"})
    assert cli("--db", db, "report", "--consensus").json()["scope"] == "consensus"
    assert cli("--db", db, "report", "--coder", "nobody").code == 1


@pytest.mark.parametrize("seed", range(40))
def test_fisher_matches_scipy(seed: int) -> None:
    rng = random.Random(seed)
    a, b, c, d = (rng.randint(0, 30) for _ in range(4))
    assert fisher_exact_two_sided(a, b, c, d) == pytest.approx(
        fisher_exact([[a, b], [c, d]])[1], rel=1e-9, abs=1e-12)


@pytest.mark.parametrize("seed", range(20))
def test_holm_matches_statsmodels(seed: int) -> None:
    rng = random.Random(seed)
    pvalues = [rng.random() ** 3 for _ in range(rng.randint(1, 8))]
    assert holm(pvalues) == pytest.approx(list(multipletests(pvalues, method="holm")[1]))


def test_flags_name_their_test_and_point_the_right_way(cli: Cli, demo_db: Path) -> None:
    db = str(demo_db)
    g1 = [q["id"] for q in cli("--db", db, "quotes", "--json", "--group", "G1").json()]
    others = [q["id"] for q in cli("--db", db, "quotes", "--json").json() if q["id"] not in g1]
    for qid in g1:
        cli("--db", db, "--coder", "alice", "code", str(qid), "caregiving")
    report = cli("--db", db, "report", "--coder", "alice").json()
    assert "Fisher" in report["test"]
    cell = next(c for c in report["cells"] if c["theme"] == "caregiving" and c["group"] == "G1")
    assert cell["quotes"] == len(g1) and cell["share"] == 1.0
    assert others  # every other group has none: G1 alone carries it
    assert cell["flag"] == "above"
