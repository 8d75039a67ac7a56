"""Readers for daily index files: CBOE index history, Yahoo, ISO OHLC, FRED.

Layouts (all comma-separated, one row per day):

``cboe-index``
    CBOE ``<SYMBOL>_History.csv``: ``DATE,OPEN,HIGH,LOW,CLOSE``, dates ``MM/DD/YYYY``.
    Older CBOE files with a title line and ``VIX Open``-style names are accepted.
``cboe-single``
    CBOE single-value history, e.g. ``DATE,VVIX``, dates ``MM/DD/YYYY``.
``yahoo-classic``
    ``Date,Open,High,Low,Close,Adj Close,Volume`` (either column order), ISO dates.
``yahoo-ohlcv-lowercase``
    yfinance style ``date,open,high,low,close,volume``, ISO dates.
``ohlc-iso``
    ``DATE,OPEN,HIGH,LOW,CLOSE`` with ISO dates (e.g. the datahub VIX mirror).
``fred``
    FRED series download: ``DATE,<SERIES>`` or ``observation_date,<SERIES>``, ISO
    dates, ``.`` for a missing day (left missing).

The result is a frame with a ``DatetimeIndex`` named ``date`` and float columns
among ``open, high, low, close, volume, adj_close`` (single-value layouts give
``close``).  Bad prints are repaired by removing the bad value (set to NaN, the
row stays) with a :class:`~backtest.errors.DataRepairWarning`:

* a non-positive price (open/high/low/close/adj_close <= 0);
* ``high < low``: both high and low removed;
* an open outside ``[low, high]``: the open removed;
* a close outside ``[low, high]``: high and low removed (the close is the
  value of record);
* a zero or negative volume: removed (Yahoo writes 0 for "not reported").

Rows whose every value is missing (FRED ``.``, Yahoo ``null``) are dropped.
Identical duplicate dates are dropped with a warning; duplicate dates with
different values raise :class:`~backtest.errors.DataError`.  Unsorted dates are
sorted with a warning.
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
from backtest.errors import DataError

__all__ = ["DATE_NAMES", "INDEX_FORMATS", "canonical_name", "is_index_header", "read_index_text",
           "validate_ohlc"]

INDEX_FORMATS: tuple[str, ...] = ("cboe-index", "cboe-single", "yahoo-classic",
                                  "yahoo-ohlcv-lowercase", "ohlc-iso", "fred")
DATE_NAMES = frozenset({"date", "observation_date", "timestamp", "datetime", "day"})
_FIELDS = ("open", "high", "low", "close", "adj_close", "volume")
_REQUIRED: dict[str, tuple[str, ...]] = {
    "cboe-index": ("open", "high", "low", "close"),
    "ohlc-iso": ("open", "high", "low", "close"),
    "yahoo-classic": ("open", "high", "low", "close", "adj_close"),
    "yahoo-ohlcv-lowercase": ("open", "high", "low", "close", "volume"),
}
_PRICES = ("open", "high", "low", "close", "adj_close")


def canonical_name(header: str) -> str:
    """Map a header cell to a canonical field name (``"VIX Open"`` -> ``"open"``)."""
    h = header.strip().lower().replace("*", "").replace("-", " ").replace("_", " ")
    h = " ".join(h.split())
    if h in DATE_NAMES or h == "observation date":
        return "date"
    if h in ("adj close", "adjusted close", "adjclose"):
        return "adj_close"
    last = h.split(" ")[-1] if h else h
    if last in ("open", "high", "low", "close", "volume") and (
            h == last or len(h.split(" ")) == 2):
        return last
    return h


def is_index_header(fields: list[str]) -> bool:
    """Whether a split line looks like the header of a daily index file."""
    return len(fields) >= 2 and canonical_name(fields[0]) == "date"


def read_index_text(text: str, name: str, fmt: str, repairs: Repairs, *, prices: bool = True,
                    required: tuple[str, ...] | None = None) -> pd.DataFrame:
    """Parse the text of a daily index file in layout ``fmt``.

    Parameters
    ----------
    text, name : str
        The file's text and its name for messages.
    fmt : str
        One of :data:`INDEX_FORMATS`.
    repairs : Repairs
        Collects repairs.
    prices : bool, default True
        The values are prices (non-positive values are bad prints).  False for
        rates such as FRED ``DTB3``, which may be zero or negative.
    required : tuple of str or None, default None
        Fields the header must have (None: the layout's usual set).
    """
    if fmt not in INDEX_FORMATS:
        raise ValueError(f"not an index layout: {fmt!r}")
    hidx, fields = find_header(text, is_index_header, name)
    table = read_table(text, hidx, name)
    canon = [canonical_name(c) for c in table.cells.columns]
    if fmt in ("cboe-single", "fred"):
        if len(canon) != 2:
            raise DataError(f"{name}: layout {fmt!r} needs exactly two columns (a date and "
                            f"one value); header has {len(canon)}: {', '.join(fields)}")
        mapping = {table.cells.columns[1]: "close"}
    else:
        need = _REQUIRED[fmt] if required is None else required
        missing = [c for c in need if c not in canon]
        if missing:
            raise DataError(f"{name}: layout {fmt!r} needs column(s) {', '.join(missing)}; "
                            f"header (line {hidx + 1}) has: {', '.join(fields)}")
        mapping = {raw: c for raw, c in zip(table.cells.columns, canon, strict=True)
                   if c in _FIELDS}
    date_col = table.cells.columns[0]
    dates = parse_dates(table, date_col)
    data = {new: parse_numbers(table, raw, dates) for raw, new in mapping.items()}
    frame = pd.DataFrame(data)
    frame.insert(0, "date", dates)
    frame, lines = _drop_empty(frame, table.lines, repairs)
    frame, lines = resolve_duplicates(frame, ["date"], lines, name, repairs)
    frame = frame.set_index("date")
    if not frame.index.is_monotonic_increasing:
        frame = frame.sort_index(kind="stable")
        repairs.add("rows", len(frame), "dates were not in order; sorted", count=False)
    cols = [c for c in _FIELDS if c in frame.columns]
    return validate_ohlc(frame[cols], repairs, prices=prices)


def _drop_empty(frame: pd.DataFrame, lines: np.ndarray, repairs: Repairs
                ) -> tuple[pd.DataFrame, np.ndarray]:
    values = frame.drop(columns="date")
    empty = values.isna().all(axis=1).to_numpy()
    if empty.any():
        n = int(empty.sum())
        first = pd.Timestamp(frame["date"].to_numpy()[empty][0]).date()
        repairs.add("rows", n, f"dropped {n} row(s) with no values (first on {first})",
                    warn=False, count=False)
        return frame.loc[~empty].reset_index(drop=True), lines[~empty]
    return frame, lines


def _first(idx: pd.DatetimeIndex, mask: np.ndarray) -> str:
    return str(pd.Timestamp(idx[np.flatnonzero(mask)[0]]).date())


def validate_ohlc(frame: pd.DataFrame, repairs: Repairs, *, prices: bool = True
                  ) -> pd.DataFrame:
    """Remove bad prints from a daily OHLC(V) frame (see the module docstring).

    Returns a new frame; the removed values are NaN and counted in ``repairs``.
    ``prices`` False (a rate, e.g. a T-bill yield) keeps zero and negative values.
    """
    out = frame.astype(np.float64)
    idx = pd.DatetimeIndex(out.index)
    for c in _PRICES:
        if c in out and prices:
            v = out[c].to_numpy()
            bad = v <= 0
            if bad.any():
                out.loc[bad, c] = np.nan
                repairs.add(c, int(bad.sum()), f"{int(bad.sum())} non-positive {c} value(s) "
                            f"removed (first on {_first(idx, bad)})")
    if "volume" in out:
        v = out["volume"].to_numpy()
        bad = v <= 0
        if bad.any():
            out.loc[bad, "volume"] = np.nan
            repairs.add("volume", int(bad.sum()), f"{int(bad.sum())} zero volume value(s) "
                        f"treated as not reported (first on {_first(idx, bad)})", warn=False,
                        count=False)
    if "high" in out and "low" in out:
        hi, lo = out["high"].to_numpy(), out["low"].to_numpy()
        bad = hi < lo
        if bad.any():
            out.loc[bad, ["high", "low"]] = np.nan
            repairs.add("high/low", int(bad.sum()), f"{int(bad.sum())} day(s) with high < low: "
                        f"high and low removed (first on {_first(idx, bad)})", count=False,
                        values=int(bad.sum()))
            repairs.count("high", int(bad.sum()))
            repairs.count("low", int(bad.sum()))
        hi, lo = out["high"].to_numpy(), out["low"].to_numpy()
        if "close" in out:
            cl = out["close"].to_numpy()
            bad = (cl > hi) | (cl < lo)
            if bad.any():
                out.loc[bad, ["high", "low"]] = np.nan
                repairs.add("high/low", int(bad.sum()), f"{int(bad.sum())} day(s) with the close "
                            f"outside [low, high]: high and low removed "
                            f"(first on {_first(idx, bad)})", count=False,
                            values=int(bad.sum()))
                repairs.count("high", int(bad.sum()))
                repairs.count("low", int(bad.sum()))
                hi, lo = out["high"].to_numpy(), out["low"].to_numpy()
        if "open" in out:
            o = out["open"].to_numpy()
            bad = (o > hi) | (o < lo)
            if bad.any():
                out.loc[bad, "open"] = np.nan
                repairs.add("open", int(bad.sum()), f"{int(bad.sum())} open(s) outside "
                            f"[low, high] removed (first on {_first(idx, bad)})")
    return out

