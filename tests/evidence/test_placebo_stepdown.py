"""Placebos (episode-block shuffling), the Romano-Wolf stepdown and the vectorised
block bootstrap against arch."""

from __future__ import annotations

import numpy as np
import pytest
from arch.bootstrap import CircularBlockBootstrap, StationaryBootstrap
from scipy import stats

from backtest.evidence.episodes import episodes
from backtest.evidence.inference import block_plan, block_sums, bootstrap_effects
from backtest.evidence.placebo import (
    placebo_effects,
    placebo_pvalue,
    placebo_timing,
    shuffle_index,
)
from backtest.evidence.stepdown import romano_wolf


def _clustered(rng: np.random.Generator, n: int, p_on: float = 0.01,
               p_stay: float = 0.8) -> np.ndarray:
    s = np.zeros(n, dtype=bool)
    u = rng.random(n)
    for t in range(1, n):
        s[t] = u[t] < (p_stay if s[t - 1] else p_on)
    return s


def test_shuffle_keeps_episodes_lengths_and_gaps() -> None:
    rng = np.random.default_rng(0)
    a = np.zeros(300, dtype=bool)
    a[[5, 6, 8, 40, 41, 42, 43, 100, 150, 151, 290]] = True
    e0 = episodes(a, 3)
    for _ in range(50):
        src = shuffle_index(a, rng, 3)
        p = src >= 0
        assert p.sum() == a.sum() and a[src[p]].all()
        e1 = episodes(p, 3)
        assert len(e1) == len(e0)
        assert sorted((e1.end - e1.start).tolist()) == sorted((e0.end - e0.start).tolist())
        assert sorted((e1.start[1:] - e1.end[:-1]).tolist()) == \
            sorted((e0.start[1:] - e0.end[:-1]).tolist())
    assert (shuffle_index(np.zeros(5, bool), rng) == -1).all()


def test_placebo_pvalue_counts() -> None:
    assert placebo_pvalue(0.5, [0.1, 0.6, 0.7, np.nan], "higher") == pytest.approx(3 / 4)
    assert placebo_pvalue(0.5, [0.1, 0.6, 0.7], "lower") == pytest.approx(2 / 4)
    assert np.isnan(placebo_pvalue(np.nan, [0.1], "higher"))


def test_placebo_pvalues_are_uniform_under_the_null() -> None:
    """200 null series (AR(1) returns, overlapping 5-day sums, clustered signal): the
    placebo p-values of the effect are uniform (KS test) and reject ~5 % at 5 %."""
    rng = np.random.default_rng(42)
    ps = []
    for _ in range(200):
        n = 1500
        e = rng.normal(0, 0.01, n + 5)
        r = np.empty(n + 5)
        r[0] = e[0]
        for t in range(1, n + 5):
            r[t] = 0.1 * r[t - 1] + e[t]
        y = np.convolve(r, np.ones(5), "valid")[:n]
        s = _clustered(rng, n)
        if s.sum() < 5:
            continue
        obs = y[s].mean() - y[~s].mean()
        ps.append(placebo_pvalue(obs, placebo_effects(y, s, 99, rng), "higher"))
    p = np.asarray(ps)
    assert stats.kstest(p, "uniform").pvalue > 0.01
    assert 0.02 <= (p <= 0.05).mean() <= 0.09


def test_placebo_detects_a_planted_effect_and_timing_placebo() -> None:
    rng = np.random.default_rng(3)
    n = 3000
    y = rng.normal(0, 0.01, n)
    s = _clustered(rng, n)
    y[s] += 0.006
    obs = y[s].mean() - y[~s].mean()
    assert placebo_pvalue(obs, placebo_effects(y, s, 199, rng), "higher") < 0.01
    # timing placebo: exposure on the days the market rises is better than its placebos
    m = rng.normal(0.0003, 0.01, n)
    x = np.where(np.r_[m[1:], 0] > 0.005, 1.0, 0.0)  # one-day look-ahead: pure skill
    x = np.roll(x, 1)
    res = placebo_timing(x, m, 199, rng)
    assert res.p_raw < 0.01 and res.observed > np.nanmax(res.placebos) * 0.5
    null = placebo_timing(_clustered(rng, n).astype(float), m, 199, rng)
    assert null.p_raw > 0.01


