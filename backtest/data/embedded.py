"""The embedded sample: SPX and VIX history shipped inside the ``arch`` package.

With no data directory configured, vixbt runs offline on this sample:

* ``spx_open, spx_high, spx_low, spx_close, spx_volume`` from ``arch.data.sp500``:
  1999-01-04 .. 2018-12-31 (Yahoo ^GSPC daily);
* ``vix_close`` **only** from ``arch.data.vix``: its file is close-only and runs
  2014-01-03 .. 2019-01-03, so on the SPX calendar it covers 2014-01-03 ..
  2018-12-31 and is missing before 2014.

There is no VIX open/high/low, no VIX3M, VIX9D, VIX6M or VVIX and no VIX futures
(``vx1``, ``vx2``, ``vx1_days``, ``vx30``): term-structure signals need a data
directory (``VIXBT_DATA_DIR`` or ``--data-dir``; see ``vixbt data update``).
"""

from __future__ import annotations

import pandas as pd

from backtest.data.align import align_to_calendar
from backtest.data.info import refresh_sources
from backtest.data.readers._text import Repairs
from backtest.data.readers.index import validate_ohlc
from backtest.data.table import KNOWN_COLUMNS, ColumnSource, MarketTable

__all__ = ["EMBEDDED_NOTE", "load_embedded"]

#: What the embedded sample does and does not give.
EMBEDDED_NOTE = ("embedded sample (arch package): SPX OHLCV 1999-01-04..2018-12-31 and VIX "
                 "close only 2014-01-03..2018-12-31; no VIX open/high/low, no VIX3M/VIX9D/"
                 "VIX6M/VVIX and no VIX futures -- term-structure signals need a data "
                 "directory (set VIXBT_DATA_DIR or pass --data-dir)")


def load_embedded() -> MarketTable:
    """The market table from the history bundled in ``arch`` (no download needed).

    Returns
    -------
    MarketTable
        Columns ``spx_open .. spx_volume`` and ``vix_close`` (see the module
        docstring for the spans); each column's notes say what is missing.
    """
    from arch.data import sp500, vix

    spx_raw = sp500.load()
    spx = spx_raw.rename(columns=str.lower)[["open", "high", "low", "close", "volume"]]
    spx.index = pd.DatetimeIndex(spx.index).astype("datetime64[ns]").rename("date")
    rep = Repairs("arch.data.sp500")
    spx = validate_ohlc(spx, rep)
    spx = spx.loc[spx["close"].notna()]
    calendar = pd.DatetimeIndex(spx.index, name="date")
    vix_raw = vix.load()["vix"].astype("float64")
    vix_raw.index = pd.DatetimeIndex(vix_raw.index).astype("datetime64[ns]")
    vix_raw = vix_raw.where(vix_raw > 0)
    vix_close, dropped = align_to_calendar(vix_raw, calendar)

    frame = pd.DataFrame({f"spx_{c}": spx[c] for c in spx.columns}, index=calendar)
    frame["vix_close"] = vix_close.to_numpy()
    frame = frame[[c for c in KNOWN_COLUMNS if c in frame.columns]].astype("float64")
    sources: dict[str, ColumnSource] = {}
    for c in spx.columns:
        sources[f"spx_{c}"] = ColumnSource(
            column=f"spx_{c}", source="arch.data.sp500 (embedded sample)",
            repairs=int(rep.counts.get(c, 0)),
            notes=(EMBEDDED_NOTE, *rep.messages) if c == "close" else (EMBEDDED_NOTE,))
    vnotes = [EMBEDDED_NOTE, "arch.data.vix is close-only (2014-01-03..2019-01-03)"]
    if len(dropped):
        vnotes.append(f"{len(dropped)} VIX row(s) on days outside the SPX sample dropped "
                      f"({', '.join(str(d.date()) for d in dropped[:3])})")
    sources["vix_close"] = ColumnSource(column="vix_close",
                                        source="arch.data.vix (embedded sample)",
                                        notes=tuple(vnotes))
    return MarketTable(frame=frame, sources=refresh_sources(frame, sources))
