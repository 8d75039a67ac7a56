"""Event study: exact arithmetic, HAC against statsmodels, bootstrap, power and size."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy import stats

from backtest.evidence.event_study import COLUMNS, event_study
from backtest.evidence.judge import judge_table

from .synth import synthetic_market

OPEN = [100.0, 102.0, 101.0, 104.0, 103.0, 106.0, 108.0, 107.0]
CLOSE = [101.0, 101.5, 103.0, 103.5, 105.0, 107.0, 107.5, 108.0]


@pytest.fixture
def tiny() -> tuple[pd.DataFrame, pd.Series]:
    idx = pd.bdate_range("2020-01-06", periods=8)
    data = pd.DataFrame({"spx_open": OPEN, "spx_close": CLOSE}, index=idx)
    sig = pd.Series([True, False, False, True, False, False, False, False], index=idx)
    return data, sig


def test_exact_values_on_tiny_frame(tiny: tuple[pd.DataFrame, pd.Series]) -> None:
    data, sig = tiny
    res = event_study(sig, data, horizons=(1, 2), n_boot=0, max_gap=2)
    t = res.to_frame()
    assert list(t.columns) == list(COLUMNS)
    # h = 1: entry at the next open, exit one open later; rows 0..5 have a full window
    f1 = [101 / 102 - 1, 104 / 101 - 1, 103 / 104 - 1, 106 / 103 - 1, 108 / 106 - 1,
          107 / 108 - 1]
    r = t.loc[1]
    assert r.n_days == 6 and r.signal_days == 2 and r.episodes == 2
    assert r.mean_signal == pytest.approx((f1[0] + f1[3]) / 2, abs=1e-15)
    assert r.median_signal == pytest.approx((f1[0] + f1[3]) / 2, abs=1e-15)
    assert r.hit_rate == 0.5
    assert r.mean_uncond == pytest.approx(sum(f1) / 6, abs=1e-15)
    assert r.hit_rate_uncond == pytest.approx(3 / 6)
    others = [f1[i] for i in (1, 2, 4, 5)]
    assert r.mean_nonsignal == pytest.approx(sum(others) / 4, abs=1e-15)
    # the effect is signal minus the *other* days, the difference the HAC test is about
    assert r.effect == pytest.approx((f1[0] + f1[3]) / 2 - sum(others) / 4, abs=1e-15)
    # two one-day episodes: event-weighted = day-weighted
    assert r.event_effect == pytest.approx(r.effect, abs=1e-15)
    # largest episode (the first on ties, day 0) left out: the rest is day 3 vs days 1,2,4,5
    assert r.largest_episode == "2020-01-06..2020-01-06" and r.largest_episode_days == 1
    assert r.effect_ex_largest == pytest.approx(f1[3] - sum(others) / 4, abs=1e-15)
    # h = 2: rows 0..4; signal days 0 and 3 are 3 rows apart -> two episodes at max_gap 2
    f2 = [104 / 102 - 1, 103 / 101 - 1, 106 / 104 - 1, 108 / 103 - 1, 107 / 106 - 1]
    r2 = t.loc[2]
    assert r2.n_days == 5 and r2.episodes == 2
    assert r2.mean_signal == pytest.approx((f2[0] + f2[3]) / 2, abs=1e-15)
    assert r2.mean_uncond == pytest.approx(sum(f2) / 5, abs=1e-15)
    # with the default rule (10 days) the two signal days are one episode at every horizon
    d = event_study(sig, data, horizons=(1, 2), n_boot=0).table
    assert d["episodes"].tolist() == [1, 1]
    # event-weighted: only the episode's first day (row 0) against the other days
    assert d.loc[1, "event_effect"] == pytest.approx(f1[0] - sum(others) / 4, abs=1e-15)
    # next-close fill uses the closes instead
    rc = event_study(sig, data, horizons=(1,), fill="next_close", n_boot=0).table.loc[1]
    # closes of rows 1 -> 2 (signal day 0) and 4 -> 5 (signal day 3)
    assert rc.mean_signal == pytest.approx(((103 / 101.5 - 1) + (107 / 105 - 1)) / 2,
                                           abs=1e-15)


def test_valid_mask_restricts_the_sample(tiny: tuple[pd.DataFrame, pd.Series]) -> None:
    data, sig = tiny
    valid = pd.Series([False, False, True, True, True, True, True, True], index=data.index)
    r = event_study(sig, data, horizons=(1,), n_boot=0, valid=valid).table.loc[1]
    f1 = [103 / 104 - 1, 106 / 103 - 1, 108 / 106 - 1, 107 / 108 - 1]  # rows 2..5
    assert r.n_days == 4 and r.signal_days == 1
    assert r.mean_uncond == pytest.approx(sum(f1) / 4, abs=1e-15)
    assert r.mean_signal == pytest.approx(f1[1], abs=1e-15)


def _direct_hac(data: pd.DataFrame, sig: pd.Series, h: int) -> Any:
    # forward return written out with plain pandas, independent of fills.py
    fwd = data["spx_open"].shift(-(1 + h)) / data["spx_open"].shift(-1) - 1.0
    ok = fwd.notna()
    X = sm.add_constant(sig[ok].astype(float).to_numpy())
    return sm.OLS(fwd[ok].to_numpy(), X).fit(cov_type="HAC", cov_kwds={"maxlags": h})


@pytest.mark.parametrize("h", [1, 5, 21])
def test_hac_tstat_equals_direct_statsmodels_regression(h: int) -> None:
    data, sig = synthetic_market(np.random.default_rng(7), T=1500, effect=0.001)
    res = event_study(sig, data, horizons=(h,), n_boot=0).table.loc[h]
    direct = _direct_hac(data, sig, h)
    assert res.hac_lags == h
    assert res.t_hac == pytest.approx(direct.tvalues[1], rel=1e-10)
    assert res.se_hac == pytest.approx(direct.bse[1], rel=1e-10)
    assert res.effect == pytest.approx(direct.params[1], rel=1e-10)
    t = direct.tvalues[1]
    assert res.p_raw == pytest.approx(stats.norm.sf(t), rel=1e-8)
    low = event_study(sig, data, horizons=(h,), expect="lower", n_boot=0).table.loc[h]
    assert low.p_raw == pytest.approx(stats.norm.cdf(t), rel=1e-8)


def test_bootstrap_interval_reproducible_with_seed() -> None:
    data, sig = synthetic_market(np.random.default_rng(3), T=1200, effect=0.002)
    a = event_study(sig, data, horizons=(1, 10), n_boot=300, seed=11).table
    b = event_study(sig, data, horizons=(1, 10), n_boot=300, seed=11).table
    c = event_study(sig, data, horizons=(1, 10), n_boot=300, seed=12).table
    pd.testing.assert_frame_equal(a, b)
    assert not np.allclose(a[["ci_low", "ci_high"]], c[["ci_low", "ci_high"]])
    assert (a.ci_low < a.effect).all() and (a.effect < a.ci_high).all()
    assert a.loc[10, "block_size"] == 21 and a.loc[1, "block_size"] == 21
    d = event_study(sig, data, horizons=(63,), n_boot=50, seed=1).table
    assert d.loc[63, "block_size"] == 63


def test_bootstrap_interval_width_matches_hac_scale() -> None:
    # interval and test refer to one difference: the bootstrap spread matches se_hac
    data, sig = synthetic_market(np.random.default_rng(5), T=3000)
    r = event_study(sig, data, horizons=(5,), n_boot=1000, seed=2).table.loc[5]
    hac_se_effect = r.se_hac
    boot_se = (r.ci_high - r.ci_low) / (2 * 1.96)
    assert 0.6 < boot_se / hac_se_effect < 1.6


def test_planted_effect_detected_at_designed_power() -> None:
    """Design: T=2500, signal share ~6 % (~156 days), daily vol 1 %.  At h=1 the
    standard error of the difference is about 0.01 * sqrt(1/156 + 1/2344) = 0.00083,
    so an effect of 0.0021 gives power Phi(0.0021/0.00083 - 1.645) = 0.80 for the
    one-sided 5 % test.  Over 150 seeded markets the detection rate must be near it."""
    rng = np.random.default_rng(2024)
    hits = []
    for _ in range(150):
        data, sig = synthetic_market(rng, effect=0.0021)
        r = event_study(sig, data, horizons=(1,), n_boot=0).table.loc[1]
        hits.append(r.p_raw < 0.05)
    rate = float(np.mean(hits))
    assert 0.68 <= rate <= 0.92, rate


def test_false_positive_rate_near_nominal_with_overlap() -> None:
    """No effect, clustered signals, overlapping windows: the one-sided 5 % HAC test
    must reject about 5 % of the time (binomial sd ~1.5 % over 250 runs)."""
    rng = np.random.default_rng(99)
    rej = []
    for _ in range(250):
        data, sig = synthetic_market(rng)
        t = event_study(sig, data, horizons=(1, 5, 21), n_boot=0).table
        rej.append((t.p_raw < 0.05).to_numpy())
    rates = np.mean(rej, axis=0)
    assert (rates < 0.095).all(), rates
    assert 0.02 < rates.mean() < 0.075, rates


def _judged(t: pd.DataFrame, expect: str, min_episodes: int = 10) -> pd.DataFrame:
    rows = t.reset_index().assign(expect=expect, primary=True)
    return judge_table(rows, min_episodes=min_episodes)


def test_strong_effect_in_the_wrong_direction_contradicts() -> None:
    data, sig = synthetic_market(np.random.default_rng(1), effect=0.006)
    t = event_study(sig, data, horizons=(1,), expect="lower", n_boot=0).table
    assert _judged(t, "lower").loc[0, "verdict"] == "contradicts"
    t = event_study(sig, data, horizons=(1,), expect="higher", n_boot=0).table
    assert _judged(t, "higher").loc[0, "verdict"] == "supports"


def test_by_era_splits_signal_days_and_uses_era_mean() -> None:
    data, sig = synthetic_market(np.random.default_rng(4), T=3000)
    res = event_study(sig, data, horizons=(1, 5), n_boot=0)
    eras = res.by_era("decade")
    assert set(eras.index.get_level_values("era")) == {"2000s", "2010s"}
    for h in (1, 5):
        assert (eras.xs(h, level="horizon").signal_days.sum()
                == res.table.loc[h, "signal_days"])
    fwd = data["spx_open"].shift(-2) / data["spx_open"].shift(-1) - 1.0
    in_2000s = (data.index.year < 2010) & fwd.notna().to_numpy()
    assert eras.loc[("2000s", 1), "mean_uncond"] == pytest.approx(fwd[in_2000s].mean(),
                                                                   rel=1e-12)
    assert len(res.signal_days) == int(sig.sum())


def test_too_few_signals_gives_nan(tiny: tuple[pd.DataFrame, pd.Series]) -> None:
    data, _ = tiny
    one = pd.Series(False, index=data.index)
    one.iloc[2] = True
    r = event_study(one, data, horizons=(1,), n_boot=20, seed=0).table.loc[1]
    assert r.signal_days == 1 and np.isnan(r.t_hac) and np.isnan(r.se_hac)
    assert _judged(event_study(one, data, horizons=(1,), n_boot=0).table,
                   "higher").loc[0, "verdict"] == "too few"
    with pytest.raises(ValueError, match="min_episodes must be >= 0"):
        event_study(one, data, horizons=(1,), n_boot=0, min_episodes=-1)
    with pytest.raises(ValueError, match="max_gap must be >= 1"):
        event_study(one, data, horizons=(1,), n_boot=0, max_gap=0)


def test_three_episodes_with_a_huge_effect_are_too_few() -> None:
    """Three clusters of signal days, each followed by a +5 % day: the HAC test is
    overwhelming, yet three market moves are not a repeatable effect."""
    rng = np.random.default_rng(4)
    n = 600
    idx = pd.bdate_range("2001-01-01", periods=n)
    ret = rng.normal(0.0, 0.005, n)
    sig = np.zeros(n, dtype=bool)
    for start in (100, 300, 500):
        sig[start:start + 4] = True  # four adjacent days: one episode
        ret[start + 2:start + 9] = 0.05  # the fill-to-fill returns after them jump
    close = 100.0 * np.exp(np.cumsum(ret))
    data = pd.DataFrame({"spx_open": close, "spx_close": close}, index=idx)
    s = pd.Series(sig, index=idx)
    res = event_study(s, data, horizons=(5,), n_boot=0)
    r = res.table.loc[5]
    assert r.episodes == 3 and r.signal_days == 12
    assert r.p_raw < 1e-6  # the raw test would call it
    assert _judged(res.table, "higher").loc[0, "verdict"] == "too few"
    assert _judged(res.table, "higher", min_episodes=3).loc[0, "verdict"] == "supports"
    assert "p_raw" in res.summary() and "verdict" not in res.summary()


def test_bad_input_messages(tiny: tuple[pd.DataFrame, pd.Series]) -> None:
    data, sig = tiny
    with pytest.raises(ValueError, match="indexed exactly like the market data"):
        event_study(sig.iloc[1:], data)
    with pytest.raises(ValueError, match="only True/False"):
        event_study(sig.astype(float).replace(1.0, 2.0), data)
    with pytest.raises(TypeError, match="pandas Series of bool"):
        event_study(sig.to_numpy(), data)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="expect must be 'higher' or 'lower'"):
        event_study(sig, data, expect="up")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="horizons must be distinct integers >= 1"):
        event_study(sig, data, horizons=(0, 5))
    with pytest.raises(ValueError, match="fill 'next_open' needs column 'spx_open'"):
        event_study(sig, data.drop(columns="spx_open"))
    with pytest.raises(ValueError, match="alpha must lie in"):
        event_study(sig, data, alpha=0.7)
    with pytest.raises(TypeError, match="seed must be an int"):
        event_study(sig, data, seed="x")  # type: ignore[arg-type]


def test_bootstrap_interval_covers_zero_under_no_effect() -> None:
    """Nominal 90 % intervals, 120 seeded null markets (binomial sd ~2.7 %)."""
    rng = np.random.default_rng(7)
    cover = []
    for i in range(120):
        data, sig = synthetic_market(rng, T=1500)
        t = event_study(sig, data, horizons=(1, 10), n_boot=200, conf=0.9, seed=i).table
        cover.append(((t.ci_low < 0) & (t.ci_high > 0)).to_numpy())
    rates = np.mean(cover, axis=0)
    assert (rates > 0.8).all() and (rates < 0.97).all(), rates