def _rw_data(rng: np.random.Generator, effects: list[float], T: int = 2000
             ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    base = rng.normal(0, 0.01, T)
    ys, ds = [], []
    for eff in effects:
        d = _clustered(rng, T, 0.02, 0.6)
        y = 0.7 * base + rng.normal(0, 0.007, T) + eff * d  # strongly dependent rows
        ys.append(y)
        ds.append(d)
    y = np.column_stack(ys)
    d = np.column_stack(ds)
    se = np.array([np.sqrt(y[:, j].var() * (1 / d[:, j].sum() + 1 / (~d[:, j]).sum()))
                   for j in range(len(effects))])
    return y, d, np.ones_like(d), se


def test_romano_wolf_controls_fwer_and_finds_a_planted_effect() -> None:
    rng = np.random.default_rng(8)
    fwe = 0
    for _ in range(40):
        y, d, v, se = _rw_data(rng, [0.0] * 6)
        rw = romano_wolf(y, d, v, np.ones(6), se, np.ones(6, bool), block_size=5, reps=300,
                         rng=rng)
        fwe += bool((np.r_[rw.p_expected, rw.p_opposite] < 0.05).any())
    assert fwe / 40 <= 0.15
    y, d, v, se = _rw_data(rng, [0.004, 0.0, 0.0, 0.0, 0.0, 0.0])
    rw = romano_wolf(y, d, v, np.ones(6), se, np.ones(6, bool), block_size=5, reps=400, rng=rng)
    assert rw.p_expected[0] < 0.05 and (rw.p_expected[1:] > 0.05).all()
    # expects lower on row 0: the planted rise is evidence for the opposite direction
    rw2 = romano_wolf(y, d, v, -np.ones(6), se, np.ones(6, bool), block_size=5, reps=400,
                      rng=rng)
    assert rw2.p_opposite[0] < 0.05 and rw2.p_expected[0] > 0.5
    # untestable rows stay NaN and do not enter the family
    rw3 = romano_wolf(y, d, v, np.ones(6), se, np.r_[True, False, True, True, True, True],
                      block_size=5, reps=100, rng=rng)
    assert np.isnan(rw3.p_expected[1]) and np.isfinite(rw3.p_expected[0])


@pytest.mark.parametrize("kind", ["circular", "stationary"])
def test_vectorised_bootstrap_has_arch_distribution(kind: str) -> None:
    rng = np.random.default_rng(0)
    n = 2000
    y = np.convolve(rng.normal(0, 0.01, n + 20), np.ones(21), "valid")[:n]
    d = _clustered(rng, n, 0.02, 0.7)
    ours = bootstrap_effects(y, d, block_size=21, reps=3000, rng=np.random.default_rng(1),
                             kind=kind)
    cls = CircularBlockBootstrap if kind == "circular" else StationaryBootstrap
    bs = cls(21, y, d.astype(float), seed=np.random.default_rng(2))
    ref = bs.apply(lambda a, b: np.array([a[b > 0].mean() - a[b == 0].mean()]), 3000)[:, 0]
    assert np.nanstd(ours) == pytest.approx(np.nanstd(ref), rel=0.08)
    assert np.nanmean(ours) == pytest.approx(np.nanmean(ref), abs=0.1 * np.nanstd(ref))
    # block sums equal explicit sums over the drawn blocks
    starts, lengths = block_plan(50, 7, 3, np.random.default_rng(4), kind)
    x = np.arange(50, dtype=float)
    got = block_sums(x, starts, lengths)[:, 0]
    want = [sum(x[(s + i) % 50] for s, ln in zip(starts[r], lengths[r], strict=True)
                for i in range(ln)) for r in range(3)]
    assert got == pytest.approx(want)
    assert (lengths.sum(axis=1) == 50).all()
