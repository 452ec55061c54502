"""Every code's statistics at once (`binary_figures`) against the oracles, code by code.

A code's reliability matrix is binary: 1 where the coder applied it, 0 where the coder
touched the quote otherwise, missing elsewhere. `binary_figures` never builds it; here it
is built and handed to the krippendorff package, scikit-learn and statsmodels, and to
`figures` (the general path), which must agree to rounding, reasons included.
"""

from __future__ import annotations

import math

import krippendorff
import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import cohen_kappa_score
from statsmodels.stats.inter_rater import aggregate_raters, fleiss_kappa

from qualcode.reports.agreement_stats import MISSING, binary_figures, figures


@st.composite
def codings(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray]:
    """touched (coders × units) and applied (codes × coders × units, only where touched)."""
    coders, units, codes = draw(st.integers(2, 4)), draw(st.integers(1, 30)), draw(
        st.integers(1, 5))
    touched = np.array(draw(st.lists(st.booleans(), min_size=coders * units,
                                     max_size=coders * units))).reshape(coders, units)
    applied = np.array(draw(st.lists(st.booleans(), min_size=codes * coders * units,
                                     max_size=codes * coders * units)))
    return touched, applied.reshape(codes, coders, units) & touched


def close(a: float | None, b: float | None) -> bool:
    return (a is None and b is None) or (a is not None and b is not None
                                         and math.isclose(a, b, abs_tol=1e-9))


@settings(max_examples=300, deadline=None)
@given(codings())
def test_each_code_matches_the_oracles_and_the_general_path(
        data: tuple[np.ndarray, np.ndarray]) -> None:
    touched, applied = data
    found = binary_figures(applied, touched)
    assert len(found) == applied.shape[0]
    for code, ours in enumerate(found):
        values = np.where(touched, applied[code], MISSING).astype(np.int64)
        general = figures(values)
        assert ours.units == general.units and ours.reasons == general.reasons
        for name in ("percent_agreement", "cohen_kappa", "fleiss_kappa", "krippendorff_alpha"):
            assert close(getattr(ours, name), getattr(general, name)), name

        pairable = np.count_nonzero(values >= 0, axis=0) >= 2
        if len({int(v) for v in values[:, pairable].ravel() if v >= 0}) < 2:
            assert ours.krippendorff_alpha is None
        else:
            expected = krippendorff.alpha(reliability_data=np.where(values < 0, np.nan, values),
                                          level_of_measurement="nominal")
            assert close(ours.krippendorff_alpha, float(expected))

        complete = np.all(values >= 0, axis=0)
        if not complete.any() or len(set(values[:, complete].ravel().tolist())) < 2:
            assert ours.fleiss_kappa is None
        else:
            table, _ = aggregate_raters(values[:, complete].T, n_cat=2)
            assert close(ours.fleiss_kappa, float(fleiss_kappa(table, method="fleiss")))

        if values.shape[0] == 2:
            both = (values[0] >= 0) & (values[1] >= 0)
            a, b = values[0][both], values[1][both]
            if not both.any() or len(set(a.tolist()) | set(b.tolist())) < 2:
                assert ours.cohen_kappa is None
            else:
                assert close(ours.cohen_kappa, float(cohen_kappa_score(a, b)))
        else:
            assert ours.cohen_kappa is None and "cohen_kappa" in ours.reasons


def test_a_code_nobody_applied_and_coders_with_nothing_in_common() -> None:
    touched = np.array([[True, True, False, False], [False, True, True, True]])
    applied = np.zeros((2, 2, 4), dtype=bool)
    applied[1, 0, 1] = applied[1, 1, 1] = True
    never, agreed = binary_figures(applied, touched)
    assert never.units == agreed.units == 1
    assert never.krippendorff_alpha is None and "no variation" in never.reasons[
        "krippendorff_alpha"]
    assert never.percent_agreement == agreed.percent_agreement == 1.0
    apart = binary_figures(np.zeros((1, 2, 2), dtype=bool),
                           np.array([[True, False], [False, True]]))[0]
    assert apart.units == 0 and apart.percent_agreement is None
    assert set(apart.reasons) == {"percent_agreement", "cohen_kappa", "fleiss_kappa",
                                  "krippendorff_alpha"}
