"""Holm and Benjamini-Yekutieli adjustments: hand-computed values."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from backtest.evidence.multiple import add_adjusted, adjust_pvalues


def test_holm_by_hand() -> None:
    # sorted 0.01, 0.03, 0.04 -> 3*0.01, max(., 2*0.03), max(., 1*0.04)
    p = [0.01, 0.04, 0.03]
    assert adjust_pvalues(p, "holm") == pytest.approx([0.03, 0.06, 0.06])


def test_by_by_hand() -> None:
    # BH: 0.01*3/1, 0.03*3/2, 0.04*3/3 -> step-up minimum 0.03, 0.04, 0.04;
    # BY multiplies by 1 + 1/2 + 1/3 = 11/6
    p = [0.01, 0.04, 0.03]
    c = 11 / 6
    assert adjust_pvalues(p, "by") == pytest.approx([0.03 * c, 0.04 * c, 0.04 * c])


def test_nan_is_left_out_of_the_family() -> None:
    out = adjust_pvalues([0.01, np.nan, 0.04, 0.03], "holm")
    assert np.isnan(out[1])
    assert out[[0, 2, 3]] == pytest.approx([0.03, 0.06, 0.06])
    assert np.isnan(adjust_pvalues([np.nan, np.nan], "by")).all()


def test_add_adjusted_and_errors() -> None:
    f = pd.DataFrame({"p_raw": [0.01, 0.04, 0.03]})
    g = add_adjusted(f)
    assert g["p_holm"].tolist() == pytest.approx([0.03, 0.06, 0.06])
    assert "p_by" in g and "p_holm" not in f
    with pytest.raises(ValueError, match="method must be one of"):
        adjust_pvalues([0.1], "bonferroni")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"p-values must lie in \[0, 1\]"):
        adjust_pvalues([1.2], "holm")
    with pytest.raises(ValueError, match="frame has no column 'p'"):
        add_adjusted(f, "p")


@pytest.mark.parametrize("method, sm_method", [("holm", "holm"), ("by", "fdr_by")])
def test_equal_to_statsmodels(method: str, sm_method: str) -> None:
    """The numpy adjustments equal statsmodels' multipletests (the reference)."""
    from statsmodels.stats.multitest import multipletests

    rng = np.random.default_rng(7)
    for n in (1, 2, 3, 7, 40, 333):
        for _ in range(20):
            p = rng.uniform(size=n)
            # ties, exact zeros and ones, and values that adjust above 1
            p[rng.uniform(size=n) < 0.2] = 0.0
            p[rng.uniform(size=n) < 0.2] = 1.0
            if n > 2:
                p[rng.integers(0, n, size=n // 2)] = p[0]
                p = np.round(p, 2) if rng.uniform() < 0.5 else p
            ours = adjust_pvalues(p, method)  # type: ignore[arg-type]
            ref = multipletests(p, method=sm_method)[1]
            assert np.max(np.abs(ours - ref)) <= 1e-15
