"""Inter-coder agreement statistics over one reliability matrix, vectorised with NumPy.

A reliability matrix has one row per coder and one column per unit (quote); each cell is
a category number 0…K-1, or -1 where the coder never touched the quote. Every statistic
follows SPEC's rules for missing values: Krippendorff's alpha uses every unit with two
or more values, Cohen's kappa and percent agreement the units where a pair of coders
both have one (percent agreement is the mean over pairs), Fleiss' kappa the units where
all coders have one. A statistic that cannot be computed is `None` with the reason,
never an exception: a team with no variation on a code must still get its report.

Everything is computed from per-unit category counts, so 100,000 quotes × all codes is
a few array passes per code rather than a Python loop over units. A code's own matrix is
binary (applied or not), so `binary_figures` takes every code of a report at once from
two counts per unit (coders with a value, coders who applied the code) and the same
formulas in closed form: no matrix is built per code.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import combinations

import numpy as np
import numpy.typing as npt

from qualcode.i18n import _

Matrix = npt.NDArray[np.int64]
Ints = npt.NDArray[np.int64]
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



Flags = npt.NDArray[np.bool_]
Floats = npt.NDArray[np.float64]


def binary_figures(applied: Flags, touched: Flags) -> list[Figures]:
    """`figures` of each code's binary matrix, every code at once.

    `touched` is coders × units (the coder has a value on the unit), `applied` codes ×
    coders × units (the coder applied the code there; only where touched). Code k's
    matrix is `where(touched, applied[k], MISSING)`; the statistics are `figures`'s own
    formulas with its category counts (coders at 0, coders at 1) written out.
    """
    codes = applied.shape[0]
    m = touched.sum(axis=0, dtype=np.int64)
    ones = applied.sum(axis=1, dtype=np.int64)
    steps: tuple[tuple[str, Callable[[], list[float | Undefined]]], ...] = (
        ("percent_agreement", lambda: _binary_percent(applied, touched)),
        ("cohen_kappa", lambda: _binary_cohen(applied, touched)),
        ("fleiss_kappa", lambda: _binary_fleiss(ones, m, touched.shape[0])),
        ("krippendorff_alpha", lambda: _binary_alpha(ones, m)),
    )
    columns: dict[str, list[float | Undefined]] = {}
    for name, function in steps:
        try:
            columns[name] = function()
        except Undefined as why:  # for every code alike
            columns[name] = [why] * codes
    units = int(np.count_nonzero(m >= 2))
    out = []
    for code in range(codes):
        found = {name: column[code] for name, column in columns.items()}
        out.append(Figures(
            units=units,
            reasons={n: str(v) for n, v in found.items() if isinstance(v, Undefined)},
            percent_agreement=_value(found["percent_agreement"]),
            cohen_kappa=_value(found["cohen_kappa"]),
            fleiss_kappa=_value(found["fleiss_kappa"]),
            krippendorff_alpha=_value(found["krippendorff_alpha"])))
    return out


def _value(found: float | Undefined) -> float | None:
    return None if isinstance(found, Undefined) else found


def _each(values: Floats, defined: Flags, why: str) -> list[float | Undefined]:
    return [float(v) if ok else Undefined(why) for v, ok in zip(values, defined, strict=True)]


def _binary_percent(applied: Flags, touched: Flags) -> list[float | Undefined]:
    shares: list[Floats] = []
    for i, j in combinations(range(touched.shape[0]), 2):
        both = touched[i] & touched[j]
        common = int(np.count_nonzero(both))
        if common:
            same = np.count_nonzero(both & (applied[:, i] == applied[:, j]), axis=1)
            shares.append(same / common)
    if not shares:
        raise Undefined(_("no two coders have a quote in common"))
    mean: Floats = np.sum(shares, axis=0) / len(shares)
    return [float(share) for share in mean]


def _binary_cohen(applied: Flags, touched: Flags) -> list[float | Undefined]:
    if touched.shape[0] != 2:
        raise Undefined(_("Cohen's kappa is for exactly two coders"))
    both = touched[0] & touched[1]
    units = int(np.count_nonzero(both))
    if units == 0:
        raise Undefined(_("the two coders have no quote in common"))
    a, b = applied[:, 0, both], applied[:, 1, both]
    p_o = np.count_nonzero(a == b, axis=1) / units
    a1, b1 = np.count_nonzero(a, axis=1), np.count_nonzero(b, axis=1)
    p_e = ((units - a1) / units) * ((units - b1) / units) + (a1 / units) * (b1 / units)
    varied = p_e < 1.0
    with np.errstate(divide="ignore", invalid="ignore"):
        kappa = (p_o - p_e) / (1.0 - p_e)
    return _each(kappa, varied, _("no variation: both coders used one and the same category"))


def _binary_fleiss(ones: Ints, m: Ints, raters: int) -> list[float | Undefined]:
    if raters < 2:
        raise Undefined(_("needs two or more coders"))
    complete = m == raters
    units = int(np.count_nonzero(complete))
    if units == 0:
        raise Undefined(_("no quote was coded by every coder"))
    n1 = ones[:, complete].astype(np.float64)
    n0 = raters - n1
    p_bar = ((n0 ** 2 + n1 ** 2) - raters).sum(axis=1) / (units * raters * (raters - 1))
    p_0, p_1 = n0.sum(axis=1) / (units * raters), n1.sum(axis=1) / (units * raters)
    p_e = p_0 ** 2 + p_1 ** 2
    with np.errstate(divide="ignore", invalid="ignore"):
        kappa = (p_bar - p_e) / (1.0 - p_e)
    return _each(kappa, p_e < 1.0, _("no variation: every value is the same category"))


def _binary_alpha(ones: Ints, m: Ints) -> list[float | Undefined]:
    pairable = m >= 2
    if not pairable.any():
        raise Undefined(_("no quote has values from two coders"))
    m_u = m[pairable].astype(np.float64)
    n1_u = ones[:, pairable].astype(np.float64)
    n0_u = m_u - n1_u
    n = int(m[pairable].sum())
    n1 = ones[:, pairable].sum(axis=1).astype(np.float64)
    expected = float(n) * n - ((n - n1) ** 2 + n1 ** 2)
    observed = ((m_u ** 2 - (n0_u ** 2 + n1_u ** 2)) / (m_u - 1)).sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        alpha = 1.0 - (n - 1) * observed / expected
    return _each(alpha, expected != 0, _("no variation: every value is the same category"))
