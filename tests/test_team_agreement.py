"""Agreement statistics against published worked examples and independent oracles."""

from __future__ import annotations

import itertools
import math
import random
import sqlite3
from pathlib import Path

import krippendorff
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import cohen_kappa_score
from statsmodels.stats.inter_rater import aggregate_raters, fleiss_kappa

from qualcode.reports.agreement_stats import (
    cohen_kappa,
    figures,
    krippendorff_alpha,
    percent_agreement,
)
from qualcode.reports.agreement_stats import fleiss_kappa as our_fleiss

from .conftest import Cli

M = -1  # missing


def test_krippendorff_four_coders_with_missing_values() -> None:
    """Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section C:
    4 observers, 12 units, nominal values 1-5 with missing values: alpha = 0.743."""
    data = np.array([
        [1, 2, 3, 3, 2, 1, 4, 1, 2, M, M, M],
        [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, M, 3],
        [M, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, M],
        [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, M],
    ])
    alpha = krippendorff_alpha(data)
    assert round(alpha, 3) == 0.743
    # unit 12 has one value only: not pairable, so it does not count
    assert figures(data).units == 11


def test_krippendorff_two_coders_binary() -> None:
    """Krippendorff (2011), section A: two observers, ten units, binary: alpha = 0.095."""
    data = np.array([[0, 1, 0, 0, 0, 0, 0, 0, 1, 0],
                     [1, 1, 1, 0, 0, 1, 0, 0, 0, 0]])
    assert round(krippendorff_alpha(data), 3) == 0.095


def test_fleiss_1971_psychiatric_diagnoses() -> None:
    """Fleiss (1971), "Measuring nominal scale agreement among many raters", Psychol.
    Bull. 76(5): 30 patients, 6 psychiatrists each, 5 diagnoses: kappa = 0.430."""
    rows = [
        "444444", "222555", "233335", "555555", "222444", "113333", "333355", "113334",
        "114444", "555555", "144444", "124444", "222333", "144444", "224445", "333335",
        "111455", "111112", "224444", "133555", "555555", "244444", "224555", "114444",
        "144445", "222224", "111155", "224444", "133333", "555555",
    ]
    data = np.array([[int(ch) - 1 for ch in row] for row in rows]).T  # raters × units
    assert round(our_fleiss(data), 3) == 0.430


def test_fleiss_wikipedia_fourteen_raters() -> None:
    """The worked example of Wikipedia's "Fleiss' kappa" article: 10 subjects, 14 raters,
    5 categories (given as counts per category): kappa = 0.210."""
    counts = [[0, 0, 0, 0, 14], [0, 2, 6, 4, 2], [0, 0, 3, 5, 6], [0, 3, 9, 2, 0],
              [2, 2, 8, 1, 1], [7, 7, 0, 0, 0], [3, 2, 6, 3, 0], [2, 5, 3, 2, 2],
              [6, 5, 2, 1, 0], [0, 2, 2, 3, 7]]
    units = [[k for k, n in enumerate(row) for _ in range(n)] for row in counts]
    data = np.array(units).T
    assert round(our_fleiss(data), 3) == 0.210


def test_cohen_wikipedia_example() -> None:
    """Wikipedia's "Cohen's kappa" example: 50 grant proposals, both yes 20, A yes B no 5,
    A no B yes 10, both no 15: p_o = 0.7, p_e = 0.5, kappa = 0.4."""
    a = [1] * 20 + [1] * 5 + [0] * 10 + [0] * 15
    b = [1] * 20 + [0] * 5 + [1] * 10 + [0] * 15
    data = np.array([a, b])
    assert math.isclose(cohen_kappa(data), 0.4)
    assert math.isclose(percent_agreement(data), 0.7)


def test_undefined_statistics_are_null_with_a_reason() -> None:
    same = np.array([[1, 1, 1], [1, 1, 1], [1, 1, M]])
    result = figures(same)
    assert result.krippendorff_alpha is None and result.fleiss_kappa is None
    assert result.cohen_kappa is None and result.percent_agreement == 1.0
    assert set(result.reasons) == {"krippendorff_alpha", "fleiss_kappa", "cohen_kappa"}
    disjoint = np.array([[0, 1, M, M], [M, M, 1, 0]])
    result = figures(disjoint)
    assert result.units == 0 and result.percent_agreement is None
    assert "no quote" in result.reasons["krippendorff_alpha"]


matrices = st.integers(2, 5).flatmap(lambda coders: st.integers(1, 40).flatmap(
    lambda units: st.lists(st.lists(st.integers(-1, 3), min_size=units, max_size=units),
                           min_size=coders, max_size=coders)))


