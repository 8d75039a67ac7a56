"""Exact values of the vectorised run on tiny hand-built frames.

Every expected number below is derived by hand from the rules in
``backtest.execution.config`` (fill next day, all in, fees and slippage as
fractions, equity at the close) and written out as arithmetic.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import pytest

from backtest.execution import Execution, run, run_signals
from strategies.base import Side, Signals

from .adhoc import SmaBand
from .conftest import tiny_frame

OPENS = [100.0, 102.0, 104.0, 103.0, 106.0, 108.0]
CLOSES = [101.0, 103.0, 102.0, 105.0, 107.0, 110.0]


def make_signals(frame: pd.DataFrame, le: Sequence[int] = (), lx: Sequence[int] = (),
                 se: Sequence[int] = (), sx: Sequence[int] = (),
                 sides: tuple[Side, ...] = ("long", "short")) -> Signals:
    def s(rows: Sequence[int]) -> pd.Series:
        a = np.zeros(len(frame), dtype=bool)
        a[list(rows)] = True
        return pd.Series(a, index=frame.index)

    return Signals(s(le), s(lx), s(se), s(sx), sides)


@pytest.fixture
def frame() -> pd.DataFrame:
    return tiny_frame(OPENS, CLOSES)


def test_long_trade_with_fees_and_slippage(frame: pd.DataFrame) -> None:
    ex = Execution(fees=0.01, slippage=0.02, init_cash=1000.0)
    res = run_signals(make_signals(frame, le=[0], lx=[3]), frame, ex)
    buy = 102.0 * 1.02                      # day 1 open, pushed up by slippage
    units = 1000.0 / (buy * 1.01)           # whole cash = value + 1 % fee
    sell = 106.0 * 0.98                     # day 4 open, pushed down
    cash = units * sell * 0.99
    expected = [1000.0, units * 103.0, units * 102.0, units * 105.0, cash, cash]
    np.testing.assert_allclose(res.equity.to_numpy(), expected, rtol=1e-12)
    t = res.trades.iloc[0]
    assert (t["side"], t["status"]) == ("long", "closed")
    assert (t["entry_date"], t["exit_date"]) == (frame.index[1], frame.index[4])
    assert t["signal_date"] == frame.index[0]
    assert t["entry_price"] == pytest.approx(buy, rel=1e-12)
    assert t["exit_price"] == pytest.approx(sell, rel=1e-12)
    assert t["pnl"] == pytest.approx(cash - 1000.0, rel=1e-9)
    assert t["return"] == pytest.approx(cash / 1000.0 - 1.0, rel=1e-9)
    assert t["bars"] == 3
    np.testing.assert_allclose(res.position.to_numpy(), [0, units, units, units, 0, 0],
                               rtol=1e-12)
    assert res.stats["trades"] == 1
    assert res.stats["win_rate"] == (1.0 if cash > 1000 else 0.0)
    assert res.stats["time_in_market"] == pytest.approx(3 / 6)
    assert res.stats["total_return"] == pytest.approx(cash / 1000.0 - 1.0, rel=1e-12)


def test_short_trade_with_fees_and_slippage(frame: pd.DataFrame) -> None:
    ex = Execution(fees=0.01, slippage=0.02, init_cash=1000.0)
    res = run_signals(make_signals(frame, se=[0], sx=[2]), frame, ex)
    sell = 102.0 * 0.98
    n = 1000.0 / (sell * 1.01)              # sale value plus its fee = equity
    cash = 1000.0 + n * sell * 0.99
    cover = 103.0 * 1.02                    # day 3 open, pushed up
    after = cash - n * cover * 1.01
    expected = [1000.0, cash - n * 103.0, cash - n * 102.0, after, after, after]
    np.testing.assert_allclose(res.equity.to_numpy(), expected, rtol=1e-12)
    t = res.trades.iloc[0]
    assert (t["side"], t["entry_date"], t["exit_date"]) == ("short", frame.index[1],
                                                             frame.index[3])
    assert t["pnl"] == pytest.approx(after - 1000.0, rel=1e-9)
    assert res.exposure.iloc[1] == pytest.approx(-n * 103.0 / (cash - n * 103.0), rel=1e-12)


def test_holding_period_closes_at_the_fill_bar_n_later(frame: pd.DataFrame) -> None:
    ex = Execution(holding_period=2, init_cash=1000.0, fees=0.0, slippage=0.0)
    res = run_signals(make_signals(frame, le=[0]), frame, ex)
    units = 1000.0 / 102.0                  # filled day 1 ...
    cash = units * 103.0                    # ... closed day 3 at the open
    np.testing.assert_allclose(res.equity.to_numpy(),
                               [1000.0, units * 103, units * 102, cash, cash, cash],
                               rtol=1e-12)
    assert list(res.trades["exit_date"]) == [frame.index[3]]


def test_time_exit_bar_takes_no_entry(frame: pd.DataFrame) -> None:
    # entries every day: the position filled day 1 closes day 2 (N=1); the entry
    # arriving on day 2 is ignored, the one on day 3 opens again
    ex = Execution(holding_period=1, exit_on_signal=False, init_cash=1000.0, fees=0.0,
                   slippage=0.0)
    res = run_signals(make_signals(frame, le=range(6)), frame, ex)
    assert list(res.trades["entry_date"]) == [frame.index[1], frame.index[3], frame.index[5]]
    assert list(res.trades["exit_date"]) == [frame.index[2], frame.index[4], frame.index[5]]
    assert list(res.trades["status"]) == ["closed", "closed", "open"]
    c = 1000.0 / 102.0 * 104.0
    c = c / 103.0 * 106.0
    assert res.equity.iloc[-1] == pytest.approx(c / 108.0 * 110.0, rel=1e-12)


def test_next_close_fill(frame: pd.DataFrame) -> None:
    ex = Execution(fill="next_close", init_cash=1000.0, fees=0.0, slippage=0.0)
    res = run_signals(make_signals(frame, le=[0], lx=[2]), frame, ex)
    units = 1000.0 / 103.0                  # day 1 close, never day 0's
    np.testing.assert_allclose(res.equity.to_numpy(),
                               [1000, 1000, units * 102, units * 105, units * 105,
                                units * 105], rtol=1e-12)


def test_signal_on_last_day_never_fills(frame: pd.DataFrame) -> None:
    res = run_signals(make_signals(frame, le=[5]), frame, Execution(fees=0.0, slippage=0.0))
    assert res.trades.empty
    assert (res.equity == 100_000.0).all()
    assert np.isnan(res.stats["win_rate"]) and res.stats["trades"] == 0


def test_open_trade_is_valued_at_the_last_close(frame: pd.DataFrame) -> None:
    res = run_signals(make_signals(frame, le=[3]), frame,
                      Execution(init_cash=1000.0, fees=0.0, slippage=0.0))
    units = 1000.0 / 106.0
    assert res.equity.iloc[-1] == pytest.approx(units * 110.0, rel=1e-12)
    t = res.trades.iloc[0]
    assert (t["status"], t["exit_date"]) == ("open", frame.index[5])
    assert res.stats["trades"] == 0        # statistics count closed trades


def test_conflicts_cancel(frame: pd.DataFrame) -> None:
    # day 0: long entry + long exit -> nothing; day 1: long + short entry -> nothing;
    # day 2: long entry -> fills day 3; day 3: short entry while long -> ignored;
    # day 4: long exit -> closes day 5
    sig = make_signals(frame, le=[0, 1, 2], lx=[0, 4], se=[1, 3])
    res = run_signals(sig, frame, Execution(init_cash=1000.0, fees=0.0, slippage=0.0))
    assert list(res.trades["side"]) == ["long"]
    assert (res.trades["entry_date"].iloc[0], res.trades["exit_date"].iloc[0]) == (
        frame.index[3], frame.index[5])
    assert res.equity.iloc[-1] == pytest.approx(1000.0 / 103.0 * 108.0, rel=1e-12)


def test_side_selects_signals(frame: pd.DataFrame) -> None:
    sig = make_signals(frame, le=[0], lx=[1], se=[2], sx=[3])
    longs = run_signals(sig, frame, Execution(side="long"))
    shorts = run_signals(sig, frame, sides="short")
    both = run_signals(sig, frame, Execution())
    assert list(longs.trades["side"]) == ["long"]
    assert list(shorts.trades["side"]) == ["short"]
    assert list(both.trades["side"]) == ["long", "short"]


def test_benchmark_buys_at_first_fill_with_costs(frame: pd.DataFrame) -> None:
    res = run_signals(make_signals(frame), frame,
                      Execution(fees=0.01, slippage=0.02, init_cash=1000.0))
    units = 1000.0 / (100.0 * 1.02 * 1.01)
    np.testing.assert_allclose(res.benchmark_equity.to_numpy(),
                               units * np.asarray(CLOSES), rtol=1e-12)
    assert res.benchmark_stats["time_in_market"] == 1.0


def test_cost_sweep_columns_equal_single_runs(frame: pd.DataFrame) -> None:
    sig = make_signals(frame, le=[0], lx=[3], se=[4])
    sweep = run_signals(sig, frame, Execution(), fees=[0.0, 0.01], slippage=[0.0, 0.005])
    assert sweep.n_columns == 4
    assert list(sweep.columns.names) == ["set", "fees", "slippage"]
    for j, (_, fees, slip) in enumerate(sweep.columns):
        single = run_signals(sig, frame, Execution(fees=fees, slippage=slip))
        np.testing.assert_array_equal(sweep.column(j).equity.to_numpy(),
                                      single.equity.to_numpy())
        np.testing.assert_array_equal(sweep.column(j).benchmark_equity.to_numpy(),
                                      single.benchmark_equity.to_numpy())
        pd.testing.assert_series_equal(sweep.column(j).stats, single.stats)


def test_parameter_grid_columns_equal_single_runs() -> None:
    vix = [20, 21, 26, 22, 19, 18, 17, 25, 30, 20, 15, 14]
    closes = [100.0 + i for i in range(12)]
    frame = tiny_frame([c - 0.5 for c in closes], closes, vix=[float(v) for v in vix])
    grid = SmaBand.product(window=[2, 3], band=[0.05, 0.1])
    res = run(grid, frame, Execution(fees=0.001), holding_period=[None, 2])
    assert res.n_columns == 8
    assert res.stats_frame.shape == (8, 14)
    k = 0
    for hp in (None, 2):
        for s in grid:
            single = run(s, frame, Execution(fees=0.001, holding_period=hp))
            np.testing.assert_array_equal(res.column(k).equity.to_numpy(),
                                          single.equity.to_numpy())
            k += 1
    assert res.trades["column"].nunique() > 1  # several columns traded at all


def test_single_column_accessors_refuse_grids(frame: pd.DataFrame) -> None:
    res = run_signals(make_signals(frame, le=[0]), frame, fees=[0.0, 0.01])
    with pytest.raises(ValueError, match="one-column result; this one has 2 columns"):
        res.equity  # noqa: B018
    assert "total_return" in res.summary()
    assert res.to_frame().shape == (6, 12)


def test_summary_and_frame(frame: pd.DataFrame) -> None:
    res = run_signals(make_signals(frame, le=[0], lx=[3]), frame, Execution(fees=0.001))
    text = res.summary()
    for key in ("total_return", "sharpe", "max_drawdown_duration", "profit_factor",
                "buy & hold", "fees=0.001"):
        assert key in text
    df = res.to_frame()
    assert list(df.columns) == ["equity", "returns", "position", "drawdown",
                                "benchmark_equity", "benchmark_returns"]
    assert df["returns"].iloc[0] == 0.0
    assert df["returns"].iloc[1] == pytest.approx(df["equity"].iloc[1] / 100_000 - 1)


def test_market_table_and_its_frame_give_the_same_run() -> None:
    from backtest.data import MarketTable

    frame = tiny_frame(OPENS, CLOSES, vix=[20.0, 25.0, 18.0, 26.0, 17.0, 19.0])
    table = MarketTable(frame=frame, sources={})
    a = run(SmaBand(window=2, band=0.0), table, Execution(fees=0.001))
    b = run(SmaBand(window=2, band=0.0), frame, Execution(fees=0.001))
    np.testing.assert_array_equal(a.values, b.values)
    assert len(a.trades) >= 2
