"""Regimes, before/after publication, vol-scaled event studies."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from backtest.evidence.event_study import event_study
from backtest.evidence.strategy_study import strategy_sample, study_strategy
from backtest.execution.fills import forward_returns
from backtest.information.publication import publication_masks, publication_table
from backtest.information.regimes import regime_masks, regime_table
from backtest.information.scaling import scaled_study
from strategies.registry import REGISTRY
from strategies.spike_reversal import SpikeReversal
from tests.information.conftest import random_market


@pytest.fixture(scope="module")
def market() -> pd.DataFrame:
    f = random_market(11, T=2600)
    rng = np.random.default_rng(12)
    lv = np.zeros(len(f))
    for t in range(1, len(f)):  # a mean-reverting log VIX with spikes
        lv[t] = 0.95 * lv[t - 1] + rng.normal(0, 0.08)
    f["vix_close"] = 20 * np.exp(lv)
    return f


def test_trend_masks(market: pd.DataFrame) -> None:
    m = regime_masks(market, "trend")
    c = market["spx_close"]
    sma = c.rolling(200).mean()
    np.testing.assert_array_equal(m["SPX above 200-day"], (c > sma).to_numpy())
    np.testing.assert_array_equal(m["SPX below 200-day"], (c <= sma).to_numpy())
    assert not (m["SPX above 200-day"] | m["SPX below 200-day"])[:199].any()


def test_vix_terciles_are_real_time(market: pd.DataFrame) -> None:
    full = regime_masks(market, "vix_tercile")
    assert sum(v.sum() for v in full.values()) == len(market) - 251
    for t in (251, 900, 1800):
        part = regime_masks(market.iloc[: t + 1], "vix_tercile")
        for k, v in part.items():
            np.testing.assert_array_equal(v, full[k][: t + 1])
    with pytest.raises(ValueError, match="regime must be one of"):
        regime_masks(market, "decade")  # type: ignore[arg-type]


def test_regime_rows_are_the_event_study_inside_the_regime(market: pd.DataFrame) -> None:
    res = regime_table(market, ["spike_reversal"], [5], regimes=["trend"])
    t = res.table.set_index("part")
    s = SpikeReversal()
    sample = strategy_sample(s, market).to_numpy()
    entries = s.signals(market).long_entries
    for part, mask in regime_masks(market, "trend").items():
        direct = event_study(entries, market, [5], n_boot=0,
                             valid=pd.Series(sample & mask, index=market.index)).table.loc[5]
        assert t.loc[part, "part_days"] == direct.n_days
        assert t.loc[part, "effect"] == pytest.approx(direct.effect, abs=1e-15)
        assert t.loc[part, "t_hac"] == pytest.approx(direct.t_hac, abs=1e-12)
    assert (res.table["signal_days"] > 20).all()
    assert set(res.table["verdict"]) <= {"supports", "contradicts", "no effect",
                                         "inconclusive", "too few"}
    assert set(res.table["horizon"]) == {5}


def test_regime_default_horizon_is_primary(market: pd.DataFrame) -> None:
    res = regime_table(market, ["spike_reversal"], regimes=["vix_tercile"])
    assert set(res.table["horizon"]) == {SpikeReversal.primary_horizons()["long"]}
    assert len(res.table) == 3


def test_publication_masks_split_at_year_end() -> None:
    idx = pd.DatetimeIndex(["2008-12-31", "2009-01-02"])
    m = publication_masks(idx, 2008)
    assert m["before publication (..2008)"].tolist() == [True, False]
    assert m["after publication (2009..)"].tolist() == [False, True]


def test_every_strategy_has_a_publication_year() -> None:
    for cls in REGISTRY.values():
        assert cls.published is not None and 2003 <= cls.published <= 2015, cls.name


def test_change_is_after_minus_before_effect(market: pd.DataFrame) -> None:
    res = publication_table(market, ["spike_reversal"], [5, 21])
    for h in (5, 21):
        t = res.table[res.table["horizon"] == h].set_index("part")
        before = t.loc["before publication (..2008)", "effect"]
        after = t.loc["after publication (2009..)", "effect"]
        assert t["change"].iloc[0] == pytest.approx(after - before, abs=1e-12)
        assert np.isfinite(t["t_change"].iloc[0])


def test_event_study_forward_hook(market: pd.DataFrame) -> None:
    sig = SpikeReversal().signals(market).long_entries
    a = event_study(sig, market, [5], n_boot=0).table
    b = event_study(sig, market, [5], n_boot=0,
                    forward=forward_returns(market, [1, 5])).table
    pd.testing.assert_frame_equal(a, b)
    with pytest.raises(ValueError, match="forward must be indexed like data"):
        event_study(sig, market, [5], n_boot=0, forward=forward_returns(market, [1]))


def test_scaled_study(market: pd.DataFrame) -> None:
    raw = scaled_study("spike_reversal", market, [5], scale="raw", n_boot=0).sides["long"]
    ref = study_strategy("spike_reversal", market, [5], n_boot=0).sides["long"]
    pd.testing.assert_frame_equal(raw.table, ref.table)
    vol = scaled_study("spike_reversal", market, [5], n_boot=0).sides["long"]
    c = market["spx_close"]
    rv = np.sqrt((np.log(c).diff() ** 2).rolling(21).mean() * 252)
    y = (market["spx_open"].shift(-6) / market["spx_open"].shift(-1) - 1) / (
        rv * np.sqrt(5 / 252))
    days = vol.signal_days
    want = y.loc[days].dropna().mean()
    assert vol.table.loc[5, "mean_signal"] == pytest.approx(want, rel=1e-10)
