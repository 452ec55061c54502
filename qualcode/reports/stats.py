"""Small exact tests for report flags, in plain Python so the CLI need not load SciPy.

A cell (theme, group) is compared with the other groups by a two-sided Fisher exact
test on the 2×2 table [quotes with the theme, without] × [this group, the others];
the p-values of one theme's groups are Holm-adjusted, so a six-group design does not
flag by chance one theme in four. Tests check both against SciPy/statsmodels.
"""

from __future__ import annotations

from math import exp, lgamma

FLAG_TEST = (
    "two-sided Fisher exact test of each group against the other groups, "
    "Holm-adjusted across the groups of each theme, α = 0.05"
)
ALPHA = 0.05


def _log_choose(n: int, k: int) -> float:
    return lgamma(n + 1) - lgamma(k + 1) - lgamma(n - k + 1)


def fisher_exact_two_sided(a: int, b: int, c: int, d: int) -> float:
    """p-value of the 2×2 table [[a, b], [c, d]]: sum of tables no more likely than it."""
    row1, col1, n = a + b, a + c, a + b + c + d
    if n == 0:
        return 1.0
    low, high = max(0, col1 - (n - row1)), min(row1, col1)

    def logp(x: int) -> float:
        return _log_choose(col1, x) + _log_choose(n - col1, row1 - x) - _log_choose(n, row1)

    observed = logp(a)
    total = 0.0
    for x in range(low, high + 1):
        lp = logp(x)
        if lp <= observed + 1e-7:  # relative tolerance as in SciPy, for ties
            total += exp(lp)
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
