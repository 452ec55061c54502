"""Bootstrap 95 % intervals for Krippendorff's alpha, every code of a report in one pass.

Following Hayes & Krippendorff (2007), the interval says how far alpha could move had
other quotes been double-coded: pairable units (quotes with two or more values) are
drawn with replacement, alpha recomputed on each replicate, and the 2.5th and 97.5th
percentiles kept. Replicates where alpha is undefined (no variation drawn) are left out;
with none left the interval is null, as alpha itself would be.

Alpha is a function of sums over units (see `agreement_stats._alpha`), so a replicate is
a weighted sum: weights = how many times each unit was drawn. Every code of a report
shares the same units, so one matrix product per chunk of replicates gives all codes'
sums at once; the draws are made once, whatever the size of the codebook.
"""

from __future__ import annotations

from collections.abc import Iterator

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
    return sum_intervals([unit_sums(category_counts(m[:, units])) for m in matrices],
                         replicates=replicates, seed=seed)


def unit_sums(counts: npt.NDArray[np.int64]) -> Floats:
    """Per pairable unit: each category's count, then the unit's term of observed
    disagreement. Counts of coders per category may come from a matrix or, for a binary
    code, straight from the coders who applied it."""
    floats = counts.astype(np.float64)
    m = floats.sum(axis=1)
    observed = (m ** 2 - (floats ** 2).sum(axis=1)) / (m - 1)
    return np.column_stack([floats, observed])


def sum_intervals(blocks: list[Floats], *, replicates: int = REPLICATES,
                  seed: int = SEED) -> list[tuple[float, float] | None]:
    """The interval of each matrix given its `unit_sums`, all over the same units."""
    count = blocks[0].shape[0] if blocks else 0
    if count == 0 or replicates <= 0:
        return [None] * len(blocks)
    columns = np.concatenate(blocks, axis=1)
    totals = np.concatenate(list(_replicate_sums(columns, count, replicates, seed)), axis=0)
    out: list[tuple[float, float] | None] = []
    start = 0
    for block in blocks:
        width = block.shape[1]
        alphas = _alphas(totals[:, start:start + width])
        start += width
        kept = alphas[~np.isnan(alphas)]
        out.append(None if kept.size == 0 else
                   (float(np.percentile(kept, 2.5)), float(np.percentile(kept, 97.5))))
    return out


def _replicate_sums(columns: Floats, count: int, replicates: int,
                    seed: int) -> Iterator[Floats]:
    """Σ_u weight_u · column_u for each replicate, `_CHUNK` replicates at a time.

    The draws are int32: NumPy draws any range under 2³² from the same 32-bit stream
    whatever the dtype, so they are the int64 draws of `integers(0, count)` at half the
    memory traffic; each replicate's weights are one bincount of its own row.
    """
    rng = np.random.default_rng(seed)
    weights = np.empty((min(_CHUNK, replicates), count), dtype=np.float64)
    for first in range(0, replicates, _CHUNK):
        size = min(_CHUNK, replicates - first)
        draws = rng.integers(0, count, size=(size, count), dtype=np.int32)
        for row, drawn in enumerate(draws):
            weights[row] = np.bincount(drawn, minlength=count)
        yield weights[:size] @ columns


def _alphas(sums: Floats) -> Floats:
    """Alpha of each replicate from its summed columns (categories…, observed)."""
    n_c, observed = sums[:, :-1], sums[:, -1]
    n = n_c.sum(axis=1)
    expected = n * n - (n_c ** 2).sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        alphas = 1.0 - (n - 1) * observed / expected
    return np.where(expected > 0, alphas, np.nan)
