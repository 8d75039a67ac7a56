"""Monthly VIX futures (VX) final settlement dates.

CFE's rule: the final settlement date of a monthly VX contract is the Wednesday
30 calendar days before the third Friday of the month after the contract month.
If that Friday is an exchange holiday, the date is 30 days before the business
day preceding the Friday; if the Wednesday itself is a holiday, settlement moves
to the business day before it.  Exchange business days come from the
``exchange_calendars`` package (``XCBF``, the Cboe Futures Exchange calendar).

The final settlement date is also the last row of a raw CFE per-contract file
(the row carrying the special opening quotation, SOQ); the tests check the rule
against those rows.
"""

from __future__ import annotations

import warnings
from functools import lru_cache

import exchange_calendars as xcals
import numpy as np
import pandas as pd

__all__ = ["next_expirations", "vx_expiration", "vx_expirations"]

#: Calendar used for exchange business days.
CALENDAR_NAME = "XCBF"
_CAL_START = pd.Timestamp("2000-01-01")


@lru_cache(maxsize=4)
def _sessions(end_year: int) -> pd.DatetimeIndex:
    end = pd.Timestamp(year=end_year, month=12, day=31)
    with warnings.catch_warnings():
        # exchange_calendars trips pandas deprecation warnings that are not ours
        warnings.simplefilter("ignore")
        cal = xcals.get_calendar(CALENDAR_NAME, start=_CAL_START, end=end)
    return pd.DatetimeIndex(pd.DatetimeIndex(cal.sessions).tz_localize(None).astype(
        "datetime64[ns]"))


def _previous_session(days: np.ndarray, sessions: pd.DatetimeIndex) -> np.ndarray:
    """For each day, the day itself if a session, else the session before it."""
    pos = sessions.searchsorted(days, side="right") - 1
    return np.asarray(sessions.asi8[pos], dtype="datetime64[ns]")


def _settlements_for_months(months: pd.PeriodIndex) -> pd.DatetimeIndex:
    """Final settlement date of the monthly contract for each contract month."""
    nxt = months + 1
    first = nxt.to_timestamp(how="start")
    # third Friday: first Friday (weekday 4) + 14 days
    offset = (4 - first.day_of_week) % 7
    third_fri = first + pd.to_timedelta(np.asarray(offset) + 14, unit="D")
    end_year = int(third_fri.year.max()) + 1
    if int(months.year.min()) < _CAL_START.year:
        raise ValueError(f"VX expirations are only computed from {_CAL_START.year} on "
                         f"(asked for {months.min()})")
    sessions = _sessions(max(end_year, 2030))
    fri = _previous_session(third_fri.to_numpy(dtype="datetime64[ns]"), sessions)
    wed = fri - np.timedelta64(30, "D")
    settle = _previous_session(wed, sessions)
    return pd.DatetimeIndex(settle)


@lru_cache(maxsize=2048)
def vx_expiration(year: int, month: int) -> pd.Timestamp:
    """Final settlement date of the monthly VX contract for ``year``-``month``.

    Parameters
    ----------
    year : int
        Contract year, e.g. 2018.
    month : int
        Contract month, 1..12 (the month whose code the contract carries, e.g. 2
        for ``G (Feb 18)``).

    Returns
    -------
    pandas.Timestamp
        The settlement day (normally a Wednesday).
    """
    if not 1 <= month <= 12:
        raise ValueError(f"month must be 1..12, got {month}")
    return pd.Timestamp(_settlements_for_months(pd.PeriodIndex([pd.Period(
        year=year, month=month, freq="M")]))[0])


def vx_expirations(start: str | pd.Timestamp, end: str | pd.Timestamp) -> pd.DatetimeIndex:
    """Monthly VX final settlement dates falling in ``[start, end]``.

    Parameters
    ----------
    start, end : str or pandas.Timestamp
        Inclusive date range.

    Returns
    -------
    pandas.DatetimeIndex
        Sorted settlement dates, named ``"expiry"``.
    """
    s, e = pd.Timestamp(start), pd.Timestamp(end)
    if e < s:
        raise ValueError(f"end {e.date()} is before start {s.date()}")
    months = pd.period_range(s.to_period("M") - 1, e.to_period("M"), freq="M")
    out = _settlements_for_months(months)
    out = out[(out >= s) & (out <= e)]
    return pd.DatetimeIndex(out, name="expiry")


def next_expirations(dates: pd.DatetimeIndex | np.ndarray, n: int) -> np.ndarray:
    """The ``n`` monthly expirations strictly after each date.

    The contract expiring on day ``t`` is no longer counted on ``t`` (its
    expiration-day settle is the SOQ, not a traded settle), so on an expiration
    day the first column is the next month's contract.  The schedule is fixed in
    advance, so using it on day ``t`` is no look-ahead.

    Parameters
    ----------
    dates : DatetimeIndex or datetime64 array
        Trade dates.
    n : int
        Number of expirations per date.

    Returns
    -------
    numpy.ndarray
        ``datetime64[ns]`` array of shape ``(len(dates), n)``.
    """
    d = np.asarray(pd.DatetimeIndex(dates).astype("datetime64[ns]"))
    if d.size == 0:
        return np.empty((0, n), dtype="datetime64[ns]")
    lo, hi = pd.Timestamp(d.min()), pd.Timestamp(d.max())
    exp = vx_expirations(lo, hi + pd.DateOffset(months=n + 2)).to_numpy(dtype="datetime64[ns]")
    pos = np.searchsorted(exp, d, side="right")
    idx = pos[:, None] + np.arange(n)[None, :]
    out: np.ndarray = exp[idx]
    return out
