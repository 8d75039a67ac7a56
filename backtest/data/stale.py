"""Stale and synthetic prices: opens that are not opens, rows that are not a day.

Many daily OHLC histories fill what they do not have with what they do: Yahoo's
SPX "open" of most days from 1962 to 1982 and from 1989 to 2006 is the previous
day's close; close-only feeds write ``open = high = low = close``.  Such values
are not prices anyone could trade at, and a fill "at the next open" on such a
day would be a fill at the signal day's close.  The rules, applied to every
OHLC group of the aligned table (``spx_*``, ``vix_*``, ``ndx_*``, ``vxn_*``):

1. **Stale open.**  An open equal to the previous close (the last close of the
   same group on an earlier table day, relative tolerance :data:`STALE_RTOL`,
   which absorbs float32 noise) is set to NaN: it is treated as missing.
2. **Flat row (O=H=L=C).**  A day whose open, high and low all equal its close
   is a close-only record: the **close is kept** (it is the value of record,
   and the calendar is built from SPX closes), while open, high and low are set
   to NaN -- a zero range is not an observed range, and the open is not an
   observed open.

Every removed value is counted per column and per calendar year
(:class:`StaleCounts`), shown in ``vixbt data info`` and in the command line's
repair summary.

A third rule is applied to the files of volatility indices before they are
spliced (:func:`drop_stale_rows`):

3. **Stale flat row.**  In a file that otherwise has real OHLC rows, a flat row
   whose close repeats the previous row's close (and whose previous row is not
   itself flat) is a day the source did not update (e.g. Yahoo ^VXO on
   2010-03-03, CBOE VXN on 2010-04-27): the whole row is dropped, so another
   file of the same symbol may supply the day, or it stays missing.  This rule
   is not applied to SPX and NDX: their close defines the trading day and a
   repeated index close can be real.
"""

from __future__ import annotations

import dataclasses
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from backtest.data.table import ColumnSource
from backtest.errors import DataRepairWarning

__all__ = ["OHLC_GROUPS", "STALE_RTOL", "StaleCounts", "apply_stale_rules", "by_year",
           "drop_stale_rows", "mark_stale", "remove_stale_prices", "year_text"]

#: Relative tolerance of "equal" in the rules above (float32 noise is ~6e-8).
STALE_RTOL = 1e-7
#: Column prefixes of the aligned table's OHLC groups.
OHLC_GROUPS: tuple[str, ...] = ("spx", "vix", "ndx", "vxn")


