"""Indicator building blocks shared by the strategies, and the grid-gather helper.

Every indicator takes a 1-D series (time on axis 0) and returns a float array of
the same length whose value at row ``t`` uses only rows ``<= t``; rows without
enough history are ``NaN``.  Windows are counted in rows of the series passed
in: strategies call them on the rows where their inputs are present (see
:func:`complete_rows`), so a missing day is skipped rather than poisoning every
window that contains it.

:func:`per_unique` turns an indicator into its ``(T, n)`` grid form: it is
computed once per *unique* value of the parameters that determine it, and the
columns are gathered by index.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

__all__ = [
    "complete_rows",
    "consecutive_count",
    "expand_rows",
    "factorize_keys",
    "hist_vol",
    "pct_change",
    "per_unique",
    "rolling_max",
    "rolling_mean",
    "rolling_min",
    "rolling_ols",
    "rolling_ols_surprise",
    "rolling_std",
    "rolling_zscore",
    "rsi_wilder",
]

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]


def _series(x: npt.ArrayLike) -> pd.Series:
    return pd.Series(np.asarray(x, dtype=np.float64))


def _check_window(window: int, name: str = "window", low: int = 1) -> int:
    w = int(window)
    if w < low:
        raise ValueError(f"{name} must be >= {low}, got {window!r}")
    return w


def rolling_mean(x: npt.ArrayLike, window: int) -> FloatArray:
    """Simple moving average over the last ``window`` rows (``NaN`` before).

    Parameters
    ----------
    x : array_like of float
        Series, time on axis 0.
    window : int
        Rows in the window, ``>= 1``.

    Returns
    -------
    numpy.ndarray of float
    """
    w = _check_window(window)
    return _series(x).rolling(w, min_periods=w).mean().to_numpy()


def rolling_std(x: npt.ArrayLike, window: int, ddof: int = 0) -> FloatArray:
    """Rolling standard deviation over the last ``window`` rows.

    Parameters
    ----------
    x : array_like of float
        Series, time on axis 0.
    window : int
        Rows in the window, ``> ddof``.
    ddof : int, default 0
        Delta degrees of freedom; 0 is the population standard deviation that
        Bollinger bands use, 1 the sample standard deviation.

    Returns
    -------
    numpy.ndarray of float
        Never negative; exactly 0 for a constant window.
    """
    w = _check_window(window, low=ddof + 1)
    s = _series(x)
    out = s.rolling(w, min_periods=w).std(ddof=ddof).to_numpy()
    # pandas' online algorithm can leave float dust on a constant window
    rng = (s.rolling(w, min_periods=w).max() - s.rolling(w, min_periods=w).min()).to_numpy()
    return np.where(rng == 0.0, 0.0, np.maximum(out, 0.0))


def rolling_zscore(x: npt.ArrayLike, window: int, ddof: int = 0) -> FloatArray:
    """``(x - rolling mean) / rolling std`` over the last ``window`` rows.

    Parameters
    ----------
    x : array_like of float
        Series, time on axis 0.
    window : int
        Rows in the window.
    ddof : int, default 0
        Delta degrees of freedom of the standard deviation.

    Returns
    -------
    numpy.ndarray of float
        ``NaN`` where the window is incomplete or constant (zero deviation).
    """
    v = np.asarray(x, dtype=np.float64)
    m = rolling_mean(v, window)
    s = rolling_std(v, window, ddof)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(s > 0, (v - m) / np.where(s > 0, s, 1.0), np.nan)


def rolling_max(x: npt.ArrayLike, window: int) -> FloatArray:
    """Largest value of the last ``window`` rows, today included.

    Parameters
    ----------
    x : array_like of float
        Series, time on axis 0.
    window : int
        Rows in the window, ``>= 1``.

    Returns
    -------
    numpy.ndarray of float
    """
    w = _check_window(window)
    return _series(x).rolling(w, min_periods=w).max().to_numpy()


def rolling_min(x: npt.ArrayLike, window: int) -> FloatArray:
    """Smallest value of the last ``window`` rows, today included.

    Parameters
    ----------
    x : array_like of float
        Series, time on axis 0.
    window : int
        Rows in the window, ``>= 1``.

    Returns
    -------
    numpy.ndarray of float
    """
    w = _check_window(window)
    return _series(x).rolling(w, min_periods=w).min().to_numpy()


def pct_change(x: npt.ArrayLike, periods: int) -> FloatArray:
    """``x[t] / x[t - periods] - 1`` (``NaN`` for the first ``periods`` rows).

    Parameters
    ----------
    x : array_like of float
        Series, time on axis 0.
    periods : int
        Look-back in rows, ``>= 1``.

    Returns
    -------
    numpy.ndarray of float
    """
    k = _check_window(periods, "periods")
    v = np.asarray(x, dtype=np.float64)
    out = np.full(v.shape, np.nan)
    with np.errstate(invalid="ignore", divide="ignore"):
        out[k:] = v[k:] / v[:-k] - 1.0
    return out


def rsi_wilder(x: npt.ArrayLike, period: int) -> FloatArray:
    """Relative strength index with Wilder's smoothing.

    The first average gain/loss (row ``period``) is the simple mean of the first
    ``period`` changes; after that ``avg[t] = (avg[t-1] * (period - 1) + g[t]) /
    period``.  ``RSI = 100 - 100 / (1 + avg_gain / avg_loss)``; 100 when there
    were no losses, 50 when the series did not move at all.

    Parameters
    ----------
    x : array_like of float
        Series without gaps, time on axis 0.
    period : int
        Smoothing period, ``>= 1``.

    Returns
    -------
    numpy.ndarray of float
        ``NaN`` for the first ``period`` rows.
    """
    p = _check_window(period, "period")
    v = np.asarray(x, dtype=np.float64)
    out = np.full(v.shape, np.nan)
    if len(v) <= p:
        return out
    d = np.diff(v, prepend=np.nan)
    gain = np.where(d > 0, d, 0.0)
    loss = np.where(d < 0, -d, 0.0)
    avg = []
    for g in (gain, loss):
        seeded = np.full(v.shape, np.nan)
        seeded[p] = g[1:p + 1].mean()
        seeded[p + 1:] = g[p + 1:]
        avg.append(pd.Series(seeded).ewm(alpha=1.0 / p, adjust=False).mean().to_numpy())
    ag, al = avg
    with np.errstate(invalid="ignore", divide="ignore"):
        rsi = 100.0 - 100.0 / (1.0 + ag / np.where(al > 0, al, 1.0))
    rsi = np.where(al > 0, rsi, np.where(ag > 0, 100.0, 50.0))
    out[p:] = rsi[p:]
    return out


def hist_vol(x: npt.ArrayLike, window: int, periods_per_year: float = 252.0) -> FloatArray:
    """Annualised historical volatility: sample std of daily log changes times
    ``sqrt(periods_per_year)``.

    Parameters
    ----------
    x : array_like of float
        Positive level series (e.g. the VIX close), time on axis 0.
    window : int
        Log changes in the window, ``>= 2``.
    periods_per_year : float, default 252
        Annualisation factor.

    Returns
    -------
    numpy.ndarray of float
        ``NaN`` for the first ``window`` rows (``window`` changes need
        ``window + 1`` levels).
    """
    w = _check_window(window, low=2)
    v = np.asarray(x, dtype=np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        r = np.diff(np.log(v), prepend=np.nan)
    out: FloatArray = rolling_std(r, w, ddof=1) * float(np.sqrt(periods_per_year))
    return out


def rolling_ols(y: npt.ArrayLike, x: npt.ArrayLike,
                window: int) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Least-squares line ``y = a + b x`` over the last ``window`` rows, today included.

    Parameters
    ----------
    y, x : array_like of float
        Dependent and explanatory series, same length, time on axis 0.
    window : int
        Rows in each fit, ``>= 3``.

    Returns
    -------
    alpha, beta : numpy.ndarray of float
        Intercept and slope of the fit ending at each row (``NaN`` before the
        first full window and where ``x`` had no variance).
    se : numpy.ndarray of float
        Standard error of the fit's residuals (``window - 2`` degrees of freedom).
    """
    w = _check_window(window, low=3)
    ys = _series(y)
    xs = _series(x)
    mx = xs.rolling(w, min_periods=w).mean().to_numpy()
    my = ys.rolling(w, min_periods=w).mean().to_numpy()
    vx = xs.rolling(w, min_periods=w).var(ddof=1).to_numpy()
    vy = ys.rolling(w, min_periods=w).var(ddof=1).to_numpy()
    cxy = ys.rolling(w, min_periods=w).cov(xs, ddof=1).to_numpy()
    with np.errstate(invalid="ignore", divide="ignore"):
        beta = np.where(vx > 0, cxy / np.where(vx > 0, vx, 1.0), np.nan)
        alpha = my - beta * mx
        ssr = np.maximum((vy - beta * cxy) * (w - 1), 0.0)
        se = np.sqrt(ssr / (w - 2))
    return alpha, beta, se


