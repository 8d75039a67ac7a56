"""Stop-and-reverse and ruined shorts on tiny hand-built frames, every simulator.

The expected numbers are written out by hand from rules 2-4 of
``backtest.execution.config``: on a reversal bar the held position is closed
at the fill price (its fee and slippage), then the opposite position is
opened all in with the cash left, at the same fill price (its own fee and
slippage).  The run (its numba simulator and both vectorbt engines), the
plain-Python reference and the lean sweep kernel must all produce them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import pandas as pd
import pytest

from backtest.execution import Execution, run, run_signals
from backtest.sweep import Sweep
from strategies.base import ParamArrays, RawSignals, Side, Strategy, param

from .conftest import tiny_frame
from .reference import simulate
from .test_portfolio_exact import CLOSES, OPENS, make_signals

FEES, SLIP = 0.01, 0.02


@dataclass(frozen=True)
class Levels(Strategy):
    """Long while the VIX is at or above ``high``, short while at or below ``low``."""

    name: ClassVar[str] = "test_levels"
    sides: ClassVar[tuple[Side, ...]] = ("long", "short")
    high: float = param(20.0, "long at or above", low=0.0)
    low: float = param(10.0, "short at or below", low=0.0)

    @classmethod
    def generate(cls, data: pd.DataFrame, p: ParamArrays) -> RawSignals:
        v = data["vix_close"].to_numpy()[:, None]
        hi, lo = p.col("high"), p.col("low")
        return RawSignals(long_entries=v >= hi, long_exits=v < hi,
                          short_entries=v <= lo, short_exits=v > lo)


@pytest.fixture
def frame() -> pd.DataFrame:
    return tiny_frame(OPENS, CLOSES)


def _long_then_short() -> tuple[list[float], float, float]:
    """Long filled day 1, reversed to short on day 3's open, covered on day 5's open."""
    buy = 102.0 * (1 + SLIP)
    u = 1000.0 / (buy * (1 + FEES))
    sell = 103.0 * (1 - SLIP)
    cash = u * sell * (1 - FEES)            # the long's proceeds: all the equity
    n = cash / (sell * (1 + FEES))          # shorted all in at the same price
    cash2 = cash + n * sell * (1 - FEES)
    final = cash2 - n * 108.0 * (1 + SLIP) * (1 + FEES)
    return [1000.0, u * 103.0, u * 102.0, cash2 - n * 105.0, cash2 - n * 107.0, final], cash, u


def _reference(frame: pd.DataFrame, sig: object, ex: Execution) -> list[float]:
    out = simulate(frame, sig.long_entries, sig.long_exits, sig.short_entries,  # type: ignore[attr-defined]
                   sig.short_exits, start=frame.index[0], end=frame.index[-1],  # type: ignore[attr-defined]
                   sides=("long", "short"), fees=ex.fees, slippage=ex.slippage,
                   holding_period=ex.holding_period, init_cash=ex.init_cash)
    return out.equity


@pytest.mark.parametrize("engine", ["numba", "orders", "signals"])
def test_long_reversed_into_short_by_hand(frame: pd.DataFrame, engine: str) -> None:
    ex = Execution(fees=FEES, slippage=SLIP, init_cash=1000.0)
    sig = make_signals(frame, le=[0], lx=[2], se=[2], sx=[4])
    res = run_signals(sig, frame, ex, engine=engine)  # type: ignore[arg-type]
    expected, cash, u = _long_then_short()
    np.testing.assert_allclose(res.equity.to_numpy(), expected, rtol=1e-12)
    np.testing.assert_allclose(_reference(frame, sig, ex), expected, rtol=1e-12)
    t = res.trades
    assert list(t["side"]) == ["long", "short"]
    assert list(t["entry_date"]) == [frame.index[1], frame.index[3]]
    assert list(t["exit_date"]) == [frame.index[3], frame.index[5]]
    np.testing.assert_allclose(t["entry_price"], [102.0 * 1.02, 103.0 * 0.98], rtol=1e-12)
    np.testing.assert_allclose(t["exit_price"], [103.0 * 0.98, 108.0 * 1.02], rtol=1e-12)
    np.testing.assert_allclose(t["pnl"], [cash - 1000.0, expected[-1] - cash], rtol=1e-9)
    n = cash / (103.0 * 0.98 * 1.01)
    np.testing.assert_allclose(res.position.to_numpy(), [0, u, u, -n, -n, 0], rtol=1e-12)


@pytest.mark.parametrize("engine", ["numba", "orders", "signals"])
def test_short_reversed_into_long_by_hand(frame: pd.DataFrame, engine: str) -> None:
    ex = Execution(fees=FEES, slippage=SLIP, init_cash=1000.0)
    sig = make_signals(frame, se=[0], sx=[2], le=[2], lx=[4])
    res = run_signals(sig, frame, ex, engine=engine)  # type: ignore[arg-type]
    sell = 102.0 * (1 - SLIP)
    n = 1000.0 / (sell * (1 + FEES))
    cash = 1000.0 + n * sell * (1 - FEES)
    left = cash - n * 103.0 * (1 + SLIP) * (1 + FEES)  # covered on day 3's open ...
    u = left / (103.0 * (1 + SLIP) * (1 + FEES))       # ... and long with the rest
    final = u * 108.0 * (1 - SLIP) * (1 - FEES)
    expected = [1000.0, cash - n * 103.0, cash - n * 102.0, u * 105.0, u * 107.0, final]
    np.testing.assert_allclose(res.equity.to_numpy(), expected, rtol=1e-12)
    np.testing.assert_allclose(_reference(frame, sig, ex), expected, rtol=1e-12)
    assert list(res.trades["side"]) == ["short", "long"]
    np.testing.assert_allclose(res.trades["pnl"], [left - 1000.0, final - left], rtol=1e-9)


def test_time_exit_with_opposite_entry_reverses_by_hand(frame: pd.DataFrame) -> None:
    # N=2: the long filled on day 1 is due on day 3, where the short entry of day 2
    # fills: the same reversal as an exit signal; the short is due on day 5
    ex = Execution(fees=FEES, slippage=SLIP, init_cash=1000.0, holding_period=2)
    sig = make_signals(frame, le=[0], se=[2])
    expected, _, _ = _long_then_short()
    res = run_signals(sig, frame, ex)
    np.testing.assert_allclose(res.equity.to_numpy(), expected, rtol=1e-12)
    np.testing.assert_allclose(_reference(frame, sig, ex), expected, rtol=1e-12)
    assert list(res.trades["exit_date"]) == [frame.index[3], frame.index[5]]


def test_opposite_entry_without_exit_is_ignored(frame: pd.DataFrame) -> None:
    ex = Execution(fees=FEES, slippage=SLIP, init_cash=1000.0)
    res = run_signals(make_signals(frame, le=[0], se=[2], lx=[3]), frame, ex)
    assert list(res.trades["side"]) == ["long"]
    u = 1000.0 / (102.0 * 1.02 * 1.01)
    assert res.equity.iloc[-1] == pytest.approx(u * 106.0 * 0.98 * 0.99, rel=1e-12)


def test_sweep_kernel_reverses_by_hand() -> None:
    # VIX high on days 0-1 (long at day 1's open), low on days 2-3: the long's exit
    # and the short's entry on day 2 (reversal at day 3's open), 15 on day 4 (cover)
    frame = tiny_frame(OPENS, CLOSES, vix=[25.0, 25.0, 8.0, 8.0, 15.0, 15.0])
    ex = Execution(fees=FEES, slippage=SLIP, init_cash=1000.0)
    row = Sweep(Levels, {"high": [20.0], "low": [10.0]}, execution=ex).run(
        frame, progress=False).table.iloc[0]
    expected, _, _ = _long_then_short()
    assert row["total_return"] == pytest.approx(expected[-1] / 1000.0 - 1, rel=1e-12)
    assert row["trades"] == 2
    single = run(Levels(), frame, ex)
    np.testing.assert_allclose(single.equity.to_numpy(), expected, rtol=1e-12)


def test_ruined_short_refused_everywhere() -> None:
    # short on day 1's open at 100, the exit signal of day 2 covers on day 3's open
    # at 260: the loss (160 % of the equity) cannot be paid
    frame = tiny_frame([100.0, 100.0, 150.0, 260.0], [100.0, 120.0, 200.0, 250.0],
                       vix=[8.0, 8.0, 15.0, 15.0])
    sig = make_signals(frame, se=[0], sx=[2])
    with pytest.raises(ValueError, match="ruined short"):
        run_signals(sig, frame)
    with pytest.raises(ValueError, match="ruined short"):
        _reference(frame, sig, Execution())
    with pytest.raises(ValueError, match="ruined short"):
        run(Levels(), frame)
    with pytest.raises(ValueError, match=r"Levels\(high=20.0, low=10.0\).*ruined short"):
        Sweep(Levels, {"high": [20.0], "low": [10.0]}).run(frame, progress=False)
