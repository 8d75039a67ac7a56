"""A parameter sweep: every combination of a grid, run on the lean path.

:class:`Sweep` holds the strategy class, the grid of its parameters and of the
execution settings a sweep may vary (:data:`~backtest.sweep.spec.EXEC_PARAMS`).
:meth:`Sweep.run` works in chunks of parameter sets: the strategy computes a
chunk's signals as columns of one computation (indicator work shared across
the chunk), :func:`~backtest.execution.fills.lag_to_fill` moves them to the
fill day, and the fused numba kernel simulates every (parameter set,
execution variant) pair and keeps only its statistics.  Execution variants
reuse the same signal column, so sweeping costs or holding periods costs no
signal work at all.

The parameter sets are addressed by position (:class:`~backtest.sweep.sets.ParameterSets`):
a chunk's strategy instances, the result's row index and the labels of the
rows a consumer needs are made from the grid's value lists, so a grid of
millions of sets holds no million-element list of instances or labels.  Each
chunk's statistics go straight into a column store
(:class:`~backtest.sweep.table.StatsStore`), in memory or, with ``spill``, in
a file.

The data, the run span, the sides and the fill prices are exactly those of
:func:`backtest.execution.portfolio.run`, so a sweep row equals the full
vectorbt run of that parameter set.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from backtest.errors import DataError, MissingDataError
from backtest.execution.basis import ReturnBasis, return_basis
from backtest.execution.config import Execution
from backtest.execution.fills import FILL_COLUMNS, fill_prices, lag_rows
from backtest.execution.portfolio import active_sides, check_exits, run_span
from backtest.sweep.chunks import DEFAULT_MEMORY_BUDGET, chunk_columns
from backtest.sweep.kernel import (
    RAW_FIELDS,
    SIDE_BOTH,
    SIDE_LONG,
    SIDE_SHORT,
    sweep_kernel,
    sweep_kernel_serial,
)
from backtest.sweep.result import SweepResult
from backtest.sweep.sets import ParameterSets
from backtest.sweep.spec import EXEC_PARAMS, execution_variants, split_grid
from backtest.sweep.spill import SpillFolder
from backtest.sweep.stats import STAT_NAMES, derive_stats
from backtest.sweep.table import BYTES_PER_STATS_ROW, StatsStore
from strategies.base import Strategy

__all__ = ["ReturnsSink", "Sweep"]

#: ``(start, returns (c, T), benchmark (c, T), labels) -> None``: see :meth:`Sweep.run`.
ReturnsSink = Callable[[int, npt.NDArray[np.float64], npt.NDArray[np.float64], list[str]], None]


def _label(c: object) -> str:
    """A combination's label: its index values joined by ", "."""
    return ", ".join(str(x) for x in c) if isinstance(c, tuple) else str(c)

_SIDE_CODE = {("long",): SIDE_LONG, ("short",): SIDE_SHORT, ("long", "short"): SIDE_BOTH}
_NAN_ORDERS = RAW_FIELDS.index("nan_price_orders")
_RUINED = RAW_FIELDS.index("ruined_shorts")


