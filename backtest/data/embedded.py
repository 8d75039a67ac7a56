"""The embedded sample: SPX and VIX history shipped inside the ``arch`` package.

With no data directory configured, vixbt runs offline on this sample:

* ``spx_open, spx_high, spx_low, spx_close, spx_volume`` from ``arch.data.sp500``
  (``arch/data/sp500/sp500.csv.gz``, Yahoo ^GSPC daily): 1999-01-04 .. 2018-12-31;
* ``vix_close`` **only** from ``arch.data.vix`` (``arch/data/vix/vix.csv.gz``): the
  file is close-only and runs 2014-01-03 .. 2019-01-03, so on the SPX calendar
  it covers 2014-01-03 .. 2018-12-31 and is missing before 2014.

There is no VIX open/high/low, no VIX3M, VIX9D, VIX6M or VVIX and no VIX futures
(``vx1``, ``vx2``, ``vx1_days``, ``vx30``): term-structure signals need a data
directory (``VIXBT_DATA_DIR`` or ``--data-dir``; see ``vixbt data update``).

The two files are read with the project's own readers (Yahoo classic and
single-value layouts) straight from the installed package, without importing
``arch`` (whose import is slow).
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pandas as pd

from backtest.data.align import align_to_calendar
from backtest.data.info import refresh_sources
from backtest.data.readers import read_file
from backtest.data.stale import apply_stale_rules
from backtest.data.table import KNOWN_COLUMNS, ColumnSource, MarketTable
from backtest.errors import DataError

__all__ = ["EMBEDDED_NOTE", "embedded_files", "load_embedded"]

#: What the embedded sample does and does not give.
EMBEDDED_NOTE = ("embedded sample (arch package): SPX OHLCV 1999-01-04..2018-12-31 and VIX "
                 "close only 2014-01-03..2018-12-31; no VIX open/high/low, no VIX3M/VIX9D/"
                 "VIX6M/VVIX and no VIX futures -- term-structure signals need a data "
                 "directory (set VIXBT_DATA_DIR or pass --data-dir)")


def embedded_files() -> tuple[Path, Path]:
    """Paths of ``arch``'s bundled S&P 500 and VIX files (the package is not imported)."""
    spec = importlib.util.find_spec("arch")
    locations = list(spec.submodule_search_locations or []) if spec else []
    if not locations:
        raise DataError("the embedded sample needs the 'arch' package, which is not installed; "
                        "install it or point VIXBT_DATA_DIR at a data directory")
    root = Path(locations[0]) / "data"
    spx, vix = root / "sp500" / "sp500.csv.gz", root / "vix" / "vix.csv.gz"
    for p in (spx, vix):
        if not p.is_file():
            raise DataError(f"embedded sample file {p} is missing from the arch package")
    return spx, vix


def load_embedded() -> MarketTable:
    """The market table from the history bundled in ``arch`` (no download needed).

    Returns
    -------
    MarketTable
        Columns ``spx_open .. spx_volume`` and ``vix_close`` (see the module
        docstring for the spans); the notes say what is missing.
    """
    spx_path, vix_path = embedded_files()
    spx_raw = read_file(spx_path, "yahoo-classic", "SPX")
    vix_raw = read_file(vix_path, "cboe-single", "VIX")
    spx = spx_raw.frame.loc[spx_raw.frame["close"].notna()]
    calendar = pd.DatetimeIndex(spx.index, name="date")
    vix_close, dropped = align_to_calendar(vix_raw.frame["close"], calendar)

    fields = ("open", "high", "low", "close", "volume")
    frame = pd.DataFrame({f"spx_{c}": spx[c].to_numpy(np.float64) for c in fields},
                         index=calendar)
    frame["vix_close"] = vix_close.to_numpy(np.float64)
    frame = frame[[c for c in KNOWN_COLUMNS if c in frame.columns]]
    sources: dict[str, ColumnSource] = {}
    for c in fields:
        msgs = tuple(m for m in spx_raw.repairs if m.startswith((f"{c}:", "rows:")))
        sources[f"spx_{c}"] = ColumnSource(
            column=f"spx_{c}", source="arch.data.sp500 (embedded sample)", path=str(spx_path),
            repairs=int(spx_raw.repair_counts.get(c, 0)), notes=(EMBEDDED_NOTE, *msgs))
    vnotes = [EMBEDDED_NOTE, "arch.data.vix is close-only (2014-01-03..2019-01-03)",
              *vix_raw.repairs]
    if len(dropped):
        vnotes.append(f"{len(dropped)} VIX row(s) on days outside the SPX sample dropped "
                      f"({', '.join(str(d.date()) for d in dropped[:3])})")
    sources["vix_close"] = ColumnSource(column="vix_close",
                                        source="arch.data.vix (embedded sample)",
                                        path=str(vix_path), notes=tuple(vnotes))
    frame, sources, _ = apply_stale_rules(frame, sources)
    return MarketTable(frame=frame, sources=refresh_sources(frame, sources))
