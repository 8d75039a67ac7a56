"""Sweep rows equal the vectorbt run where positions reverse (stop and reverse).

The contango flip's long exit is its short entry (and vice versa), so with both
sides every regime change closes one position and opens the other on the same
fill; the residual surprise has no exit rule (time exits at its default
holding period, reversed by an opposite entry on that bar).
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest

from backtest.execution.config import Execution
from backtest.execution.portfolio import run
from backtest.sweep import Sweep
from strategies.contango_flip import ContangoFlip
from strategies.residual_surprise import ResidualSurprise

from .test_sweep_equivalence import _assert_stats_equal

_COSTS: dict[str, Any] = {"fees": [0.0, 0.001], "slippage": [0.0, 0.0005],
                          "holding_period": [None, 10]}


def _compare(sw: Sweep, market: pd.DataFrame, ex: Execution) -> pd.DataFrame:
    res = sw.run(market, progress=False)
    full = run(sw.parameter_sets, market, ex, **_COSTS)
    keyed = full.stats_frame.reset_index()
    keyed["holding_period"] = keyed["holding_period"].fillna(0).astype(int)
    keyed = keyed.set_index(res.parameters)
    assert len(keyed) == len(res)
    for key, row in res.table.iterrows():
        _assert_stats_equal(row, keyed.loc[key], key)  # type: ignore[call-overload]
    return full.trades


def _reversals(trades: pd.DataFrame) -> int:
    t = trades.sort_values(["column", "entry_date"], kind="stable")
    same = t["column"].to_numpy()[1:] == t["column"].to_numpy()[:-1]
    flip = t["side"].to_numpy()[1:] != t["side"].to_numpy()[:-1]
    touch = t["entry_date"].to_numpy()[1:] == t["exit_date"].to_numpy()[:-1]
    return int((same & flip & touch).sum())


def test_contango_flip_both_sides(market: pd.DataFrame) -> None:
    ex = Execution(side="both")
    sw = Sweep(ContangoFlip, {"band": [0.0, 0.02], "confirm_days": [1, 3]}, execution=ex,
               exec_grid=_COSTS)
    trades = _compare(sw, market, ex)
    assert _reversals(trades) > 1000  # 32 combinations, ~100-300 flips each
    assert set(trades["side"]) == {"long", "short"}


@pytest.mark.parametrize("side", ["both", "short"])
def test_residual_surprise_default_holding(market: pd.DataFrame, side: str) -> None:
    ex = Execution(side=side)  # type: ignore[arg-type]
    sw = Sweep(ResidualSurprise, {"threshold": [1.5, 2.0]}, execution=ex, exec_grid=_COSTS)
    trades = _compare(sw, market, ex)
    closed = trades[trades["status"] == "closed"]
    assert closed["bars"].max() <= 21 and len(closed) > 100