def rolling_ols_surprise(y: npt.ArrayLike, x: npt.ArrayLike,
                         window: int) -> tuple[FloatArray, FloatArray]:
    """Out-of-sample residual of ``y`` on ``x`` from a rolling regression.

    The line ``y = a + b x`` is fitted by least squares on the ``window`` rows
    *before* row ``t`` (``t - window .. t - 1``, see :func:`rolling_ols`), and
    row ``t``'s residual is ``y[t] - a - b x[t]``: the part of today's ``y``
    that the relation known yesterday does not explain.  Nothing is fitted on
    the full sample.

    Parameters
    ----------
    y, x : array_like of float
        Dependent and explanatory series, same length, time on axis 0.
    window : int
        Rows in each fit, ``>= 3``.

    Returns
    -------
    residual : numpy.ndarray of float
        ``NaN`` for the first ``window`` rows and where ``x`` had no variance.
    scale : numpy.ndarray of float
        Standard error of the residuals of the fit used (``window - 2``
        degrees of freedom), the natural unit of ``residual``.
    """
    alpha, beta, se = rolling_ols(y, x, window)
    resid = np.asarray(y, dtype=np.float64) - _lag(alpha) - _lag(beta) * np.asarray(
        x, dtype=np.float64)
    return resid, _lag(se)


