"""Benchmarks for timing skill: exposure-matched and CAPM losses, exposure from returns,
and an exposure-matched SPA that finds planted timing skill but not random timing."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from backtest.evidence.benchmarks import (
    capm_alpha_losses,
    capm_betas,
    cash_from_dtb3,
    excess_returns,
    exposure_from_returns,
    exposure_matched_losses,
)
from backtest.evidence.snooping import spa_test
from backtest.evidence.sweep import sweep_evidence


def test_losses_exact_on_a_tiny_chunk() -> None:
    r = np.array([[0.01, 0.0], [0.02, -0.01], [0.0, 0.03]])
    m = np.array([0.01, 0.02, -0.01])
    c = np.array([0.001, 0.001, 0.001])
    e = np.array([0.5, 0.25])
    loss = exposure_matched_losses(r, m, e, c)
    want = -(r - (e * m[:, None] + (1 - e) * c[:, None]))
    assert loss == pytest.approx(want, abs=1e-15)
    assert exposure_matched_losses(r, m, e) == pytest.approx(-(r - e * m[:, None]), abs=1e-15)
    beta = capm_betas(r, m, c)
    y = r[:, 0] - c
    x = m - c
    assert beta[0] == pytest.approx(np.cov(y, x, ddof=0)[0, 1] / x.var(), rel=1e-12)
    assert capm_alpha_losses(r, m, beta, c) == pytest.approx(
        -((r - c[:, None]) - beta * (m - c)[:, None]), abs=1e-15)
    with pytest.raises(ValueError, match="exposure needs one value per set: 3 for 2 sets"):
        exposure_matched_losses(r, m, np.ones(3))
    with pytest.raises(ValueError, match="market must have 3 rows"):
        exposure_matched_losses(r, m[:2], e)


def test_exposure_from_returns_hand_built() -> None:
    idx = pd.bdate_range("2020-01-01", periods=8)
    m = pd.Series([0.01, -0.02, 0.01, 0.03, -0.01, 0.02, 0.01, -0.01], index=idx)
    r = pd.DataFrame({
        # long spell days 1..3 (entry day 1), flat, short spell days 5..6 (entry day 5)
        "a": [0.0, -0.015, 0.01, 0.03, 0.0, -0.018, -0.01, 0.0],
        "b": [0.0] * 8,
    }, index=idx)
    x = exposure_from_returns(r, m)
    assert x["a"].tolist() == [0, 0, 1, 1, 0, 0, -1, 0]
    assert x["b"].tolist() == [0] * 8
    cash = cash_from_dtb3(pd.Series([np.nan, 5.04, np.nan], index=idx[:3]), idx[:4])
    assert cash.tolist() == pytest.approx([0.0, 0.0002, 0.0002, 0.0002])


def _timers(rng: np.random.Generator, skill: bool, T: int = 3000, n: int = 10
            ) -> tuple[pd.DataFrame, pd.Series, np.ndarray]:
    """Sets in the market about a quarter of the time in 5-day spells.  Random timers
    pick the spells at random; the skilled one enters where the next 5 days rise."""
    idx = pd.bdate_range("2000-01-03", periods=T)
    m = rng.normal(0.0004, 0.01, T)
    fwd5 = np.convolve(m, np.ones(5), "full")[4:4 + T]  # sum of days t-4 .. t
    cols = {}
    for j in range(n):
        x = np.zeros(T)
        starts = np.flatnonzero(rng.random(T) < 0.05)
        if skill and j == 0:
            # a noisy view of the coming week's move: enter where it looks good
            view = np.r_[fwd5[4:], np.zeros(4)] + rng.normal(0, 0.03, T)
            starts = np.flatnonzero(view > np.quantile(view, 0.95))
        for s in starts:
            x[s:s + 5] = 1.0
        cols[f"s{j}"] = x * m
    r = pd.DataFrame(cols, index=idx)
    expo = (r != 0).mean().to_numpy()
    return r, pd.Series(m, index=idx), expo


def test_exposure_matched_spa_finds_timing_skill_that_buy_and_hold_cannot() -> None:
    rng = np.random.default_rng(5)
    r, m, e = _timers(rng, skill=True)
    assert r["s0"].mean() < m.mean()  # the skilled set does not beat buy-and-hold on mean
    zero = pd.Series(0.0, index=r.index)
    matched = spa_test(excess_returns(r, m, exposure=e), zero, reps=400, seed=1)
    vs_bh = spa_test(excess_returns(r, m, "buy_and_hold"), zero, reps=400, seed=1)
    assert matched.pvalue < 0.05 and matched.best == "s0"
    assert vs_bh.pvalue > 0.5
    ev = sweep_evidence(r, m, exposure=e, reps=300, n_partitions=8, train=1000, test=500)
    assert ev.spa.pvalue < 0.05 and ev.stepm.superior == ["s0"]
    assert ev.spa_buy_and_hold is not None and ev.spa_buy_and_hold.pvalue > 0.5
    assert ev.dsr.best == "s0"


def test_exposure_matched_spa_does_not_reject_random_timing() -> None:
    """Ten random timers with the same exposure, five seeds: at most one rejection."""
    rejections = 0
    for seed in range(5):
        r, m, e = _timers(np.random.default_rng(100 + seed), skill=False)
        zero = pd.Series(0.0, index=r.index)
        p = spa_test(excess_returns(r, m, exposure=e), zero, reps=300, seed=seed).pvalue
        rejections += p < 0.05
    assert rejections <= 1
