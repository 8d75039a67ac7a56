"""Exact values of every indicator on tiny hand-built series."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from strategies.indicators import (
    complete_rows,
    consecutive_count,
    expand_rows,
    hist_vol,
    pct_change,
    per_unique,
    rolling_max,
    rolling_mean,
    rolling_min,
    rolling_ols_surprise,
    rolling_std,
    rolling_zscore,
    rsi_wilder,
)

nan = np.nan


def test_rolling_mean_and_std() -> None:
    np.testing.assert_allclose(rolling_mean([1, 2, 3, 4], 2), [nan, 1.5, 2.5, 3.5])
    # population std of (1, 3) and (3, 5) is 1; sample std is sqrt(2)
    np.testing.assert_allclose(rolling_std([1, 3, 5], 2), [nan, 1.0, 1.0])
    np.testing.assert_allclose(rolling_std([1, 3, 5], 2, ddof=1), [nan, 2**0.5, 2**0.5])
    # a constant window has exactly zero deviation
    assert rolling_std([20.1, 20.1, 20.1, 20.1], 3)[-1] == 0.0


def test_rolling_windows_need_full_history() -> None:
    assert np.isnan(rolling_mean([1.0, nan, 3.0, 4.0], 2)[:3]).all()
    with pytest.raises(ValueError, match="window must be >= 1, got 0"):
        rolling_mean([1.0], 0)


def test_rolling_zscore() -> None:
    z = rolling_zscore([1, 2, 3, 10, 10, 10, 10], 3)
    assert np.isnan(z[:2]).all()
    assert z[2] == pytest.approx(1 / math.sqrt(2 / 3))       # (3 - 2) / pop std
    assert z[3] == pytest.approx(5 / math.sqrt(38 / 3))       # [2, 3, 10]: mean 5
    assert np.isnan(z[6])                                      # constant window


def test_rolling_max_min_pct_change() -> None:
    np.testing.assert_array_equal(rolling_max([3, 1, 2, 5, 4], 3), [nan, nan, 3, 5, 5])
    np.testing.assert_array_equal(rolling_min([3, 1, 2, 5, 4], 3), [nan, nan, 1, 1, 2])
    np.testing.assert_allclose(pct_change([10, 12, 15], 1), [nan, 0.2, 0.25])
    np.testing.assert_allclose(pct_change([10, 12, 15], 2), [nan, nan, 0.5])


def test_rsi_wilder_by_hand() -> None:
    # changes +1, -1, +2, 0; period 2
    # row 2: gains (1, 0) -> 0.5, losses (0, 1) -> 0.5 -> RSI 50
    # row 3: gain (0.5 + 2) / 2 = 1.25, loss (0.5 + 0) / 2 = 0.25 -> RS 5 -> 100 - 100/6
    # row 4: gain 0.625, loss 0.125 -> RS 5
    r = rsi_wilder([10, 11, 10, 12, 12], 2)
    np.testing.assert_allclose(r, [nan, nan, 50.0, 100 - 100 / 6, 100 - 100 / 6])
    np.testing.assert_allclose(rsi_wilder([1, 2, 3, 4], 2), [nan, nan, 100, 100])
    np.testing.assert_allclose(rsi_wilder([5, 5, 5], 1), [nan, 50, 50])
    assert np.isnan(rsi_wilder([1, 2], 2)).all()


def test_hist_vol_by_hand() -> None:
    x = np.exp([0.0, 0.1, 0.3, 0.3])  # log changes 0.1, 0.2, 0.0
    hv = hist_vol(x, 2)
    assert np.isnan(hv[:2]).all()
    assert hv[2] == pytest.approx(0.1 / math.sqrt(2) * math.sqrt(252))
    assert hv[3] == pytest.approx(0.2 / math.sqrt(2) * math.sqrt(252))
    assert hist_vol(x, 2, periods_per_year=1)[3] == pytest.approx(0.2 / math.sqrt(2))


def test_rolling_ols_surprise_exact_line() -> None:
    x = np.array([0.0, 1, 2, 3, 4])
    y = 1 + 2 * x
    y[4] += 0.5
    resid, scale = rolling_ols_surprise(y, x, 3)
    assert np.isnan(resid[:3]).all()
    # fit on rows 0..2 is y = 1 + 2x exactly: row 3 is explained, row 4 is 0.5 above
    assert resid[3] == pytest.approx(0.0, abs=1e-12)
    assert resid[4] == pytest.approx(0.5)
    assert scale[3] == pytest.approx(0.0, abs=1e-7)


def test_rolling_ols_surprise_uses_only_prior_rows() -> None:
    # fit on (0,0), (1,1), (2,0): beta 0, alpha 1/3; residuals -1/3, 2/3, -1/3
    # SSR 2/3 over 1 degree of freedom -> se sqrt(2/3); row 3 residual 2 - 1/3
    resid, scale = rolling_ols_surprise([0.0, 1, 0, 2], [0.0, 1, 2, 5], 3)
    assert resid[3] == pytest.approx(5 / 3)
    assert scale[3] == pytest.approx(math.sqrt(2 / 3))
    # changing row 3 does not change the fit used for row 3
    _, scale2 = rolling_ols_surprise([0.0, 1, 0, 100], [0.0, 1, 2, -7], 3)
    assert scale2[3] == pytest.approx(scale[3])


def test_consecutive_count() -> None:
    c = [True, True, False, True, True, True, False]
    np.testing.assert_array_equal(consecutive_count(c), [1, 2, 0, 1, 2, 3, 0])
    two = np.array([[True, False], [True, True], [False, True]])
    np.testing.assert_array_equal(consecutive_count(two), [[1, 0], [2, 1], [0, 2]])


def test_per_unique_computes_each_key_once() -> None:
    calls: list[int] = []

    def fn(w: int) -> np.ndarray:
        calls.append(w)
        return np.full(3, float(w))

    out = per_unique(fn, np.array([5, 3, 5, 5, 3]))
    assert sorted(calls) == [3, 5]
    np.testing.assert_array_equal(out[0], [5, 3, 5, 5, 3])
    assert out.shape == (3, 5)
    two = per_unique(lambda a, b: np.full(2, a * 10 + b), np.array([1, 1, 2]), np.array([3, 4, 3]))
    np.testing.assert_array_equal(two[1], [13, 14, 23])


def test_complete_and_expand_rows() -> None:
    frame = pd.DataFrame({"a": [1.0, nan, 3.0, 4.0], "b": [1.0, 2.0, nan, 4.0]})
    sub, pos = complete_rows(frame, ["a", "b"])
    np.testing.assert_array_equal(pos, [0, 3])
    assert list(sub["a"]) == [1.0, 4.0]
    back = expand_rows(np.array([[True], [True]]), pos, 4)
    np.testing.assert_array_equal(back[:, 0], [True, False, False, True])
