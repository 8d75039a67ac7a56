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
