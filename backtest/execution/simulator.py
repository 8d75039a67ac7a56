"""The run's own order simulator: vectorbt's order execution for all-in orders, in numba.

Why not vectorbt: the project's rule is to use the field's library unless a
measurement shows it cannot serve at our scale, and then to keep it as the
reference.  Here the measurement is start-up time.  ``vixbt run`` is a fresh
process each time, and importing ``vectorbt`` alone took 1.9-3.3 s of a cold
run measured at 5.9-6.7 s, against a target of 2.5 s for the whole command
(``benchmarks/README.md``, "Cold `vixbt run`").  This module imports only
numpy and numba (already loaded for the signals) and its compiled functions
come from numba's on-disk cache.

What it reproduces, bar for bar: ``vectorbt.Portfolio.from_orders`` with the
orders of :func:`backtest.execution.portfolio.simulate` -- ``+inf`` in
direction Both (a long entry, or a short-to-long reversal), ``-inf`` in
direction Both (a short entry with all free cash, or a long-to-short
reversal), ``-inf`` in LongOnly (close the long) and ``+inf`` in ShortOnly
(cover the short) -- with proportional fees and slippage and no other
limits; then vectorbt's accessors of the result: ``assets()`` and ``cash()``
accumulated from the order records, ``value() = cash + close * assets``, and
``trades.records`` (exit trades, a reversal split into a closed and a new
trade with the order's fee shared by size).  Every float operation is
vectorbt's (``buy_nb``, ``sell_nb``, ``execute_order_nb``'s snapping of
near-zero state, ``asset_flow_nb``, ``cash_flow_nb``, ``cash_nb``,
``get_exit_trades_nb``), with the tolerance helpers the sweep kernel uses too
(:mod:`backtest.execution.tolerance`), so the results equal vectorbt's exactly (the
tests in ``tests/execution/test_simulator.py`` hold every value, position
and trade field equal across the run equivalence cases).

vectorbt stays the reference: ``engine="orders"`` and ``engine="signals"`` of
:func:`backtest.execution.portfolio.run` still run it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
from numba import njit

from backtest.execution.tolerance import add as _add
from backtest.execution.tolerance import is_close as _is_close

__all__ = ["ORDER_CODES", "TRADE_DTYPE", "Simulation", "order_codes", "simulate_orders"]

#: Order of a cell: none, buy all (Both), sell the long (LongOnly), cover the
#: short (ShortOnly), sell all (Both: short with all free cash).
ORDER_CODES = {"none": 0, "buy": 1, "close_long": 2, "cover_short": 3, "sell": 4}

#: Fields of a trade record, as in vectorbt's ``trades.records`` (direction 0
#: long, 1 short; status 0 open, 1 closed).
TRADE_DTYPE = np.dtype([("col", np.int64), ("size", np.float64), ("entry_idx", np.int64),
                        ("entry_price", np.float64), ("entry_fees", np.float64),
                        ("exit_idx", np.int64), ("exit_price", np.float64),
                        ("exit_fees", np.float64), ("pnl", np.float64),
                        ("direction", np.int64), ("status", np.int64)])
_TF = 11  # fields of a trade row in the compiled code (all float64)


@dataclass(frozen=True, eq=False)
class Simulation:
    """What a run needs of a simulated portfolio (the fields of vectorbt's accessors).

    Parameters
    ----------
    index, columns : pandas.Index
        Rows (bars) and columns.
    values : ndarray, shape (T, k)
        Equity at each close (vectorbt's ``value()``).
    assets : ndarray, shape (T, k)
        Units held at each close (``assets()``).
    trade_records : ndarray of :data:`TRADE_DTYPE`
        Every trade of every column, by column then entry (``trades.records``).
    close : ndarray, shape (T,)
        Valuation price.
    portfolio : vectorbt.Portfolio or None, default None
        The vectorbt object when vectorbt ran the simulation.
    """

    index: pd.Index
    columns: pd.Index
    values: npt.NDArray[np.float64] = field(repr=False)
    assets: npt.NDArray[np.float64] = field(repr=False)
    trade_records: npt.NDArray[Any] = field(repr=False)
    close: npt.NDArray[np.float64] = field(repr=False)
    portfolio: Any = field(default=None, repr=False)

    @classmethod
    def from_portfolio(cls, pf: Any) -> Simulation:
        """The fields of a vectorbt portfolio (the reference engines)."""
        value = pf.value()
        rec = pf.trades.records
        out = np.empty(len(rec), dtype=TRADE_DTYPE)
        for name in TRADE_DTYPE.names or ():
            out[name] = rec[name]
        return cls(index=value.index, columns=value.columns,
                   values=value.to_numpy(dtype=float),
                   assets=pf.assets().to_numpy(dtype=float), trade_records=out,
                   close=np.asarray(pf.close.to_numpy(dtype=float)[:, 0]), portfolio=pf)


def order_codes(long_entries: npt.NDArray[np.bool_], long_exits: npt.NDArray[np.bool_],
                short_entries: npt.NDArray[np.bool_],
                short_exits: npt.NDArray[np.bool_]) -> npt.NDArray[np.int8]:
    """The order of every cell (:data:`ORDER_CODES`) from effective orders.

    Entries are written last: on a reversal bar (an exit and the opposite
    entry) the one order in direction Both closes the position and opens the
    other side, as in :func:`backtest.execution.portfolio.simulate`.
    """
    codes = np.zeros(long_entries.shape, dtype=np.int8)
    codes[long_exits] = ORDER_CODES["close_long"]
    codes[short_exits] = ORDER_CODES["cover_short"]
    codes[long_entries] = ORDER_CODES["buy"]
    codes[short_entries] = ORDER_CODES["sell"]
    return codes


@njit(cache=True)
def _buy(cash: float, pos: float, debt: float, free_cash: float, short_only: bool,
         price: float, fees: float, slippage: float) -> tuple[bool, float, float, float, float,
                                                           float, float, float]:
    """vectorbt's ``buy_nb`` for an infinite size (Both: all cash; ShortOnly: cover).

    Returns (filled, cash, position, debt, free cash, size, price, fees)."""
    adj_price = price * (1.0 + slippage)
    cash_limit = cash
    if not short_only:
        if cash_limit == 0.0:
            return False, cash, pos, debt, free_cash, 0.0, 0.0, 0.0
        adj_size = np.inf
    else:
        if pos == 0.0:
            return False, cash, pos, debt, free_cash, 0.0, 0.0, 0.0
        adj_size = min(-pos, np.inf)
    if adj_size == 0.0:
        return False, cash, pos, debt, free_cash, 0.0, 0.0, 0.0
    req_cash = adj_size * adj_price
    req_fees = req_cash * fees
    total_req_cash = req_cash + req_fees
    if _is_close(total_req_cash, cash_limit) or total_req_cash < cash_limit:
        final_size = adj_size
        fees_paid = req_fees
        final_req_cash = total_req_cash
    else:
        max_req_cash = _add(cash_limit, -0.0) / (1.0 + fees)
        if max_req_cash <= 0.0:
            return False, cash, pos, debt, free_cash, 0.0, 0.0, 0.0
        final_size = max_req_cash / adj_price
        fees_paid = cash_limit - max_req_cash
        final_req_cash = cash_limit
    if _is_close(adj_size, 0.0):
        return False, cash, pos, debt, free_cash, 0.0, 0.0, 0.0
    if final_size < 0.0 and not _is_close(final_size, 0.0):  # min_size 0
        return False, cash, pos, debt, free_cash, 0.0, 0.0, 0.0
    new_cash = _add(cash, -final_req_cash)
    new_pos = _add(pos, final_size)
    if pos < 0.0:
        short_size = final_size if new_pos < 0.0 else abs(pos)
        avg_entry_price = debt / abs(pos)
        debt_diff = short_size * avg_entry_price
        new_debt = _add(debt, -debt_diff)
        new_free_cash = _add(free_cash + 2.0 * debt_diff, -final_req_cash)
    else:
        new_debt = debt
        new_free_cash = _add(free_cash, -final_req_cash)
    return True, new_cash, new_pos, new_debt, new_free_cash, final_size, adj_price, fees_paid


@njit(cache=True)
def _sell(cash: float, pos: float, debt: float, free_cash: float, long_only: bool,
          price: float, fees: float, slippage: float) -> tuple[bool, float, float, float, float,
                                                            float, float, float]:
    """vectorbt's ``sell_nb`` for an infinite size (LongOnly: close the long; Both:
    100 % of the resources, i.e. the long plus a short of all free cash).

    Returns (filled, cash, position, debt, free cash, size, price, fees)."""
    adj_price = price * (1.0 - slippage)
    if long_only:
        size_limit = min(pos, np.inf)
        if pos == 0.0:
            return False, cash, pos, debt, free_cash, 0.0, 0.0, 0.0
    else:
        long_size = max(pos, 0.0)
        long_cash = long_size * adj_price * (1.0 - fees)
        total_free_cash = _add(free_cash, long_cash)
        if total_free_cash <= 0.0:
            if pos <= 0.0:
                return False, cash, pos, debt, free_cash, 0.0, 0.0, 0.0
            max_size_limit = long_size
        else:
            max_short_size = _add(total_free_cash, -0.0) / (adj_price * (1.0 + fees))
            max_size_limit = _add(long_size, max_short_size)
            if max_size_limit <= 0.0:
                return False, cash, pos, debt, free_cash, 0.0, 0.0, 0.0
        size_limit = 1.0 * max_size_limit  # percent = 1
    if _is_close(size_limit, 0.0):
        return False, cash, pos, debt, free_cash, 0.0, 0.0, 0.0
    if size_limit < 0.0:  # min_size 0
        return False, cash, pos, debt, free_cash, 0.0, 0.0, 0.0
    acq_cash = size_limit * adj_price
    fees_paid = acq_cash * fees
    final_acq_cash = _add(acq_cash, -fees_paid)
    if final_acq_cash < 0.0:
        return False, cash, pos, debt, free_cash, 0.0, 0.0, 0.0
    new_cash = cash + final_acq_cash
    new_pos = _add(pos, -size_limit)
    if new_pos < 0.0:
        short_size = size_limit if pos < 0.0 else abs(new_pos)
        short_value = short_size * adj_price
        new_debt = debt + short_value
        new_free_cash = _add(free_cash, _add(final_acq_cash, -2.0 * short_value))
    else:
        new_debt = debt
        new_free_cash = free_cash + final_acq_cash
    return True, new_cash, new_pos, new_debt, new_free_cash, size_limit, adj_price, fees_paid


@njit(cache=True)
def _snap(x: float) -> float:
    return 0.0 if _is_close(x, 0.0) else x


@njit(cache=True)
def _trade(out: np.ndarray, t: int, col: int, size: float, entry_idx: int, entry_price: float,
           entry_fees: float, exit_idx: int, exit_price: float, exit_fees: float,
           direction: int, status: int) -> None:
    """vectorbt's ``fill_trade_record_nb`` (PnL by ``get_trade_stats_nb``)."""
    val_diff = _add(size * exit_price, -(size * entry_price))
    if val_diff != 0.0 and direction == 1:
        val_diff *= -1.0
    out[t, 0] = col
    out[t, 1] = size
    out[t, 2] = entry_idx
    out[t, 3] = entry_price
    out[t, 4] = entry_fees
    out[t, 5] = exit_idx
    out[t, 6] = exit_price
    out[t, 7] = exit_fees
    out[t, 8] = val_diff - entry_fees - exit_fees
    out[t, 9] = direction
    out[t, 10] = status


@njit(cache=True)
def _simulate(codes: np.ndarray, price: np.ndarray, close: np.ndarray, fees: np.ndarray,
              slippage: np.ndarray, init_cash: float) -> tuple[np.ndarray, np.ndarray,
                                                               np.ndarray]:
    """Every column of ``codes`` (T, k): values, assets and trade rows (n, 11)."""
    n, k = codes.shape
    values = np.empty((n, k), dtype=np.float64)
    assets = np.empty((n, k), dtype=np.float64)
    n_orders = 0
    for j in range(k):
        for i in range(n):
            if codes[i, j] != 0:
                n_orders += 1
    # at most one closed trade per order, and one open trade per column
    trades = np.empty((n_orders + k, _TF), dtype=np.float64)
    t = 0
    o_size = np.zeros(n, dtype=np.float64)  # this column's signed order size per bar
    o_price = np.zeros(n, dtype=np.float64)
    o_fees = np.zeros(n, dtype=np.float64)
    for j in range(k):
        cash = init_cash
        free_cash = init_cash
        debt = 0.0
        pos = 0.0
        fee = fees[j]
        slip = slippage[j]
        o_size[:] = 0.0
        # trade bookkeeping (get_exit_trades_nb)
        in_position = False
        direction = -1
        entry_idx = -1
        e_size = 0.0
        e_gross = 0.0
        e_fees = 0.0
        for i in range(n):
            code = codes[i, j]
            if code == 0:
                continue
            # execute_order_nb: near-zero state is snapped before every order
            cash = _snap(cash)
            pos = _snap(pos)
            debt = _snap(debt)
            free_cash = _snap(free_cash)
            p = price[i]
            if np.isnan(p):
                continue
            if code == 1 or code == 3:
                ok, cash, pos, debt, free_cash, size, adj, paid = _buy(
                    cash, pos, debt, free_cash, code == 3, p, fee, slip)
                buy = True
            else:
                ok, cash, pos, debt, free_cash, size, adj, paid = _sell(
                    cash, pos, debt, free_cash, code == 2, p, fee, slip)
                buy = False
            if not ok:
                continue
            o_size[i] = size if buy else -size
            o_price[i] = adj
            o_fees[i] = paid
            # exit trades from the order (get_exit_trades_nb)
            if not in_position:
                in_position = True
                entry_idx = i
                direction = 0 if buy else 1
                e_size = 0.0
                e_gross = 0.0
                e_fees = 0.0
            if (direction == 0) == buy:  # position increased
                e_size += size
                e_gross += size * adj
                e_fees += paid
            elif _is_close(size, e_size) or size < e_size:
                exit_size = e_size if _is_close(size, e_size) else size
                frac = exit_size / e_size
                _trade(trades, t, j, exit_size, entry_idx, e_gross / e_size, frac * e_fees,
                       i, adj, paid, direction, 1)
                t += 1
                if _is_close(size, e_size):
                    entry_idx = -1
                    direction = -1
                    in_position = False
                else:
                    frac = (e_size - size) / e_size
                    e_size *= frac
                    e_gross *= frac
                    e_fees *= frac
            else:  # reversed: close this trade, open the other side with the rest
                cl_size = e_size
                cl_fees = cl_size / size * paid
                _trade(trades, t, j, cl_size, entry_idx, e_gross / e_size,
                       (cl_size / e_size) * e_fees, i, adj, cl_fees, direction, 1)
                t += 1
                e_size = size - cl_size
                e_gross = e_size * adj
                e_fees = paid - cl_fees
                entry_idx = i
                direction = 1 if direction == 0 else 0
        if in_position and (-e_size < 0.0 and not _is_close(-e_size, 0.0)):
            _trade(trades, t, j, e_size, entry_idx, e_gross / e_size, (e_size / e_size) * e_fees,
                   n - 1, close[n - 1], 0.0, direction, 0)
            t += 1
        # assets, cash and value from the orders (asset_flow_nb, cash_flow_nb, cash_nb)
        held = 0.0
        acct = init_cash
        for i in range(n):
            flow = 0.0
            cflow = 0.0
            if o_size[i] != 0.0:
                flow = _add(0.0, o_size[i])
                cflow = _add(0.0, -o_size[i] * o_price[i] - o_fees[i])
            held = _add(held, flow)
            acct = _add(acct, cflow)
            assets[i, j] = held
            values[i, j] = acct + (close[i] * held if held != 0.0 else 0.0)
    return values, assets, trades[:t]


def simulate_orders(codes: npt.NDArray[np.int8], *, index: pd.Index, columns: pd.Index,
                    close: npt.NDArray[np.float64], price: npt.NDArray[np.float64],
                    fees: npt.NDArray[np.float64], slippage: npt.NDArray[np.float64],
                    init_cash: float) -> Simulation:
    """Simulate the orders of every column (see the module docstring).

    Parameters
    ----------
    codes : ndarray of int8, shape (T, k)
        The order of each cell (:func:`order_codes`).
    index, columns : pandas.Index
        Row and column labels.
    close, price : ndarray, shape (T,)
        Valuation and fill prices.
    fees, slippage : ndarray, shape (k,) or (1, k)
        Costs of each column.
    init_cash : float
        Starting cash of every column.

    Returns
    -------
    Simulation
    """
    k = codes.shape[1]
    fee = np.ascontiguousarray(np.broadcast_to(np.asarray(fees, dtype=np.float64).ravel(), (k,)))
    slip = np.ascontiguousarray(np.broadcast_to(np.asarray(slippage, dtype=np.float64).ravel(),
                                                (k,)))
    close = np.ascontiguousarray(close, dtype=np.float64)
    values, assets, rows = _simulate(np.asfortranarray(codes), np.ascontiguousarray(
        price, dtype=np.float64), close, fee, slip, float(init_cash))
    rec = np.empty(len(rows), dtype=TRADE_DTYPE)
    for f, name in enumerate(TRADE_DTYPE.names or ()):
        rec[name] = rows[:, f]
    return Simulation(index=index, columns=columns, values=values, assets=assets,
                      trade_records=rec, close=close)
