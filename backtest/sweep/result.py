"""The result of a sweep: one row of statistics per parameter combination."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from backtest.execution.config import Execution
from backtest.sweep.stats import LOWER_IS_BETTER, STAT_NAMES
from backtest.sweep.table import StatsStore
from strategies.base import Strategy

__all__ = ["SweepResult"]

Agg = str | Callable[[pd.Series], float]


@dataclass(frozen=True, eq=False)
class SweepResult:
    """Statistics of every combination of a sweep.

    Parameters
    ----------
    strategy : type[Strategy]
        The swept strategy class.
    execution : Execution
        Base execution settings.
    grid : Mapping[str, list]
        The swept values (strategy parameters, then execution settings).
    table : pandas.DataFrame
        One row per combination, indexed by a ``MultiIndex`` of the grid's
        parameters (``holding_period`` 0 = none), one column per statistic
        (:data:`~backtest.sweep.stats.STAT_NAMES`).
    benchmark : pandas.DataFrame
        Buy-and-hold SPX statistics, one row per execution variant (its
        ``fees`` and ``slippage`` as columns).
    benchmark_returns : pandas.DataFrame
        Buy-and-hold daily returns, one column per execution variant.
    variant_of : ndarray of int, shape (n,)
        Execution variant (row of ``benchmark``) of each combination.
    period : tuple of pandas.Timestamp
        First and last bar of the run span.
    n_bars : int
        Bars in the run span.
    chunk_size : int
        Parameter sets per chunk used by the run.
    daily_returns : pandas.DataFrame or None
        ``(T, n)`` daily returns when the sweep ran with ``keep_returns=True``.
    store : StatsStore or None, default None
        Where ``table``'s values live (in memory, or a spilled file the table
        maps read-only); :meth:`iter_frames` reads row chunks from it.
    """

    strategy: type[Strategy]
    execution: Execution
    grid: Mapping[str, list[Any]]
    table: pd.DataFrame = field(repr=False)
    benchmark: pd.DataFrame = field(repr=False)
    benchmark_returns: pd.DataFrame = field(repr=False)
    variant_of: npt.NDArray[np.int64] = field(repr=False)
    period: tuple[pd.Timestamp, pd.Timestamp]
    n_bars: int
    chunk_size: int
    daily_returns: pd.DataFrame | None = field(default=None, repr=False)
    store: StatsStore | None = field(default=None, repr=False, compare=False)

    # -- access --------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self.table)

    @property
    def parameters(self) -> list[str]:
        """Index level names (the swept parameters)."""
        return [str(n) for n in self.table.index.names]

    def _metric(self, metric: str) -> str:
        if metric not in self.table.columns:
            raise ValueError(f"unknown metric {metric!r}; available: "
                             f"{', '.join(self.table.columns)}")
        return metric

    def to_frame(self) -> pd.DataFrame:
        """The statistics table (a copy): parameters as index, statistics as columns.

        Holds every row in memory; :meth:`iter_frames` gives the same rows a
        chunk at a time.
        """
        return self.table.copy()

    @property
    def spilled(self) -> bool:
        """Whether the table's values live in a file (a read-only memory map)."""
        return self.store is not None and self.store.spilled

    def iter_frames(self, rows: int = 65_536) -> Iterator[pd.DataFrame]:
        """The table in consecutive chunks of at most ``rows`` rows (in order).

        A spilled table is read from its file with plain reads, so writing
        every row out does not keep the table's pages in memory.
        """
        if isinstance(rows, bool) or int(rows) != rows or rows < 1:
            raise ValueError(f"rows={rows!r} must be a positive integer")
        n = len(self.table)
        for lo in range(0, n, int(rows)):
            hi = min(n, lo + int(rows))
            if self.store is not None and self.store.spilled:
                yield pd.DataFrame(self.store.rows(lo, hi), index=self.table.index[lo:hi],
                                   columns=self.table.columns, copy=False)
            else:
                yield self.table.iloc[lo:hi]

    def returns(self) -> pd.DataFrame:
        """Daily returns of every combination, ``(T, n)``, columns like the table's index.

        Raises
        ------
        ValueError
            If the sweep ran without ``keep_returns=True`` (use
            :meth:`backtest.sweep.Sweep.iter_returns` for a chunked matrix).
        """
        if self.daily_returns is None:
            raise ValueError("this sweep kept no daily returns: run it with keep_returns=True "
                             "or use Sweep.iter_returns(data) for chunks")
        return self.daily_returns

    # -- selection -----------------------------------------------------------------

    def ranked(self, metric: str = "sharpe", ascending: bool | None = None) -> pd.DataFrame:
        """The table sorted by ``metric`` (best first, ``nan`` last).

        ``ascending=None`` sorts the natural way: descending except for the
        statistics in :data:`~backtest.sweep.stats.LOWER_IS_BETTER`.
        """
        self._metric(metric)
        asc = metric in LOWER_IS_BETTER if ascending is None else ascending
        return self.table.sort_values(metric, ascending=asc, na_position="last", kind="stable")

    def top(self, metric: str = "sharpe", k: int = 5, ascending: bool | None = None
            ) -> pd.DataFrame:
        """The first ``k`` rows of :meth:`ranked`, found without sorting the table.

        Same rows, same order (ties in grid order, ``nan`` last); reads only the
        ``metric`` column and the ``k`` rows.
        """
        self._metric(metric)
        if isinstance(k, bool) or int(k) != k or k < 0:
            raise ValueError(f"k={k!r} must be a non-negative integer")
        asc = metric in LOWER_IS_BETTER if ascending is None else ascending
        return self.table.iloc[_top_positions(self.table[metric].to_numpy(), int(k), asc)]

    def best(self, metric: str = "sharpe", ascending: bool | None = None) -> pd.Series:
        """The row with the best value of ``metric``.

        Parameters
        ----------
        metric : str, default "sharpe"
            A column of the table.
        ascending : bool or None, default None
            ``None``: higher is better, except for ``annualized_volatility``
            and ``max_drawdown_duration`` (``max_drawdown`` is negative, so
            higher is better too).  Ties keep the first row in grid order.

        Returns
        -------
        pandas.Series
            The statistics of that combination; ``.name`` is its parameter
            tuple, and :attr:`pandas.Series.attrs` ``["params"]`` a dict of them.

        Raises
        ------
        ValueError
            For an unknown metric or if every value is ``nan``.
        """
        self._metric(metric)
        col = self.table[metric]
        if col.isna().all():
            raise ValueError(f"every combination has {metric} = nan")
        row = self.top(metric, 1, ascending).iloc[0].copy()
        key = row.name if isinstance(row.name, tuple) else (row.name,)
        row.attrs["params"] = dict(zip(self.parameters, key, strict=True))
        return row

    def heatmap(self, x: str, y: str, metric: str = "sharpe", agg: Agg = "mean",
                **fixed: Any) -> pd.DataFrame:
        """2-D slice of ``metric`` over parameters ``x`` (columns) and ``y`` (rows).

        The other swept parameters are handled in this order: those given in
        ``fixed`` are held at that value; the rest are aggregated over with
        ``agg`` (``"mean"`` by default; ``"max"``, ``"min"``, ``"median"`` or a
        callable).  When no other parameter varies, the cells are the rows
        themselves.

        Parameters
        ----------
        x, y : str
            Two different swept parameters.
        metric : str, default "sharpe"
            Statistic to show.
        agg : str or callable, default "mean"
            Aggregation over the parameters neither plotted nor fixed.
        **fixed
            ``parameter=value`` pins.

        Returns
        -------
        pandas.DataFrame
            Index: values of ``y``; columns: values of ``x``.

        Raises
        ------
        ValueError
            For an unknown parameter or metric, ``x == y``, or a pinned value
            not in the grid.
        """
        self._metric(metric)
        names = self.parameters
        for p in (x, y, *fixed):
            if p not in names:
                raise ValueError(f"{p!r} is not a swept parameter; swept: {', '.join(names)}")
        if x == y:
            raise ValueError("heatmap needs two different parameters")
        frame = self.table[metric].reset_index()
        for p, v in fixed.items():
            if p in (x, y):
                raise ValueError(f"{p!r} is an axis of the heatmap and cannot be fixed")
            mask = frame[p] == v
            if not mask.any():
                raise ValueError(f"{p}={v!r} is not in the grid; values: "
                                 f"{', '.join(map(repr, sorted(frame[p].unique())))}")
            frame = frame[mask]
        how: Any = agg
        out = frame.pivot_table(index=y, columns=x, values=metric, aggfunc=how, dropna=False)
        out.attrs["aggregated_over"] = [p for p in names if p not in (x, y, *fixed)]
        out.attrs["metric"] = metric
        return out

    def select(self, **params: Any) -> pd.DataFrame:
        """Rows whose parameters equal the given values."""
        frame = self.table.reset_index()
        mask = np.ones(len(frame), dtype=bool)
        for p, v in params.items():
            if p not in self.parameters:
                raise ValueError(f"{p!r} is not a swept parameter; swept: "
                                 f"{', '.join(self.parameters)}")
            mask &= (frame[p] == v).to_numpy()
        return self.table[mask]

    # -- reporting -----------------------------------------------------------------

    def summary(self, metric: str = "sharpe", top: int = 5) -> str:
        """Text summary: what was swept, the period, the best rows and buy-and-hold.

        Parameters
        ----------
        metric : str, default "sharpe"
            Statistic to rank by.
        top : int, default 5
            Rows shown.
        """
        name = self.strategy.name or self.strategy.__name__
        grid = ", ".join(f"{k}: {len(v)}" for k, v in self.grid.items()) or "defaults only"
        lines = [
            f"Sweep of {name}: {len(self):,} combinations ({grid})",
            f"Period {self.period[0].date()} .. {self.period[1].date()} ({self.n_bars:,} bars), "
            f"fill {self.execution.fill}",
            f"Top {min(top, len(self))} by {metric}:",
            self.top(metric, top)[list(_SHOWN)].to_string(float_format=_fmt),
            "Buy-and-hold SPX (same period and costs):",
            self.benchmark[["fees", "slippage", *_SHOWN]].drop_duplicates()
                .to_string(index=False, float_format=_fmt),
        ]
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()


_SHOWN: Sequence[str] = ("total_return", "annualized_return", "sharpe", "max_drawdown",
                         "trades", "win_rate")
assert set(_SHOWN) <= set(STAT_NAMES)


def _top_positions(values: npt.NDArray[np.float64], k: int, ascending: bool
                   ) -> npt.NDArray[np.int64]:
    """Positions of the ``k`` best values in the order of a stable sort (ties by
    position, ``nan`` last), as ``sort_values(kind="stable", na_position="last")``."""
    v = np.asarray(values, dtype=np.float64)
    n = len(v)
    k = min(k, n)
    if k == 0:
        return np.zeros(0, dtype=np.int64)
    nan = np.isnan(v)
    key = np.where(nan, np.inf, v if ascending else -v)
    if k < n:
        # every row as good as the k-th best, ties included, then a stable order
        kth = np.partition(key, k - 1)[k - 1]
        cand = np.flatnonzero(key <= kth)
    else:
        cand = np.arange(n)
    # finite and infinite values before nan, each by key then by position
    order = np.lexsort((cand, key[cand], nan[cand]))
    return cand[order[:k]].astype(np.int64)


def _fmt(v: float) -> str:
    return f"{v:.4g}"
