"""The real market frame with honest opens, ``spxtr`` and ``dtb3`` (test fixture helper).

Where the loaded frame already has the columns (the loader supplies them), they
are kept; otherwise they are read from the real files in ``more/`` next to
the data directory's manifest and placed on the frame's own dates (a value
dated on a day the frame lacks is not carried anywhere; the cash rate code
uses only the last rate published on or before a day).  An SPX open equal to
the previous close is not a traded price: it is marked missing, the rule the
data layer applies.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd


def stale_opens(frame: pd.DataFrame) -> pd.Series:
    """Days whose SPX open equals the previous day's close (not a real open)."""
    return (frame["spx_open"] == frame["spx_close"].shift(1)).rename("stale")


def honest_frame(frame: pd.DataFrame, data_dir: Path) -> pd.DataFrame:
    """``frame`` with stale opens missing and ``spxtr`` / ``dtb3`` columns."""
    out = frame.copy()
    out.loc[stale_opens(out).to_numpy(), "spx_open"] = np.nan
    more = Path(data_dir) / "more"
    if "spxtr" not in out.columns:
        tr = pd.read_csv(more / "sp500tr_yahoo_1988_2024.csv", parse_dates=["Date"],
                         index_col="Date")["Close"].astype(float)
        out["spxtr"] = tr.reindex(out.index)
    if "dtb3" not in out.columns:
        bill = pd.read_csv(more / "dtb3_fred_1954_2025.csv", parse_dates=["observation_date"],
                           index_col="observation_date")["DTB3"]
        out["dtb3"] = pd.to_numeric(bill, errors="coerce").reindex(out.index)
    return out
