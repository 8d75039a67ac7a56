"""Fill timing: the single source of truth for when a signal trades.

A signal computed from data known at the close of day ``t`` can trade no
earlier than day ``t + 1``: the VIX cash index closes fifteen minutes after
SPX, so a fill at day ``t``'s SPX close would use information from after that
close.  ``"next_open"`` (default) fills at SPX's open of ``t + 1``;
``"next_close"`` fills at SPX's close of ``t + 1``.

**Fallback rule.**  A fill planned for a day without a real open (``spx_open``
missing -- the data mark an open equal to the previous close as missing, since
it is not a traded price) takes that day's close instead: never an earlier
price.  :func:`fell_back` marks those days and :func:`fallback_share` is the
one place that turns them into the share of fills that fell back, reported by
every run, study and report.

Everything that needs a fill price or a forward return -- the portfolio, the
sweep kernel, the event study -- calls the functions here.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal, TypeVar

import numpy as np
import numpy.typing as npt
import pandas as pd

from backtest.execution.basis import ReturnsMode, check_mode, dividend_factor

__all__ = ["FILL_COLUMNS", "Fill", "fallback_share", "fell_back", "fill_prices",
           "forward_returns", "lag_rows", "lag_to_fill", "pooled_fallback_share"]

Fill = Literal["next_open", "next_close"]

#: SPX column whose price a fill of each kind gets.
FILL_COLUMNS: dict[str, str] = {"next_open": "spx_open", "next_close": "spx_close"}

_Frame = TypeVar("_Frame", pd.Series, pd.DataFrame)


def _check_fill(fill: str) -> str:
    if fill not in FILL_COLUMNS:
        raise ValueError(f"fill must be one of {sorted(FILL_COLUMNS)}, got {fill!r}")
    return FILL_COLUMNS[fill]


def fill_prices(data: pd.DataFrame, fill: Fill = "next_open") -> pd.Series:
    """SPX price a fill of kind ``fill`` trades at, on the fill day.

    ``"next_open"``: ``spx_open``, or ``spx_close`` on a day without a real
    open (the fallback rule); ``"next_close"``: ``spx_close``.

    Parameters
    ----------
    data : pandas.DataFrame
        Market table frame with ``spx_open`` / ``spx_close``.
    fill : {"next_open", "next_close"}, default "next_open"
        Fill timing.

    Returns
    -------
    pandas.Series
        Price on each day, indexed like ``data`` (not shifted: pair it with
        signals passed through :func:`lag_to_fill`); ``nan`` only where the
        close is missing too.
    """
    col = _check_fill(fill)
    if col not in data.columns:
        raise ValueError(f"fill {fill!r} needs column {col!r}, which the data does not have")
    price = data[col].astype(float)
    if col == "spx_open" and "spx_close" in data.columns:
        price = price.fillna(data["spx_close"].astype(float))
    return price.rename(col)


def fell_back(data: pd.DataFrame, fill: Fill = "next_open") -> pd.Series:
    """Days whose fill takes the close for want of a real open (the fallback rule).

    Returns
    -------
    pandas.Series of bool
        ``True`` on days without ``spx_open`` but with ``spx_close``; all
        ``False`` for ``"next_close"``.
    """
    col = _check_fill(fill)
    if col != "spx_open" or "spx_close" not in data.columns:
        return pd.Series(False, index=data.index, name="fell_back")
    opens = (data[col].isna() if col in data.columns
             else pd.Series(True, index=data.index))
    return (opens & data["spx_close"].notna()).rename("fell_back")


def fallback_share(fill_bars: npt.ArrayLike, fallback: npt.ArrayLike) -> float:
    """Share of fills that fell back to the close: THE definition.

    Parameters
    ----------
    fill_bars : array_like of int
        Positional bar of every fill (each leg counts: an entry, an exit, both
        legs of a reversal, each event-study start).
    fallback : array_like of bool
        :func:`fell_back` on the same bars.

    Returns
    -------
    float
        ``mean(fallback[fill_bars])``; ``nan`` without fills.
    """
    bars = np.asarray(fill_bars, dtype=np.int64)
    fb = np.asarray(fallback, dtype=bool)
    if bars.size == 0:
        return float("nan")
    return float(np.mean(fb[bars]))


def lag_to_fill(signals: _Frame, fill: Fill = "next_open") -> _Frame:
    """Move boolean signals from the signal day to the fill day (one row later).

    Parameters
    ----------
    signals : pandas.Series or pandas.DataFrame of bool
        ``True`` on days whose close triggers an action.
    fill : {"next_open", "next_close"}, default "next_open"
        Fill timing; both fill on the next trading day.

    Returns
    -------
    Series or DataFrame of bool
        ``True`` on the day the order fills.  A signal on the last day has no
        fill day and is dropped.
    """
    _check_fill(fill)
    return signals.shift(1, fill_value=False).astype(bool)


def lag_rows(signals: npt.NDArray[np.bool_], rows: slice,
             fill: Fill = "next_open") -> npt.NDArray[np.bool_]:
    """The rows ``rows`` of :func:`lag_to_fill` of a ``(T, n)`` boolean array.

    Equal to ``lag_to_fill(pd.DataFrame(signals), fill).to_numpy()[rows]``
    without shifting (or copying) the other rows: row ``t`` of the result's
    span holds the signal of row ``t - 1``; the data's first row gets none.

    Parameters
    ----------
    signals : numpy.ndarray of bool, shape (T, n)
        Signals on their signal days.
    rows : slice
        Positional span ``start:stop`` (step 1) of the fill days wanted.
    fill : {"next_open", "next_close"}, default "next_open"

    Returns
    -------
    numpy.ndarray of bool, shape (stop - start, n)
        A view of ``signals`` when ``start >= 1``.
    """
    _check_fill(fill)
    start, stop, step = rows.indices(signals.shape[0])
    if step != 1:
        raise ValueError(f"rows must be a contiguous span, got {rows!r}")
    if stop <= start:
        return np.zeros((0, *signals.shape[1:]), dtype=np.bool_)
    if start >= 1:
        return signals[start - 1:stop - 1]
    out = np.zeros((stop - start, *signals.shape[1:]), dtype=np.bool_)
    out[1:] = signals[:stop - 1]
    return out


def pooled_fallback_share(shares: Sequence[float], fills: Sequence[int]) -> float:
    """:func:`fallback_share` of several results taken together.

    ``sum(share_i * fills_i) / sum(fills_i)`` -- the share of the pooled
    fills; results without fills are left out; ``nan`` if none has any.
    """
    num = 0.0
    den = 0
    for s, k in zip(shares, fills, strict=True):
        if k > 0:
            num += float(s) * int(k)
            den += int(k)
    return num / den if den else float("nan")


def forward_returns(
    data: pd.DataFrame,
    horizons: Sequence[int] = (1, 5, 10, 21, 63),
    fill: Fill = "next_open",
    returns: ReturnsMode = "price",
) -> pd.DataFrame:
    """Simple SPX returns over ``h`` trading days, measured from the fill.

    The row for signal day ``t`` holds ``P[t + 1 + h] / P[t + 1] - 1`` where ``P``
    is the fill price series of :func:`fill_prices` (next open, or that day's
    close where the open is not real): what a position entered on the signal
    would earn if held ``h`` trading days.  In ``"total"`` mode ``P`` is the
    dividend-adjusted price ``P * F`` of :mod:`backtest.execution.basis`
    (dividends reinvested where ``spxtr`` covers the window).  Rows whose
    window runs past the data are NaN.

    Parameters
    ----------
    data : pandas.DataFrame
        Market table frame.
    horizons : sequence of int, default (1, 5, 10, 21, 63)
        Holding horizons in trading days, each >= 1.
    fill : {"next_open", "next_close"}, default "next_open"
        Fill timing.
    returns : {"price", "total"}, default "price"
        Returns mode.

    Returns
    -------
    pandas.DataFrame
        One column per horizon (named by the integer), indexed like ``data``.
    """
    hs = [int(h) for h in horizons]
    if not hs or any(h < 1 for h in hs):
        raise ValueError(f"horizons must be integers >= 1, got {list(horizons)!r}")
    price = fill_prices(data, fill).to_numpy(dtype=float)
    if check_mode(returns) == "total":
        price = price * dividend_factor(data)
    n = len(price)
    out = {}
    for h in hs:
        r = np.full(n, np.nan)
        if n > h + 1:
            entry = price[1 : n - h]
            exit_ = price[1 + h :]
            r[: n - h - 1] = exit_ / entry - 1.0
        out[h] = r
    return pd.DataFrame(out, index=data.index)
