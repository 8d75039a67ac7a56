"""A sweep row equals the full vectorbt run of that parameter set (all statistics, 1e-9)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from backtest.execution.config import Execution
from backtest.execution.portfolio import run
from backtest.execution.result import STAT_NAMES as RUN_STAT_NAMES
from backtest.sweep import STAT_NAMES, Sweep
from strategies.bollinger_break import BollingerBreak
from strategies.compare import at_or_above

from .helpers import Threshold

TOL = 1e-9


def _assert_stats_equal(sweep_row: pd.Series, run_row: pd.Series, label: object) -> None:
    a = sweep_row[list(STAT_NAMES)].to_numpy(dtype=float)
    b = run_row[list(STAT_NAMES)].to_numpy(dtype=float)
    same_nan = np.isnan(a) == np.isnan(b)
    assert same_nan.all(), f"{label}: nan differs in {np.array(STAT_NAMES)[~same_nan]}"
    ok = np.isnan(a) | (a == b) | (np.abs(a - b) <= TOL * np.maximum(1.0, np.abs(b)))
    assert ok.all(), (f"{label}: " + ", ".join(f"{n}: sweep {x!r} vs run {y!r}" for n, x, y, g
                                               in zip(STAT_NAMES, a, b, ok, strict=True) if not g))


def test_stat_names_are_the_run_results() -> None:
    assert tuple(STAT_NAMES) == tuple(RUN_STAT_NAMES)


# window=2, num_std=1.0 puts the upper band exactly on the larger of the two
# closes every day (population std of two values is half their distance):
# exact ties between the VIX and its band, on every bar.
_GRID = {"window": [2, 20, 63], "num_std": [1.0, 2.0], "exit_style": ["inside", "middle", "none"]}
_COSTS = {"fees": [0.0, 0.001], "slippage": [0.0, 0.0005], "holding_period": [None, 5]}


# the total mode on every side (432 combinations), the price mode once more
@pytest.mark.parametrize(("side", "returns"), [("long", "total"), ("short", "total"),
                                               ("both", "total"), ("both", "price")])
def test_every_row_equals_the_vectorbt_run(honest_market: pd.DataFrame, side: str,
                                           returns: str) -> None:
    market = honest_market
    assert market["spxtr"].notna().sum() > 8000 and market["dtb3"].notna().sum() > 8000
    ex = Execution(side=side, returns=returns)  # type: ignore[arg-type]
    grid = dict(_GRID)
    sw = Sweep(BollingerBreak, grid, execution=ex, exec_grid=_COSTS)
    res = sw.run(market, progress=False)
    sets = sw.parameter_sets
    full = run(sets, market, ex, **_COSTS)  # one vectorbt run, one column per combination
    run_stats = full.stats_frame
    assert len(run_stats) == len(res) == 3 * 2 * 3 * 2 * 2 * 2
    # label the run's columns by parameters (holding_period None -> 0, as the sweep does)
    keyed = run_stats.reset_index()
    keyed["holding_period"] = keyed["holding_period"].fillna(0).astype(int)
    keyed = keyed.set_index(res.parameters)
    compared = 0
    for key, row in res.table.iterrows():
        _assert_stats_equal(row, keyed.loc[key], key)
        compared += 1
    assert compared == len(res)
    # daily returns as well, for the evidence layer
    rets = sw.run(market, progress=False, keep_returns=True).returns()
    vb = full.returns_frame.copy()
    cols = vb.columns.to_frame(index=False)
    cols["holding_period"] = cols["holding_period"].fillna(0).astype(int)
    vb.columns = pd.MultiIndex.from_frame(cols[res.parameters])
    vb = vb[rets.columns]
    np.testing.assert_allclose(rets.to_numpy(), vb.to_numpy(), rtol=0, atol=1e-12)
    assert rets.index.equals(full.index)


def test_grid_contains_exact_ties(market: pd.DataFrame) -> None:
    """Guard: the window-2 rows above really exercise ties (VIX on its band)."""
    v = market["vix_close"].dropna()
    prev = v.shift(1)
    larger = np.maximum(v, prev)
    upper = (v + prev) / 2 + np.abs(v - prev) / 2  # mean + 1 population std, exactly
    on_band = (v == larger) & (v != prev)
    assert int(on_band.sum()) > 3000
    # the tie comparison calls them "at or above", never strictly above
    assert at_or_above(v[on_band].to_numpy(), upper[on_band].to_numpy()).all()
    s = BollingerBreak(window=2, num_std=1.0).signals(market)
    assert not s.long_entries.any()


def test_row_equals_single_run(market: pd.DataFrame) -> None:
    """One parameter set, picked from a sweep, against its own single run."""
    ex = Execution(fees=0.0005, slippage=0.0002)
    sw = Sweep(BollingerBreak, {"window": [21, 63], "num_std": [1.5, 2.5]},
               execution=ex, exec_grid={"holding_period": [None, 10]})
    res = sw.run(market, progress=False)
    for key, row in res.table.iterrows():
        w, k, hp = key
        single = run(BollingerBreak(window=w, num_std=k), market,
                     Execution(fees=0.0005, slippage=0.0002, holding_period=hp or None))
        _assert_stats_equal(row, single.stats, key)


def test_benchmark_equals_run_benchmark(market: pd.DataFrame) -> None:
    ex = Execution(fees=0.001)
    res = Sweep(BollingerBreak, {"window": [63]}, execution=ex).run(market, progress=False)
    single = run(BollingerBreak(), market, ex)
    _assert_stats_equal(res.benchmark.iloc[0], single.benchmark_stats, "benchmark")


def _tiny() -> pd.DataFrame:
    idx = pd.bdate_range("2020-01-01", periods=6, name="date")
    return pd.DataFrame({
        "spx_open": [100.0, 101.0, 102.0, 103.0, 104.0, 105.0],
        "spx_close": [100.5, 101.5, 102.5, 103.5, 104.5, 105.5],
        "vix_close": [15.0, 30.0, 15.0, 15.0, 15.0, 15.0],
    }, index=idx)


def test_exact_long_trade_by_hand() -> None:
    """VIX 30 on day 1 -> buy at day 2's open, exit signal day 2 -> sell at day 3's open."""
    res = Sweep(Threshold, {"high": [20.0], "low": [10.0]},
                execution=Execution(fees=0.01, slippage=0.0)).run(_tiny(), progress=False)
    row = res.table.iloc[0]
    size = 100_000 / 1.01 / 102.0
    final = size * 103.0 * 0.99
    assert row["total_return"] == pytest.approx(final / 100_000 - 1, rel=1e-12)
    assert row["trades"] == 1
    assert row["win_rate"] == 0.0
    assert row["average_loss"] == pytest.approx((final - 100_000) / 100_000, rel=1e-12)
    assert row["time_in_market"] == pytest.approx(1 / 6)
    # equity path: cash until day 2, then size * close, then cash again
    eq = np.array([1e5, 1e5, size * 102.5, final, final, final])
    dd = eq / np.maximum.accumulate(np.concatenate(([1e5], eq)))[1:] - 1
    assert row["max_drawdown"] == pytest.approx(dd.min(), rel=1e-12)


def test_exact_short_trade_by_hand() -> None:
    """VIX 8 on day 1 -> short at day 2's open (slipped down), cover at day 3's open."""
    frame = _tiny().assign(vix_close=[15.0, 8.0, 15.0, 15.0, 15.0, 15.0])
    fees, slip = 0.001, 0.002
    res = Sweep(Threshold, {"high": [20.0], "low": [10.0]},
                execution=Execution(fees=fees, slippage=slip)).run(frame, progress=False)
    row = res.table.iloc[0]
    p_in, p_out = 102.0 * (1 - slip), 103.0 * (1 + slip)
    size = 100_000 / (p_in * (1 + fees))
    final = 100_000 + size * p_in * (1 - fees) - size * p_out * (1 + fees)
    assert row["total_return"] == pytest.approx(final / 100_000 - 1, rel=1e-12)
    committed = size * p_in + size * p_in * fees
    assert row["average_loss"] == pytest.approx((final - 100_000) / committed, rel=1e-12)
    assert row["profit_factor"] == 0.0


def test_holding_period_exit_by_hand() -> None:
    """Signal exits off, holding period 2: bought day 2, sold at day 4's open."""
    res = Sweep(Threshold, {"high": [20.0], "low": [10.0]},
                execution=Execution(exit_on_signal=False, holding_period=2, fees=0.0,
                                      slippage=0.0)
                ).run(_tiny(), progress=False)
    row = res.table.iloc[0]
    assert row["total_return"] == pytest.approx(104.0 / 102.0 - 1, rel=1e-12)
    assert row["time_in_market"] == pytest.approx(2 / 6)
    assert row["win_rate"] == 1.0
    assert np.isinf(row["profit_factor"])


