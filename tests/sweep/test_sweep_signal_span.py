"""A sweep computes signals on the run span plus the rows they need, not on every row,
and gets the signals of the full data."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest

from backtest.execution.config import Execution
from backtest.execution.fills import lag_rows, lag_to_fill
from backtest.sweep import Sweep
from strategies.registry import BUILTINS

from .helpers import Threshold


@pytest.mark.parametrize("rows", [slice(0, 7), slice(1, 7), slice(3, 9), slice(8, 9),
                                  slice(0, 9), slice(5, 5)])
@pytest.mark.parametrize("fill", ["next_open", "next_close"])
def test_lag_rows_is_lag_to_fill_on_those_rows(rows: slice, fill: Any) -> None:
    a = np.random.default_rng(3).random((9, 4)) < 0.4
    want = lag_to_fill(pd.DataFrame(a), fill).to_numpy()[rows]
    np.testing.assert_array_equal(lag_rows(a, rows, fill), want)


def test_lag_rows_refuses_a_step() -> None:
    with pytest.raises(ValueError, match="contiguous"):
        lag_rows(np.zeros((5, 1), dtype=bool), slice(0, 5, 2))


#: Grids touching each strategy's variants (columns, windows, recursive filters).
_GRIDS: dict[str, dict[str, list[Any]]] = {
    "spike_reversal": {"variant": ["pct_above_sma", "zscore", "jump", "rsi", "turn"],
                       "turn_reference": ["prior_close", "open"]},
    "bollinger_break": {"window": [2, 20, 63], "num_std": [1.0, 2.0]},
    "contango_flip": {"pair": ["vix_vix3m", "vx1_vx2", "vix_vx1"], "smooth_window": [1, 5]},
    "vol_of_vol": {"measure": ["hv", "vvix"]},
}


@pytest.mark.slow
@pytest.mark.parametrize("name", list(BUILTINS))
def test_signals_on_the_span_equal_the_full_data_s(market: pd.DataFrame, name: str) -> None:
    cls = BUILTINS[name]
    assert cls.signals_on_complete_rows
    grid = {k: v for k, v in _GRIDS.get(name, {}).items() if k in cls.param_specs()}
    sw = Sweep(cls, grid, Execution())
    prep = sw._prepare(market)
    sets = sw.parameter_sets
    full = cls.grid(market, sets)
    want = [lag_to_fill(f).to_numpy()[prep.rows] for f in
            (full.long_entries, full.long_exits, full.short_entries, full.short_exits)]
    got = sw._lagged_signals(prep, sets)
    for w, g in zip(want, got, strict=True):
        np.testing.assert_array_equal(g, w)
    assert sum(int(w.sum()) for w in want) > 0
    # the SPX-only rows before the first VIX close are not computed on
    assert len(prep.signal_frame) < len(market) - 10_000


def test_a_strategy_without_the_declaration_gets_every_row(market: pd.DataFrame) -> None:
    assert not Threshold.signals_on_complete_rows
    sw = Sweep(Threshold, {"high": [20.0, 30.0]})
    prep = sw._prepare(market.loc[:"2000"])
    assert len(prep.signal_frame) == len(market.loc[:"2000"])
    assert prep.signal_rows == prep.rows


def test_signal_span_by_hand() -> None:
    """Leading rows without the strategy's column are left out; the row before the
    span is kept (its signal fills on the span's first day); later rows are dropped."""
    idx = pd.bdate_range("2021-01-04", periods=10)
    vix = [np.nan, np.nan, np.nan, 15, 25, 15, 25, 15, 15, np.nan]
    spx = [100.0, 101, 102, 103, 104, 105, 106, 107, 108, 109]
    frame = pd.DataFrame({"vix_close": vix, "spx_close": spx, "spx_open": spx}, index=idx)

    class Declared(Threshold):
        signals_on_complete_rows = True

    sw = Sweep(Declared, {"high": [20.0]})
    prep = sw._prepare(frame)
    assert prep.rows == slice(3, 9)
    assert prep.signal_frame.index[0] == idx[2] and prep.signal_frame.index[-1] == idx[8]
    assert prep.signal_rows == slice(1, 7)
    le = sw._lagged_signals(prep, sw.parameter_sets)[0][:, 0]
    assert le.tolist() == [False, False, True, False, True, False]
