"""Fill timing: the single source of truth for when a signal trades.

A signal computed from data known at the close of day ``t`` can trade no
earlier than day ``t + 1``: the VIX cash index closes fifteen minutes after
SPX, so a fill at day ``t``'s SPX close would use information from after that
close.  ``"next_open"`` (default) fills at SPX's open of ``t + 1``;
``"next_close"`` fills at SPX's close of ``t + 1``.

Everything that needs a fill price or a forward return -- the portfolio, the
sweep kernel, the event study -- calls the functions here.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal, TypeVar

import numpy as np
import pandas as pd

__all__ = ["FILL_COLUMNS", "Fill", "fill_prices", "forward_returns", "lag_to_fill"]

Fill = Literal["next_open", "next_close"]

#: SPX column whose price a fill of each kind gets.
FILL_COLUMNS: dict[str, str] = {"next_open": "spx_open", "next_close": "spx_close"}

_Frame = TypeVar("_Frame", pd.Series, pd.DataFrame)


def _check_fill(fill: str) -> str:
    if fill not in FILL_COLUMNS:
        raise ValueError(f"fill must be one of {sorted(FILL_COLUMNS)}, got {fill!r}")
    return FILL_COLUMNS[fill]


def fill_prices(data: pd.DataFrame, fill: Fill = "next_open") -> pd.Series:
    """SPX price column a fill of kind ``fill`` trades at, on the fill day.

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
        signals passed through :func:`lag_to_fill`).
    """
    col = _check_fill(fill)
    if col not in data.columns:
        raise ValueError(f"fill {fill!r} needs column {col!r}, which the data does not have")
    return data[col].astype(float)


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


def forward_returns(
    data: pd.DataFrame,
    horizons: Sequence[int] = (1, 5, 10, 21, 63),
    fill: Fill = "next_open",
) -> pd.DataFrame:
    """Simple SPX returns over ``h`` trading days, measured from the fill.

    The row for signal day ``t`` holds ``P[t + 1 + h] / P[t + 1] - 1`` where ``P``
    is the fill price series (next open by default): what a position entered on
    the signal would earn if held ``h`` trading days.  Rows whose window runs past
    the data are NaN.

    Parameters
    ----------
    data : pandas.DataFrame
        Market table frame.
    horizons : sequence of int, default (1, 5, 10, 21, 63)
        Holding horizons in trading days, each >= 1.
    fill : {"next_open", "next_close"}, default "next_open"
        Fill timing.

    Returns
    -------
    pandas.DataFrame
        One column per horizon (named by the integer), indexed like ``data``.
    """
    hs = [int(h) for h in horizons]
    if not hs or any(h < 1 for h in hs):
        raise ValueError(f"horizons must be integers >= 1, got {list(horizons)!r}")
    price = fill_prices(data, fill).to_numpy(dtype=float)
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
