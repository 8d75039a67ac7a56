"""Deciles: real-time buckets, known bucket means, spread, monotonicity test."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from backtest.information.deciles import (
    decile_analysis,
    monotonic_relation_test,
    realtime_buckets,
)
from strategies.predictors import Predictor


def cyclic_market(means: np.ndarray, cycles: int = 60, noise: float = 0.002
                  ) -> tuple[pd.DataFrame, Predictor]:
    """A predictor cycling 0, 1, ..., 9 and SPX whose return two days after a value
    ``v`` is ``means[v]`` plus a noise of +-``noise`` that alternates by cycle.

    After 5 cycles the real-time bucket of value ``v`` is exactly ``v + 1``
    (its expanding percentile lies in ``(v/10, (v+1)/10]``), and with an even
    number of cycles per bucket the noise cancels: every bucket's 1-day mean
    forward return is ``means[v]`` exactly.
    """
    T = 10 * cycles + 2
    x = np.arange(T, dtype=float) % 10
    r = np.zeros(T)
    for t in range(T - 2):
        sign = 1.0 if (t // 10) % 2 == 0 else -1.0
        r[t + 2] = means[int(x[t])] + sign * noise
    p = 100.0 * np.cumprod(1.0 + r)
    idx = pd.bdate_range("2000-01-03", periods=T)
    frame = pd.DataFrame({"spx_open": p, "spx_close": p, "x": x}, index=idx)
    pred = Predictor("x", "cyclic x", "test series", "units", ("x",),
                     lambda f, w: f["x"].to_numpy(np.float64))
    return frame, pred


def test_realtime_buckets_of_a_cycle() -> None:
    x = np.arange(200, dtype=float) % 10
    b = realtime_buckets(x, 10, min_history=50)
    assert (b[:49] == 0).all()
    np.testing.assert_array_equal(b[50:], x[50:].astype(int) + 1)


def test_realtime_buckets_never_use_a_later_day() -> None:
    rng = np.random.default_rng(0)
    x = np.cumsum(rng.normal(size=600))  # trending: later days would move the cut-offs
    x[[10, 400]] = np.nan
    full = realtime_buckets(x, 10, min_history=30)
    for t in (29, 30, 31, 100, 399, 401, 599):
        np.testing.assert_array_equal(realtime_buckets(x[: t + 1], 10, 30), full[: t + 1])
    # a full-sample decile would differ: the check has teeth
    whole = np.ceil(pd.Series(x).rank(pct=True).to_numpy() * 10)
    assert (whole[30:] != full[30:]).any()


def test_known_bucket_means_and_spread() -> None:
    means = np.linspace(-0.001, 0.0035, 10)
    frame, pred = cyclic_market(means, cycles=61)
    # first bucket on day 50 (value 0 of cycle 5); days 50..609 have a 1-day forward return
    res = decile_analysis(pred, frame, [1], min_history=51, n_boot=0)
    b = res.buckets.loc[1]
    np.testing.assert_allclose(b["mean"].to_numpy(), means, atol=1e-12)
    assert b["n_days"].tolist() == [56] * 10  # cycles 5..60: even, so the noise cancels
    np.testing.assert_array_equal(b["x_low"].to_numpy(), np.arange(10.0))
    sp = res.spread.loc[1]
    assert sp.spread == pytest.approx(means[-1] - means[0], abs=1e-12)
    assert sp.t_hac > 5 and sp.p_spread_raw < 1e-6
    # hit rates: every return of bucket v is means[v] +- 0.002
    np.testing.assert_allclose(b["hit_rate"].to_numpy(),
                               [(int(means[v] + 0.002 > 0) + int(means[v] - 0.002 > 0)) / 2
                                for v in range(10)])


def test_hac_intervals_match_statsmodels() -> None:
    import statsmodels.api as sm

    rng = np.random.default_rng(1)
    means = np.zeros(10)
    frame, pred = cyclic_market(means, cycles=40)
    frame["spx_open"] = frame["spx_close"] = 100 * np.exp(np.cumsum(
        rng.normal(0, 0.01, len(frame))))
    res = decile_analysis(pred, frame, [5], min_history=50, n_boot=0)
    y = frame["spx_open"].shift(-6) / frame["spx_open"].shift(-1) - 1
    bucket = res.bucket_of_day
    ok = (bucket > 0) & y.notna()
    D = pd.get_dummies(bucket[ok]).astype(float)
    fit = sm.OLS(y[ok], D).fit(cov_type="HAC", cov_kwds={"maxlags": 5})
    b = res.buckets.loc[5]
    np.testing.assert_allclose(b["mean"].to_numpy(), fit.params.to_numpy(), atol=1e-14)
    np.testing.assert_allclose(b["se_hac"].to_numpy(), fit.bse.to_numpy(), rtol=1e-10)
    contrast = np.zeros(10)
    contrast[[0, 9]] = [-1, 1]
    tt = fit.t_test(contrast)
    assert res.spread.loc[5, "t_hac"] == pytest.approx(float(np.ravel(tt.tvalue)[0]), rel=1e-10)


def test_monotonicity_test_separates_rising_from_v_shaped() -> None:
    rising = np.linspace(0.0, 0.0045, 10)
    frame, pred = cyclic_market(rising, cycles=80, noise=0.004)
    up = decile_analysis(pred, frame, [1], min_history=50, n_boot=300, seed=1).spread.loc[1]
    assert up.mr_p < 0.05 and up.mr_p_opposite > 0.5
    vee = np.abs(np.linspace(-0.003, 0.0035, 10))  # top > bottom, not monotonic
    frame, pred = cyclic_market(vee, cycles=80, noise=0.004)
    v = decile_analysis(pred, frame, [1], min_history=50, n_boot=300, seed=1).spread.loc[1]
    assert v.spread > 0 and v.mr_p > 0.2


def test_monotonicity_size_under_the_null() -> None:
    """Flat means, iid noise: the MR test rejects at 10 % in few of 40 runs."""
    rng = np.random.default_rng(7)
    rejections = 0
    for _ in range(40):
        y = rng.normal(0, 0.01, 1000)
        b = rng.integers(1, 11, 1000)
        _, p = monotonic_relation_test(y, b, 10, block_size=5, reps=199, rng=rng)
        rejections += p < 0.10
    assert rejections <= 8  # nominal 4; MR is conservative at the least favourable null


def test_settings_errors_and_json() -> None:
    frame, pred = cyclic_market(np.zeros(10), cycles=10)
    with pytest.raises(ValueError, match=r"n_bins must be >= 2, got 1"):
        decile_analysis(pred, frame, [1], n_bins=1, min_history=20, n_boot=0)
    with pytest.raises(ValueError, match=r"min_history must be >= 1, got 0"):
        decile_analysis(pred, frame, [1], min_history=0, n_boot=0)
    doc = decile_analysis(pred, frame, [1, 5], min_history=20, n_boot=0).to_dict()
    assert set(doc) == {"predictor", "settings", "buckets", "spread"}
    assert len(doc["buckets"]) == 20 and len(doc["spread"]) == 2
    assert doc["spread"][0]["mr_p"] is None  # NaN -> null (no bootstrap asked)
