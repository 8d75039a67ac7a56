"""VIX futures curve: settles by (date, expiry) and the derived table columns.

Two kinds of input are turned into one long frame ``date, expiry, settle``:

* raw CFE per-contract rows (:mod:`backtest.data.readers.cfe`): the row dated
  on a contract's expiry (the SOQ settle) is left out, so a contract counts
  only on days it traded to a settlement;
* wide continuous tables (``M1..Mn``): ``Mk`` on day ``d`` is mapped to the
  k-th monthly expiration strictly after ``d`` (the table rolls on the
  expiration day).

Derived columns, each known at day ``d``'s close (the expiration schedule is
fixed in advance, and only settles dated ``d`` are used for day ``d``):

``vx1``, ``vx2``
    Settles of the first and second monthly contracts expiring strictly after
    ``d``.  On an expiration day the expiring contract is already gone, so
    ``vx1`` is the next month's contract (the roll happens at expiry).  If the
    required contract has no settle on ``d`` the value is NaN (never taken
    from another contract or another day).
``vx1_days``
    **Calendar** days from ``d`` to the front contract's final settlement date
    (>= 1).  Note that continuous tables often count *trading* days to the last
    trading day instead; that count is not used.
``vx30``
    The 30-calendar-day constant-maturity future: linear interpolation in
    calendar days between the two listed contracts whose days-to-expiry
    straddle 30, ``w = (D_hi - 30) / (D_hi - D_lo)``,
    ``vx30 = w * F_lo + (1 - w) * F_hi``.  When the front contract is itself 30
    or more days out (right after a roll), ``vx30`` is the front settle (no
    extrapolation).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from backtest.data.expirations import next_expirations

__all__ = ["DERIVED_COLUMNS", "LONG_COLUMNS", "curve_wide", "derive_front_months",
           "long_from_continuous", "long_from_contracts"]

DERIVED_COLUMNS = ("vx1", "vx2", "vx1_days", "vx30")
LONG_COLUMNS = ("date", "expiry", "settle")
_TARGET_DAYS = 30.0
_DEPTH = 9


def long_from_contracts(contracts: pd.DataFrame) -> pd.DataFrame:
    """Long ``date, expiry, settle`` rows from raw per-contract rows (no SOQ rows)."""
    rows = contracts.loc[~contracts["final"].to_numpy()
                         & (contracts["trade_date"] < contracts["expiry"]).to_numpy()]
    out = pd.DataFrame({"date": rows["trade_date"].to_numpy(),
                        "expiry": rows["expiry"].to_numpy(),
                        "settle": rows["settle"].to_numpy(dtype=np.float64)})
    out = out.dropna(subset=["settle"])
    return out.sort_values(["date", "expiry"], kind="stable").reset_index(drop=True)


def long_from_continuous(wide: pd.DataFrame) -> pd.DataFrame:
    """Long ``date, expiry, settle`` rows from a wide ``m1..mN`` table."""
    mcols = sorted((c for c in wide.columns if c[:1] == "m" and c[1:].isdigit()),
                   key=lambda c: int(c[1:]))
    dates = pd.DatetimeIndex(wide.index)
    exp = next_expirations(dates, len(mcols))
    vals = wide[mcols].to_numpy(dtype=np.float64)
    out = pd.DataFrame({"date": np.repeat(dates.to_numpy(dtype="datetime64[ns]"), len(mcols)),
                        "expiry": exp.ravel(), "settle": vals.ravel()})
    return out.dropna(subset=["settle"]).reset_index(drop=True)


def _grid(long: pd.DataFrame, depth: int = _DEPTH
          ) -> tuple[pd.DatetimeIndex, np.ndarray, np.ndarray]:
    """Dates, settles (n x depth) and calendar days to expiry (n x depth)."""
    dates = pd.DatetimeIndex(np.unique(long["date"].to_numpy(dtype="datetime64[ns]")))
    exp = next_expirations(dates, depth)
    s = pd.Series(long["settle"].to_numpy(dtype=np.float64),
                  index=pd.MultiIndex.from_arrays([long["date"], long["expiry"]]))
    s = s[~s.index.duplicated(keep="first")]
    want = pd.MultiIndex.from_arrays([np.repeat(dates.to_numpy(), depth), exp.ravel()])
    settles = s.reindex(want).to_numpy(dtype=np.float64).reshape(len(dates), depth)
    days = ((exp - dates.to_numpy()[:, None]) / np.timedelta64(1, "D")).astype(np.float64)
    return dates, settles, days


def derive_front_months(long: pd.DataFrame) -> pd.DataFrame:
    """``vx1, vx2, vx1_days, vx30`` by date from long ``date, expiry, settle`` rows.

    Parameters
    ----------
    long : pandas.DataFrame
        Columns ``date``, ``expiry``, ``settle`` (one row per contract and day).

    Returns
    -------
    pandas.DataFrame
        Indexed by ``date`` (the dates present in ``long``), float columns
        :data:`DERIVED_COLUMNS`.
    """
    if long.empty:
        return pd.DataFrame({c: pd.Series(dtype=np.float64) for c in DERIVED_COLUMNS},
                            index=pd.DatetimeIndex([], name="date"))
    dates, settles, days = _grid(long)
    n = len(dates)
    rows = np.arange(n)
    hi = np.argmax(days >= _TARGET_DAYS, axis=1)
    lo = np.maximum(hi - 1, 0)
    d_hi, d_lo = days[rows, hi], days[rows, lo]
    f_hi, f_lo = settles[rows, hi], settles[rows, lo]
    with np.errstate(invalid="ignore", divide="ignore"):
        w = np.where(hi == 0, 1.0, (d_hi - _TARGET_DAYS) / (d_hi - d_lo))
    vx30 = np.where(hi == 0, settles[:, 0], w * f_lo + (1.0 - w) * f_hi)
    return pd.DataFrame({"vx1": settles[:, 0], "vx2": settles[:, 1], "vx1_days": days[:, 0],
                         "vx30": vx30}, index=pd.DatetimeIndex(dates, name="date"))


def curve_wide(long: pd.DataFrame) -> pd.DataFrame:
    """Wide curve: one row per date, one column per contract expiry (settles)."""
    if long.empty:
        return pd.DataFrame(index=pd.DatetimeIndex([], name="date"))
    wide = long.pivot_table(index="date", columns="expiry", values="settle", aggfunc="first")
    wide.index = pd.DatetimeIndex(wide.index, name="date")
    wide.columns = pd.DatetimeIndex(wide.columns, name="expiry")
    return wide.sort_index(axis=1)
