"""Reader for wide continuous VX futures tables (``continuous-wide``).

Layout: ``Date,M1,M2,...,Mn[,days_to_expiration]``, one row per trade date,
``Mk`` the settle of the k-th monthly contract (rolled on the expiration day),
``days_to_expiration`` the days until M1's last trading day as the file's author
counted them.  Column names are case-insensitive (``m1``, ``VX1`` and ``F1`` are
accepted as well).  The result has a ``DatetimeIndex`` named ``date`` and float
columns ``m1..mN`` (and ``days_to_expiration`` if present).  A non-positive
settle is removed (NaN) with a :class:`~backtest.errors.DataRepairWarning`.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from backtest.data.readers._text import (
    Repairs,
    find_header,
    parse_dates,
    parse_numbers,
    read_table,
    resolve_duplicates,
)
from backtest.data.readers.index import canonical_name
from backtest.errors import DataError

__all__ = ["is_continuous_header", "read_continuous_text"]

_MCOL = re.compile(r"^(?:m|vx|f|vx_?f)(\d{1,2})$", re.IGNORECASE)
_DAYS = ("days_to_expiration", "days_to_expiry", "dte", "days")


def _month_number(header: str) -> int | None:
    m = _MCOL.match(header.strip())
    return int(m.group(1)) if m else None


def is_continuous_header(fields: list[str]) -> bool:
    """Whether a split line is the header of a wide continuous futures table."""
    return (len(fields) >= 2 and canonical_name(fields[0]) == "date"
            and _month_number(fields[1]) == 1)


def read_continuous_text(text: str, name: str, repairs: Repairs) -> pd.DataFrame:
    """Parse a wide continuous VX table."""
    hidx, fields = find_header(text, is_continuous_header, name)
    table = read_table(text, hidx, name)
    cols = list(table.cells.columns)
    months = {c: _month_number(c) for c in cols[1:]}
    mcols = [c for c in cols[1:] if months[c] is not None]
    nums = sorted(n for n in months.values() if n is not None)
    if not nums or nums != list(range(1, len(nums) + 1)):
        raise DataError(f"{name}: layout 'continuous-wide' needs columns M1..Mn in sequence; "
                        f"header (line {hidx + 1}) has: {', '.join(fields)}")
    dates = parse_dates(table, cols[0])
    data = {f"m{months[c]}": parse_numbers(table, c, dates) for c in mcols}
    day_col = next((c for c in cols[1:] if c.strip().lower() in _DAYS), None)
    if day_col is not None:
        data["days_to_expiration"] = parse_numbers(table, day_col, dates)
    frame = pd.DataFrame(data)
    frame.insert(0, "date", dates)
    frame, _ = resolve_duplicates(frame, ["date"], table.lines, name, repairs)
    frame = frame.set_index("date")
    if not frame.index.is_monotonic_increasing:
        frame = frame.sort_index(kind="stable")
        repairs.add("rows", len(frame), "dates were not in order; sorted", count=False)
    idx = pd.DatetimeIndex(frame.index)
    for c in [c for c in frame.columns if c.startswith("m")]:
        bad = frame[c].to_numpy() <= 0
        if bad.any():
            first = pd.Timestamp(idx[np.flatnonzero(bad)[0]]).date()
            frame.loc[bad, c] = np.nan
            repairs.add(c, int(bad.sum()), f"{int(bad.sum())} non-positive {c.upper()} "
                        f"settle(s) removed (first on {first})")
    return frame