@settings(max_examples=300, deadline=None)
@given(matrices)
def test_alpha_matches_krippendorff_package(rows: list[list[int]]) -> None:
    data = np.array(rows)
    ours = figures(data).krippendorff_alpha
    oracle_data = np.where(data < 0, np.nan, data.astype(float))
    pairable = np.count_nonzero(data >= 0, axis=0) >= 2
    values = {int(v) for v in data[:, pairable].ravel() if v >= 0}
    if len(values) < 2:
        assert ours is None
        return
    expected = krippendorff.alpha(reliability_data=oracle_data, level_of_measurement="nominal")
    assert ours is not None and math.isclose(ours, expected, rel_tol=1e-9, abs_tol=1e-12)


@settings(max_examples=300, deadline=None)
@given(matrices)
def test_cohen_and_percent_match_sklearn(rows: list[list[int]]) -> None:
    data = np.array(rows[:2])
    both = (data[0] >= 0) & (data[1] >= 0)
    result = figures(data)
    if not both.any():
        assert result.cohen_kappa is None and result.percent_agreement is None
        return
    a, b = data[0][both], data[1][both]
    assert result.percent_agreement is not None
    assert math.isclose(result.percent_agreement, float(np.mean(a == b)))
    if len(set(a.tolist()) | set(b.tolist())) == 1:
        assert result.cohen_kappa is None
        return
    assert result.cohen_kappa is not None
    assert math.isclose(result.cohen_kappa, cohen_kappa_score(a, b), abs_tol=1e-12)


@settings(max_examples=300, deadline=None)
@given(matrices)
def test_fleiss_matches_statsmodels_and_percent_is_mean_over_pairs(rows: list[list[int]]) -> None:
    data = np.array(rows)
    result = figures(data)
    complete = np.all(data >= 0, axis=0)
    if not complete.any() or len(set(data[:, complete].ravel().tolist())) == 1:
        assert result.fleiss_kappa is None
    else:
        table, _ = aggregate_raters(data[:, complete].T)
        expected = fleiss_kappa(table, method="fleiss")
        assert result.fleiss_kappa is not None
        assert math.isclose(result.fleiss_kappa, expected, abs_tol=1e-12)
    shares = []
    for i, j in itertools.combinations(range(len(rows)), 2):
        both = (data[i] >= 0) & (data[j] >= 0)
        if both.any():
            shares.append(float(np.mean(data[i][both] == data[j][both])))
    if shares:
        assert result.percent_agreement is not None
        assert math.isclose(result.percent_agreement, sum(shares) / len(shares))
    else:
        assert result.percent_agreement is None


# --- on a project: the CLI's JSON against matrices built independently from raw rows ---


def raw_matrices(db: Path, coders: list[str]) -> tuple[dict[str, np.ndarray],
                                                       dict[str, np.ndarray]]:
    """Plain Python over the tables: values per code and per exclusive parent."""
    conn = sqlite3.connect(db)
    parent = dict(conn.execute("SELECT id, parent_id FROM code"))
    name = dict(conn.execute("SELECT id, name FROM code"))
    exclusive = [i for i, in conn.execute("SELECT id FROM code WHERE exclusive")]
    applied: dict[tuple[str, int], set[int]] = {}
    touched: dict[str, set[int]] = {c: set() for c in coders}
    for qid, code_id, coder in conn.execute(
            "SELECT c.quote_id, c.code_id, k.name FROM coding c JOIN coder k ON k.id=c.coder_id"):
        if coder not in coders:
            continue
        touched[coder].add(qid)
        node = code_id
        while node is not None:
            applied.setdefault((coder, qid), set()).add(node)
            node = parent[node]
    for qid, coder in conn.execute(
            "SELECT r.quote_id, k.name FROM review r JOIN coder k ON k.id=r.coder_id"):
        if coder in coders:
            touched[coder].add(qid)
    units = sorted(set().union(*touched.values()))
    per_code = {}
    for code_id, code_name in name.items():
        per_code[code_name] = np.array([
            [(1 if code_id in applied.get((c, q), set()) else 0) if q in touched[c] else -1
             for q in units] for c in coders])
    per_parent = {}
    for pid in exclusive:
        children = sorted(i for i, p in parent.items() if p == pid)
        labels: dict[frozenset[int], int] = {frozenset(): 0}
        rows = []
        for c in coders:
            row = []
            for q in units:
                if q not in touched[c]:
                    row.append(-1)
                    continue
                got = frozenset(ch for ch in children if ch in applied.get((c, q), set()))
                row.append(labels.setdefault(got, len(labels)))
            rows.append(row)
        per_parent[name[pid]] = np.array(rows)
    return per_code, per_parent


def oracle_alpha(values: np.ndarray) -> float | None:
    pairable = np.count_nonzero(values >= 0, axis=0) >= 2
    if len({v for v in values[:, pairable].ravel().tolist() if v >= 0}) < 2:
        return None
    return float(krippendorff.alpha(reliability_data=np.where(values < 0, np.nan, values),
                                    level_of_measurement="nominal"))


