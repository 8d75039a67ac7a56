"""Probability of Backtest Overfitting by combinatorially symmetric cross-validation.

Bailey, Borwein, López de Prado and Zhu (2017), "The probability of backtest
overfitting".  The ``(T, n)`` matrix of returns of ``n`` parameter sets is cut
into ``S`` (even) contiguous blocks of equal length.  For each of the
``C(S, S/2)`` ways to pick half of the blocks as the in-sample set (the rest is
out-of-sample):

1. the parameter set with the best in-sample metric, ``n*``, is chosen;
2. its out-of-sample relative rank ``w = rank / (n + 1)`` among all sets is
   turned into the logit ``lambda = log(w / (1 - w))``.

PBO is the share of splits with ``lambda <= 0``: how often the in-sample winner
ranks no better than the median out of sample.  Only per-block sums of the
returns and of their squares enter the built-in metrics, so the ``(T, n)``
matrix is reduced once (:func:`block_sums`, chunk by chunk if need be) and
every split is scored from the ``(S, n)`` sums by a compiled loop over splits
and sets (:func:`pbo_from_block_sums`) that holds one row of ``n`` scores per
thread, whatever ``n``.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from math import comb

import numpy as np
import numpy.typing as npt
import pandas as pd
from numba import njit, prange

from backtest.evidence.metrics import Metric

__all__ = ["PboResult", "block_sums", "pbo_cscv", "pbo_from_block_sums", "pbo_from_set_sums"]

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True, eq=False)
class PboResult:
    """Result of :func:`pbo_cscv`.

    Attributes
    ----------
    pbo : float
        Probability of backtest overfitting (share of splits with logit <= 0).
    logits : numpy.ndarray
        ``lambda`` of every split.
    is_best : numpy.ndarray
        In-sample metric of the in-sample winner, per split.
    oos_of_best : numpy.ndarray
        Its out-of-sample metric, per split.
    prob_oos_loss : float
        Share of splits where the winner's out-of-sample metric is below 0.
    n_partitions, n_splits, n_models, n_obs : int
        ``S``, ``C(S, S/2)``, ``n`` and the rows used (a multiple of ``S``).
    metric : str
        Ranking metric.
    """

    pbo: float
    logits: FloatArray
    is_best: FloatArray
    oos_of_best: FloatArray
    prob_oos_loss: float
    n_partitions: int
    n_splits: int
    n_models: int
    n_obs: int
    metric: str

    def to_frame(self) -> pd.DataFrame:
        """One row per split: logit, in-sample best metric, its out-of-sample metric."""
        return pd.DataFrame({"logit": self.logits, "is_best": self.is_best,
                             "oos_of_best": self.oos_of_best})

    def summary(self) -> str:
        """One paragraph in words."""
        return (f"CSCV over {self.n_models} parameter sets, S={self.n_partitions} blocks "
                f"({self.n_splits} splits, {self.n_obs} days, metric {self.metric}): "
                f"PBO = {self.pbo:.2f} (share of splits where the in-sample winner ranks "
                f"at or below the out-of-sample median); its out-of-sample {self.metric} "
                f"is below 0 in {self.prob_oos_loss:.0%} of splits.")


def block_sums(rows: FloatArray, n_partitions: int) -> tuple[FloatArray, FloatArray]:
    """Per-block sums of returns and of squared returns of each set.

    Parameters
    ----------
    rows : numpy.ndarray, shape (c, T)
        One row of daily returns per set.
    n_partitions : int
        ``S``; the ``T mod S`` oldest days are dropped, as :func:`pbo_cscv` does.

    Returns
    -------
    tuple of numpy.ndarray, each of shape (S, c)
    """
    x = np.asarray(rows, dtype=np.float64)
    S = int(n_partitions)
    c, t = x.shape
    blocks = x[:, t % S:].reshape(c, S, t // S)
    return (np.ascontiguousarray(blocks.sum(axis=2).T),
            np.ascontiguousarray((blocks * blocks).sum(axis=2).T))


@njit(cache=True)
def _split_score(s: float, q: float, c: float, sharpe: bool) -> float:
    mean = s / c
    if not sharpe:
        return mean
    var = q - s * s / c
    if var < 0.0:
        var = 0.0
    sd = np.sqrt(var / (c - 1.0))
    return mean / sd if sd > 0.0 else 0.0


@njit(cache=True)
def _one_split(s: FloatArray, q: FloatArray, mask: npt.NDArray[np.bool_], half: float,
               sharpe: bool, buf: FloatArray) -> tuple[float, float, float, float]:
    """In-sample best's metric, its out-of-sample metric, and its OOS rank counts."""
    n = s.shape[0]
    S = s.shape[1] - 1  # the last column holds each set's total
    best = 0
    best_is = -np.inf
    for i in range(n):
        si = 0.0
        qi = 0.0
        for k in range(S):
            if mask[k]:
                si += s[i, k]
                qi += q[i, k]
        v = _split_score(si, qi, half, sharpe)
        if v > best_is or i == 0:
            best_is = v
            best = i
        # out of sample: the set's total minus its in-sample sums
        buf[i] = _split_score(s[i, S] - si, q[i, S] - qi, half, sharpe)
    star = buf[best]
    below = 0.0
    ties = 0.0
    for i in range(n):
        if buf[i] < star:
            below += 1.0
        elif buf[i] == star:
            ties += 1.0
    return best_is, star, below, ties


