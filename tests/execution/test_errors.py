"""Bad settings and unusable data are rejected with messages that say why."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
import pandas as pd
import pytest

from backtest.errors import DataError, MissingDataError
from backtest.execution import Execution, run, run_signals
from strategies.base import ParamArrays, RawSignals, Strategy

from .adhoc import SmaBand
from .conftest import tiny_frame
from .test_portfolio_exact import CLOSES, OPENS, make_signals


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"fill": "same_close"}, r"Execution.fill must be one of \['next_close', 'next_open'\]"),
    ({"fill": "close"}, "Execution.fill must be one of"),
    ({"fees": -0.001}, r"Execution.fees=-0.001 is not allowed: must be >= 0 and < 1"),
    ({"fees": 1.0}, r"Execution.fees=1.0 is not allowed"),
    ({"slippage": True}, r"Execution.slippage=True is not allowed"),
    ({"slippage": "0.1"}, r"Execution.slippage='0.1' is not allowed"),
    ({"side": "up"}, r"Execution.side must be 'long', 'short', 'both' or None, got 'up'"),
    ({"holding_period": 0}, r"Execution.holding_period=0 is not allowed: must be an integer"),
    ({"holding_period": 2.5}, r"Execution.holding_period=2.5 is not allowed"),
    ({"exit_on_signal": False}, "Execution needs an exit: set holding_period or exit_on_signal"),
    ({"init_cash": 0.0}, r"Execution.init_cash=0.0 is not allowed: must be > 0"),
])
def test_bad_execution_rejected(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Execution(**kwargs)


def test_there_is_no_same_close_fill() -> None:
    for fill in ("same_close", "close", "this_close", "open"):
        with pytest.raises(ValueError, match=r"Execution\.fill must be one of"):
            Execution(fill=fill)  # type: ignore[arg-type]


def test_bad_cost_sweep_values_rejected() -> None:
    frame = tiny_frame(OPENS, CLOSES)
    with pytest.raises(ValueError, match=r"Execution.fees=1.5 is not allowed"):
        run_signals(make_signals(frame, le=[0]), frame, fees=[0.0, 1.5])
    with pytest.raises(ValueError, match="holding_period was given an empty sequence"):
        run_signals(make_signals(frame, le=[0]), frame, holding_period=[])


def test_missing_spx_open_says_how_to_trade_anyway() -> None:
    frame = tiny_frame(OPENS, CLOSES).drop(columns="spx_open")
    with pytest.raises(MissingDataError, match=r"needs column 'spx_open'.*fill='next_close'"):
        run(SmaBand(window=2), frame)
    res = run(SmaBand(window=2), frame, Execution(fill="next_close"))
    assert len(res.index) == 6


def test_missing_open_on_a_fill_day_falls_back_to_that_close() -> None:
    opens = list(OPENS)
    opens[3] = float("nan")
    frame = tiny_frame(opens, CLOSES)
    free = Execution(init_cash=1000.0, fees=0.0, slippage=0.0)
    # the entry planned for 2024-01-04 (no real open) fills at that day's close
    res = run_signals(make_signals(frame, le=[2], lx=[4]), frame, free)
    assert res.trades["entry_price"].iloc[0] == CLOSES[3]
    assert res.fallback_share == 0.5  # entry fell back, exit at a real open
    assert "50.0% of fills fell back to the close" in res.basis_line
    # without a close either, the day cannot be valued: named
    frame2 = frame.copy()
    frame2.loc[frame2.index[3], "spx_close"] = float("nan")
    with pytest.raises(DataError, match="spx_close is missing on 2024-01-04"):
        run_signals(make_signals(frame2, le=[2]), frame2)
    # a missing open on a day without an order is harmless
    res = run_signals(make_signals(frame, le=[0], lx=[4]), frame, free)
    assert res.equity.iloc[-1] == pytest.approx(1000.0 / 102.0 * 108.0, rel=1e-12)
    assert res.fallback_share == 0.0


@dataclass(frozen=True)
class NeedsVix3m(Strategy):
    name: ClassVar[str] = "test_needs_vix3m"
    required_columns: ClassVar[tuple[str, ...]] = ("vix_close", "vix3m")

    @classmethod
    def generate(cls, data: pd.DataFrame, p: ParamArrays) -> RawSignals:
        r = (data["vix_close"] > data["vix3m"]).to_numpy()[:, None]
        return RawSignals(long_entries=r, long_exits=~r)


def test_missing_strategy_columns() -> None:
    frame = tiny_frame(OPENS, CLOSES)
    with pytest.raises(MissingDataError, match=r"needs column.*vix3m") as info:
        run(NeedsVix3m(), frame)
    assert info.value.missing == ("vix3m",)


def test_run_span_starts_where_the_strategy_columns_do() -> None:
    frame = tiny_frame(OPENS, CLOSES).assign(vix3m=[np.nan, np.nan, 19.0, 25.0, 18.0, 30.0])
    res = run(NeedsVix3m(), frame, Execution(init_cash=1000.0, fees=0.0, slippage=0.0))
    assert res.index[0] == frame.index[2]
    assert res.benchmark_equity.iloc[0] == pytest.approx(1000.0 / 104.0 * 102.0, rel=1e-12)
    # VIX 20 is above VIX3M on days 2 and 4 (entries fill 3 and 5), below on 3 (exit fills 4)
    assert list(res.trades["entry_date"]) == [frame.index[3], frame.index[5]]


def test_side_the_signals_do_not_have() -> None:
    frame = tiny_frame(OPENS, CLOSES)
    with pytest.raises(ValueError, match="side='short', but the signals only have side"):
        run_signals(make_signals(frame, le=[0], sides=("long",)), frame, sides="short")


def test_signals_not_aligned_with_data() -> None:
    frame = tiny_frame(OPENS, CLOSES)
    sig = make_signals(frame.iloc[:5], le=[0])
    with pytest.raises(ValueError, match="signals are not indexed like the data"):
        run_signals(sig, frame)


def test_data_of_wrong_type() -> None:
    with pytest.raises(TypeError, match="data must be a MarketTable or a pandas DataFrame"):
        run(SmaBand(), {"spx_close": [1.0]})


@pytest.mark.parametrize("engine", ["numba", "orders"])
def test_short_losing_more_than_the_account_is_refused(engine: str) -> None:
    frame = tiny_frame([100.0, 100.0, 150.0, 260.0], [100.0, 120.0, 200.0, 250.0])
    with pytest.raises(ValueError, match="on 2024-01-04 an order could not be filled in full"):
        run_signals(make_signals(frame, se=[0], sx=[2]), frame,
                    engine=engine)  # type: ignore[arg-type]
