"""Episodes: runs of signal days that are one market event, whatever the horizon.

A VIX extreme rarely lasts one day: a spike fires the signal on several days in
a row, a crisis for weeks.  Counting each day as independent overstates the
evidence, so the evidence counts *episodes*: an episode is a run of signal days
in which consecutive signal days are at most ``max_gap`` trading days apart
(fewer than ``max_gap`` days without a signal between them; default 10, two
trading weeks).  The definition does **not** depend on the forward horizon: a
horizon-based rule ("signal days closer than ``h`` are one episode") chains a
persistent condition at long horizons into a single episode lasting years.

Counting is by trading-day *rows* of the sample given (one entry per row); the
caller decides the sample (e.g. a strategy's days past its warm-up).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

__all__ = ["DEFAULT_MAX_GAP", "Episodes", "count_episodes", "episode_ids", "episodes"]

#: Default largest distance (trading days) between two signal days of one episode.
DEFAULT_MAX_GAP = 10

IntArray = npt.NDArray[np.int64]


def _check_gap(max_gap: int) -> int:
    if isinstance(max_gap, bool) or int(max_gap) != max_gap or int(max_gap) < 1:
        raise ValueError(f"max_gap must be an integer >= 1 (trading days), got {max_gap!r}")
    return int(max_gap)


def episode_ids(signal: npt.ArrayLike, max_gap: int = DEFAULT_MAX_GAP) -> IntArray:
    """Episode number of every signal day (``-1`` on days without a signal).

    Parameters
    ----------
    signal : array_like of bool
        Signal days, in trading-day order (one entry per row of the sample).
    max_gap : int, default 10
        Two consecutive signal days ``g`` rows apart belong to one episode when
        ``g <= max_gap``; a run of such days is one episode however long.

    Returns
    -------
    numpy.ndarray of int64
        ``0, 1, 2, ...`` for the episodes in time order, ``-1`` elsewhere.

    Examples
    --------
    >>> episode_ids([1, 1, 0, 0, 1, 0], max_gap=2).tolist()
    [0, 0, -1, -1, 1, -1]
    >>> episode_ids([1, 0, 1, 0, 1], max_gap=2).tolist()
    [0, -1, 0, -1, 0]
    """
    gap = _check_gap(max_gap)
    s = np.asarray(signal, dtype=bool)
    out = np.full(s.shape[0], -1, dtype=np.int64)
    pos = np.flatnonzero(s)
    if pos.size == 0:
        return out
    new = np.ones(pos.size, dtype=bool)
    new[1:] = np.diff(pos) > gap
    out[pos] = np.cumsum(new) - 1
    return out


def count_episodes(signal: npt.ArrayLike, max_gap: int = DEFAULT_MAX_GAP) -> int:
    """Number of episodes among the signal days (see :func:`episode_ids`).

    Examples
    --------
    >>> count_episodes([1, 1, 0, 1, 0, 0, 0, 1], max_gap=3)
    2
    >>> count_episodes([1, 1, 0, 1, 0, 0, 0, 1], max_gap=1)
    3
    """
    ids = episode_ids(signal, max_gap)
    return int(ids.max() + 1) if ids.size else 0


@dataclass(frozen=True)
class Episodes:
    """The episodes of a signal: where each starts and ends, and its signal days.

    Attributes
    ----------
    start, end : numpy.ndarray of int64
        Row of the first and of the last signal day of each episode.
    signal_days : numpy.ndarray of int64
        Signal days in each episode.
    max_gap : int
        The rule used.
    """

    start: IntArray
    end: IntArray
    signal_days: IntArray
    max_gap: int

    def __len__(self) -> int:
        return int(self.start.size)

    def first_days(self, n: int) -> npt.NDArray[np.bool_]:
        """Boolean mask of length ``n``: the first day of each episode."""
        out = np.zeros(int(n), dtype=bool)
        out[self.start] = True
        return out

    def largest(self) -> int:
        """Index of the episode with the most signal days (the first on ties); -1 if none."""
        return int(np.argmax(self.signal_days)) if len(self) else -1


def episodes(signal: npt.ArrayLike, max_gap: int = DEFAULT_MAX_GAP) -> Episodes:
    """The episodes of ``signal`` (see :func:`episode_ids`).

    Examples
    --------
    >>> e = episodes([0, 1, 1, 0, 0, 0, 1], max_gap=2)
    >>> e.start.tolist(), e.end.tolist(), e.signal_days.tolist()
    ([1, 6], [2, 6], [2, 1])
    """
    ids = episode_ids(signal, max_gap)
    pos = np.flatnonzero(ids >= 0)
    if pos.size == 0:
        z = np.zeros(0, dtype=np.int64)
        return Episodes(z, z, z, int(max_gap))
    e = ids[pos]
    first = np.ones(pos.size, dtype=bool)
    first[1:] = e[1:] != e[:-1]
    last = np.ones(pos.size, dtype=bool)
    last[:-1] = e[1:] != e[:-1]
    return Episodes(pos[first].astype(np.int64), pos[last].astype(np.int64),
                    np.bincount(e).astype(np.int64), int(max_gap))
