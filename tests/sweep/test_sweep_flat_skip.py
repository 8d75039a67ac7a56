"""The kernel's jump over flat stretches changes no daily return, and no statistic
beyond rounding (exactly none in price mode)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from backtest.execution.config import Execution
from backtest.sweep import Sweep
from backtest.sweep.kernel import _next_entry, flat_tables
from backtest.sweep.sweep import _kernel_layout
from strategies.registry import get_strategy

from .helpers import Threshold

#: Statistics that count (bars, trades): equal exactly in every mode.
_COUNTS = ["max_drawdown_duration", "trades", "time_in_market"]


def test_next_entry_finds_the_first_signal_across_word_boundaries() -> None:
    rng = np.random.default_rng(7)
    n = 203
    for density in (0.0, 0.01, 0.1, 0.5):
        le = _kernel_layout(rng.random((n, 1)) < density)[:, 0]
        se = _kernel_layout(rng.random((n, 1)) < density)[:, 0]
        wl, ws = le.view(np.uint64), se.view(np.uint64)
        for use_long, use_short in ((True, False), (False, True), (True, True)):
            want = (le[:n] & use_long) | (se[:n] & use_short)
            for i in range(n + 1):
                hits = np.flatnonzero(want[i:])
                expected = i + int(hits[0]) if hits.size else n
                assert _next_entry(wl, ws, i, n, use_long, use_short) == expected


def test_flat_tables_by_hand() -> None:
    c = np.array([0.0, 0.01, -0.02, 0.0, 0.03])
    b = np.cumprod(1.0 + c)
    earns, cum1, cum2, next_neg = flat_tables(b, c)
    assert earns
    np.testing.assert_allclose(cum1, [0.0, 0.0, 0.01, -0.01, -0.01, 0.02], atol=1e-15)
    np.testing.assert_allclose(cum2, [0.0, 0.0, 1e-4, 5e-4, 5e-4, 14e-4], atol=1e-15)
    assert next_neg.tolist() == [2, 2, 2, 5, 5, 5]
    assert not flat_tables(np.ones(5), np.zeros(5))[0]


@pytest.mark.parametrize(("name", "grid"), [
    ("bollinger_break", {"window": [10, 21, 63], "num_std": [1.0, 2.0, 3.0],
                         "holding_period": [None, 5, 21], "side": ["long", "short", "both"]}),
    ("spike_reversal", {"holding_period": [1, 5, 10], "fees": [0.0, 0.001]}),
    ("contango_flip", {"holding_period": [None, 5]}),
    ("vol_of_vol", {"holding_period": [None, 10]}),
])
def test_flat_skip_equals_walking_every_day(market: pd.DataFrame, name: str,
                                            grid: dict[str, list[object]]) -> None:
    cls = get_strategy(name)
    frame = market.loc["2004":]
    ex = Execution(returns="price")
    fast = Sweep(cls, grid, ex).run(frame, keep_returns=True, progress=False)
    slow = Sweep(cls, grid, ex, skip_flat=False).run(frame, keep_returns=True, progress=False)
    pd.testing.assert_frame_equal(fast.table, slow.table, check_exact=True)
    np.testing.assert_array_equal(fast.returns().to_numpy(), slow.returns().to_numpy())
    assert (fast.table.time_in_market < 1).any()  # there were flat stretches to skip


def _assert_total_mode_equal(fast: pd.DataFrame, slow: pd.DataFrame) -> None:
    """Counts exact; every statistic to 1e-12 (relative, absolute below 1), except
    Sharpe and Sortino to 1e-11: a walked flat day's excess return is rounding
    noise of about 1e-16 (the jump makes it 0), which weighs on the ratios of a
    combination with only a trade or two in 36 years."""
    pd.testing.assert_frame_equal(fast[_COUNTS], slow[_COUNTS], check_exact=True)
    a, b = fast.to_numpy(dtype=float), slow.to_numpy(dtype=float)
    np.testing.assert_array_equal(np.isnan(a), np.isnan(b))
    tol = np.where(fast.columns.isin(["sharpe", "sortino"]), 1e-11, 1e-12)[None, :]
    with np.errstate(invalid="ignore"):  # inf - inf (profit factor without losses)
        ok = np.isnan(a) | (a == b) | (np.abs(a - b) <= tol * np.maximum(1.0, np.abs(b)))
    assert ok.all(), fast.columns[~ok.all(axis=0)].tolist()


@pytest.mark.slow
@pytest.mark.parametrize(("name", "grid"), [
    ("bollinger_break", {"window": [2, 10, 63], "num_std": [1.0, 2.0, 3.0],
                         "exit_style": ["inside", "none"], "holding_period": [None, 5],
                         "side": ["long", "short", "both"], "fees": [0.0, 0.001]}),
    ("spike_reversal", {"holding_period": [1, 10], "slippage": [0.0, 0.0005]}),
    ("vol_of_vol", {"holding_period": [None, 10]}),
])
def test_flat_skip_in_total_mode_equals_walking(honest_market: pd.DataFrame, name: str,
                                                grid: dict[str, list[object]]) -> None:
    """Total mode, where a flat account earns the T-bill (negative in 2015 and 2020)."""
    cls = get_strategy(name)
    ex = Execution(returns="total")
    fast = Sweep(cls, grid, ex).run(honest_market, keep_returns=True, progress=False)
    slow = Sweep(cls, grid, ex, skip_flat=False).run(honest_market, keep_returns=True,
                                                     progress=False)
    _assert_total_mode_equal(fast.table, slow.table)
    np.testing.assert_array_equal(fast.returns().to_numpy(), slow.returns().to_numpy())
    # without kept returns too (the statistics must not depend on keeping them)
    lean = Sweep(cls, grid, ex).run(honest_market, progress=False)
    pd.testing.assert_frame_equal(lean.table, fast.table, check_exact=True)
    assert fast.table.time_in_market.median() < 0.5  # mostly flat: the jumps did the work
    assert (fast.table.trades > 0).any()


def test_flat_skip_in_total_mode_by_hand() -> None:
    """A tiny frame: cash earns about 3.5 % a day, then -0.5 % for a day, then 0."""
    idx = pd.bdate_range("2021-01-04", periods=14)
    vix = [15, 15, 25, 25, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15]
    spx = [100, 101, 102, 99, 103, 104, 104, 105, 103, 102, 104, 106, 105, 107]
    frame = pd.DataFrame({"vix_close": np.asarray(vix, float), "spx_close": np.asarray(spx, float),
                          "spx_open": np.asarray(spx, float) - 0.5}, index=idx)
    ex = Execution(returns="total")
    grid: dict[str, list[object]] = {"high": [20.0], "low": [10.0], "holding_period": [None, 2]}
    rates = np.full(len(idx), 300.0)
    rates[9] = -300.0
    rates[11:] = 0.0
    frame["dtb3"] = rates
    fast = Sweep(Threshold, grid, ex).run(frame, keep_returns=True, progress=False)
    slow = Sweep(Threshold, grid, ex, skip_flat=False).run(frame, keep_returns=True,
                                                           progress=False)
    _assert_total_mode_equal(fast.table, slow.table)
    np.testing.assert_array_equal(fast.returns().to_numpy(), slow.returns().to_numpy())
    assert (fast.table.trades == 1).all()
