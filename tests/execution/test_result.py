"""Run statistics on the real history, checked against vectorbt's own accessors.

``backtest.metrics`` defines every statistic; where vectorbt's returns and
trades accessors use the same definition (252-day year, rf 0, ddof 1), the two
independent implementations must agree.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from backtest.execution import Execution, run

from .adhoc import SmaBand


def test_stats_agree_with_vectorbt_accessors(market_frame: pd.DataFrame) -> None:
    res = run(SmaBand(), market_frame, Execution(fees=0.001, slippage=0.0005), engine="orders")
    pf = res.portfolio
    s = res.stats
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        acc = pf.returns().vbt.returns(freq="1D", year_freq="252D")
        expected = {
            "total_return": pf.total_return().iloc[0],
            "max_drawdown": pf.max_drawdown().iloc[0],
            "sharpe": acc.sharpe_ratio().iloc[0],
            "sortino": acc.sortino_ratio().iloc[0],
            "annualized_volatility": acc.annualized_volatility().iloc[0],
            "annualized_return": acc.annualized().iloc[0],
            "calmar": acc.calmar_ratio().iloc[0],
            "win_rate": pf.trades.closed.win_rate().iloc[0],
            "profit_factor": pf.trades.closed.profit_factor().iloc[0],
            "trades": pf.trades.closed.count().iloc[0],
            "max_drawdown_duration": pf.drawdowns.max_duration().iloc[0],
        }
    for key, value in expected.items():
        assert s[key] == pytest.approx(float(value), rel=1e-9), key
    assert s["trades"] > 100
    assert s["time_in_market"] == pytest.approx(np.mean(pf.assets().to_numpy()[:, 0] != 0))
    b = res.benchmark_stats
    # bought on the run's first day (the first VIX close) at its open -- or its close
    # where that day has no real open -- plus costs
    span = market_frame.loc[res.index[0]:res.index[-1]]
    assert res.index[0] == market_frame["vix_close"].first_valid_index()
    first = span["spx_open"].fillna(span["spx_close"]).iloc[0] * 1.0005 * 1.001
    assert b["total_return"] == pytest.approx(span["spx_close"].iloc[-1] / first - 1.0, rel=1e-9)


def test_grid_stats_frame_rows_equal_single_runs(market_frame: pd.DataFrame) -> None:
    grid = SmaBand.product(window=[10, 21], band=[0.1, 0.2])
    res = run(grid, market_frame, Execution(holding_period=10), fees=[0.0, 0.001])
    assert res.n_columns == 8
    single = run(grid[3], market_frame, Execution(holding_period=10, fees=0.001))
    row = res.stats_frame.loc[(21, 0.2, 0.001)]  # type: ignore[index]
    pd.testing.assert_series_equal(row.rename(None), single.stats.rename(None))
