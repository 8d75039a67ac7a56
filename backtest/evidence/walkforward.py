"""In-sample / out-of-sample selection and walk-forward analysis.

Both take the ``(T, n)`` matrix of daily returns of every parameter set (row
``t`` is the return realised on day ``t``) and a benchmark return series, so
they work on the output of any sweep.  Selection on a training window reads
only that window's rows; the chosen set is then judged on the untouched next
window.  :func:`walk_forward` rolls this forward and stitches the
out-of-sample returns into one equity curve to compare with buy-and-hold.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

from backtest.evidence.metrics import Metric, column_metric

__all__ = ["SplitResult", "WalkForwardResult", "split_is_oos", "walk_forward"]

FloatArray = npt.NDArray[np.float64]
MetricArg = Metric | Callable[[FloatArray], FloatArray]
SelectOn = Literal["returns", "excess"]


def _scored(x: FloatArray, bm: FloatArray, select_on: SelectOn) -> FloatArray:
    """What the metric ranks: the returns, or the returns in excess of the benchmark."""
    if select_on == "returns":
        return x
    if select_on == "excess":
        return x - bm
    raise ValueError(f"select_on must be 'returns' or 'excess', got {select_on!r}")


def _check(returns: pd.DataFrame, benchmark: pd.Series | pd.DataFrame,
           ) -> tuple[FloatArray, FloatArray]:
    """Validated ``(T, n)`` returns and ``(T, 1)`` or ``(T, n)`` benchmark arrays."""
    if not isinstance(returns, pd.DataFrame):
        raise TypeError(f"returns must be a DataFrame (T x n), got {type(returns).__name__}")
    if not isinstance(benchmark, pd.Series | pd.DataFrame):
        raise TypeError("benchmark must be a Series or a DataFrame with one column per "
                        f"parameter set, got {type(benchmark).__name__}")
    if not returns.index.equals(benchmark.index):
        raise ValueError("returns and benchmark must share one index "
                         f"({len(returns)} vs {len(benchmark)} rows)")
    if isinstance(benchmark, pd.DataFrame) and benchmark.shape[1] != returns.shape[1]:
        raise ValueError(f"a benchmark DataFrame needs one column per parameter set: "
                         f"{benchmark.shape[1]} columns for {returns.shape[1]} sets")
    x = returns.to_numpy(dtype=float)
    if not np.isfinite(x).all():
        bad = returns.index[~np.isfinite(x).all(axis=1)][0]
        raise ValueError(f"returns has NaN/inf (first on {bad}); fill flat days with 0 and "
                         "drop warm-up rows")
    b = benchmark.to_numpy(dtype=float).reshape(len(benchmark), -1)
    if not np.isfinite(b).all():
        raise ValueError("benchmark has NaN/inf")
    return x, b


def _bcol(b: FloatArray, j: int) -> FloatArray:
    """Benchmark column of parameter set ``j`` (the only column of a shared benchmark)."""
    return b[:, j if b.shape[1] > 1 else 0]


def _total(x: FloatArray) -> float:
    return float(np.prod(1.0 + x) - 1.0)


def _label(c: object) -> str:
    return ", ".join(map(str, c)) if isinstance(c, tuple) else str(c)


@dataclass(frozen=True)
class SplitResult:
    """One in-sample / out-of-sample split (see :func:`split_is_oos`).

    Attributes
    ----------
    chosen : str
        Parameter set with the best in-sample metric.
    is_metric, oos_metric : float
        Its metric in and out of sample.
    oos_percentile : float
        Share of parameter sets with a lower out-of-sample metric.
    oos_best : str
        Parameter set that would have been best out of sample (hindsight).
    benchmark_is, benchmark_oos : float
        The benchmark's metric in and out of sample.
    split : pandas.Timestamp
        First out-of-sample day.
    is_return, oos_return : float
        The chosen set's compounded return in and out of sample.
    benchmark_is_return, benchmark_oos_return : float
        The benchmark's compounded return over the same rows.
    start, end : pandas.Timestamp or None
        First in-sample and last out-of-sample day.

    With one benchmark column per parameter set, the ``benchmark_*`` figures are
    those of the chosen set's benchmark.
    """

    chosen: str
    is_metric: float
    oos_metric: float
    oos_percentile: float
    oos_best: str
    benchmark_is: float
    benchmark_oos: float
    split: pd.Timestamp
    is_return: float = float("nan")
    oos_return: float = float("nan")
    benchmark_is_return: float = float("nan")
    benchmark_oos_return: float = float("nan")
    start: pd.Timestamp | None = None
    end: pd.Timestamp | None = None

    def to_frame(self) -> pd.DataFrame:
        """One row with every figure."""
        return pd.DataFrame([self.__dict__])

    def summary(self) -> str:
        """One paragraph in words."""
        return (f"Chosen in sample (before {self.split:%Y-%m-%d}): {self.chosen}, metric "
                f"{self.is_metric:.4g} (benchmark {self.benchmark_is:.4g}).  Out of sample: "
                f"{self.oos_metric:.4g} (benchmark {self.benchmark_oos:.4g}), better than "
                f"{self.oos_percentile:.0%} of the sets.")


def split_is_oos(returns: pd.DataFrame, benchmark: pd.Series | pd.DataFrame, split: str | float,
                 metric: MetricArg = "sharpe", select_on: SelectOn = "returns") -> SplitResult:
    """Choose a parameter set in sample, judge it out of sample.

    Parameters
    ----------
    returns : pandas.DataFrame
        ``(T, n)`` daily returns, one column per parameter set, no NaN.
    benchmark : pandas.Series or pandas.DataFrame
        Benchmark daily returns on the same index, or one benchmark column per
        parameter set (e.g. buy-and-hold with each set's own costs).
    split : str or float
        First out-of-sample date (``"2008-01-01"``), or the in-sample share of
        the rows (``0 < split < 1``).
    metric : {"sharpe", "mean", "total"} or callable, default "sharpe"
        Ranking metric (see :func:`backtest.evidence.metrics.resolve_metric`).
    select_on : {"returns", "excess"}, default "returns"
        Rank (and report ``is_metric`` / ``oos_metric``) on the returns or on
        the returns in excess of each set's benchmark (e.g. an
        exposure-matched one).

    Returns
    -------
    SplitResult
    """
    x, bm = _check(returns, benchmark)
    sx = _scored(x, bm, select_on)
    if isinstance(split, float):
        if not 0.0 < split < 1.0:
            raise ValueError(f"a fractional split must lie in (0, 1), got {split!r}")
        k = round(len(x) * split)
    else:
        k = int(returns.index.searchsorted(pd.Timestamp(split)))
    if k < 2 or len(x) - k < 2:
        raise ValueError(f"split {split!r} leaves fewer than 2 rows on one side "
                         f"({k} in sample, {len(x) - k} out of sample)")
    is_sc = column_metric(sx[:k], metric)
    oos_sc = column_metric(sx[k:], metric)
    i = int(np.argmax(is_sc))
    b = _bcol(bm, i)[:, None]
    return SplitResult(
        chosen=_label(returns.columns[i]), is_metric=float(is_sc[i]),
        oos_metric=float(oos_sc[i]), oos_percentile=float((oos_sc < oos_sc[i]).mean()),
        oos_best=_label(returns.columns[int(np.argmax(oos_sc))]),
        benchmark_is=float(column_metric(b[:k], metric)[0]),
        benchmark_oos=float(column_metric(b[k:], metric)[0]),
        split=pd.Timestamp(returns.index[k]),
        is_return=_total(x[:k, i]), oos_return=_total(x[k:, i]),
        benchmark_is_return=_total(b[:k, 0]), benchmark_oos_return=_total(b[k:, 0]),
        start=pd.Timestamp(returns.index[0]), end=pd.Timestamp(returns.index[-1]))


@dataclass(frozen=True, eq=False)
class WalkForwardResult:
    """Result of :func:`walk_forward`.

    Attributes
    ----------
    windows : pandas.DataFrame
        One row per step: ``train_start``, ``train_end``, ``test_start``,
        ``test_end`` (dates, inclusive), ``chosen`` (label), ``chosen_index``,
        ``is_metric``, ``oos_metric``, ``oos_return`` and ``benchmark_return``
        (compounded over the test window).
    oos_returns : pandas.Series
        Stitched out-of-sample daily returns of the chosen sets.
    benchmark_returns : pandas.Series
        Benchmark daily returns over the same days.
    metric : str
        Selection metric.
    """

    windows: pd.DataFrame
    oos_returns: pd.Series
    benchmark_returns: pd.Series
    metric: str

    @property
    def oos_equity(self) -> pd.Series:
        """Growth of 1 invested in the stitched out-of-sample returns."""
        return (1.0 + self.oos_returns).cumprod()

    @property
    def benchmark_equity(self) -> pd.Series:
        """Growth of 1 in the benchmark over the out-of-sample days."""
        return (1.0 + self.benchmark_returns).cumprod()

    def to_frame(self) -> pd.DataFrame:
        """The per-window table (a copy)."""
        return self.windows.copy()

    def summary(self) -> str:
        """One paragraph in words."""
        oos = float(self.oos_equity.iloc[-1] - 1.0)
        bh = float(self.benchmark_equity.iloc[-1] - 1.0)
        beat = float((self.windows.oos_return > self.windows.benchmark_return).mean())
        return (f"Walk-forward over {len(self.windows)} windows "
                f"({self.oos_returns.index[0]:%Y-%m-%d}..{self.oos_returns.index[-1]:%Y-%m-%d}, "
                f"selection by {self.metric}): stitched out-of-sample return {oos:.1%} vs "
                f"buy-and-hold {bh:.1%}; the chosen set beat buy-and-hold in {beat:.0%} of "
                "test windows.")


def walk_forward(returns: pd.DataFrame, benchmark: pd.Series | pd.DataFrame, *, train: int,
                 test: int,
                 anchored: bool = False, metric: MetricArg = "sharpe",
                 select_on: SelectOn = "returns") -> WalkForwardResult:
    """Roll a train/test window pair through the data.

    Window ``k`` trains on rows ``[k*test, k*test + train)`` (``[0, k*test +
    train)`` when ``anchored``) and tests on the next ``test`` rows (the last
    test window may be shorter); test windows tile the data after the first
    training window without overlap.

    Parameters
    ----------
    returns : pandas.DataFrame
        ``(T, n)`` daily returns, one column per parameter set, no NaN.
    benchmark : pandas.Series or pandas.DataFrame
        Benchmark (buy-and-hold) daily returns on the same index, or one column
        per parameter set; then each test window is compared with the chosen
        set's own benchmark, and the stitched benchmark follows the choices.
    train : int
        Training window length in rows, ``>= 2``.
    test : int
        Test window length in rows, ``>= 1``.
    anchored : bool, default False
        Grow the training window from the first row instead of rolling it.
    metric : {"sharpe", "mean", "total"} or callable, default "sharpe"
        Selection metric; ties go to the first column.
    select_on : {"returns", "excess"}, default "returns"
        Select (and report ``is_metric`` / ``oos_metric``) on the returns or on
        the returns in excess of each set's benchmark, so a set is picked and
        judged on the same measure.

    Returns
    -------
    WalkForwardResult
    """
    x, bm = _check(returns, benchmark)
    sx = _scored(x, bm, select_on)
    if int(train) < 2 or int(test) < 1:
        raise ValueError(f"train must be >= 2 and test >= 1, got train={train!r}, test={test!r}")
    T = len(x)
    if train >= T:
        raise ValueError(f"train={train} leaves no test rows in {T} rows")
    idx = returns.index
    rows: list[dict[str, object]] = []
    pieces: list[FloatArray] = []
    bpieces: list[FloatArray] = []
    starts = range(int(train), T, int(test))
    for k, t0 in enumerate(starts):
        s0 = 0 if anchored else k * int(test)
        t1 = min(t0 + int(test), T)
        sc = column_metric(sx[s0:t0], metric)
        j = int(np.argmax(sc))
        oos = x[t0:t1, j]
        b = _bcol(bm, j)[t0:t1]
        pieces.append(oos)
        bpieces.append(b)
        rows.append({
            "train_start": idx[s0], "train_end": idx[t0 - 1], "test_start": idx[t0],
            "test_end": idx[t1 - 1], "chosen": _label(returns.columns[j]), "chosen_index": j,
            "is_metric": float(sc[j]),
            "oos_metric": float(column_metric(sx[t0:t1, j:j + 1], metric)[0])
            if t1 - t0 > 1 else float("nan"),
            "oos_return": float(np.prod(1.0 + oos) - 1.0),
            "benchmark_return": _total(b),
        })
    first = int(train)
    oos_r = pd.Series(np.concatenate(pieces), index=idx[first:], name="walk_forward")
    bench = pd.Series(np.concatenate(bpieces), index=idx[first:], name="buy_and_hold")
    name = metric if isinstance(metric, str) else getattr(metric, "__name__", "custom")
    return WalkForwardResult(pd.DataFrame(rows), oos_r, bench, name)