def _lag(v: FloatArray) -> FloatArray:
    """``v`` one row later (``NaN`` first): yesterday's value on today's row."""
    out = np.empty_like(v)
    out[:1] = np.nan
    out[1:] = v[:-1]
    return out


def consecutive_count(cond: npt.ArrayLike) -> npt.NDArray[np.int64]:
    """Number of consecutive ``True`` rows ending at each row (0 where ``False``).

    Parameters
    ----------
    cond : array_like of bool
        1-D or 2-D, time on axis 0 (each column counted separately).

    Returns
    -------
    numpy.ndarray of int64
        Same shape as ``cond``.
    """
    c = np.asarray(cond, dtype=bool)
    total = np.cumsum(c, axis=0, dtype=np.int64)
    at_false = np.where(c, 0, total)
    return total - np.maximum.accumulate(at_false, axis=0)


def per_unique(fn: Callable[..., npt.ArrayLike], *keys: npt.ArrayLike) -> FloatArray:
    """Evaluate ``fn`` once per unique key and gather the results into ``(T, n)``.

    Parameters
    ----------
    fn : callable
        ``fn(*key) -> array of shape (T,)``; called with one scalar per key array.
    *keys : array_like
        ``n``-long arrays (one per parameter that determines the indicator).

    Returns
    -------
    numpy.ndarray of float, shape (T, n)
        Column ``j`` is ``fn(keys[0][j], keys[1][j], ...)``.

    Examples
    --------
    >>> cols = per_unique(lambda w: rolling_mean(close, w), p.window)  # doctest: +SKIP
    """
    if not keys:
        raise ValueError("per_unique needs at least one key array")
    codes, uniques = factorize_keys(keys)
    cols = [np.asarray(fn(*u), dtype=np.float64) for u in uniques]
    out: FloatArray = np.column_stack(cols)[:, codes]
    return out


def factorize_keys(keys: Sequence[npt.ArrayLike],
                   ) -> tuple[npt.NDArray[np.intp], list[tuple[Any, ...]]]:
    """Codes and unique tuples of parallel key arrays (first-seen order).

    Parameters
    ----------
    keys : sequence of array_like
        Parallel ``n``-long arrays.

    Returns
    -------
    codes : numpy.ndarray of intp
        Group number of each position.
    uniques : list of tuple
        The key of each group, as Python scalars.
    """
    if len(keys) == 1:
        codes1, uniq1 = pd.factorize(np.asarray(keys[0]))
        return np.asarray(codes1), [(_py(u),) for u in uniq1]
    mi = pd.MultiIndex.from_arrays([np.asarray(k) for k in keys])
    codes, uniq = mi.factorize()
    return np.asarray(codes), [tuple(_py(v) for v in u) for u in uniq]


def _py(v: Any) -> Any:
    return v.item() if isinstance(v, np.generic) else v


def complete_rows(data: pd.DataFrame, columns: Sequence[str]) -> tuple[pd.DataFrame,
                                                                       npt.NDArray[np.intp]]:
    """Rows of ``data`` where every one of ``columns`` has a value.

    Parameters
    ----------
    data : pandas.DataFrame
        Market frame.
    columns : sequence of str
        Columns the computation reads.

    Returns
    -------
    frame : pandas.DataFrame
        ``data[columns]`` restricted to complete rows.
    positions : numpy.ndarray of intp
        Their row positions in ``data`` (for :func:`expand_rows`).
    """
    sub = data[list(columns)]
    ok = sub.notna().all(axis=1).to_numpy()
    return sub[ok], np.flatnonzero(ok)


def expand_rows(values: BoolArray, positions: npt.NDArray[np.intp], length: int) -> BoolArray:
    """Scatter ``(len(positions), n)`` booleans back to ``(length, n)``, ``False`` elsewhere.

    Parameters
    ----------
    values : numpy.ndarray of bool
        Signals on the complete rows.
    positions : numpy.ndarray of intp
        Row positions from :func:`complete_rows`.
    length : int
        Rows of the full frame.

    Returns
    -------
    numpy.ndarray of bool
    """
    v = np.asarray(values, dtype=bool)
    if len(positions) == length:
        return v
    out = np.zeros((length, *v.shape[1:]), dtype=bool)
    out[positions] = v
    return out