def close(a: float | None, b: float | None) -> bool:
    return (a is None and b is None) or (a is not None and b is not None
                                         and math.isclose(a, b, abs_tol=1e-9))


@pytest.fixture
def coded_demo(cli: Cli, demo_db: Path) -> Path:
    """The demo (coder `seed`) with alice and bob coding most quotes, some reviewed only."""
    db = str(demo_db)
    rng = random.Random(11)
    quotes = cli("--db", db, "quotes", "--json").json()
    seed_codes = {q["id"]: q["codes"].get("seed", []) for q in quotes}
    pool = ["hacking", "commercial use", "caregiving", "self-monitoring", "mes activated",
            "mes never used", "quality of care"]
    for q in quotes:
        for coder in ("alice", "bob"):
            roll = rng.random()
            if roll < 0.15:
                continue  # never touched: missing
            if roll < 0.25:
                assert cli("--db", db, "--coder", coder, "code", str(q["id"]),
                           "--reviewed").code == 0
                continue
            codes = list(seed_codes[q["id"]]) if rng.random() < 0.6 else []
            codes += rng.sample(pool, rng.randint(0 if codes else 1, 1))
            assert cli("--db", db, "--coder", coder, "code", str(q["id"]), *codes).code == 0
    return demo_db


@pytest.mark.parametrize("coders", [None, "alice,bob"])
def test_project_agreement_matches_oracles(cli: Cli, coded_demo: Path, coders: str | None) -> None:
    args = ["--db", str(coded_demo), "agreement", "--format", "json"]
    if coders:
        args += ["--coders", coders]
    result = cli(*args)
    assert result.code == 0, result.err
    data = result.json()
    expected_coders = coders.split(",") if coders else ["alice", "bob", "seed"]
    assert data["coders"] == expected_coders
    per_code, per_parent = raw_matrices(coded_demo, expected_coders)
    assert [c["code"] for c in data["codes"]] == [
        name for name, in sqlite3.connect(coded_demo).execute(
            "WITH RECURSIVE t(id, path) AS (SELECT id, printf('%04d', position) FROM code "
            "WHERE parent_id IS NULL UNION ALL SELECT c.id, t.path || printf('%04d', c.position)"
            " FROM code c JOIN t ON c.parent_id = t.id) SELECT name FROM t JOIN code USING(id) "
            "ORDER BY path")]
    for row in data["codes"]:
        values = per_code[row["code"]]
        assert close(row["krippendorff_alpha"], oracle_alpha(values)), row
        both = (values[0] >= 0) & (values[1] >= 0)
        if len(expected_coders) == 2:
            a, b = values[0][both], values[1][both]
            kappa = None if len(set(a.tolist()) | set(b.tolist())) < 2 else float(
                cohen_kappa_score(a, b))
            assert close(row["cohen_kappa"], kappa), row
            assert close(row["percent_agreement"], float(np.mean(a == b))), row
            assert row["units"] == int(both.sum())
        else:
            assert row["cohen_kappa"] is None and "cohen_kappa" in row["reasons"]
        complete = np.all(values >= 0, axis=0)
        table, _ = aggregate_raters(values[:, complete].T, n_cat=2)
        fleiss = None if len(set(values[:, complete].ravel().tolist())) < 2 else float(
            fleiss_kappa(table, method="fleiss"))
        assert close(row["fleiss_kappa"], fleiss), row
    assert [e["parent"] for e in data["exclusive"]] == ["mon espace santé status"]
    for row in data["exclusive"]:
        values = per_parent[row["parent"]]
        assert close(row["krippendorff_alpha"], oracle_alpha(values)), row


def test_agreement_by_group_and_markdown(cli: Cli, coded_demo: Path) -> None:
    db = str(coded_demo)
    data = cli("--db", db, "agreement", "--format", "json", "--by-group",
               "--coders", "alice,bob").json()
    groups = {g["group"]: g for g in data["groups"]}
    assert set(groups) == {"G1", "G2", "G3", "G4", "G5", "G6"}
    assert sum(g["units"] for g in groups.values()) == data["units"]
    md = cli("--db", db, "agreement", "--coders", "alice,bob", "--by-group")
    assert md.code == 0
    assert "| mon espace santé status |" in md.out and "## Group G3" in md.out
    assert "Krippendorff" in md.out


def test_agreement_user_errors(cli: Cli, demo_db: Path) -> None:
    only_seed = cli("--db", str(demo_db), "agreement")
    assert only_seed.code == 1 and "at least two coders" in only_seed.err
    unknown = cli("--db", str(demo_db), "agreement", "--coders", "seed,zoé")
    assert unknown.code == 1 and "unknown coder 'zoé'" in unknown.err
