"""Alpha's bootstrap interval against a plain resampling loop over the krippendorff package.

The oracle draws the same units with the same generator (one (replicates × units) array
of indices), builds each replicate's reliability matrix by plain indexing and asks the
`krippendorff` package for its alpha; our weighted-sums shortcut must give the same
percentiles to rounding.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qualcode.reports.alpha_bootstrap import alpha_intervals

from .conftest import Cli
from .test_team_agreement import coded_demo, oracle_alpha, raw_matrices  # noqa: F401


def oracle_interval(values: np.ndarray, replicates: int,
                    seed: int) -> tuple[float, float] | None:
    units = np.count_nonzero(values >= 0, axis=0) >= 2
    kept = values[:, units]
    if kept.shape[1] == 0:
        return None
    draws = np.random.default_rng(seed).integers(0, kept.shape[1],
                                                 size=(replicates, kept.shape[1]))
    alphas = [a for a in (oracle_alpha(kept[:, d]) for d in draws) if a is not None]
    if not alphas:
        return None
    return float(np.percentile(alphas, 2.5)), float(np.percentile(alphas, 97.5))


def same(a: tuple[float, float] | list[float] | None,
         b: tuple[float, float] | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return all(math.isclose(x, y, abs_tol=1e-9) for x, y in zip(a, b, strict=True))


matrices = st.integers(2, 4).flatmap(lambda coders: st.lists(
    st.lists(st.integers(-1, 2), min_size=coders, max_size=coders), min_size=1, max_size=40))


@settings(max_examples=40, deadline=None)
@given(matrices, st.integers(0, 2**32 - 1))
def test_interval_matches_a_resampling_loop(units: list[list[int]], seed: int) -> None:
    values = np.array(units).T
    assert same(alpha_intervals([values], replicates=150, seed=seed)[0],
                oracle_interval(values, 150, seed))


def test_codes_share_draws_yet_each_interval_is_its_own() -> None:
    rng = np.random.default_rng(5)
    touched = rng.random((3, 300)) < 0.8
    first = np.where(touched, rng.integers(0, 2, (3, 300)), -1)
    second = np.where(touched, rng.integers(0, 3, (3, 300)), -1)
    together = alpha_intervals([first, second], replicates=300, seed=9)
    assert together == [alpha_intervals([first], replicates=300, seed=9)[0],
                        alpha_intervals([second], replicates=300, seed=9)[0]]
    assert together[0] != together[1]


def test_chunked_draws_equal_one_array_of_draws() -> None:
    """More replicates than one chunk: the chunks continue one generator's stream."""
    rng = np.random.default_rng(3)
    values = np.where(rng.random((2, 120)) < 0.9, rng.integers(0, 2, (2, 120)), -1)
    assert same(alpha_intervals([values], replicates=200, seed=4)[0],
                oracle_interval(values, 200, 4))


def test_no_variation_and_no_pairable_unit_give_no_interval() -> None:
    assert alpha_intervals([np.ones((2, 10), dtype=np.int64)]) == [None]
    assert alpha_intervals([np.array([[0, -1], [-1, 1]])]) == [None]
    assert alpha_intervals([]) == []


@pytest.mark.slow
def test_project_intervals_match_the_oracle_and_follow_the_seed(cli: Cli,
                                                                 coded_demo: Path) -> None:  # noqa: F811
    db = str(coded_demo)
    args = ["--db", db, "agreement", "--format", "json", "--coders", "alice,bob",
            "--bootstrap", "200"]
    data = cli(*args, "--seed", "17").json()
    per_code, per_parent = raw_matrices(coded_demo, ["alice", "bob"])
    checked = 0
    for row in data["codes"][:8]:
        interval = row["krippendorff_alpha_ci"]
        if row["krippendorff_alpha"] is None:
            assert interval is None
            continue
        assert same(interval, oracle_interval(per_code[row["code"]], 200, 17)), row
        assert interval[0] <= interval[1]
        checked += 1
    assert checked >= 3
    (parent,) = data["exclusive"]
    assert same(parent["krippendorff_alpha_ci"],
                oracle_interval(per_parent[parent["parent"]], 200, 17))
    assert cli(*args, "--seed", "17").json() == data
    other = cli(*args, "--seed", "18").json()
    assert [r["krippendorff_alpha_ci"] for r in other["codes"]] != [
        r["krippendorff_alpha_ci"] for r in data["codes"]]
    none = cli("--db", db, "agreement", "--format", "json", "--bootstrap", "0").json()
    assert all(r["krippendorff_alpha_ci"] is None for r in none["codes"])
    md = cli("--db", db, "agreement", "--coders", "alice,bob", "--bootstrap", "200").out
    assert "95 % bootstrap interval" in md and " [" in md
