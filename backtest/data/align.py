"""Alignment and splice rules: how source series become columns of one table.

The market table lives on the **SPX trading calendar**: its dates are the days
with an SPX close in the SPX source(s).  Every other series is attached to it
by these rules, which the tests check:

1. **Same-date only.**  A value dated ``d`` in a source lands on table date
   ``d`` and nowhere else.  Nothing is shifted, back-filled or forward-filled;
   a value attached to day ``d`` was known at the close of ``d``.
2. **Non-SPX days are dropped.**  Source rows on days SPX did not trade (e.g.
   the US-holiday rows of CBOE's VIX file since 2022, a Yahoo row on a holiday)
   are dropped; their number and first dates go into the column's notes.
3. **Missing days stay missing.**  An SPX day a source lacks is NaN (counted
   as a gap in ``vixbt data info``), never filled from another day.
4. **Bad prints** are removed by the readers before alignment (an open outside
   the day's high-low range, a non-positive price, a zero settle) with a
   :class:`~backtest.errors.DataRepairWarning`, and counted per column.
5. **Several files for one column (splice).**  The *primary* file is the one
   whose data reach the latest date (ties: manifest order).  Other files only
   fill dates the primary has no value for, on the same date (rule 1), and
   overlapping dates are compared: disagreements are counted and the largest
   one named in the notes.  A file may be restricted to dates before a given
   day (VXV, VIX3M's old name, is used only before VIX3M's first day).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = ["SpliceInput", "SpliceResult", "align_to_calendar", "compare_overlap", "splice"]


def align_to_calendar(series: pd.Series, calendar: pd.DatetimeIndex
                      ) -> tuple[pd.Series, pd.DatetimeIndex]:
    """Put ``series`` on ``calendar`` by exact date (rules 1-3).

    Parameters
    ----------
    series : pandas.Series
        Values indexed by a unique ``DatetimeIndex``.
    calendar : pandas.DatetimeIndex
        Target trading days (sorted, unique).

    Returns
    -------
    aligned : pandas.Series
        ``series`` reindexed to ``calendar``: NaN where the source has no row.
    dropped : pandas.DatetimeIndex
        Source dates with a value that are not on ``calendar``.
    """
    src = series.dropna()
    idx = pd.DatetimeIndex(src.index)
    on_cal = idx.isin(calendar)
    aligned = series.reindex(calendar)
    return aligned, idx[~on_cal]


def compare_overlap(a: pd.Series, b: pd.Series, *, rtol: float = 1e-6, atol: float = 1e-9
                    ) -> tuple[int, int, pd.Timestamp | None, float]:
    """Compare two series on the dates both have a value.

    Returns
    -------
    tuple
        ``(common, disagreeing, date_of_largest_difference, largest_abs_difference)``.
    """
    both = pd.concat([a.rename("a"), b.rename("b")], axis=1, join="inner").dropna()
    if both.empty:
        return 0, 0, None, 0.0
    diff = (both["a"] - both["b"]).abs()
    bad = diff > (atol + rtol * both["b"].abs())
    if not bad.any():
        return len(both), 0, None, float(diff.max())
    worst = diff.idxmax()
    return len(both), int(bad.sum()), pd.Timestamp(str(worst)), float(diff.max())


@dataclass(frozen=True)
class SpliceInput:
    """One candidate series for a column.

    Parameters
    ----------
    series : pandas.Series
        Values by date.
    label : str
        Name used in notes (usually the file name).
    before : pandas.Timestamp or None, default None
        If set, the series may only supply dates strictly before this day.
    """

    series: pd.Series
    label: str
    before: pd.Timestamp | None = None


@dataclass(frozen=True)
class SpliceResult:
    """A spliced series, the labels of the inputs that supplied values, and notes."""

    series: pd.Series
    used: tuple[str, ...]
    notes: tuple[str, ...]


def _last_valid(s: pd.Series) -> pd.Timestamp:
    lv = s.last_valid_index()
    return pd.Timestamp(str(lv)) if lv is not None else pd.Timestamp.min


def splice(inputs: Sequence[SpliceInput], *, order_by_reach: bool = True) -> SpliceResult:
    """Combine several series for one column by rule 5 of the module docstring.

    Parameters
    ----------
    inputs : sequence of SpliceInput
        Candidates in manifest order.
    order_by_reach : bool, default True
        Make the series reaching the latest date primary (stable for ties);
        False keeps the given order.

    Returns
    -------
    SpliceResult
    """
    if not inputs:
        raise ValueError("splice needs at least one input series")
    items = list(inputs)
    if order_by_reach:
        items.sort(key=lambda it: _last_valid(it.series), reverse=True)
    notes: list[str] = []
    used: list[str] = []
    out: pd.Series | None = None
    for it in items:
        full = it.series.dropna()
        s = full.loc[full.index < it.before] if it.before is not None else full
        if out is None:
            out = s.astype(np.float64)
            used.append(it.label)
            if len(items) > 1:
                notes.append(f"primary source: {it.label}")
            continue
        n_common, n_bad, worst, maxdiff = compare_overlap(full, out)
        if n_common:
            if n_bad:
                assert worst is not None
                notes.append(f"{it.label} disagrees with the values used on {n_bad} of "
                             f"{n_common} common date(s) (largest difference {maxdiff:.6g} on "
                             f"{worst.date()}); the values used are kept")
            else:
                notes.append(f"{it.label} agrees on all {n_common} common date(s)")
        fill = s.loc[~s.index.isin(out.index)]
        if len(fill):
            used.append(it.label)
            when = f" before {it.before.date()}" if it.before is not None else ""
            notes.append(f"{it.label} fills {len(fill)} date(s){when} "
                         f"({pd.Timestamp(fill.index[0]).date()}..."
                         f"{pd.Timestamp(fill.index[-1]).date()})")
            out = pd.concat([out, fill]).sort_index()
        elif it.before is not None:
            notes.append(f"{it.label} not needed (nothing to fill before {it.before.date()})")
    assert out is not None
    return SpliceResult(series=out, used=tuple(used), notes=tuple(notes))
