"""Independent episodes: clusters of signal days whose forward windows overlap.

A VIX extreme rarely lasts one day: a spike fires the signal on several days in
a row, and their ``h``-day forward returns share most of their path.  Counting
each day as an independent observation overstates the evidence, so the event
study reports, beside the number of signal days, the number of *episodes*:
signal days closer than the horizon (``gap < h`` trading days, i.e. whose
forward windows overlap) belong to one episode.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

__all__ = ["count_episodes", "episode_ids"]


def episode_ids(signal: npt.ArrayLike, horizon: int) -> npt.NDArray[np.int64]:
    """Episode number of every signal day (``-1`` on days without a signal).

    Parameters
    ----------
    signal : array_like of bool
        Signal days, in trading-day order (one entry per row of the sample).
    horizon : int
        Forward horizon ``h`` in trading days, ``>= 1``.  Two signal days ``g``
        rows apart belong to the same episode when ``g < h``; a chain of such
        days forms one episode even if its ends are further apart.

    Returns
    -------
    numpy.ndarray of int64
        ``0, 1, 2, ...`` for the episodes in time order, ``-1`` elsewhere.

    Examples
    --------
    >>> episode_ids([1, 1, 0, 0, 1, 0], horizon=3).tolist()
    [0, 0, -1, -1, 1, -1]
    """
    if int(horizon) < 1:
        raise ValueError(f"horizon must be an integer >= 1, got {horizon!r}")
    s = np.asarray(signal, dtype=bool)
    out = np.full(s.shape[0], -1, dtype=np.int64)
    pos = np.flatnonzero(s)
    if pos.size == 0:
        return out
    new = np.ones(pos.size, dtype=bool)
    new[1:] = np.diff(pos) >= int(horizon)
    out[pos] = np.cumsum(new) - 1
    return out


def count_episodes(signal: npt.ArrayLike, horizon: int) -> int:
    """Number of independent episodes among the signal days.

    Parameters
    ----------
    signal : array_like of bool
        Signal days in trading-day order.
    horizon : int
        Forward horizon in trading days (see :func:`episode_ids`).

    Returns
    -------
    int

    Examples
    --------
    >>> count_episodes([1, 1, 0, 1, 0, 0, 0, 1], horizon=3)
    2
    >>> count_episodes([1, 1, 0, 1, 0, 0, 0, 1], horizon=1)
    4
    """
    ids = episode_ids(signal, horizon)
    return int(ids.max() + 1) if ids.size else 0
