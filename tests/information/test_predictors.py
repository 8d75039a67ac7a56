"""Predictors: exact values on hand-built frames, no look-ahead, the registry."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from backtest.errors import MissingDataError
from strategies.predictors import (
    MIN_PERCENTILE_HISTORY,
    PREDICTORS,
    expanding_percentile,
    get_predictor,
    pct_above_sma,
    realised_variance,
    term_ratio,
    variance_risk_premium,
)
from tests.information.conftest import random_market


def test_variance_risk_premium_by_hand() -> None:
    spx = np.array([100.0, 101.0, 99.0, 99.0, 102.0])
    vix = np.array([20.0, 21.0, 22.0, 23.0, 24.0])
    r = np.log(spx[1:] / spx[:-1])
    # window 3: RV[4] = 252/3 * (r2^2 + r3^2 + r4^2); r indexes returns ending at days 1..4
    rv4 = 252.0 / 3.0 * (r[1] ** 2 + r[2] ** 2 + r[3] ** 2)
    rv3 = 252.0 / 3.0 * (r[0] ** 2 + r[1] ** 2 + r[2] ** 2)
    got = variance_risk_premium(vix, spx, 3)
    assert np.isnan(got[:3]).all()
    assert got[3] == pytest.approx((23.0 / 100) ** 2 - rv3, abs=1e-15)
    assert got[4] == pytest.approx((24.0 / 100) ** 2 - rv4, abs=1e-15)
    assert realised_variance(spx, 3)[4] == pytest.approx(rv4, abs=1e-15)


def test_expanding_percentile_by_hand() -> None:
    x = [3.0, 1.0, 2.0, 2.0, np.nan, 5.0]
    got = expanding_percentile(x, min_history=2)
    # day 1: {3, 1}: 1 is the lowest of 2 -> 1/2; day 2: {3,1,2}: rank 2 of 3
    # day 3: {3,1,2,2}: ties at ranks 2,3 -> 2.5/4; day 4 missing; day 5: 5 highest of 5
    np.testing.assert_allclose(got, [np.nan, 0.5, 2 / 3, 2.5 / 4, np.nan, 1.0], equal_nan=True)


def test_pct_above_sma_and_ratio() -> None:
    x = np.array([10.0, 10.0, 13.0])
    np.testing.assert_allclose(pct_above_sma(x, 3), [np.nan, np.nan, 13.0 / 11.0 - 1.0],
                               equal_nan=True)
    np.testing.assert_allclose(term_ratio([22.0, 18.0], [20.0, 20.0]), [1.1, 0.9])


def test_missing_day_skipped_not_poisoning() -> None:
    f = random_market(1, T=120)
    got = get_predictor("vix_pct_above_sma", 3).compute(f)
    v = f["vix_close"].dropna()
    want = v / v.rolling(3).mean() - 1.0
    pd.testing.assert_series_equal(got.dropna(), want.dropna(), check_names=False)
    assert np.isnan(got.iloc[100]) and np.isfinite(got.iloc[101])


@pytest.mark.parametrize("name", list(PREDICTORS))
def test_no_look_ahead(name: str) -> None:
    """Values computed on data truncated at day t equal the full-data values up to t."""
    f = random_market(2, T=700)
    pred = PREDICTORS[name]
    full = pred.compute(f)
    assert full.notna().sum() > 50, "the predictor must produce values to test"
    first = int(np.argmax(full.notna().to_numpy()))
    assert first >= pred.warmup
    for t in (first, first + 1, 350, 420, 699):
        part = pred.compute(f.iloc[: t + 1])
        np.testing.assert_array_equal(part.to_numpy(), full.iloc[: t + 1].to_numpy(),
                                      err_msg=f"{name} truncated at {t}")


@pytest.mark.parametrize("name", list(PREDICTORS))
def test_planted_leak_would_be_caught(name: str) -> None:
    """The truncation check detects a predictor that reads tomorrow."""
    f = random_market(3, T=400)
    pred = PREDICTORS[name]
    leaky = pred.compute(f).shift(-1)
    part = pred.compute(f.iloc[:301]).shift(-1)
    assert not np.array_equal(leaky.iloc[:301].to_numpy(), part.to_numpy(), equal_nan=True)


def test_warmup_is_first_value() -> None:
    f = random_market(4, T=600).drop(columns="vix_close").assign(
        vix_close=lambda d: d["vvix"] / 4)  # no gaps
    for pred in PREDICTORS.values():
        vals = pred.compute(f)
        assert int(np.argmax(vals.notna().to_numpy())) == pred.warmup, pred.name


def test_percentile_min_history_stated() -> None:
    p = PREDICTORS["vix_percentile"]
    assert p.warmup == MIN_PERCENTILE_HISTORY - 1
    assert str(MIN_PERCENTILE_HISTORY) in p.doc


def test_skew_absent_is_missing_data() -> None:
    f = random_market(5, T=50, with_skew=False)
    with pytest.raises(MissingDataError, match=r"predictor 'skew' needs column\(s\) skew"):
        PREDICTORS["skew"].compute(f)


def test_registry_errors() -> None:
    with pytest.raises(ValueError, match=r"unknown predictor 'vrpp'\. Did you mean 'vrp'\?"):
        get_predictor("vrpp")
    with pytest.raises(ValueError, match=r"predictor 'vix_level' has no window"):
        get_predictor("vix_level", 5)
    with pytest.raises(ValueError, match=r"window must be an integer >= 1, got 0"):
        get_predictor("vrp", 0)
    assert get_predictor("VIX-Change", 2).window == 2


def test_strategies_use_the_same_computation() -> None:
    """residual_surprise and contango_flip compute with the predictor functions."""
    import strategies.contango_flip as cf
    import strategies.predictors as pr
    import strategies.residual_surprise as rs

    assert rs.vix_surprise is pr.vix_surprise
    assert cf.term_ratio is pr.term_ratio
