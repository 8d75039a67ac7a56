"""The total-return column ``spxtr``: one-day glitches of Yahoo's ^SP500TR.

Yahoo's S&P 500 total-return history (float32 values, relative noise about
1e-7, immaterial for returns and left as is) holds one-day misprints: the TR
index moves unlike the price index on one day and catches up the next (e.g.
1990-01-24: TR -2.22 % against SPX -0.41 %, then +0.60 % against -1.27 %).
Over a day the total return differs from the price return only by that day's
dividends (under 0.15 % on every genuine day of 1988-2024), so:

**Rule.**  With ``d_t = TR_t / TR_{t-1} - P_t / P_{t-1}`` (``P`` the SPX close),
day ``t`` is a glitch when ``|d_t| >`` :data:`GLITCH_THRESHOLD` and the next
day reverses it: ``d_{t+1}`` has the opposite sign and ``|d_t + d_{t+1}| <
|d_t| / 2``.  The value of day ``t`` is **repaired** to
``TR_{t-1} * P_t / P_{t-1}`` (that day's total return becomes its price
return); the two-day total return ``TR_{t+1} / TR_{t-1}`` is unchanged, so the
dividends are credited on the next day.  Repairs are counted and dated in the
column's notes.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["GLITCH_THRESHOLD", "repair_glitches"]

#: Smallest one-day |TR return - price return| treated as a possible glitch.
GLITCH_THRESHOLD = 0.002


def repair_glitches(tr: pd.Series, price: pd.Series) -> tuple[pd.Series, pd.DatetimeIndex]:
    """Repair one-day glitches of a total-return index by the module's rule.

    Parameters
    ----------
    tr, price : pandas.Series
        Total-return and price index closes on the same calendar.

    Returns
    -------
    repaired : pandas.Series
        ``tr`` with each glitch day's value replaced.
    days : pandas.DatetimeIndex
        The repaired days.
    """
    t = tr.to_numpy(dtype=np.float64)
    p = price.reindex(tr.index).to_numpy(dtype=np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        d = np.full(len(t), np.nan)
        d[1:] = t[1:] / t[:-1] - p[1:] / p[:-1]
        nxt = np.concatenate([d[1:], [np.nan]])
        glitch = ((np.abs(d) > GLITCH_THRESHOLD) & (np.sign(nxt) == -np.sign(d))
                  & (np.abs(d + nxt) < 0.5 * np.abs(d)))
    glitch &= ~np.isnan(d) & ~np.isnan(nxt)
    out = t.copy()
    pos = np.flatnonzero(glitch)
    out[pos] = t[pos - 1] * p[pos] / p[pos - 1]
    return pd.Series(out, index=tr.index, name=tr.name), pd.DatetimeIndex(tr.index[pos])
