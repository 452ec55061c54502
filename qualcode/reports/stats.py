"""Small exact tests for report flags, in plain Python so the CLI need not load SciPy.

A cell (theme, group) is compared with the other groups by a two-sided Fisher exact
test on the 2×2 table [quotes with the theme, without] × [this group, the others];
the p-values of one theme's groups are Holm-adjusted, so a six-group design does not
flag by chance one theme in four. Fisher rather than a chi-square or standardized
residuals because focus-group cells are small (a theme often has 0-5 quotes in a
group), where asymptotic tests are wrong; Holm rather than Bonferroni because it is
uniformly more powerful under the same guarantee. Tests check both against
SciPy/statsmodels.
"""

from __future__ import annotations

from math import exp, lgamma

from qualcode.i18n import _

FLAG_TEST = (
    "two-sided Fisher exact test of each group against the other groups, "
    "Holm-adjusted across the groups of each theme, α = 0.05"
)
LEVEL_TEST = (
    "two-sided Fisher exact test of each level against the other levels of its dimension, "
    "Holm-adjusted across the levels, α = 0.05"
)
ALPHA = 0.05


def flag_test(by: str | None = None) -> str:
    """The flags' test, named for what the columns are: the groups, or the values of the
    attribute `by` (`report --by`), which the same test compares the same way."""
    if by is None:
        return FLAG_TEST
    return _("two-sided Fisher exact test of each value of {attribute} against its other "
             "values, Holm-adjusted across the values of each theme, α = 0.05"
             ).format(attribute=by)

_TIE = 1e-7
"""Relative tolerance for tables as likely as the observed one, as in SciPy."""
_NEGLIGIBLE = 1e-17


def _log_choose(n: int, k: int) -> float:
    return lgamma(n + 1) - lgamma(k + 1) - lgamma(n - k + 1)


def fisher_exact_two_sided(a: int, b: int, c: int, d: int) -> float:
    """p-value of the 2×2 table [[a, b], [c, d]]: sum of tables no more likely than it.

    The hypergeometric law is unimodal, so those tables form two tails. Each tail is
    summed outward from its inner edge with the ratio of successive probabilities and
    stops once terms are negligible: a handful of terms even at a million quotes,
    where summing the whole support would take seconds per cell.
    """
    row1, col1, n = a + b, a + c, a + b + c + d
    if n == 0:
        return 1.0
    low, high = max(0, col1 - (n - row1)), min(row1, col1)
    rest = n - row1 - col1

    def logp(x: int) -> float:
        return _log_choose(col1, x) + _log_choose(n - col1, row1 - x) - _log_choose(n, row1)

    def up(x: int) -> float:  # P(x + 1) / P(x)
        return (col1 - x) * (row1 - x) / ((x + 1) * (rest + x + 1))

    observed = logp(a)
    limit = observed + _TIE
    mode = min(max((row1 + 1) * (col1 + 1) // (n + 2), low), high)
    if a <= mode:
        lower_edge = a
        lo, hi = mode, high + 1  # first x ≥ mode whose probability is ≤ the observed one
        while lo < hi:
            mid = (lo + hi) // 2
            if logp(mid) <= limit:
                hi = mid
            else:
                lo = mid + 1
        upper_edge = lo
    else:
        upper_edge = a
        lo, hi = low - 1, mode  # last x ≤ mode whose probability is ≤ the observed one
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if logp(mid) <= limit:
                lo = mid
            else:
                hi = mid - 1
        lower_edge = lo
    total = 0.0
    if lower_edge >= low:
        term = exp(logp(lower_edge))
        x = lower_edge
        while True:
            total += term
            if x == low or term <= _NEGLIGIBLE * total:
                break
            term /= up(x - 1)
            x -= 1
    if upper_edge <= high:
        term = exp(logp(upper_edge))
        x = upper_edge
        while True:
            total += term
            if x == high or term <= _NEGLIGIBLE * total:
                break
            term *= up(x)
            x += 1
    return min(1.0, total)


def holm(pvalues: list[float]) -> list[float]:
    """Holm step-down adjusted p-values, in the input order."""
    m = len(pvalues)
    order = sorted(range(m), key=lambda i: pvalues[i])
    adjusted = [0.0] * m
    running = 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (m - rank) * pvalues[i]))
        adjusted[i] = running
    return adjusted


def flags(counts: list[int], sizes: list[int]) -> list[str | None]:
    """'above' / 'below' / None per unit: each against the others, Holm-adjusted."""
    total, hits = sum(sizes), sum(counts)
    if hits == 0 or total == 0:
        return [None] * len(counts)
    pvalues = [fisher_exact_two_sided(k, n - k, hits - k, (total - n) - (hits - k))
               for k, n in zip(counts, sizes, strict=True)]
    rate = hits / total
    return [("above" if k / n > rate else "below") if n and p < ALPHA else None
            for k, n, p in zip(counts, sizes, holm(pvalues), strict=True)]
