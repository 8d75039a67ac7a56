"""The run's numba simulator equals vectorbt, its reference, exactly.

``engine="numba"`` (the default, :mod:`backtest.execution.simulator`) and
vectorbt's ``Portfolio.from_orders`` (``engine="orders"``) get the same
effective orders; every value, position, benchmark value and trade field must
be the same float.  Cases: seeded random signals of both sides with many
conflicts and reversals on a synthetic price path (every side, exit style,
holding period and cost, grids and cost sweeps as columns, price and total
returns mode with dividends and interest), and every registered strategy on
the real history.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from backtest.errors import MissingDataError
from backtest.execution import Execution, run
from backtest.execution.result import RunResult
from strategies.base import Strategy
from strategies.registry import REGISTRY

from .adhoc import ADHOC, RandomSignals


def assert_identical(a: RunResult, b: RunResult) -> None:
    """Same floats everywhere (not merely close)."""
    np.testing.assert_array_equal(a.values, b.values)
    np.testing.assert_array_equal(a.positions, b.positions)
    np.testing.assert_array_equal(a.benchmark_values, b.benchmark_values)
    np.testing.assert_array_equal(a.returns_array, b.returns_array)
    pd.testing.assert_frame_equal(a.trades, b.trades)
    assert a.columns.equals(b.columns)


@pytest.fixture(scope="module")
def walk() -> pd.DataFrame:
    """600 business days of a seeded random walk with opens, dividends and a T-bill."""
    rng = np.random.default_rng(7)
    n = 600
    close = 100.0 * np.exp(np.cumsum(rng.normal(0.0003, 0.012, n)))
    opens = close * np.exp(rng.normal(0.0, 0.004, n))
    opens[rng.random(n) < 0.05] = np.nan  # days without a real open: fill at the close
    tr = close * np.cumprod(np.where(rng.random(n) < 0.02, 1.004, 1.0))
    idx = pd.bdate_range("2001-01-01", periods=n, name="date")
    return pd.DataFrame({"spx_open": opens, "spx_close": close, "spxtr_close": tr,
                         "dtb3": np.full(n, 2.5), "vix_close": 20.0 + rng.normal(0, 3, n)},
                        index=idx)


CASES = {
    "defaults": Execution(),
    "costs": Execution(fees=0.001, slippage=0.0005),
    "long": Execution(side="long", fees=0.002, slippage=0.001),
    "short": Execution(side="short", fees=0.002, slippage=0.001, holding_period=7),
    "hold3-no-exit-signal": Execution(holding_period=3, exit_on_signal=False, fees=0.001),
    "hold1-close-fill": Execution(fill="next_close", holding_period=1, slippage=0.002),
    "price-mode": Execution(returns="price", fees=0.0005, holding_period=10),
    "high-costs": Execution(fees=0.05, slippage=0.03),
}


@pytest.mark.parametrize("case", list(CASES))
def test_random_signals_identical_to_vectorbt(case: str, walk: pd.DataFrame) -> None:
    grid = RandomSignals.product(seed=[1, 2, 3], rate=[0.05, 0.3])
    ex = CASES[case]
    a = run(grid, walk, ex, engine="numba", fees=[ex.fees, 0.0],
            holding_period=[ex.holding_period, 2])
    b = run(grid, walk, ex, engine="orders", fees=[ex.fees, 0.0],
            holding_period=[ex.holding_period, 2])
    assert_identical(a, b)
    t = a.trades
    assert len(t) > 300 and (t["status"] == "open").any()
    assert set(t["side"]) == ({"long", "short"} if ex.side is None else {ex.side})
    if ex.side is None:  # reversals: a trade opened on the bar the previous one closed
        same = (t["column"].to_numpy()[1:] == t["column"].to_numpy()[:-1])
        flip = t["entry_date"].to_numpy()[1:] == t["exit_date"].to_numpy()[:-1]
        assert (same & flip).sum() > 10


def test_total_mode_is_not_trivial(walk: pd.DataFrame) -> None:
    """The total-mode cases above trade the adjusted instrument (so they test it)."""
    a = run(RandomSignals(), walk, Execution(returns="total"))
    b = run(RandomSignals(), walk, Execution(returns="price"))
    assert a.basis is not None and not a.basis.trivial
    assert not np.allclose(a.values, b.values)


def test_unknown_engine_is_refused(walk: pd.DataFrame) -> None:
    with pytest.raises(ValueError, match="engine must be 'numba', 'orders' or 'signals'"):
        run(RandomSignals(), walk, engine="vectorbt")  # type: ignore[arg-type]


STRATEGIES: list[type[Strategy]] = [*REGISTRY.values(), *ADHOC]


@pytest.mark.slow
@pytest.mark.parametrize("case", ["defaults", "short", "hold3-no-exit-signal",
                                  "price-mode"])
def test_every_strategy_identical_to_vectorbt_on_the_real_history(
        case: str, honest_market: pd.DataFrame) -> None:
    ran = 0
    for cls in STRATEGIES:
        ex = CASES[case]
        if ex.side is not None and ex.side not in cls.sides:
            continue
        try:
            a = run(cls(), honest_market, ex)
        except MissingDataError:
            continue
        assert_identical(a, run(cls(), honest_market, ex, engine="orders"))
        ran += 1
    assert ran >= 5
