"""Bootstrap 95 % intervals for Krippendorff's alpha, every code of a report in one pass.

Following Hayes & Krippendorff (2007), the interval says how far alpha could move had
other quotes been double-coded: pairable units (quotes with two or more values) are
drawn with replacement, alpha recomputed on each replicate, and the 2.5th and 97.5th
percentiles kept. Replicates where alpha is undefined (no variation drawn) are left out;
with none left the interval is null, as alpha itself would be.

Alpha is a function of sums over units (see `agreement_stats._alpha`), so a replicate is
a weighted sum: weights = how many times each unit was drawn. Every code of a report
shares the same units, so one matrix product per chunk of replicates gives all codes'
sums at once; the draws are made once, whatever the size of the codebook. The units'
totals of values are one column shared by every matrix, from which each matrix's first
category follows: a binary code adds two columns (its second category, its observed
disagreement), not three.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from qualcode.reports.agreement_stats import Floats, Matrix, category_counts

REPLICATES = 1000
SEED = 2007
_CHUNK = 64  # replicates drawn and summed at a time: bounds memory to 64 × units weights


def pairable(values: Matrix) -> npt.NDArray[np.bool_]:
    """Units that at least two coders gave a value: the only ones alpha uses."""
    return np.asarray(np.count_nonzero(values >= 0, axis=0) >= 2)


def alpha_intervals(matrices: list[Matrix], *, replicates: int = REPLICATES,
                    seed: int = SEED) -> list[tuple[float, float] | None]:
    """The percentile interval of each matrix's alpha, from one shared set of draws.

    The matrices must have the same pairable units (true of every code of one report:
    a coder has a value on a quote for every code or for none).
    """
    if not matrices:
        return []
    units = pairable(matrices[0])
    if any(not np.array_equal(pairable(m), units) for m in matrices[1:]):
        raise ValueError("the matrices do not share their pairable units")
    totals = np.count_nonzero(matrices[0][:, units] >= 0, axis=0)
    return sum_intervals(totals, [unit_sums(category_counts(m[:, units])) for m in matrices],
                         replicates=replicates, seed=seed)


def unit_sums(counts: npt.NDArray[np.int64]) -> Floats:
    """Per pairable unit (counts: … × units × categories): the count of each category
    but the first (which the unit's total gives), then the unit's term of observed
    disagreement. The counts may come from a matrix or, for every binary code at once,
    straight from the coders who applied each."""
    # categories first, so that summing over them adds whole arrays (NumPy reduces a
    # short last axis one unit at a time, twenty times slower)
    floats = np.moveaxis(counts, -1, 0).astype(np.float64, order="C")
    m = floats.sum(axis=0)
    observed = (m ** 2 - (floats ** 2).sum(axis=0)) / (m - 1)
    return np.stack([*floats[1:], observed], axis=-1)


def sum_intervals(totals: npt.NDArray[np.int64], blocks: list[Floats], *,
                  replicates: int = REPLICATES,
                  seed: int = SEED) -> list[tuple[float, float] | None]:
    """The interval of each matrix given its `unit_sums`, all over the same pairable
    units, whose `totals` of values they share."""
    count = totals.size
    if count == 0 or replicates <= 0:
        return [None] * len(blocks)
    columns = np.column_stack([totals.astype(np.float64), *blocks])
    sums = _replicate_sums(columns, replicates, seed)
    out: list[tuple[float, float] | None] = []
    start = 1
    for block in blocks:
        width = block.shape[1]
        alphas = _alphas(sums[:, 0], sums[:, start:start + width])
        start += width
        kept = alphas[~np.isnan(alphas)]
        out.append(None if kept.size == 0 else
                   (float(np.percentile(kept, 2.5)), float(np.percentile(kept, 97.5))))
    return out


def _replicate_sums(columns: Floats, replicates: int, seed: int) -> Floats:
    """Σ_u weight_u · column_u for each replicate, `_CHUNK` replicates at a time.

    The draws are int32: NumPy draws any range under 2³² from the same 32-bit stream
    whatever the dtype, so they are the int64 draws of `integers(0, count)` at half the
    memory traffic; each replicate's weights are one bincount of its own row. The
    product runs on one BLAS thread: a second gains little on this memory-bound
    product, and OpenBLAS's spinning threads made it ten times slower whenever the
    cores were busy with anything else.
    """
    # threadpoolctl ships no type hints
    from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]

    count = columns.shape[0]
    rng = np.random.default_rng(seed)
    weights = np.empty((min(_CHUNK, replicates), count), dtype=np.float64)
    out = np.empty((replicates, columns.shape[1]), dtype=np.float64)
    with threadpool_limits(limits=1, user_api="blas"):
        for first in range(0, replicates, _CHUNK):
            size = min(_CHUNK, replicates - first)
            draws = rng.integers(0, count, size=(size, count), dtype=np.int32)
            for row, drawn in enumerate(draws):
                weights[row] = np.bincount(drawn, minlength=count)
            np.matmul(weights[:size], columns, out=out[first:first + size])
    return out


def _alphas(n: Floats, sums: Floats) -> Floats:
    """Alpha of each replicate from its values' total `n` and its summed columns
    (categories but the first…, observed)."""
    rest, observed = sums[:, :-1], sums[:, -1]
    first = n - rest.sum(axis=1)
    expected = n * n - (first ** 2 + (rest ** 2).sum(axis=1))
    with np.errstate(divide="ignore", invalid="ignore"):
        alphas = 1.0 - (n - 1) * observed / expected
    return np.where(expected > 0, alphas, np.nan)
