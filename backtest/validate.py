"""Checks of the market frame at the library boundary.

:func:`backtest.execution.run` and the study functions
(:func:`~backtest.evidence.event_study`, :func:`~backtest.evidence.study_strategy`,
:func:`~backtest.evidence.grid_event_study`) call :func:`check_market_frame` once
on the frame they are given, so a frame that would give silently wrong numbers
is refused with a message naming the problem and the first offending date:

* a :class:`pandas.DataFrame` (or a :class:`~backtest.data.MarketTable`) with
  one level of column names -- :class:`TypeError` otherwise;
* a :class:`pandas.DatetimeIndex` of days: time-zone naive (convert with
  ``frame.tz_localize(None)``), midnight timestamps, no missing dates, sorted,
  each date once, and daily spacing (the median gap between rows at most
  :data:`MAX_MEDIAN_GAP_DAYS` calendar days, so weekly or every-5th-day rows,
  which the statistics would annualise as daily, are refused);
* the columns used numeric (not boolean, not text), without infinities, and
  the prices used (the SPX columns and the fill column) positive.

Missing values (NaN) are allowed: the run span and the studies handle them.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["MAX_MEDIAN_GAP_DAYS", "check_market_frame"]

#: Largest median spacing (calendar days) of a daily index.
MAX_MEDIAN_GAP_DAYS = 4.0


def _day(ts: Any) -> str:
    t = pd.Timestamp(ts)
    return str(t.date()) if t == t.normalize() else str(t)


def check_market_frame(data: Any, columns: Iterable[str] = (), prices: Iterable[str] = (),
                       *, what: str = "data") -> pd.DataFrame:
    """Validate a market frame; return it (the ``frame`` of a MarketTable).

    Parameters
    ----------
    data : MarketTable or pandas.DataFrame
        The market data.
    columns : iterable of str, default ()
        Columns used: each present one must be numeric and finite where not NaN.
    prices : iterable of str, default ()
        Columns used as prices: also positive where not NaN.
    what : str, default "data"
        How the frame is named in messages.

    Returns
    -------
    pandas.DataFrame

    Raises
    ------
    TypeError
        Not a DataFrame, MultiIndex columns, an index that is not a
        DatetimeIndex, a column that is not numeric.
    ValueError
        A time-zone aware, unsorted, duplicated, intraday or non-daily index,
        a missing date, an infinite or non-positive price -- naming the first
        offending date.
    """
    frame = getattr(data, "frame", data)
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"{what} must be a MarketTable or a pandas DataFrame, "
                        f"got {type(data).__name__}")
    if isinstance(frame.columns, pd.MultiIndex):
        raise TypeError(f"{what} has MultiIndex columns ({frame.columns.nlevels} levels); "
                        "market data has one level of names such as 'spx_close'")
    idx = frame.index
    if not isinstance(idx, pd.DatetimeIndex):
        raise TypeError(f"{what} must be indexed by a pandas DatetimeIndex of days, got "
                        f"{type(idx).__name__} of {idx.dtype}")
    if idx.tz is not None:
        raise ValueError(f"{what} index is time-zone aware ({idx.tz}); vixbt works on "
                         "calendar days: convert it with frame.tz_localize(None)")
    if len(idx) == 0:
        return frame
    if idx.hasnans:
        i = int(np.flatnonzero(idx.isna())[0])
        raise ValueError(f"{what} index has a missing date (NaT) at row {i}")
    values = idx.asi8
    step = np.diff(values)
    if (step <= 0).any():
        i = int(np.flatnonzero(step <= 0)[0])
        if step[i] == 0:
            raise ValueError(f"{what} index has duplicate dates: {_day(idx[i])} appears more "
                             "than once (one row per day expected)")
        raise ValueError(f"{what} index is not sorted: {_day(idx[i + 1])} comes after "
                         f"{_day(idx[i])}; sort it with frame.sort_index()")
    # midnight timestamps are whole multiples of a day in the index's unit (arithmetic, not
    # ``idx.normalize()``, which costs a frequency inference on every call)
    per_day = {"s": 86_400, "ms": 86_400_000, "us": 86_400_000_000,
               "ns": 86_400_000_000_000}[str(idx.unit)]
    intraday = values % per_day != 0
    if intraday.any():
        i = int(np.flatnonzero(intraday)[0])
        raise ValueError(f"{what} index has times of day (first {idx[i]}); daily rows "
                         "(midnight timestamps, one per trading day) expected")
    if len(idx) >= 3:
        gaps = step / 86_400e9
        median = float(np.median(gaps))
        if median > MAX_MEDIAN_GAP_DAYS:
            i = int(np.argmax(gaps > MAX_MEDIAN_GAP_DAYS))
            raise ValueError(f"{what} is not daily: rows are {median:g} calendar days apart in "
                             f"the median (first gap of more than {MAX_MEDIAN_GAP_DAYS:g} days "
                             f"after {_day(idx[i])}); statistics are annualised from daily "
                             "rows")
    price_set = set(prices)
    for c in dict.fromkeys([*columns, *price_set]):
        if c not in frame.columns:
            continue
        col = frame[c]
        if isinstance(col, pd.DataFrame):
            raise ValueError(f"{what} has the column {c!r} more than once")
        if pd.api.types.is_bool_dtype(col.dtype) or not pd.api.types.is_numeric_dtype(
                col.dtype):
            raise TypeError(f"{what} column {c!r} must be numeric, got dtype {col.dtype}")
        v = col.to_numpy(dtype=np.float64)
        bad = np.isinf(v)
        kind = "an infinite value"
        if c in price_set and not bad.any():
            bad = v <= 0
            kind = "a non-positive price"
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            raise ValueError(f"{what} column {c!r} has {kind} ({v[i]:g}) on {_day(idx[i])}"
                             f"; {int(bad.sum())} such value(s) in all")
    return frame
