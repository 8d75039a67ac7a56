"""Holding-period variants of one signal column share their common start, and a
never-invested combination takes the shared walk of an account that never
trades: both change no bit of any row or daily return."""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
import pytest

from backtest.sweep.kernel import (
    RAW_FIELDS,
    SIDE_BOTH,
    SIDE_LONG,
    SIDE_SHORT,
    _holding_groups,
)
from backtest.sweep.kernel import sweep_kernel as _parallel
from backtest.sweep.kernel import sweep_kernel_serial as _serial
from backtest.sweep.sweep import _kernel_layout

sweep_kernel: Any = _parallel
sweep_kernel_serial: Any = _serial

_IN_MARKET = RAW_FIELDS.index("bars_in_market")


def test_holding_groups_by_hand() -> None:
    # columns 1, 0, 1, 1, 0, 1, 1: column 1 has a group with holdings 3, 0, 7
    # (side both), one with side long (holding 2) and one with other fees
    sig_col = np.array([1, 0, 1, 1, 0, 1, 1], dtype=np.int64)
    side = np.array([3, 3, 3, 3, 3, 1, 3], dtype=np.int64)
    eos = np.ones(7, dtype=np.bool_)
    holding = np.array([3, 5, 0, 7, 9, 2, 4], dtype=np.int64)
    fees = np.array([0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.001])
    order, starts = _holding_groups(sig_col, side, eos, holding, fees, np.zeros(7))
    groups = [order[a:b].tolist() for a, b in itertools.pairwise(starts)]
    # column 0 first; each group's longest holding period (0: none) first
    assert groups == [[4, 1], [2, 0, 3], [5], [6]]
    assert sorted(order.tolist()) == list(range(7))


def _market(rng: np.random.Generator, n: int, earns: bool
            ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    close = 100.0 * np.cumprod(1.0 + rng.normal(0.0003, 0.012, n))
    price = close * (1.0 + rng.normal(0.0, 0.002, n))
    if not earns:
        return price, close, np.ones(n), np.zeros(n)
    rf = rng.uniform(0.0, 2e-4, n)
    rf[rng.choice(n, 6, replace=False)] = -1e-4  # days the cash index falls
    return price, close, np.cumprod(1.0 + rf), rf


def _signals(rng: np.random.Generator, n: int, m: int) -> list[np.ndarray]:
    """Entries rare to frequent, exits standing on some days, column 0 never entering."""
    density = np.linspace(0.0, 0.3, m)[None, :]
    le = rng.random((n, m)) < density
    se = rng.random((n, m)) < density
    lx = rng.random((n, m)) < 0.25
    sx = rng.random((n, m)) < 0.25
    return [_kernel_layout(a) for a in (le, lx, se, sx)]


def _grid(m: int) -> tuple[np.ndarray, ...]:
    """Every column x side x exit-on-signal x fees x holding (duplicates included)."""
    holdings = [0, 1, 2, 3, 5, 8, 5, 0, 13]
    rows = [(c, s, e, f, h) for c in range(m) for s in (SIDE_BOTH, SIDE_LONG, SIDE_SHORT)
            for e in (True, False) for f in (0.0, 0.001) for h in holdings]
    sig_col, side, eos, fees, holding = (np.array(x) for x in zip(*rows, strict=True))
    return (sig_col.astype(np.int64), side.astype(np.int64), eos.astype(np.bool_),
            holding.astype(np.int64), fees.astype(np.float64), np.full(len(rows), 0.0005))


@pytest.mark.parametrize("earns", [False, True])
def test_shared_start_equals_each_variant_alone(earns: bool) -> None:
    """Bit for bit: rows and daily returns of the grouped call against each
    combination simulated alone (no sharing), serial and threaded builds."""
    rng = np.random.default_rng(13)
    n, m = 301, 5
    price, close, b, rf = _market(rng, n, earns)
    cols = _signals(rng, n, m)
    sig_col, side, eos, holding, fees, slip = _grid(m)
    k = len(sig_col)

    def run(kernel: Any, j: slice | None = None) -> tuple[np.ndarray, np.ndarray]:
        sel = slice(None) if j is None else j
        kk = len(sig_col[sel])
        rets = np.empty((kk, n))
        raw = kernel(*cols, price, close, b, rf, sig_col[sel], side[sel],
                     eos[sel], holding[sel], fees[sel], slip[sel], 1000.0, rets, True, True)
        return raw, rets

    raw, rets = run(sweep_kernel_serial)
    alone = [run(sweep_kernel_serial, slice(j, j + 1)) for j in range(k)]
    np.testing.assert_array_equal(raw, np.concatenate([a[0] for a in alone]))
    np.testing.assert_array_equal(rets, np.concatenate([a[1] for a in alone]))
    raw_par, rets_par = run(sweep_kernel)
    np.testing.assert_array_equal(raw_par, raw)
    np.testing.assert_array_equal(rets_par, rets)
    # lean (returns not kept): the same rows
    lean = sweep_kernel_serial(*cols, price, close, b, rf, sig_col, side, eos, holding, fees,
                               slip, 1000.0, np.empty((0, n)), False, True)
    np.testing.assert_array_equal(lean, raw)
    # the sharing was exercised: some holding periods left the path of no
    # limit (resumed from a saved state), some never did (row copied)
    ref = {(c, s, e, f): raw[j] for j, (c, s, e, f, h)
           in enumerate(zip(sig_col, side, eos, fees, holding, strict=True)) if h == 0}
    same = [np.array_equal(raw[j], ref[c, s, e, f]) for j, (c, s, e, f, h)
            in enumerate(zip(sig_col, side, eos, fees, holding, strict=True)) if h > 0]
    assert any(same)
    assert not all(same)
    assert (raw[:, _IN_MARKET] == 0).any()  # column 0 never enters


@pytest.mark.parametrize("earns", [False, True])
def test_never_invested_row_equals_the_walk(earns: bool) -> None:
    """A combination that never holds a position: every field equal to walking
    every day, its count of orders on days without a price included."""
    rng = np.random.default_rng(5)
    n = 203
    price, close, b, rf = _market(rng, n, earns)
    price[[17, 90]] = np.nan
    le = np.zeros((n, 3), dtype=np.bool_)
    le[[17, 90], 1] = True  # entries only on days without a fill price
    le[[17], 2] = True
    none = np.zeros((n, 3), dtype=np.bool_)
    cols = [_kernel_layout(a) for a in (le, none, none, none)]
    sig_col = np.array([0, 1, 2, 1], dtype=np.int64)
    args = (sig_col, np.full(4, SIDE_BOTH, dtype=np.int64), np.ones(4, dtype=np.bool_),
            np.array([0, 0, 0, 4], dtype=np.int64), np.zeros(4), np.zeros(4), 1000.0)
    fast = sweep_kernel_serial(*cols, price, close, b, rf, *args, np.empty((0, n)), False, True)
    walk = sweep_kernel_serial(*cols, price, close, b, rf, *args, np.empty((0, n)), False, False)
    np.testing.assert_array_equal(fast, walk)
    assert fast[:, RAW_FIELDS.index("nan_price_orders")].tolist() == [0.0, 2.0, 1.0, 2.0]
    assert (fast[:, _IN_MARKET] == 0).all()
