"""The result of a backtest run: equity, trades and statistics next to the benchmark.

A :class:`RunResult` holds one column per parameter set (and cost variant) of
the run.  Single-column accessors (:attr:`RunResult.equity`,
:attr:`RunResult.stats`, ...) need a one-column result -- pick one with
:meth:`RunResult.column`; the ``*_frame`` accessors cover every column.  Every
statistic is computed by :mod:`backtest.metrics` from the portfolio's equity and
trades, never taken from vectorbt's own ``stats()``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from backtest import metrics as m
from backtest.execution.basis import ReturnBasis, describe_basis, return_basis
from backtest.execution.config import Execution
from backtest.execution.fills import fallback_share
from backtest.execution.simulator import Simulation
from backtest.metrics import STAT_NAMES
from strategies.base import Side

__all__ = ["STAT_NAMES", "RunResult"]


_TRADE_COLUMNS = ("column", "side", "signal_date", "entry_date", "exit_date", "entry_price",
                  "exit_price", "size", "entry_fees", "exit_fees", "pnl", "return", "bars",
                  "status")


def _return_stats(returns: npt.NDArray[np.float64],
                  risk_free: npt.NDArray[np.float64]) -> dict[str, float]:
    return {
        "total_return": m.total_return(returns),
        "annualized_return": m.annualized_return(returns),
        "annualized_volatility": m.annualized_volatility(returns),
        "sharpe": m.sharpe_ratio(returns, risk_free),
        "sortino": m.sortino_ratio(returns, risk_free),
        "max_drawdown": m.max_drawdown(returns),
        "max_drawdown_duration": float(m.max_drawdown_duration(returns)),
        "calmar": m.calmar_ratio(returns),
    }


def _trade_stats(trade_returns: npt.NDArray[np.float64],
                 pnl: npt.NDArray[np.float64]) -> dict[str, float]:
    return {
        "trades": float(trade_returns.size),
        "win_rate": m.win_rate(trade_returns),
        "average_win": m.average_win(trade_returns),
        "average_loss": m.average_loss(trade_returns),
        "profit_factor": m.profit_factor(pnl),
    }


@dataclass(frozen=True, eq=False)
class RunResult:
    """Outcome of :func:`backtest.execution.portfolio.run` (one or more columns).

    Parameters
    ----------
    name : str
        Strategy name.
    execution : Execution
        Settings of the run (for a cost sweep: the base settings).
    sides : tuple of {"long", "short"}
        Sides that traded.
    index : pandas.DatetimeIndex
        Bars of the run, length ``T``.
    columns : pandas.Index
        One label per column (parameter set and cost variant), length ``k``.
    values : ndarray, shape (T, k)
        Equity at each bar's close.
    positions : ndarray, shape (T, k)
        SPX units held at each bar's close (negative: short).
    trade_table : pandas.DataFrame
        Every trade of every column (see :attr:`trades`).
    benchmark_values : ndarray, shape (T, k)
        Buy-and-hold SPX equity with each column's costs.
    close : ndarray, shape (T,)
        SPX close of each bar.
    portfolio, benchmark_portfolio : vectorbt.Portfolio or None
        The underlying vectorbt objects when vectorbt ran the simulation
        (``engine="orders"`` or ``"signals"``; ``None`` with the default
        ``"numba"`` engine), for plotting and inspection.  In
        total mode they trade the adjusted instrument ``P * F / B`` (values
        in units of the cash account; see :mod:`backtest.execution.basis`);
        every field above is in dollars and SPX units.
    basis : ReturnBasis or None, default None
        Dividends and cash of the run (``None``: price mode, no cash).
    fell_back : ndarray of bool, shape (T,), or None, default None
        Bars whose fill took the close for want of a real open.
    """

    name: str
    execution: Execution
    sides: tuple[Side, ...]
    index: pd.DatetimeIndex
    columns: pd.Index
    values: npt.NDArray[np.float64] = field(repr=False)
    positions: npt.NDArray[np.float64] = field(repr=False)
    trade_table: pd.DataFrame = field(repr=False)
    benchmark_values: npt.NDArray[np.float64] = field(repr=False)
    close: npt.NDArray[np.float64] = field(repr=False)
    portfolio: Any = field(default=None, repr=False)
    benchmark_portfolio: Any = field(default=None, repr=False)
    basis: ReturnBasis | None = field(default=None, repr=False)
    fell_back: npt.NDArray[np.bool_] | None = field(default=None, repr=False)

    # -- construction ------------------------------------------------------------

    @classmethod
    def from_simulations(cls, *, name: str, execution: Execution, sides: tuple[Side, ...],
                         portfolio: Simulation, benchmark: Simulation,
                         benchmark_of: npt.NDArray[np.int64],
                         signal_days: pd.DatetimeIndex | None = None,
                         basis: ReturnBasis | None = None,
                         fell_back: npt.NDArray[np.bool_] | None = None,
                         close: npt.NDArray[np.float64] | None = None) -> RunResult:
        """Build from the strategy's and the benchmark's simulations.

        ``benchmark_of[j]`` is the benchmark column (cost variant) of column ``j``;
        ``signal_days[i]`` the trading day before bar ``i`` (the day whose signal
        fills on bar ``i``; ``NaT`` if none), by default the previous bar.
        With a non-trivial ``basis`` the portfolios traded ``P * F / B``: values
        are multiplied by ``B``, units by ``F``, trade prices converted back to
        SPX prices (``p * B / F``) and each trade's PnL recomputed in dollars:
        ``dir * size * (p_exit B_exit - p_entry B_entry) - fees_entry B_entry
        - fees_exit B_exit`` (price, dividends and costs; the interest on the
        account's cash is not part of a trade).  ``close`` is the SPX close
        (default: the simulation's close).
        """
        index = pd.DatetimeIndex(portfolio.index)
        if signal_days is None:
            signal_days = pd.DatetimeIndex([pd.NaT, *index[:-1]])
        rec = portfolio.trade_records
        entry_idx = rec["entry_idx"].astype(np.int64)
        exit_idx = rec["exit_idx"].astype(np.int64)
        size = rec["size"].astype(float)
        entry_price = rec["entry_price"].astype(float)
        exit_price = rec["exit_price"].astype(float)
        entry_fees = rec["entry_fees"].astype(float)
        exit_fees = rec["exit_fees"].astype(float)
        pnl = rec["pnl"].astype(float)
        values = portfolio.values
        positions = portfolio.assets
        bench = benchmark.values[:, benchmark_of]
        if basis is not None and not basis.trivial:
            b, f = basis.cash_index, basis.dividend_factor
            values = values * b[:, None]
            bench = bench * b[:, None]
            positions = positions * f[:, None]
            be, bx = b[entry_idx], b[exit_idx]
            sign = np.where(rec["direction"] == 0, 1.0, -1.0)
            entry_fees, exit_fees = entry_fees * be, exit_fees * bx
            pnl = (sign * (size * exit_price * bx - size * entry_price * be)
                   - entry_fees - exit_fees)
            size = size * f[entry_idx]
            entry_price = entry_price * be / f[entry_idx]
            exit_price = exit_price * bx / f[exit_idx]
        committed = size * entry_price + entry_fees
        trades = pd.DataFrame({
            "column": rec["col"].astype(np.int64),
            "side": np.where(rec["direction"] == 0, "long", "short"),
            "signal_date": signal_days[entry_idx],
            "entry_date": index[entry_idx],
            "exit_date": index[exit_idx],
            "entry_price": entry_price,
            "exit_price": exit_price,
            "size": size,
            "entry_fees": entry_fees,
            "exit_fees": exit_fees,
            "pnl": pnl,
            "return": pnl / committed,
            "bars": exit_idx - entry_idx,
            "status": np.where(rec["status"] == 1, "closed", "open"),
        }, columns=list(_TRADE_COLUMNS))
        trades = trades.sort_values(["column", "entry_date"], kind="stable").reset_index(drop=True)
        if close is None:
            close = portfolio.close
        return cls(name=name, execution=execution, sides=sides, index=index,
                   columns=portfolio.columns, values=values, positions=positions,
                   trade_table=trades, benchmark_values=bench, close=np.asarray(close),
                   portfolio=portfolio.portfolio, benchmark_portfolio=benchmark.portfolio,
                   basis=basis,
                   fell_back=fell_back)

    # -- columns -----------------------------------------------------------------

    @property
    def n_columns(self) -> int:
        """Number of columns ``k``."""
        return int(self.values.shape[1])

    def column(self, i: int) -> RunResult:
        """The one-column result of column ``i`` (positional)."""
        if not -self.n_columns <= i < self.n_columns:
            raise IndexError(f"column {i} out of range for a result with {self.n_columns} columns")
        i = i % self.n_columns
        t = self.trade_table
        trades = t[t["column"] == i].assign(column=0).reset_index(drop=True)
        return RunResult(name=self.name, execution=self.execution, sides=self.sides,
                         index=self.index, columns=self.columns[i:i + 1],
                         values=self.values[:, i:i + 1], positions=self.positions[:, i:i + 1],
                         trade_table=trades, benchmark_values=self.benchmark_values[:, i:i + 1],
                         close=self.close, basis=self.basis, fell_back=self.fell_back)

    def _single(self, what: str) -> None:
        if self.n_columns != 1:
            raise ValueError(f"{what} needs a one-column result; this one has {self.n_columns} "
                             f"columns: pick one with .column(i) or use the *_frame accessors")

    # -- basis -------------------------------------------------------------------

    @property
    def risk_free(self) -> npt.NDArray[np.float64]:
        """Daily cash return of each bar, the Sharpe/Sortino risk-free rate (0 in price mode)."""
        if self.basis is None:
            return np.zeros(len(self.index))
        return self.basis.cash_return

    @property
    def fill_bars(self) -> npt.NDArray[np.int64]:
        """Bar of every fill of every column: each entry, and each closed trade's exit."""
        t = self.trade_table
        entries = self.index.get_indexer(pd.DatetimeIndex(t["entry_date"]))
        closed = t[t["status"] == "closed"]
        exits = self.index.get_indexer(pd.DatetimeIndex(closed["exit_date"]))
        return np.concatenate([entries, exits]).astype(np.int64)

    @property
    def fallback_share(self) -> float:
        """Share of the fills (every column's) taken at the close for want of a real open.

        See :func:`backtest.execution.fills.fallback_share`; ``nan`` without fills.
        """
        fb = (self.fell_back if self.fell_back is not None
              else np.zeros(len(self.index), dtype=bool))
        return fallback_share(self.fill_bars, fb)

    @property
    def basis_line(self) -> str:
        """The one-line statement of return basis, cash, costs and fill rule."""
        basis = self.basis
        if basis is None:
            basis = return_basis(pd.DataFrame({"spx_close": self.close}, index=self.index),
                                 "price")
        ex = self.execution
        return describe_basis(basis, fill=ex.fill, fees=ex.fees, slippage=ex.slippage,
                              fallback_share=self.fallback_share)

    # -- series ------------------------------------------------------------------

    @cached_property
    def returns_array(self) -> npt.NDArray[np.float64]:
        """Daily returns, shape ``(T, k)``; the first against the initial cash."""
        prev = np.vstack([np.full((1, self.n_columns), self.execution.init_cash),
                          self.values[:-1]])
        out: npt.NDArray[np.float64] = self.values / prev - 1.0
        return out

    @cached_property
    def benchmark_returns_array(self) -> npt.NDArray[np.float64]:
        """Benchmark daily returns, shape ``(T, k)``."""
        prev = np.vstack([np.full((1, self.n_columns), self.execution.init_cash),
                          self.benchmark_values[:-1]])
        out: npt.NDArray[np.float64] = self.benchmark_values / prev - 1.0
        return out

    @property
    def equity_frame(self) -> pd.DataFrame:
        """Equity of every column."""
        return pd.DataFrame(self.values, index=self.index, columns=self.columns)

    @property
    def returns_frame(self) -> pd.DataFrame:
        """Daily returns of every column."""
        return pd.DataFrame(self.returns_array, index=self.index, columns=self.columns)

    @property
    def equity(self) -> pd.Series:
        """Equity at each close (one-column results)."""
        self._single("equity")
        return pd.Series(self.values[:, 0], index=self.index, name="equity")

    @property
    def returns(self) -> pd.Series:
        """Daily simple returns; the first against the initial cash."""
        self._single("returns")
        return pd.Series(self.returns_array[:, 0], index=self.index, name="returns")

    @property
    def position(self) -> pd.Series:
        """SPX units held at each close (negative: short)."""
        self._single("position")
        return pd.Series(self.positions[:, 0], index=self.index, name="position")

    @property
    def exposure(self) -> pd.Series:
        """Signed market exposure at each close: position value over equity."""
        self._single("exposure")
        return pd.Series(self.positions[:, 0] * self.close / self.values[:, 0],
                         index=self.index, name="exposure")

    @property
    def benchmark_equity(self) -> pd.Series:
        """Buy-and-hold SPX equity with the same costs."""
        self._single("benchmark_equity")
        return pd.Series(self.benchmark_values[:, 0], index=self.index, name="benchmark_equity")

    @property
    def trades(self) -> pd.DataFrame:
        """Trades: one row each, with fill dates, prices (after slippage), side, PnL.

        ``return`` is the PnL over the capital committed at entry (fees
        included); ``bars`` the fill bars between entry and exit; an ``open``
        trade is valued at the last close.
        """
        return self.trade_table

    # -- statistics --------------------------------------------------------------

    @cached_property
    def stats_frame(self) -> pd.DataFrame:
        """Statistics of every column (rows) -- see :data:`STAT_NAMES`."""
        t = self.trade_table
        closed = t[t["status"] == "closed"]
        cols = closed["column"].to_numpy(np.int64)
        groups = {int(c): closed[cols == c] for c in np.unique(cols)}
        rows = []
        for j in range(self.n_columns):
            g = groups.get(j)
            tr = g["return"].to_numpy(float) if g is not None else np.empty(0)
            pnl = g["pnl"].to_numpy(float) if g is not None else np.empty(0)
            row = _return_stats(self.returns_array[:, j], self.risk_free)
            row.update(_trade_stats(tr, pnl))
            row["time_in_market"] = m.time_in_market(self.positions[:, j])
            rows.append(row)
        return pd.DataFrame(rows, index=self.columns, columns=list(STAT_NAMES))

    @cached_property
    def benchmark_stats_frame(self) -> pd.DataFrame:
        """Benchmark statistics for every column (its costs); it has no closed trades."""
        rows = []
        for j in range(self.n_columns):
            row = _return_stats(self.benchmark_returns_array[:, j], self.risk_free)
            row.update(_trade_stats(np.empty(0), np.empty(0)))
            row["time_in_market"] = 1.0
            rows.append(row)
        return pd.DataFrame(rows, index=self.columns, columns=list(STAT_NAMES))

    @property
    def stats(self) -> pd.Series:
        """Statistics of a one-column result (see :data:`STAT_NAMES`)."""
        self._single("stats")
        return self.stats_frame.iloc[0].rename(self.name)

    @property
    def benchmark_stats(self) -> pd.Series:
        """Benchmark statistics of a one-column result."""
        self._single("benchmark_stats")
        return self.benchmark_stats_frame.iloc[0].rename("buy_and_hold")

    # -- export ------------------------------------------------------------------

    def to_frame(self) -> pd.DataFrame:
        """Daily table: equity, returns, position, drawdown and the benchmark's.

        One-column results give flat columns; others a column level per field.
        """
        dd = np.vstack([m.drawdown(self.returns_array[:, j])
                        for j in range(self.n_columns)]).T
        fields = {
            "equity": self.values,
            "returns": self.returns_array,
            "position": self.positions,
            "drawdown": dd,
            "benchmark_equity": self.benchmark_values,
            "benchmark_returns": self.benchmark_returns_array,
        }
        if self.n_columns == 1:
            return pd.DataFrame({k: v[:, 0] for k, v in fields.items()}, index=self.index)
        return pd.concat({k: pd.DataFrame(v, index=self.index, columns=self.columns)
                          for k, v in fields.items()}, axis=1)

    def summary(self) -> str:
        """Text table of the statistics next to the benchmark's (one-column results);
        for several columns, the statistics table of every column."""
        ex = self.execution
        head = (f"{self.name}: {self.index[0].date()} .. {self.index[-1].date()} "
                f"({len(self.index)} bars), fill={ex.fill}, fees={ex.fees:g}, "
                f"slippage={ex.slippage:g}, sides={'/'.join(self.sides)}, "
                f"holding_period={ex.holding_period}")
        head = self.basis_line + "\n" + head
        if self.n_columns != 1:
            return head + "\n" + self.stats_frame.to_string(float_format=lambda v: f"{v:.4g}")
        pct = {"total_return", "annualized_return", "annualized_volatility", "max_drawdown",
               "win_rate", "average_win", "average_loss", "time_in_market"}
        lines = [head, f"{'':<24}{'strategy':>14}{'buy & hold':>14}"]
        for key in STAT_NAMES:
            a, b = self.stats[key], self.benchmark_stats[key]
            if key in pct:
                cells = [f"{v:.2%}" if np.isfinite(v) else "-" for v in (a, b)]
            elif key in ("trades", "max_drawdown_duration"):
                cells = [f"{v:.0f}" if np.isfinite(v) else "-" for v in (a, b)]
            else:
                cells = [f"{v:.3f}" if not np.isnan(v) else "-" for v in (a, b)]
            lines.append(f"{key:<24}{cells[0]:>14}{cells[1]:>14}")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()
