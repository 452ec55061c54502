"""Inter-coder agreement statistics over one reliability matrix, vectorised with NumPy.

A reliability matrix has one row per coder and one column per unit (quote); each cell is
a category number 0…K-1, or -1 where the coder never touched the quote. Every statistic
follows SPEC's rules for missing values: Krippendorff's alpha uses every unit with two
or more values, Cohen's kappa and percent agreement the units where a pair of coders
both have one (percent agreement is the mean over pairs), Fleiss' kappa the units where
all coders have one. A statistic that cannot be computed is `None` with the reason,
never an exception: a team with no variation on a code must still get its report.

Everything is computed from per-unit category counts, so 100,000 quotes × all codes is
a few array passes per code rather than a Python loop over units.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import combinations

import numpy as np
import numpy.typing as npt

from qualcode.i18n import _

Matrix = npt.NDArray[np.int64]
MISSING = -1


class Undefined(Exception):
    """A statistic has no value on these data; the message says why, for the user."""


@dataclass(frozen=True)
class Figures:
    units: int
    """Units with two or more values: the quotes more than one coder looked at."""
    percent_agreement: float | None
    cohen_kappa: float | None
    fleiss_kappa: float | None
    krippendorff_alpha: float | None
    reasons: dict[str, str] = field(default_factory=dict)
    """Why each `None` statistic is undefined."""

    def as_json(self) -> dict[str, object]:
        return {"units": self.units, "percent_agreement": self.percent_agreement,
                "cohen_kappa": self.cohen_kappa, "fleiss_kappa": self.fleiss_kappa,
                "krippendorff_alpha": self.krippendorff_alpha, "reasons": dict(self.reasons)}


STATISTICS = ("percent_agreement", "cohen_kappa", "fleiss_kappa", "krippendorff_alpha")


def figures(values: Matrix) -> Figures:
    """All four statistics of one matrix, each `None` with its reason when undefined."""
    results: dict[str, float | None] = {}
    reasons: dict[str, str] = {}
    counts = category_counts(values)  # shared by alpha and Fleiss: the costly pass
    raters = values.shape[0]
    steps: tuple[tuple[str, Callable[[], float]], ...] = (
        ("percent_agreement", lambda: percent_agreement(values)),
        ("cohen_kappa", lambda: cohen_kappa(values)),
        ("fleiss_kappa", lambda: _fleiss(counts, raters)),
        ("krippendorff_alpha", lambda: _alpha(counts)),
    )
    for name, function in steps:
        try:
            results[name] = function()
        except Undefined as why:
            results[name] = None
            reasons[name] = str(why)
    return Figures(units=int(np.count_nonzero(counts.sum(axis=1) >= 2)), reasons=reasons,
                   **results)


def category_counts(values: Matrix) -> npt.NDArray[np.int64]:
    """Units × categories: how many coders put each unit in each category."""
    categories = int(values.max(initial=MISSING)) + 1
    counts = np.zeros((values.shape[1], max(categories, 1)), dtype=np.int64)
    for k in range(categories):
        counts[:, k] = np.count_nonzero(values == k, axis=0)
    return counts


def krippendorff_alpha(values: Matrix) -> float:
    """Nominal alpha, 1 - (n-1)·Σ_u (m_u² - Σ_c n_uc²)/(m_u-1) / (n² - Σ_c n_c²).

    This is 1 - D_o/D_e written with the coincidence matrix summed out: only units with
    m_u ≥ 2 values are pairable, n_c counts category c's pairable values, n their sum.
    """
    return _alpha(category_counts(values))


def _alpha(counts: npt.NDArray[np.int64]) -> float:
    m = counts.sum(axis=1)
    pairable = m >= 2
    counts, m = counts[pairable], m[pairable]
    if counts.shape[0] == 0:
        raise Undefined(_("no quote has values from two coders"))
    n_c = counts.sum(axis=0)
    n = int(n_c.sum())
    expected = float(n) * n - float((n_c.astype(np.float64) ** 2).sum())
    if expected == 0:
        raise Undefined(_("no variation: every value is the same category"))
    squares = (counts.astype(np.float64) ** 2).sum(axis=1)
    observed = float(((m.astype(np.float64) ** 2 - squares) / (m - 1)).sum())
    return 1.0 - (n - 1) * observed / expected


def fleiss_kappa(values: Matrix) -> float:
    """Fleiss (1971) over the units every coder coded: (P̄ - P̄e) / (1 - P̄e)."""
    return _fleiss(category_counts(values), values.shape[0])


def _fleiss(all_counts: npt.NDArray[np.int64], raters: int) -> float:
    if raters < 2:
        raise Undefined(_("needs two or more coders"))
    counts = all_counts[all_counts.sum(axis=1) == raters].astype(np.float64)
    units = counts.shape[0]
    if units == 0:
        raise Undefined(_("no quote was coded by every coder"))
    p_bar = float(((counts ** 2).sum(axis=1) - raters).sum()) / (units * raters * (raters - 1))
    p_j = counts.sum(axis=0) / (units * raters)
    p_e = float((p_j ** 2).sum())
    if p_e >= 1.0:
        raise Undefined(_("no variation: every value is the same category"))
    return float((p_bar - p_e) / (1.0 - p_e))


def cohen_kappa(values: Matrix) -> float:
    """Cohen (1960) for exactly two coders, over the units both coded."""
    if values.shape[0] != 2:
        raise Undefined(_("Cohen's kappa is for exactly two coders"))
    a, b = values
    both = (a >= 0) & (b >= 0)
    a, b = a[both], b[both]
    units = a.shape[0]
    if units == 0:
        raise Undefined(_("the two coders have no quote in common"))
    categories = int(max(a.max(), b.max())) + 1
    p_o = float(np.count_nonzero(a == b)) / units
    p_a = np.bincount(a, minlength=categories) / units
    p_b = np.bincount(b, minlength=categories) / units
    p_e = float((p_a * p_b).sum())
    if p_e >= 1.0:
        raise Undefined(_("no variation: both coders used one and the same category"))
    return float((p_o - p_e) / (1.0 - p_e))


def percent_agreement(values: Matrix) -> float:
    """Share of common units where a pair agrees; with more coders, the mean over pairs."""
    shares: list[float] = []
    valid = values >= 0
    for i, j in combinations(range(values.shape[0]), 2):
        both = valid[i] & valid[j]
        common = int(np.count_nonzero(both))
        if common:
            shares.append(float(np.count_nonzero(both & (values[i] == values[j]))) / common)
    if not shares:
        raise Undefined(_("no two coders have a quote in common"))
    return sum(shares) / len(shares)
