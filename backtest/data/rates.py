"""The T-bill rate column ``dtb3``: how a bond-market series meets the SPX calendar.

FRED's ``DTB3`` is the 3-month Treasury bill secondary-market rate, **discount
basis, percent per year**, kept as published (no conversion here; a daily
cash return is computed where it is used).  The bond market keeps its own
holidays, so the series and the SPX calendar differ both ways:

* a rate published on a day SPX did not trade (Good Friday, 2001-09-13/14,
  2012-10-29 ...) is dropped by the same-date rule and **not carried into
  the future**: the next SPX day does not get it;
* an SPX day without a published rate (Columbus Day, Veterans Day ...) takes
  the **last rate published on an earlier SPX day** (a forward fill over at
  most :data:`MAX_FILL_DAYS` SPX days, only between two published values --
  never a later rate, never past the file's last value).

So the rate on day ``d`` is always known at ``d``'s close.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["MAX_FILL_DAYS", "fill_rate_gaps"]

#: Longest run of SPX days without a published rate that is filled forward.
MAX_FILL_DAYS = 5


def fill_rate_gaps(rate: pd.Series) -> tuple[pd.Series, pd.DatetimeIndex]:
    """Forward-fill short gaps of an aligned rate series from earlier days only.

    Parameters
    ----------
    rate : pandas.Series
        The rate on the SPX calendar (NaN where not published that day).

    Returns
    -------
    filled : pandas.Series
        ``rate`` with runs of up to :data:`MAX_FILL_DAYS` missing days between
        two published values filled with the last earlier value.
    days : pandas.DatetimeIndex
        The days filled.
    """
    before = rate.isna().to_numpy()
    filled = rate.ffill(limit=MAX_FILL_DAYS, limit_area="inside")
    # a run longer than the limit is left missing entirely (not partly filled)
    runs = (~before).cumsum()
    run_len = pd.Series(before, index=rate.index).groupby(runs).transform("sum").to_numpy()
    keep_nan = before & (run_len > MAX_FILL_DAYS)
    filled = filled.mask(keep_nan)
    done = before & ~filled.isna().to_numpy()
    return filled.astype(np.float64), pd.DatetimeIndex(rate.index[done])