def _equal(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore"):
        out: np.ndarray = np.abs(a - b) <= STALE_RTOL * np.maximum(np.abs(b), 1e-12)
    return out


def by_year(index: pd.DatetimeIndex, mask: np.ndarray) -> dict[int, int]:
    """Number of ``True`` values of ``mask`` per calendar year of ``index``."""
    if not mask.any():
        return {}
    years = pd.DatetimeIndex(index).year.to_numpy()[mask]
    vals, counts = np.unique(years, return_counts=True)
    return {int(y): int(n) for y, n in zip(vals, counts, strict=True)}


def mark_stale(open_: np.ndarray, high: np.ndarray | None, low: np.ndarray | None,
               close: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Masks of stale opens (rule 1) and flat rows (rule 2).

    Parameters
    ----------
    open_, close : numpy.ndarray
        Opens and closes of consecutive days (NaN where missing).
    high, low : numpy.ndarray or None
        Highs and lows; None if the group has none (then no row is flat).

    Returns
    -------
    stale_open, flat : numpy.ndarray of bool
        ``stale_open``: the open equals the last close of an earlier day;
        ``flat``: open, high and low all equal the close.
    """
    prev = pd.Series(close).ffill().shift(1).to_numpy(dtype=np.float64)
    stale_open = _equal(open_, prev) & ~np.isnan(open_)
    if high is None or low is None:
        flat = np.zeros(len(close), dtype=bool)
    else:
        flat = (_equal(open_, close) & _equal(high, close) & _equal(low, close)
                & ~np.isnan(close))
    return stale_open, flat


@dataclass(frozen=True)
class StaleCounts:
    """Values removed from one OHLC group by rules 1 and 2.

    Parameters
    ----------
    group : str
        Column prefix (``"spx"``).
    stale_open : Mapping[int, int]
        Opens equal to the previous close, per year (rule 1).
    flat : Mapping[int, int]
        Flat (O=H=L=C) rows, per year (rule 2); their open, high and low removed.
    removed : Mapping[str, Mapping[int, int]]
        Values removed per column and year (an open both stale and flat counts once).
    first_stale, first_flat : pandas.Timestamp or None
        First day of each kind.
    """

    group: str
    stale_open: Mapping[int, int] = field(default_factory=dict)
    flat: Mapping[int, int] = field(default_factory=dict)
    removed: Mapping[str, Mapping[int, int]] = field(default_factory=dict)
    first_stale: pd.Timestamp | None = None
    first_flat: pd.Timestamp | None = None

    def total(self, column: str) -> int:
        """Values removed from ``column`` (all years)."""
        return int(sum(self.removed.get(column, {}).values()))


def remove_stale_prices(frame: pd.DataFrame, group: str) -> tuple[pd.DataFrame, StaleCounts]:
    """Apply rules 1 and 2 to the ``<group>_open/high/low/close`` columns of ``frame``.

    Parameters
    ----------
    frame : pandas.DataFrame
        Aligned daily table (sorted ``DatetimeIndex``).
    group : str
        Column prefix, e.g. ``"spx"``.

    Returns
    -------
    frame : pandas.DataFrame
        A copy with the removed values NaN (unchanged if the group has no open
        and close column).
    counts : StaleCounts
    """
    o_col, h_col, l_col, c_col = (f"{group}_{f}" for f in ("open", "high", "low", "close"))
    if o_col not in frame.columns or c_col not in frame.columns:
        return frame, StaleCounts(group)
    idx = pd.DatetimeIndex(frame.index)
    o = frame[o_col].to_numpy(dtype=np.float64)
    c = frame[c_col].to_numpy(dtype=np.float64)
    has_hl = h_col in frame.columns and l_col in frame.columns
    h = frame[h_col].to_numpy(dtype=np.float64) if has_hl else None
    lo = frame[l_col].to_numpy(dtype=np.float64) if has_hl else None
    stale, flat = mark_stale(o, h, lo, c)
    out = frame.copy()
    out.loc[stale | flat, o_col] = np.nan
    removed: dict[str, dict[int, int]] = {o_col: by_year(idx, stale | flat)}
    if has_hl:
        for col in (h_col, l_col):
            out.loc[flat, col] = np.nan
            removed[col] = by_year(idx, flat)

    def first(m: np.ndarray) -> pd.Timestamp | None:
        return pd.Timestamp(idx[np.flatnonzero(m)[0]]) if m.any() else None

    return out, StaleCounts(group=group, stale_open=by_year(idx, stale), flat=by_year(idx, flat),
                            removed={k: v for k, v in removed.items() if v},
                            first_stale=first(stale), first_flat=first(flat))


def drop_stale_rows(frame: pd.DataFrame) -> tuple[pd.DataFrame, pd.DatetimeIndex]:
    """Rule 3: drop flat rows repeating the previous close among real OHLC rows.

    Parameters
    ----------
    frame : pandas.DataFrame
        One file's rows (``open, high, low, close`` columns, date index, sorted).

    Returns
    -------
    frame : pandas.DataFrame
        ``frame`` without the stale rows.
    dropped : pandas.DatetimeIndex
        Their dates.
    """
    if not {"open", "high", "low", "close"} <= set(frame.columns) or len(frame) < 2:
        return frame, pd.DatetimeIndex([])
    o, h, lo, c = (frame[k].to_numpy(dtype=np.float64) for k in ("open", "high", "low", "close"))
    flat = _equal(o, c) & _equal(h, c) & _equal(lo, c) & ~np.isnan(c)
    prev_c = np.concatenate([[np.nan], c[:-1]])
    prev_flat = np.concatenate([[True], flat[:-1]])
    stale = flat & _equal(c, prev_c) & ~prev_flat
    if not stale.any():
        return frame, pd.DatetimeIndex([])
    return frame.loc[~stale], pd.DatetimeIndex(frame.index[stale])


def year_text(counts: Mapping[int, int]) -> str:
    """``"1990 200, 1991 180"``: per-year counts, years in order, zeros left out."""
    return ", ".join(f"{y} {n:,}" for y, n in sorted(counts.items()) if n)


def apply_stale_rules(frame: pd.DataFrame, sources: Mapping[str, ColumnSource],
                      groups: tuple[str, ...] = OHLC_GROUPS
                      ) -> tuple[pd.DataFrame, dict[str, ColumnSource], list[StaleCounts]]:
    """Rules 1 and 2 on every OHLC group of an aligned table, with notes and warnings.

    Each affected column's :class:`~backtest.data.table.ColumnSource` gets the
    removed values added to ``repairs``, their per-year split in
    ``repairs_by_year`` and a note; one
    :class:`~backtest.errors.DataRepairWarning` per column (``source`` the
    column's file, ``column`` the table column, ``count`` and ``by_year``).

    Returns
    -------
    frame : pandas.DataFrame
    sources : dict of str to ColumnSource
    counts : list of StaleCounts
        One per group present.
    """
    out_sources = dict(sources)
    all_counts = []
    for group in groups:
        frame, counts = remove_stale_prices(frame, group)
        if f"{group}_open" not in frame.columns:
            continue
        all_counts.append(counts)
        for col, years in counts.removed.items():
            n = int(sum(years.values()))
            src = out_sources.get(col) or ColumnSource(column=col, source="unknown")
            if col.endswith("_open"):
                what = (f"{n:,} open(s) removed as not real: "
                        f"{sum(counts.stale_open.values()):,} equal to the previous close"
                        + (f" (first {counts.first_stale.date()})" if counts.first_stale else "")
                        + f", {sum(counts.flat.values()):,} on flat O=H=L=C days"
                        + (f" (first {counts.first_flat.date()})" if counts.first_flat else "")
                        + f"; per year: {year_text(years)}")
            else:
                what = (f"{n:,} value(s) removed on flat O=H=L=C days (close-only records; "
                        f"the close is kept); per year: {year_text(years)}")
            merged = dict(src.repairs_by_year)
            for y, k in years.items():
                merged[y] = merged.get(y, 0) + k
            out_sources[col] = dataclasses.replace(
                src, repairs=src.repairs + n, notes=(*src.notes, what),
                repairs_by_year=tuple(sorted(merged.items())))
            warnings.warn(DataRepairWarning(f"{src.path or src.source}: {col}: {what}",
                                            source=src.path or src.source, column=col, count=n,
                                            by_year=years), stacklevel=3)
    return frame, out_sources, all_counts