def _kernel_layout(a: npt.NDArray[np.bool_]) -> npt.NDArray[np.bool_]:
    """Signal columns as the kernel takes them: Fortran order, >= 2 columns, and
    all-False rows appended up to a multiple of 8 rows.

    A one-column array is both C- and Fortran-contiguous and numba would type
    (and compile) it as C; a spare all-False column keeps a single layout, so a
    process compiles or loads the kernel once.  The kernel reads each column as
    64-bit words (eight days at once) when it looks for the next entry.
    """
    t, m = a.shape
    out = np.zeros((-(-t // 8) * 8, max(m, 2)), dtype=np.bool_, order="F")
    out[:t, :m] = a
    return out


@dataclass(frozen=True)
class _Prepared:
    """Arrays shared by every chunk of one sweep run."""

    frame: pd.DataFrame
    rows: slice
    signal_frame: pd.DataFrame
    signal_rows: slice
    index: pd.DatetimeIndex
    price: npt.NDArray[np.float64]
    close: npt.NDArray[np.float64]
    basis: ReturnBasis
    side: npt.NDArray[np.int64]
    exit_on_signal: npt.NDArray[np.bool_]
    holding: npt.NDArray[np.int64]
    fees: npt.NDArray[np.float64]
    slippage: npt.NDArray[np.float64]


@dataclass(frozen=True)
class Sweep:
    """Every combination of a parameter grid for one strategy class.

    Parameters
    ----------
    strategy : type[Strategy]
        The strategy class.
    grid : Mapping[str, Sequence]
        Parameter name -> values.  Strategy parameters not named keep their
        defaults; names from :data:`~backtest.sweep.spec.EXEC_PARAMS`
        (``holding_period``, ``fees``, ``slippage``, ``side``,
        ``exit_on_signal``) may appear here too and are moved to ``exec_grid``.
    execution : Execution, default Execution()
        Base execution settings (fill timing, initial cash, fixed costs ...).
    exec_grid : Mapping[str, Sequence], default {}
        Execution settings to vary; each value replaces that field of
        ``execution``.  ``holding_period=None`` (or 0) means each parameter
        set's ``default_holding_period`` (no time exit for a set with exit
        signals), as in :func:`backtest.execution.portfolio.run`.
    skip_flat : bool, default True
        Let the kernel jump from one entry signal to the next over flat
        stretches (``False`` walks every day).  In price mode the results are
        identical; in total mode, where a flat account earns the T-bill, the
        daily returns are identical and the statistics equal to rounding
        (1e-12; :mod:`backtest.sweep.kernel`).

    Raises
    ------
    ValueError
        Naming the parameter: an unknown name (with a "did you mean" hint), an
        empty value list, or a value the strategy or :class:`Execution`
        rejects (their own message).

    Examples
    --------
    >>> from strategies.bollinger_break import BollingerBreak
    >>> sw = Sweep(BollingerBreak, {"window": [21, 63], "num_std": [1.5, 2.0],
    ...                             "holding_period": [5, 10]})
    >>> sw.n_combinations
    8
    """

    strategy: type[Strategy]
    grid: Mapping[str, Sequence[Any]]
    execution: Execution = field(default_factory=Execution)
    exec_grid: Mapping[str, Sequence[Any]] = field(default_factory=dict)
    skip_flat: bool = True
    _own: dict[str, list[Any]] = field(init=False, repr=False, compare=False)
    _exec: dict[str, list[Any]] = field(init=False, repr=False, compare=False)
    _sets: ParameterSets = field(init=False, repr=False, compare=False)
    _variants: list[Execution] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not (isinstance(self.strategy, type) and issubclass(self.strategy, Strategy)):
            raise TypeError(f"Sweep needs a Strategy class, got {self.strategy!r}")
        if not isinstance(self.execution, Execution):
            raise TypeError(f"execution must be an Execution, got {type(self.execution).__name__}")
        own, ex = split_grid(self.strategy, self.grid)
        own_extra, ex2 = split_grid(self.strategy, self.exec_grid)
        if own_extra:
            raise ValueError(f"exec_grid may only vary {', '.join(EXEC_PARAMS)}; "
                             f"got strategy parameter(s) {', '.join(own_extra)}")
        for k in ex2:
            if k in ex:
                raise ValueError(f"parameter {k!r} is given in both grid and exec_grid")
        ex.update(ex2)
        order = list(self.strategy.param_specs())
        own = {k: own[k] for k in order if k in own}
        ex = {k: ex[k] for k in EXEC_PARAMS if k in ex}
        sets = ParameterSets(self.strategy, own)  # validates every combination
        variants = execution_variants(self.execution, ex)
        for v in variants:
            active_sides(self.strategy.sides, v.side)
        object.__setattr__(self, "_own", own)
        object.__setattr__(self, "_exec", ex)
        object.__setattr__(self, "_sets", sets)
        object.__setattr__(self, "_variants", variants)

    # -- shape ---------------------------------------------------------------------

    @property
    def parameter_sets(self) -> list[Strategy]:
        """Strategy instances, one per combination of the strategy's grid values
        (built on each call; a run builds one chunk's at a time)."""
        return self._sets.sets()

    @property
    def sets(self) -> ParameterSets:
        """The parameter sets by position (:class:`~backtest.sweep.sets.ParameterSets`)."""
        return self._sets

    @property
    def variants(self) -> list[Execution]:
        """Execution settings, one per combination of the execution grid."""
        return list(self._variants)

    @property
    def n_sets(self) -> int:
        """Number of parameter sets (signal columns)."""
        return len(self._sets)

    @property
    def n_combinations(self) -> int:
        """Rows of the result: parameter sets times execution variants."""
        return self.n_sets * len(self._variants)

    @property
    def levels(self) -> list[str]:
        """Index level names of the result: swept strategy parameters, then
        execution settings."""
        return [*self._own, *self._exec]

    def index(self, start: int = 0, stop: int | None = None) -> pd.MultiIndex:
        """The result's row index (set-major, execution variant minor), or its rows
        ``start:stop`` (combinations), built from small integer codes."""
        n_var = len(self._variants)
        stop = self.n_combinations if stop is None else min(stop, self.n_combinations)
        pos = np.arange(start, stop, dtype=np.int64)
        levels: list[pd.Index] = []
        codes: list[npt.NDArray[np.int64]] = []
        names: list[str] = []
        lo, hi = start // n_var, -(-stop // n_var)
        for k, (level, code) in zip(self._own, self._sets.index_arrays(lo, hi), strict=True):
            levels.append(level)
            codes.append(code[pos // n_var - lo])
            names.append(k)
        for k in self._exec:
            vals = [getattr(v, k) for v in self._variants]
            if k == "holding_period":
                vals = [0 if x is None else x for x in vals]
            col = pd.Series(np.asarray(vals, dtype=object)).infer_objects()
            small = pd.MultiIndex.from_arrays([col])
            levels.append(small.levels[0])
            codes.append(np.asarray(small.codes[0], dtype=np.int64)[pos % n_var])
            names.append(k)
        if not levels:
            return pd.MultiIndex.from_arrays([np.zeros(len(pos), dtype=np.int64)],
                                             names=["set"])
        parts: dict[str, Any] = {"levels": levels, "codes": codes}
        return pd.MultiIndex(**parts, names=names, verify_integrity=False)

    def labels(self, start: int, stop: int) -> list[str]:
        """Labels of combinations ``start:stop`` (their index values joined by ", ")."""
        return [_label(c) for c in self.index(start, stop)]

    # -- running -------------------------------------------------------------------

    def _prepare(self, data: Any) -> _Prepared:
        frame = getattr(data, "frame", data)
        if not isinstance(frame, pd.DataFrame):
            raise TypeError(f"data must be a MarketTable or a pandas DataFrame, "
                            f"got {type(data).__name__}")
        needed: list[str] = []
        for cols in self._sets.distinct_columns():
            needed.extend(c for c in cols if c not in needed)
        fill = self.execution.fill
        fill_col = FILL_COLUMNS[fill]
        for col in ("spx_close", fill_col):
            if col not in frame.columns or not frame[col].notna().any():
                raise MissingDataError(f"fill {fill!r} needs column {col!r}, which the data "
                                       "does not have", (col,))
        rows = run_span(frame, needed)
        signal_frame, signal_rows = self._signal_span(frame, rows)
        index = pd.DatetimeIndex(frame.index[rows])
        close = frame["spx_close"].to_numpy(dtype=np.float64)[rows].copy()
        if np.isnan(close).any():
            bad = index[np.isnan(close)][0]
            raise DataError(f"spx_close is missing on {bad.date()} inside the run span; "
                            "equity cannot be valued")
        price = fill_prices(frame, fill).to_numpy(dtype=np.float64)[rows].copy()
        # the returns mode as in the vectorbt run: trade P * F / B, value times B
        basis = return_basis(frame, self.execution.returns, rows)
        price = basis.adjust(price)
        close = basis.adjust(close)
        variants = self._variants
        side = np.asarray([_SIDE_CODE[active_sides(self.strategy.sides, v.side)]
                           for v in variants], dtype=np.int64)
        return _Prepared(
            frame=frame, rows=rows, signal_frame=signal_frame, signal_rows=signal_rows,
            index=index, price=price, close=close, basis=basis,
            side=side,
            exit_on_signal=np.asarray([v.exit_on_signal for v in variants], dtype=np.bool_),
            # -1: the parameter set's default_holding_period (Execution rule 4)
            holding=np.asarray([-1 if v.holding_period is None else v.holding_period
                                for v in variants], dtype=np.int64),
            fees=np.asarray([v.fees for v in variants], dtype=np.float64),
            slippage=np.asarray([v.slippage for v in variants], dtype=np.float64),
        )

    def _signal_span(self, frame: pd.DataFrame, rows: slice) -> tuple[pd.DataFrame, slice]:
        """The rows the signals are computed on, and the run span's place in them.

        A signal of day ``t`` depends only on rows ``<= t`` and the run span's
        first fill takes the day before it, so the rows after the span are
        never needed.  A strategy whose signals use only each parameter set's
        complete rows (:attr:`~strategies.base.Strategy.signals_on_complete_rows`)
        does not need the rows before the first complete row of any of its
        sets either: they change no signal.  The signals on the span are those
        of the full data (tested per strategy on the real data).
        """
        lo = max(rows.start - 1, 0)
        if not self.strategy.signals_on_complete_rows:
            return frame.iloc[:rows.stop], rows
        for cols in self._sets.distinct_columns():
            complete = frame[list(cols)].notna().all(axis=1).to_numpy()
            if complete.any():
                lo = min(lo, int(np.argmax(complete)))
        return frame.iloc[lo:rows.stop], slice(rows.start - lo, rows.stop - lo)

    def _chunk_width(self, prep: _Prepared, chunk_size: int | None, memory_budget: int,
                     keep_returns: bool, evidence: bool = False) -> int:
        if chunk_size is not None:
            if isinstance(chunk_size, bool) or int(chunk_size) != chunk_size or chunk_size < 1:
                raise ValueError(f"chunk_size={chunk_size!r} must be a positive integer")
            return min(int(chunk_size), self.n_sets)
        return chunk_columns(len(prep.frame), len(prep.side), self.n_sets, memory_budget,
                             keep_returns=keep_returns, evidence=evidence)

    def _run_chunk(self, prep: _Prepared, sets: Sequence[Strategy], keep_returns: bool,
                   parallel: bool) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
        fill = self.execution.fill
        arrays = [_kernel_layout(a) for a in self._lagged_signals(prep, sets)]
        m, n_var = len(sets), len(prep.side)
        k = m * n_var
        sig_col = np.repeat(np.arange(m, dtype=np.int64), n_var)
        n_bars = len(prep.index)
        rets = np.empty((k if keep_returns else 0, n_bars), dtype=np.float64)
        defaults = np.asarray([s.default_holding_period or 0 for s in sets], dtype=np.int64)
        holding = np.where(prep.holding[None, :] < 0, defaults[:, None],
                           prep.holding[None, :])  # (m, n_var)
        labels = pd.Index([repr(s) for s in sets])
        for v, variant in enumerate(self._variants):
            check_exits(self.strategy.name or self.strategy.__name__,
                        [a[:n_bars, :m] for a in arrays],
                        active_sides(self.strategy.sides, variant.side),
                        holding[:, v][None, :], variant.exit_on_signal, labels)
        kernel: Any = sweep_kernel if parallel else sweep_kernel_serial
        raw = kernel(*arrays, prep.price, prep.close, prep.basis.cash_index,
                     prep.basis.cash_return, sig_col, np.tile(prep.side, m),
                     np.tile(prep.exit_on_signal, m), holding.ravel(),
                     np.tile(prep.fees, m), np.tile(prep.slippage, m),
                     float(self.execution.init_cash), rets, keep_returns,
                     self.skip_flat)
        bad = raw[:, _NAN_ORDERS] > 0
        if bad.any():
            j = int(np.argmax(bad))
            s = sets[j // n_var]
            raise DataError(f"an order of {s!r} fills on a day where "
                            f"{FILL_COLUMNS[fill]} is missing; use another fill or a period "
                            "with that column")
        ruined = raw[:, _RUINED] > 0
        if ruined.any():
            j = int(np.argmax(ruined))
            raise ValueError(f"{sets[j // n_var]!r} with {self._variants[j % n_var]!r}: a short "
                             "position lost more than the account's equity, so it cannot be "
                             "covered all in (a ruined short); such a run is refused, as by "
                             "backtest.execution.run (trade long only or add a holding period)")
        return raw, rets

    def _lagged_signals(self, prep: _Prepared, sets: Sequence[Strategy]
                        ) -> list[npt.NDArray[np.bool_]]:
        """Long entries/exits, short entries/exits of ``sets`` on the run span's
        fill days, ``(T, len(sets))`` each."""
        grid = self.strategy.grid(prep.signal_frame, sets)
        return [lag_rows(f.to_numpy(dtype=np.bool_), prep.signal_rows, self.execution.fill)
                for f in (grid.long_entries, grid.long_exits, grid.short_entries,
                          grid.short_exits)]

    def _chunks(self, width: int) -> Iterator[tuple[int, list[Strategy]]]:
        return self._sets.iter_chunks(width)

    def run(self, data: Any, *, chunk_size: int | None = None,
            memory_budget: int = DEFAULT_MEMORY_BUDGET, keep_returns: bool = False,
            progress: bool = True, parallel: bool = True,
            on_returns: ReturnsSink | None = None,
            spill: str | os.PathLike[str] | None = None) -> SweepResult:
        """Run every combination and collect its statistics.

        Parameters
        ----------
        data : MarketTable or pandas.DataFrame
            Market data (signals are computed on the run span and the rows
            before it they depend on, see :meth:`_signal_span`; trading uses
            the run span, as :func:`backtest.execution.portfolio.run`).
        chunk_size : int or None, default None
            Parameter sets per chunk; ``None``: derived from ``memory_budget``
            (:func:`~backtest.sweep.chunks.chunk_columns`).
        memory_budget : int, default 256 MiB
            Bytes a chunk's arrays may use.
        keep_returns : bool, default False
            Also keep every combination's daily returns (a ``(T, n)`` float
            matrix: ``8 * T * n`` bytes; see :meth:`iter_returns` for a
            bounded alternative).
        progress : bool, default True
            Show a progress bar (tqdm) over combinations.
        parallel : bool, default True
            Run the kernel's combinations on all cores.
        on_returns : callable or None, default None
            Called once per chunk, in order, with ``(start, returns, benchmark,
            labels)``: the number of the chunk's first combination, its
            ``(c, T)`` daily returns (flat days 0), each combination's
            ``(c, T)`` buy-and-hold returns under its own execution variant, and
            the combinations' labels.  This streams the returns to a consumer
            (the data-snooping evidence) without keeping them; the arrays are
            reused afterwards, so copy what must outlive the call.
        spill : path or None, default None
            Keep the statistics table (``8 * len(STAT_NAMES)`` bytes a
            combination) in a file of a temporary folder made inside this
            folder instead of in memory; the result's table is then a
            read-only memory map of it (:class:`~backtest.sweep.table.StatsStore`),
            and the folder is deleted with the result.  Same values.

        Returns
        -------
        SweepResult
            Identical whatever the chunking.

        Raises
        ------
        MissingDataError
            If the data lacks a column the strategy or the fill needs.
        DataError
            If an order would fill on a day without a fill price.
        ValueError
            If a traded side has entries but can never close (no exit signal
            and no holding period), or a short loses more than the account
            (rules 2 and 4 of :mod:`backtest.execution.config`).
        """
        prep = self._prepare(data)
        stream = on_returns is not None
        width = self._chunk_width(prep, chunk_size, memory_budget, keep_returns or stream,
                                  evidence=stream)
        n_var = len(prep.side)
        bench, bench_returns = self._benchmark(prep, parallel)
        bench_rows = np.ascontiguousarray(bench_returns.to_numpy(dtype=np.float64).T)
        index = self.index()
        n = self.n_combinations
        store = StatsStore(n, None if spill is None
                           else SpillFolder(spill, n * BYTES_PER_STATS_ROW))
        rets_all = (np.empty((len(prep.index), self.n_combinations), dtype=np.float64)
                    if keep_returns else None)
        from tqdm.auto import tqdm

        with tqdm(total=self.n_combinations, disable=not progress, unit="comb",
                  desc=f"sweep {self.strategy.name or self.strategy.__name__}") as bar:
            for start, sets in self._chunks(width):
                raw, rets = self._run_chunk(prep, sets, keep_returns or stream, parallel)
                lo, hi = start * n_var, (start + len(sets)) * n_var
                store.write(lo, derive_stats(raw).to_numpy(dtype=np.float64))
                if rets_all is not None:
                    rets_all[:, lo:hi] = rets.T
                if on_returns is not None:
                    np.nan_to_num(rets, copy=False, nan=0.0)
                    on_returns(lo, rets, bench_rows[np.tile(np.arange(n_var), len(sets))],
                               self.labels(lo, hi))
                bar.update(hi - lo)
        table = pd.DataFrame(store.columns().T, index=index, columns=list(STAT_NAMES),
                             copy=False)
        returns = (pd.DataFrame(rets_all, index=prep.index, columns=index)
                   if rets_all is not None else None)
        return SweepResult(strategy=self.strategy, execution=self.execution,
                           grid={**self._own, **self._exec},
                           table=table, benchmark=bench, benchmark_returns=bench_returns,
                           variant_of=np.tile(np.arange(n_var), self.n_sets),
                           period=(prep.index[0], prep.index[-1]),
                           n_bars=len(prep.index), chunk_size=width, daily_returns=returns,
                           store=store)

    def run_chunk(self, data: Any, start: int, stop: int, *, parallel: bool = True,
                  ) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64],
                             npt.NDArray[np.float64], list[str]]:
        """Run parameter sets ``start:stop`` alone (a pure function: runs on any process).

        Parameters
        ----------
        data : MarketTable or pandas.DataFrame
        start, stop : int
            Range of parameter sets (not combinations).
        parallel : bool, default True

        Returns
        -------
        raw : numpy.ndarray, shape (c, len(RAW_FIELDS))
            The kernel's rows of the chunk's ``c`` combinations.
        returns, benchmark : numpy.ndarray, shape (c, T)
            Their daily returns (flat days 0) and buy-and-hold returns under
            each one's execution variant.
        labels : list of str
        """
        if not 0 <= start < stop <= self.n_sets:
            raise ValueError(f"chunk {start}:{stop} is outside the {self.n_sets} parameter sets")
        prep = self._prepare(data)
        n_var = len(prep.side)
        _, bench_returns = self._benchmark(prep, parallel)
        raw, rets = self._run_chunk(prep, self._sets.sets(start, stop), True, parallel)
        np.nan_to_num(rets, copy=False, nan=0.0)
        bench = np.ascontiguousarray(bench_returns.to_numpy(dtype=np.float64).T)
        bench = bench[np.tile(np.arange(n_var), stop - start)]
        labels = self.labels(start * n_var, stop * n_var)
        return raw, rets, bench, labels

    def result_from_raw(self, data: Any, raw: npt.NDArray[np.float64], chunk_size: int,
                        parallel: bool = True) -> SweepResult:
        """The :class:`SweepResult` of kernel rows gathered chunk by chunk
        (:meth:`run_chunk`), in combination order."""
        prep = self._prepare(data)
        n_var = len(prep.side)
        if raw.shape != (self.n_combinations, len(RAW_FIELDS)):
            raise ValueError(f"raw must be ({self.n_combinations}, {len(RAW_FIELDS)}), "
                             f"got {raw.shape}")
        bench, bench_returns = self._benchmark(prep, parallel)
        table = derive_stats(raw)
        table.index = self.index()
        return SweepResult(strategy=self.strategy, execution=self.execution,
                           grid={**self._own, **self._exec},
                           table=table, benchmark=bench, benchmark_returns=bench_returns,
                           variant_of=np.tile(np.arange(n_var), self.n_sets),
                           period=(prep.index[0], prep.index[-1]),
                           n_bars=len(prep.index), chunk_size=int(chunk_size),
                           daily_returns=None)

    def chunk_width(self, data: Any, *, chunk_size: int | None = None,
                    memory_budget: int = DEFAULT_MEMORY_BUDGET, evidence: bool = True) -> int:
        """Parameter sets per chunk for this data and budget (as :meth:`run` picks)."""
        return self._chunk_width(self._prepare(data), chunk_size, memory_budget, evidence,
                                 evidence=evidence)

    def trading_days(self, data: Any) -> pd.DatetimeIndex:
        """The run span's days: the ``T`` columns of every chunk's returns."""
        return self._prepare(data).index

    def iter_returns(self, data: Any, *, chunk_size: int | None = None,
                     memory_budget: int = DEFAULT_MEMORY_BUDGET, parallel: bool = True
                     ) -> Iterator[pd.DataFrame]:
        """Daily returns of every combination, one chunk at a time.

        Each yielded frame is ``(T, c)``: the run span's dates by the chunk's
        combinations (columns labelled like the result's index).  Memory stays
        within the budget however large the grid; concatenating the chunks
        along columns gives the full ``(T, n)`` matrix.

        Parameters
        ----------
        data, chunk_size, memory_budget, parallel
            As :meth:`run`.

        Yields
        ------
        pandas.DataFrame
        """
        prep = self._prepare(data)
        width = self._chunk_width(prep, chunk_size, memory_budget, True)
        n_var = len(prep.side)
        index = self.index()
        for start, sets in self._chunks(width):
            _, rets = self._run_chunk(prep, sets, True, parallel)
            cols = index[start * n_var:(start + len(sets)) * n_var]
            yield pd.DataFrame(rets.T, index=prep.index, columns=cols)

    def returns(self, data: Any, **kwargs: Any) -> pd.DataFrame:
        """The full ``(T, n)`` daily-return matrix (see :meth:`iter_returns`).

        Needs ``8 * T * n`` bytes; for SPA / StepM on a large grid prefer
        :meth:`iter_returns` or a smaller grid.
        """
        return pd.concat(list(self.iter_returns(data, **kwargs)), axis=1)

    def _benchmark(self, prep: _Prepared, parallel: bool = True
                   ) -> tuple[pd.DataFrame, pd.DataFrame]:
        """Buy-and-hold SPX bought at the first fill with each variant's costs."""
        n_bars = len(prep.index)
        le = _kernel_layout(np.zeros((n_bars, 1), dtype=np.bool_))
        le[0, 0] = True
        no = _kernel_layout(np.zeros((n_bars, 1), dtype=np.bool_))
        n_var = len(prep.side)
        rets = np.empty((n_var, n_bars), dtype=np.float64)
        # the same build as the run: a fresh process compiles (or loads) only one
        kernel: Any = sweep_kernel if parallel else sweep_kernel_serial
        raw = kernel(le, no, no, no, prep.price, prep.close, prep.basis.cash_index,
                     prep.basis.cash_return, np.zeros(n_var, dtype=np.int64),
                     np.full(n_var, SIDE_LONG, dtype=np.int64),
                     np.ones(n_var, dtype=np.bool_), np.zeros(n_var, dtype=np.int64),
                     prep.fees, prep.slippage, float(self.execution.init_cash), rets, True,
                     False)
        if (raw[:, _NAN_ORDERS] > 0).any():
            raise DataError(f"the benchmark buys on {prep.index[0].date()}, where "
                            f"{FILL_COLUMNS[self.execution.fill]} is missing")
        table = derive_stats(raw)
        table.insert(0, "slippage", prep.slippage)
        table.insert(0, "fees", prep.fees)
        table.index = pd.RangeIndex(n_var, name="variant")
        return table, pd.DataFrame(rets.T, index=prep.index,
                                   columns=pd.RangeIndex(n_var, name="variant"))

    def with_grid(self, **grid: Sequence[Any]) -> Sweep:
        """A copy with some grid entries replaced or added."""
        merged = {**self._own, **self._exec, **grid}
        return dataclasses.replace(self, grid=merged, exec_grid={})
