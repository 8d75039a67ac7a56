"""Placebos: the same signal re-timed at random, episode by episode.

A placebo signal keeps everything about the real one except *when* it fires:
the number of episodes, each episode's own pattern of signal days (so its
length and internal gaps), and the multiset of calendar gaps between episodes
(every gap stays longer than ``max_gap``, so no two episodes merge).  Episode
order and gap order are permuted independently, and the whole pattern is
shifted by a random lead inside the slack before the first and after the last
episode (episode-block shuffling; seeded :class:`numpy.random.Generator`).

The placebo p-value of an observed statistic is the share of placebos at least
as extreme in the expected direction, ``(1 + #{placebo >= observed}) / (1 + B)``
-- uniform under the null that timing carries no information (tested).  It is a
raw p-value, shown beside the HAC one; it drives no verdict.

* :func:`shuffle_index` -- one placebo as a map of rows;
* :func:`placebo_effects` -- the event-study effect (signal minus other days)
  of ``B`` placebo signals (drawn all at once and summed in one compiled loop,
  :mod:`.resample_kernels`: the same distribution as ``B`` calls of
  :func:`shuffle_index`, other draws for the same seed);
* :func:`placebo_timing` -- a strategy's timing excess return against ``B``
  placebo exposures (holding spells re-timed).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

from backtest.evidence.episodes import DEFAULT_MAX_GAP, episodes

__all__ = ["PlaceboResult", "placebo_effects", "placebo_pvalue", "placebo_timing",
           "shuffle_index", "strategy_timing_placebo"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


class _Plan:
    """The episode structure of one signal, computed once for many shuffles."""

    def __init__(self, active: npt.NDArray[np.bool_], max_gap: int) -> None:
        self.active = active
        self.n = active.size
        ep = episodes(active, max_gap)
        self.k = len(ep)
        self.start = ep.start
        self.span = ep.end - ep.start + 1
        self.gaps = ep.start[1:] - ep.end[:-1] - 1
        self.slack = int(ep.start[0] + (self.n - 1 - ep.end[-1])) if self.k else 0

    def draw(self, rng: np.random.Generator) -> tuple[IntArray, IntArray]:
        """Rows of the placebo and the original rows they copy (active ones only)."""
        order = rng.permutation(self.k)
        g = rng.permutation(self.gaps) if self.gaps.size else self.gaps
        lead = int(rng.integers(0, self.slack + 1))
        sp = self.span[order]
        new_start = lead + np.concatenate([[0], np.cumsum(sp[:-1] + g)])
        # every row of a moved episode keeps its offset from the episode's start
        offs = np.arange(int(sp.sum())) - np.repeat(np.cumsum(sp) - sp, sp)
        dst = np.repeat(new_start, sp) + offs
        src = np.repeat(self.start[order], sp) + offs
        keep = self.active[src]
        return dst[keep], src[keep]

    def sums(self, y: FloatArray, reps: int, rng: np.random.Generator) -> FloatArray:
        """Sum of ``y`` over the active rows of each of ``reps`` placebos.

        The same placebos as ``reps`` calls of :meth:`draw` in distribution
        (each an independent uniform order of the episodes and of the gaps and a
        uniform lead), drawn for all placebos at once and summed in one compiled
        loop, so the same Generator gives other placebos than :meth:`draw`.
        """
        from backtest.evidence.resample_kernels import placebo_sums

        order = rng.permuted(np.tile(np.arange(self.k, dtype=np.int64), (reps, 1)), axis=1)
        gaps = (rng.permuted(np.tile(self.gaps.astype(np.int64), (reps, 1)), axis=1)
                if self.gaps.size else np.zeros((reps, 0), dtype=np.int64))
        lead = rng.integers(0, self.slack + 1, size=reps, dtype=np.int64)
        return placebo_sums(y, self.active, self.start.astype(np.int64),
                            self.span.astype(np.int64), order, gaps, lead)


def shuffle_index(active: npt.ArrayLike, rng: np.random.Generator,
                  max_gap: int = DEFAULT_MAX_GAP) -> IntArray:
    """One episode-block shuffle of the active rows.

    Parameters
    ----------
    active : array_like of bool, shape (n,)
        Rows where the signal (or a position) is on.
    rng : numpy.random.Generator
        Source of randomness.
    max_gap : int, default 10
        Episode rule of :mod:`backtest.evidence.episodes`.

    Returns
    -------
    numpy.ndarray of int64, shape (n,)
        For each row of the placebo, the original row whose state it takes
        (``-1``: inactive).  ``active[src[src >= 0]]`` is all True and there
        are as many as in ``active``.
    """
    a = np.asarray(active, dtype=bool)
    out = np.full(a.size, -1, dtype=np.int64)
    plan = _Plan(a, max_gap)
    if plan.k:
        dst, src = plan.draw(rng)
        out[dst] = src
    return out


def placebo_pvalue(observed: float, placebos: npt.ArrayLike, expect: Literal["higher", "lower"]
                   ) -> float:
    """``(1 + #{placebo at least as extreme in the expected direction}) / (1 + B)``.

    NaN placebos are dropped; NaN if ``observed`` is NaN or none is left.
    """
    x = np.asarray(placebos, dtype=float)
    x = x[np.isfinite(x)]
    if not np.isfinite(observed) or x.size == 0:
        return float("nan")
    hit = x >= observed if expect == "higher" else x <= observed
    return float((1 + int(hit.sum())) / (1 + x.size))


def placebo_effects(y: npt.ArrayLike, signal: npt.ArrayLike, reps: int,
                    rng: np.random.Generator, max_gap: int = DEFAULT_MAX_GAP) -> FloatArray:
    """Event-study effects (signal-day mean minus other-day mean) of placebo signals.

    Parameters
    ----------
    y : array_like of float, shape (n,)
        Forward returns of the sample, in time order, no NaN.
    signal : array_like of bool, shape (n,)
        The real signal on the same rows.
    reps : int
        Placebos ``B``.
    rng : numpy.random.Generator
        Source of randomness.
    max_gap : int, default 10
        Episode rule.

    Returns
    -------
    numpy.ndarray of float, shape (reps,)
    """
    yy = np.asarray(y, dtype=float)
    d = np.asarray(signal, dtype=bool)
    n1 = int(d.sum())
    out = np.full(int(reps), np.nan)
    if n1 == 0 or n1 == yy.size:
        return out
    total = float(yy.sum())
    plan = _Plan(d, max_gap)
    s1 = plan.sums(yy, int(reps), rng)
    out[:] = s1 / n1 - (total - s1) / (yy.size - n1)
    return out


@dataclass(frozen=True)
class PlaceboResult:
    """A statistic against its placebo distribution.

    Attributes
    ----------
    observed : float
        The statistic of the real timing.
    placebos : numpy.ndarray of float
        The statistic of each placebo.
    p_raw : float
        Placebo p-value in the expected direction (raw).
    """

    observed: float
    placebos: FloatArray
    p_raw: float


def placebo_timing(exposure: npt.ArrayLike, market: npt.ArrayLike, reps: int,
                   rng: np.random.Generator, *, max_gap: int = 1) -> PlaceboResult:
    """A strategy's timing excess return against re-timed holding spells.

    The timing excess is ``mean(x_t * m_t) - mean(x) * mean(m)``: the mean
    daily return of exposure ``x`` to the market minus that of the
    exposure-matched benchmark (the same average exposure held every day).  A
    placebo moves the holding spells (runs of non-zero exposure, joined when at
    most ``max_gap`` days apart) with :func:`shuffle_index`, which keeps the
    average exposure, so only the timing changes.

    Parameters
    ----------
    exposure : array_like of float, shape (n,)
        Signed exposure held over each day's return (e.g. ``+1`` long, ``-1``
        short, ``0`` flat), aligned with ``market``.
    market : array_like of float, shape (n,)
        Daily market returns.
    reps : int
        Placebos.
    rng : numpy.random.Generator
        Source of randomness.
    max_gap : int, default 1
        Spells closer than this are moved together.

    Returns
    -------
    PlaceboResult
        ``p_raw`` tests "the timing earns more than placebo timing".
    """
    x = np.asarray(exposure, dtype=float)
    m = np.asarray(market, dtype=float)
    if x.shape != m.shape or x.ndim != 1:
        raise ValueError(f"exposure and market must be 1-D of equal length, got {x.shape} "
                         f"and {m.shape}")
    if not (np.isfinite(x).all() and np.isfinite(m).all()):
        raise ValueError("exposure and market must not contain NaN; restrict the sample first")
    obs = float((x * m).mean() - x.mean() * m.mean())
    pl = np.full(int(reps), np.nan)
    plan = _Plan(x != 0, max_gap)
    xm = float(x.mean())
    for b in range(int(reps)):
        dst, src = plan.draw(rng) if plan.k else (np.zeros(0, np.int64), np.zeros(0, np.int64))
        pl[b] = float((x[src] * m[dst]).sum()) / x.size - xm * m.mean()
    return PlaceboResult(obs, pl, placebo_pvalue(obs, pl, "higher"))


def strategy_timing_placebo(exposure: pd.Series, market: pd.Series, *, reps: int = 200,
                            seed: int | np.random.Generator | None = 0) -> PlaceboResult:
    """Timing placebo of a backtest: its exposure at each close against re-timed spells.

    The exposure held at the close of day ``t - 1`` earns the market's return of
    day ``t``; days where either is missing are dropped.

    Parameters
    ----------
    exposure : pandas.Series
        Signed exposure at each close (e.g. ``RunResult.exposure``).
    market : pandas.Series
        Daily market returns on the same index (e.g. buy-and-hold's).
    reps : int, default 200
        Placebos.
    seed : int, Generator or None, default 0
        Randomness of the shuffles.

    Returns
    -------
    PlaceboResult
        ``observed`` is the mean daily timing excess return over the
        exposure-matched benchmark; ``p_raw`` the placebo p-value.
    """
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    held = exposure.shift(1)
    both = pd.concat([held, market.reindex(exposure.index)], axis=1).dropna()
    return placebo_timing(both.iloc[:, 0].to_numpy(dtype=float),
                          both.iloc[:, 1].to_numpy(dtype=float), reps, rng)
