"""Reader for the nasdaq.com historical-data export.

``nasdaq-com``
    ``Date,Close/Last,Open,High,Low`` (a ``Volume`` column may follow),
    ``MM/DD/YYYY`` dates, **newest first**; prices may carry a ``$`` prefix
    (stock exports) and thousands separators.  The rows are put in date order
    (a note, not a repair: that is the layout).

nasdaq.com writes rows on some exchange holidays with ``Open``, ``High`` and
``Low`` ``0.00`` and the previous close repeated.  Such a row is not a trading
day and holds no price: a row whose open, high and low are all zero and whose
close equals the previous (earlier) row's close is dropped whole, counted under
``rows``.  Any other zero price is a bad print removed by the usual rule
(non-positive prices, :func:`~backtest.data.readers.index.validate_ohlc`).
The result has the columns ``open, high, low, close`` (and ``volume``).
"""

from __future__ import annotations

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
from backtest.data.readers.index import validate_ohlc
from backtest.errors import DataError

__all__ = ["is_nasdaq_header", "read_nasdaq_text"]

_NAMES = {"close/last": "close", "open": "open", "high": "high", "low": "low",
          "volume": "volume"}


def is_nasdaq_header(fields: list[str]) -> bool:
    """Whether a split line is a nasdaq.com export header (``Date,Close/Last,...``)."""
    low = [f.strip().lower() for f in fields]
    return len(low) >= 2 and low[0] == "date" and "close/last" in low


def read_nasdaq_text(text: str, name: str, repairs: Repairs) -> pd.DataFrame:
    """Parse a nasdaq.com export (see the module docstring).

    Raises
    ------
    DataError
        On a bad date or number (naming file, line, date and column), a missing
        column, or one date twice with different values.
    """
    hidx, fields = find_header(text, is_nasdaq_header, name)
    table = read_table(text, hidx, name)
    cols = {c: _NAMES[c.strip().lower()] for c in table.cells.columns
            if c.strip().lower() in _NAMES}
    missing = [c for c in ("Close/Last", "Open", "High", "Low")
               if c.lower() not in {k.strip().lower() for k in cols}]
    if missing:
        raise DataError(f"{name}: layout 'nasdaq-com' needs column(s) {', '.join(missing)}; "
                        f"header (line {hidx + 1}) has: {', '.join(fields)}")
    cells = table.cells.copy()
    for raw in cols:
        if not pd.api.types.is_numeric_dtype(cells[raw].dtype):
            cells[raw] = cells[raw].astype(str).str.strip().str.lstrip("$")
    table = type(table)(name=table.name, cells=cells, lines=table.lines)
    dates = parse_dates(table, table.cells.columns[0])
    frame = pd.DataFrame({new: parse_numbers(table, raw, dates) for raw, new in cols.items()})
    frame.insert(0, "date", dates)
    frame, lines = resolve_duplicates(frame, ["date"], table.lines, name, repairs)
    order = np.argsort(frame["date"].to_numpy(), kind="stable")
    if not (np.diff(order) == 1).all():
        frame, lines = frame.iloc[order].reset_index(drop=True), lines[order]
        repairs.note("rows are newest first (nasdaq.com layout); put in date order")
    o, h, lo, c = (frame[k].to_numpy() for k in ("open", "high", "low", "close"))
    prev = np.concatenate([[np.nan], c[:-1]])
    holiday = (o == 0) & (h == 0) & (lo == 0) & (c == prev)
    if holiday.any():
        n = int(holiday.sum())
        days = ", ".join(str(pd.Timestamp(d).date()) for d in frame["date"].to_numpy()[holiday][:3])
        repairs.add("rows", n, f"dropped {n} row(s) with open, high and low 0 repeating the "
                    f"previous close (not a trading day: {days})")
        frame = frame.loc[~holiday].reset_index(drop=True)
    frame = frame.set_index("date")
    cols_out = [c for c in ("open", "high", "low", "close", "volume") if c in frame.columns]
    return validate_ohlc(frame[cols_out], repairs)
