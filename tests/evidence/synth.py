"""Synthetic markets for the evidence tests: a random walk with a clustered signal."""

from __future__ import annotations

import numpy as np
import pandas as pd


def synthetic_market(rng: np.random.Generator, T: int = 2500, p_on: float = 0.02,
                     p_stay: float = 0.7, effect: float = 0.0, vol: float = 0.01
                     ) -> tuple[pd.DataFrame, pd.Series]:
    """Random-walk SPX and a clustered signal (a two-state Markov chain).

    ``effect`` is added to the daily return of day ``t + 2`` after every signal
    day ``t``: the first full day after the next-open fill, so the 1-day
    forward return after a signal has mean ``drift + effect``.  Open equals
    close, so next-open forward returns are close-to-close from ``t + 1``.
    """
    r = rng.normal(0.0003, vol, T)
    u = rng.random(T)
    s = np.zeros(T, dtype=bool)
    for t in range(1, T):
        s[t] = u[t] < (p_stay if s[t - 1] else p_on)
    hit = np.flatnonzero(s) + 2
    r[hit[hit < T]] += effect
    p = 100.0 * np.cumprod(1.0 + r)
    idx = pd.bdate_range("2000-01-03", periods=T)
    return (pd.DataFrame({"spx_open": p, "spx_close": p}, index=idx),
            pd.Series(s, index=idx, name="synthetic"))
