"""Event paths: the mean SPX path around the fill after signals, against all days.

For a signal on day ``t`` the trade fills on day ``f = t + 1`` at the fill
price ``P`` (next open by default, :func:`backtest.execution.fills.fill_prices`).
The path is ``P[f + k] / P[f] - 1`` for ``k`` from ``-before`` to ``+after``
trading days: at ``k = h`` it is exactly the forward return the event study
tests at horizon ``h``.  Three means are drawn:

* **event-weighted**: one path per episode start (the first signal day after a
  gap of more than ``gap`` trading days without one), so a condition that
  holds for weeks counts once; its 95 % band is ``mean +/- 1.96 * sd / sqrt(n)``
  across episode starts;
* **day-weighted**: one path per signal day;
* **unconditional**: one path per day of the sample.

Only days inside the study's sample with the whole window in the data enter
(paths cut at the data's end are left out, never shortened).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd

from backtest.execution.fills import Fill, fill_prices

__all__ = ["DEFAULT_GAP", "episode_starts", "event_paths"]

#: Trading days without a signal that end an episode.
DEFAULT_GAP = 10


def episode_starts(signal: npt.ArrayLike, gap: int = DEFAULT_GAP) -> npt.NDArray[np.bool_]:
    """First day of each run of signal days whose gaps are at most ``gap`` days.

    Parameters
    ----------
    signal : array of bool
        Signal days.
    gap : int, default 10
        A signal more than ``gap`` trading days after the previous one starts a
        new episode.
    """
    s = np.asarray(signal, dtype=bool)
    out = np.zeros(len(s), dtype=bool)
    last = -(10**9)
    for i in np.flatnonzero(s):
        if i - last > gap:
            out[i] = True
        last = int(i)
    return out


def _paths(price: npt.NDArray[np.float64], rows: npt.NDArray[np.intp], before: int,
           after: int) -> npt.NDArray[np.float64]:
    """Paths (rows x offsets) of ``price[f + k] / price[f] - 1`` for fill rows ``rows``."""
    offsets = np.arange(-before, after + 1)
    idx = rows[:, None] + offsets[None, :]
    out: npt.NDArray[np.float64] = price[idx] / price[rows][:, None] - 1.0
    return out


def event_paths(signal: pd.Series, data: pd.DataFrame, *, sample: pd.Series | None = None,
                fill: Fill = "next_open", before: int = 10, after: int = 63,
                gap: int = DEFAULT_GAP) -> pd.DataFrame:
    """Mean SPX paths around the fill (see the module docstring).

    Parameters
    ----------
    signal : pandas.Series of bool
        Signal days (at the close), indexed like ``data``.
    data : pandas.DataFrame
        Market table frame.
    sample : pandas.Series of bool or None
        Days the study judges (e.g.
        :func:`backtest.evidence.strategy_study.strategy_sample`); all days if
        ``None``.
    fill : {"next_open", "next_close"}, default "next_open"
        Fill price.
    before, after : int, default 10 and 63
        Trading days shown before and after the fill.
    gap : int, default 10
        Episode gap (:func:`episode_starts`).

    Returns
    -------
    pandas.DataFrame
        Index ``day`` (``-before .. after``), columns ``events``,
        ``events_low``, ``events_high``, ``days``, ``unconditional``
        (fractions); ``attrs["n_events"]``, ``attrs["n_days"]``.
    """
    price = fill_prices(data, fill).to_numpy(dtype=float)
    n = len(price)
    sig = signal.reindex(data.index).fillna(False).to_numpy(dtype=bool)
    ok = (np.ones(n, dtype=bool) if sample is None
          else sample.reindex(data.index).fillna(False).to_numpy(dtype=bool))
    t = np.arange(n)
    fill_row = t + 1
    inside = (fill_row - before >= 0) & (fill_row + after < n)
    bad = np.r_[0, np.cumsum(~np.isfinite(price))]  # bad[j]: non-finite prices before row j
    good = np.zeros(n, dtype=bool)
    f = fill_row[inside]
    good[inside] = bad[f + after + 1] - bad[f - before] == 0
    base = ok & good
    starts = episode_starts(sig & ok, gap) & base
    days = sig & base
    offsets = pd.RangeIndex(-before, after + 1, name="day")
    out = pd.DataFrame(index=offsets, columns=["events", "events_low", "events_high", "days",
                                               "unconditional"], dtype=float)
    unc = _paths(price, fill_row[base], before, after)
    out["unconditional"] = unc.mean(axis=0) if len(unc) else np.nan
    d = _paths(price, fill_row[days], before, after)
    out["days"] = d.mean(axis=0) if len(d) else np.nan
    e = _paths(price, fill_row[starts], before, after)
    if len(e):
        m = e.mean(axis=0)
        half = 1.96 * e.std(axis=0, ddof=1) / np.sqrt(len(e)) if len(e) > 1 else np.nan
        out["events"], out["events_low"], out["events_high"] = m, m - half, m + half
    out.attrs["n_events"] = int(starts.sum())
    out.attrs["n_days"] = int(days.sum())
    return out