@njit(cache=True, parallel=True)
def _splits_parallel(s: FloatArray, q: FloatArray, masks: npt.NDArray[np.bool_],
                     half: float, sharpe: bool, out: FloatArray) -> None:
    for k in prange(masks.shape[0]):
        buf = np.empty(s.shape[0])
        a, b, c, d = _one_split(s, q, masks[k], half, sharpe, buf)
        out[k, 0] = a
        out[k, 1] = b
        out[k, 2] = c
        out[k, 3] = d


@njit(cache=True)
def _splits_serial(s: FloatArray, q: FloatArray, masks: npt.NDArray[np.bool_],
                   half: float, sharpe: bool, out: FloatArray) -> None:
    buf = np.empty(s.shape[0])
    for k in range(masks.shape[0]):
        a, b, c, d = _one_split(s, q, masks[k], half, sharpe, buf)
        out[k, 0] = a
        out[k, 1] = b
        out[k, 2] = c
        out[k, 3] = d


def _split_masks(S: int) -> npt.NDArray[np.bool_]:
    """In-sample blocks of every split, plus a last always-False column."""
    combos = np.array(list(itertools.combinations(range(S), S // 2)), dtype=np.int64)
    assert len(combos) == comb(S, S // 2)
    masks = np.zeros((len(combos), S + 1), dtype=np.bool_)
    masks[np.arange(len(combos))[:, None], combos] = True
    return masks


def pbo_from_block_sums(sums: FloatArray, squares: FloatArray, rows_per_block: int,
                        metric: Metric = "sharpe", *, parallel: bool = True) -> PboResult:
    """PBO (CSCV) from per-block sums (see :func:`block_sums`).

    Parameters
    ----------
    sums, squares : numpy.ndarray, shape (S, n)
        Per-block sums of returns and of squared returns, one column per set.
    rows_per_block : int
        Days per block.
    metric : {"sharpe", "mean"}, default "sharpe"
    parallel : bool, default True
        Spread the splits over the cores (identical numbers).

    Returns
    -------
    PboResult
    """
    if metric not in ("sharpe", "mean"):
        raise ValueError(f"metric must be 'sharpe' or 'mean', got {metric!r}")
    s0 = np.asarray(sums, dtype=np.float64).T
    q0 = np.asarray(squares, dtype=np.float64).T
    n, S = s0.shape
    # a last column with each set's total over all blocks
    s = np.ascontiguousarray(np.concatenate([s0, s0.sum(axis=1, keepdims=True)], axis=1))
    q = np.ascontiguousarray(np.concatenate([q0, q0.sum(axis=1, keepdims=True)], axis=1))
    masks = _split_masks(S)
    out = np.empty((len(masks), 4))
    half = float(rows_per_block) * (S // 2)
    (_splits_parallel if parallel else _splits_serial)(s, q, masks, half, metric == "sharpe",
                                                       out)
    rank = out[:, 2] + (out[:, 3] + 1) / 2.0
    w = rank / (n + 1.0)
    logits = np.log(w / (1.0 - w))
    return PboResult(pbo=float((logits <= 0).mean()), logits=logits, is_best=out[:, 0],
                     oos_of_best=out[:, 1], prob_oos_loss=float((out[:, 1] < 0).mean()),
                     n_partitions=S, n_splits=len(masks), n_models=n,
                     n_obs=int(rows_per_block) * S, metric=str(metric))


@njit(cache=True)
def _chunk_split(s: FloatArray, q: FloatArray, mask: npt.NDArray[np.bool_], half: float,
                 sharpe: bool, lo: int, best: FloatArray, counts: FloatArray,
                 rank: bool) -> None:
    """One split over rows ``s, q`` (sets ``lo..``).  ``rank=False``: fold them into
    the split's best so far, ``best = (in-sample metric, out-of-sample metric, set)``
    (ties keep the first set, as :func:`_one_split`); ``rank=True``: add the counts
    of sets whose out-of-sample metric is below / equal to the best's."""
    S = s.shape[1] - 1
    for i in range(s.shape[0]):
        si = 0.0
        qi = 0.0
        for b in range(S):
            if mask[b]:
                si += s[i, b]
                qi += q[i, b]
        if rank:
            o = _split_score(s[i, S] - si, q[i, S] - qi, half, sharpe)
            if o < best[1]:
                counts[0] += 1.0
            elif o == best[1]:
                counts[1] += 1.0
        else:
            v = _split_score(si, qi, half, sharpe)
            if best[2] < 0 or v > best[0]:
                best[0] = v
                best[1] = _split_score(s[i, S] - si, q[i, S] - qi, half, sharpe)
                best[2] = lo + i


@njit(cache=True, parallel=True)
def _chunk_splits_parallel(s: FloatArray, q: FloatArray, masks: npt.NDArray[np.bool_],
                           half: float, sharpe: bool, lo: int, best: FloatArray,
                           counts: FloatArray, rank: bool) -> None:
    for k in prange(masks.shape[0]):
        _chunk_split(s, q, masks[k], half, sharpe, lo, best[k], counts[k], rank)


@njit(cache=True)
def _chunk_splits_serial(s: FloatArray, q: FloatArray, masks: npt.NDArray[np.bool_],
                         half: float, sharpe: bool, lo: int, best: FloatArray,
                         counts: FloatArray, rank: bool) -> None:
    for k in range(masks.shape[0]):
        _chunk_split(s, q, masks[k], half, sharpe, lo, best[k], counts[k], rank)


def pbo_from_set_sums(sums: FloatArray, squares: FloatArray, rows_per_block: int,
                      metric: Metric = "sharpe", *, chunk: int = 65536,
                      parallel: bool = True) -> PboResult:
    """:func:`pbo_from_block_sums` reading the sets in chunks (e.g. from a memory map).

    Two passes over the sets, ``chunk`` at a time: each split's in-sample best
    (ties: the first set), then the rank of its out-of-sample metric.  Every
    set's metric is computed as in :func:`pbo_from_block_sums`, so the result is
    identical; memory is ``O(chunk * S + splits)``, not ``O(n * S)``.

    Parameters
    ----------
    sums, squares : numpy.ndarray, shape (n, S)
        Per-block sums of returns and of squared returns, **one row per set**
        (the transpose of :func:`block_sums`' layout).
    rows_per_block : int
    metric : {"sharpe", "mean"}, default "sharpe"
    chunk : int, default 65536
        Sets read at a time.
    parallel : bool, default True
        Spread the splits over the cores (identical numbers).

    Returns
    -------
    PboResult
    """
    if metric not in ("sharpe", "mean"):
        raise ValueError(f"metric must be 'sharpe' or 'mean', got {metric!r}")
    n, S = sums.shape
    masks = _split_masks(S)
    half = float(rows_per_block) * (S // 2)
    sharpe = metric == "sharpe"

    def rows(lo: int) -> tuple[FloatArray, FloatArray]:
        # the totals summed in the same order as pbo_from_block_sums' (S, n) layout
        s0 = np.ascontiguousarray(np.asarray(sums[lo:lo + chunk], dtype=np.float64).T).T
        q0 = np.ascontiguousarray(np.asarray(squares[lo:lo + chunk], dtype=np.float64).T).T
        return (np.ascontiguousarray(np.concatenate([s0, s0.sum(axis=1, keepdims=True)], 1)),
                np.ascontiguousarray(np.concatenate([q0, q0.sum(axis=1, keepdims=True)], 1)))

    run = _chunk_splits_parallel if parallel else _chunk_splits_serial
    best = np.zeros((len(masks), 3))
    best[:, 2] = -1.0
    counts = np.zeros((len(masks), 2))
    for ranking in (False, True):
        for lo in range(0, n, chunk):
            run(*rows(lo), masks, half, sharpe, lo, best, counts, ranking)
    rank = counts[:, 0] + (counts[:, 1] + 1) / 2.0
    w = rank / (n + 1.0)
    logits = np.log(w / (1.0 - w))
    return PboResult(pbo=float((logits <= 0).mean()), logits=logits, is_best=best[:, 0],
                     oos_of_best=best[:, 1], prob_oos_loss=float((best[:, 1] < 0).mean()),
                     n_partitions=S, n_splits=len(masks), n_models=n,
                     n_obs=int(rows_per_block) * S, metric=str(metric))


def pbo_cscv(returns: pd.DataFrame | FloatArray, n_partitions: int = 16,
             metric: Metric | Callable[[FloatArray], FloatArray] = "sharpe") -> PboResult:
    """Probability of Backtest Overfitting of a set of parameter sets.

    Parameters
    ----------
    returns : pandas.DataFrame or numpy.ndarray
        ``(T, n)`` per-period returns, one column per parameter set, no NaN.
    n_partitions : int, default 16
        ``S``, an even number ``>= 2``; ``T // S`` rows per block (the
        ``T mod S`` oldest rows are dropped).
    metric : {"sharpe", "mean"} or callable, default "sharpe"
        Ranking metric.  A callable maps a ``(rows, n)`` array to ``n`` scores
        and is evaluated split by split (slower).

    Returns
    -------
    PboResult
    """
    x = np.asarray(returns, dtype=float)
    if x.ndim != 2 or x.shape[1] < 2:
        raise ValueError(f"returns must be a (T, n) matrix with n >= 2, got shape {x.shape}")
    if not np.isfinite(x).all():
        raise ValueError("returns contains NaN/inf; fill flat days with 0 and drop warm-up rows")
    S = int(n_partitions)
    if S < 2 or S % 2:
        raise ValueError(f"n_partitions must be an even integer >= 2, got {n_partitions!r}")
    if x.shape[0] < 2 * S:
        raise ValueError(f"need at least 2 rows per block: {x.shape[0]} rows for "
                         f"n_partitions={S}")
    if not callable(metric):
        if metric not in ("sharpe", "mean"):
            raise ValueError(f"metric must be 'sharpe', 'mean' or a callable, got {metric!r}")
        sums, squares = block_sums(x.T, S)
        return pbo_from_block_sums(sums, squares, x.shape[0] // S, metric)
    x = x[x.shape[0] % S:]
    n = x.shape[1]
    A = _split_masks(S)[:, :S]
    name = getattr(metric, "__name__", "custom")
    blocks = x.reshape(S, -1, n)
    is_sc = np.empty((len(A), n))
    oos_sc = np.empty((len(A), n))
    for k, row in enumerate(A):
        is_sc[k] = metric(blocks[row].reshape(-1, n))
        oos_sc[k] = metric(blocks[~row].reshape(-1, n))
    best = np.argmax(is_sc, axis=1)
    rows = np.arange(len(A))
    oos_star = oos_sc[rows, best]
    below = (oos_sc < oos_star[:, None]).sum(axis=1)
    ties = (oos_sc == oos_star[:, None]).sum(axis=1)
    rank = below + (ties + 1) / 2.0
    w = rank / (n + 1.0)
    logits = np.log(w / (1.0 - w))
    return PboResult(pbo=float((logits <= 0).mean()), logits=logits,
                     is_best=is_sc[rows, best], oos_of_best=oos_star,
                     prob_oos_loss=float((oos_star < 0).mean()), n_partitions=S,
                     n_splits=len(A), n_models=n, n_obs=x.shape[0], metric=name)