def test_missing_strategy_column_is_named() -> None:
    from backtest.errors import MissingDataError

    frame = _tiny().drop(columns="vix_close")
    with pytest.raises(MissingDataError, match="vix_close"):
        Sweep(Threshold, {"high": [20.0]}).run(frame, progress=False)


def test_missing_open_on_an_order_day_fills_at_that_close() -> None:
    frame = _tiny()
    frame.loc[frame.index[2], "spx_open"] = np.nan  # the entry fills on day 2, at its close
    ex = Execution(fees=0.0, slippage=0.0, returns="price")
    row = Sweep(Threshold, {"high": [20.0], "low": [10.0]}, execution=ex).run(
        frame, progress=False).table.iloc[0]
    assert row["total_return"] == pytest.approx(103.0 / 102.5 - 1, rel=1e-12)
    assert row["total_return"] == pytest.approx(
        run(Threshold(high=20.0, low=10.0), frame, ex).stats["total_return"], rel=1e-12)


def test_benchmark_buys_at_the_first_close_without_an_open() -> None:
    frame = _tiny()
    frame.loc[frame.index[0], "spx_open"] = np.nan
    ex = Execution(fees=0.0, slippage=0.0, returns="price")
    res = Sweep(Threshold, {"high": [40.0]}, execution=ex).run(frame, progress=False)
    assert res.benchmark["total_return"].iloc[0] == pytest.approx(105.5 / 100.5 - 1, rel=1e-12)
