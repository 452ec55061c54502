"""Inter-coder agreement over the whole corpus, against the `krippendorff` package.

`run` is `qualcode agreement --format json` without the printing: read the project,
build every reliability matrix (each code, each exclusive parent) and
compute the four statistics on each. The floor is the krippendorff package's nominal
alpha alone on the same matrices (per code and per exclusive parent), built once
beforehand from qualcode's own loader and kept outside the timed call: one statistic
of four, with no database work at all.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from benchmarks.harness import Case, Corpus, read_project

_MATRICES: dict[Path, list[np.ndarray]] = {}


def run(corpus: Corpus) -> str:
    from qualcode.reports.agreement import compute

    return json.dumps(read_project(corpus.db, compute), ensure_ascii=False)


def matrices(corpus: Corpus) -> list[np.ndarray]:
    """Every code's and exclusive parent's matrix, missing values as NaN."""
    if corpus.db not in _MATRICES:
        from qualcode.reports.agreement import load

        m = read_project(corpus.db, load)
        raw = [m.code_matrix(c.id) for c in m.codes]
        raw += [m.exclusive_matrix(p) for p in m.codes if p.exclusive]
        _MATRICES[corpus.db] = [np.where(v < 0, np.nan, v.astype(float)) for v in raw]
    return _MATRICES[corpus.db]


def floor(corpus: Corpus) -> list[float]:
    import krippendorff

    out = []
    for values in matrices(corpus):
        try:
            out.append(krippendorff.alpha(reliability_data=values,
                                          level_of_measurement="nominal"))
        except ValueError:  # one value only: alpha undefined
            out.append(float("nan"))
    return out


CASES = [
    Case(name="agreement", run=run, floor=floor, repeat=3,
         notes="all coders, all codes, 4 statistics vs krippendorff alpha alone "
               "on prebuilt matrices"),
]
