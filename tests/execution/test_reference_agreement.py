"""The vectorised run agrees with the bar-by-bar reference on the real history.

For every registered strategy (and the ad-hoc test strategies), with default
execution and with costs, holding periods, the close fill and single sides: the
same trades (fill dates, sides, prices) and the same equity curve (rel 1e-9).
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from backtest.errors import MissingDataError
from backtest.execution import Execution, run
from strategies.base import Strategy
from strategies.registry import REGISTRY

from .adhoc import ADHOC
from .reference import simulate

STRATEGIES: list[type[Strategy]] = [*REGISTRY.values(), *ADHOC]

SETTINGS = {
    "defaults": Execution(),
    "costs": Execution(fees=0.001, slippage=0.0005),
    "costs+hold5": Execution(fees=0.001, slippage=0.0005, holding_period=5),
    "close-fill+hold10-only": Execution(fill="next_close", fees=0.002, holding_period=10,
                                        exit_on_signal=False),
    "hold1": Execution(slippage=0.001, holding_period=1),
}


def reversals(trades: pd.DataFrame) -> int:
    """Trades opened on the fill day the previous trade (of the other side) closed."""
    t = trades.sort_values(["column", "entry_date"], kind="stable")
    same_col = t["column"].to_numpy()[1:] == t["column"].to_numpy()[:-1]
    flip = t["side"].to_numpy()[1:] != t["side"].to_numpy()[:-1]
    back_to_back = t["entry_date"].to_numpy()[1:] == t["exit_date"].to_numpy()[:-1]
    return int((same_col & flip & back_to_back).sum())


def _check(strategy: Strategy, frame: pd.DataFrame, ex: Execution) -> int:
    try:
        res = run(strategy, frame, ex)
    except MissingDataError as err:
        pytest.skip(f"{strategy.name}: {err}")
    sig = strategy.signals(frame)
    ref = simulate(frame, sig.long_entries, sig.long_exits, sig.short_entries, sig.short_exits,
                   start=res.index[0], end=res.index[-1], sides=res.sides, fill=ex.fill,
                   fees=ex.fees, slippage=ex.slippage,
                   holding_period=(strategy.default_holding_period if ex.holding_period is None
                                   else ex.holding_period),
                   exit_on_signal=ex.exit_on_signal, init_cash=ex.init_cash,
                   returns=ex.returns)
    got = res.trades
    assert len(got) == len(ref.trades), f"{len(got)} trades vs reference {len(ref.trades)}"
    if ref.trades:
        assert list(got["side"]) == [t.side for t in ref.trades]
        assert list(got["entry_date"]) == [t.entry_date for t in ref.trades]
        before = dict(zip(frame.index[1:], frame.index[:-1], strict=True))
        assert list(got["signal_date"]) == [before[t.entry_date] for t in ref.trades]
        exits = [t.exit_date if t.exit_date is not None else res.index[-1] for t in ref.trades]
        assert list(got["exit_date"]) == exits
        assert list(got["status"]) == ["closed" if t.exit_date is not None else "open"
                                       for t in ref.trades]
        np.testing.assert_allclose(got["entry_price"], [t.entry_price for t in ref.trades],
                                   rtol=1e-12)
        np.testing.assert_allclose(got["pnl"], np.array([t.pnl for t in ref.trades], float),
                                   rtol=1e-9, atol=1e-6)
    np.testing.assert_allclose(res.equity.to_numpy(), ref.equity, rtol=1e-9)
    assert res.equity.iloc[-1] == pytest.approx(ref.equity[-1], rel=1e-9)
    return len(ref.trades)


@pytest.mark.parametrize("setting", list(SETTINGS))
@pytest.mark.parametrize("cls", STRATEGIES, ids=lambda c: c.name)
def test_vectorised_run_matches_reference(cls: type[Strategy], setting: str,
                                          market_frame: pd.DataFrame) -> None:
    n = _check(cls(), market_frame, SETTINGS[setting])
    assert n > (50 if cls in ADHOC else 0)  # the comparison is not vacuous


@pytest.mark.parametrize("side", ["long", "short"])
def test_single_side_matches_reference(side: str, market_frame: pd.DataFrame) -> None:
    for cls in STRATEGIES:
        if side in cls.sides and len(cls.sides) == 2:
            _check(cls(), market_frame, Execution(side=side, fees=0.0005,
                                                  holding_period=21))


@pytest.mark.parametrize("setting", ["costs", "costs+hold5"])
def test_numba_signal_and_order_engines_identical(setting: str, market_frame: pd.DataFrame) -> None:
    ex = SETTINGS[setting]
    for cls in STRATEGIES:
        try:
            a = run(cls(), market_frame, ex, engine="orders")
        except MissingDataError:
            continue
        for engine in ("signals", "numba"):
            b = run(cls(), market_frame, ex, engine=engine)
            np.testing.assert_array_equal(a.values, b.values)
            np.testing.assert_array_equal(a.positions, b.positions)
            np.testing.assert_array_equal(a.benchmark_values, b.benchmark_values)
            pd.testing.assert_frame_equal(a.trades, b.trades)


@pytest.fixture(scope="module")
def embedded_frame() -> pd.DataFrame:
    """The SPX/VIX sample shipped inside ``arch`` (no data directory needed)."""
    from backtest.data import load_embedded

    return load_embedded().frame


@pytest.mark.parametrize("setting", ["defaults", "costs+hold5"])
def test_embedded_sample_matches_reference(setting: str, embedded_frame: pd.DataFrame) -> None:
    ran = 0
    for cls in STRATEGIES:
        try:
            cls().signals(embedded_frame)
        except MissingDataError:
            continue  # the term structure is not in the sample
        _check(cls(), embedded_frame, SETTINGS[setting])
        ran += 1
    assert ran >= 5


@pytest.mark.parametrize("name, setting, minimum", [
    ("contango_flip", "defaults", 100),   # the exit is the opposite entry: reversals
    ("contango_flip", "costs", 100),
    ("residual_surprise", "defaults", 5),  # time exits meeting an opposite entry
    ("test_sma_band", "costs+hold5", 10),
    ("test_random", "costs", 50),
])
def test_reversals_match_reference(name: str, setting: str, minimum: int,
                                   market_frame: pd.DataFrame) -> None:
    cls = {c.name: c for c in STRATEGIES}[name]
    ex = dataclasses.replace(SETTINGS[setting], side="both")
    _check(cls(), market_frame, ex)
    assert reversals(run(cls(), market_frame, ex).trades) >= minimum
