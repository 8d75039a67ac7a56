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
ranks no better than the median out of sample.  Per-block sums make every
split a matrix product, so the whole computation is vectorised.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from math import comb

import numpy as np
import numpy.typing as npt
import pandas as pd

from backtest.evidence.metrics import Metric

__all__ = ["PboResult", "pbo_cscv"]

FloatArray = npt.NDArray[np.float64]
_CHUNK = 2048


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


def _block_moments(x: FloatArray, S: int) -> tuple[FloatArray, FloatArray, float]:
    T = x.shape[0] // S
    blocks = x.reshape(S, T, -1)
    return blocks.sum(axis=1), (blocks**2).sum(axis=1), float(T)


def _score(s: FloatArray, q: FloatArray, c: float, metric: str) -> FloatArray:
    mean = s / c
    if metric == "mean":
        return mean
    var = np.maximum(q - s * s / c, 0.0) / (c - 1.0)
    sd = np.sqrt(var)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(sd > 0, mean / np.where(sd > 0, sd, 1.0), 0.0)


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
    x = x[x.shape[0] % S:]
    n = x.shape[1]
    combos = np.array(list(itertools.combinations(range(S), S // 2)), dtype=np.int64)
    assert len(combos) == comb(S, S // 2)
    A = np.zeros((len(combos), S))
    A[np.arange(len(combos))[:, None], combos] = 1.0
    if callable(metric):
        name = getattr(metric, "__name__", "custom")
        blocks = x.reshape(S, -1, n)
        is_sc = np.empty((len(combos), n))
        oos_sc = np.empty((len(combos), n))
        for k, row in enumerate(A.astype(bool)):
            is_sc[k] = metric(blocks[row].reshape(-1, n))
            oos_sc[k] = metric(blocks[~row].reshape(-1, n))
    else:
        if metric not in ("sharpe", "mean"):
            raise ValueError(f"metric must be 'sharpe', 'mean' or a callable, got {metric!r}")
        name = metric
        s, q, c = _block_moments(x, S)
        half = c * (S // 2)
        is_sc = np.empty((len(combos), n))
        oos_sc = np.empty((len(combos), n))
        for lo in range(0, len(combos), _CHUNK):
            a = A[lo:lo + _CHUNK]
            b = 1.0 - a
            is_sc[lo:lo + _CHUNK] = _score(a @ s, a @ q, half, metric)
            oos_sc[lo:lo + _CHUNK] = _score(b @ s, b @ q, half, metric)
    best = np.argmax(is_sc, axis=1)
    rows = np.arange(len(combos))
    oos_star = oos_sc[rows, best]
    below = (oos_sc < oos_star[:, None]).sum(axis=1)
    ties = (oos_sc == oos_star[:, None]).sum(axis=1)
    rank = below + (ties + 1) / 2.0
    w = rank / (n + 1.0)
    logits = np.log(w / (1.0 - w))
    return PboResult(pbo=float((logits <= 0).mean()), logits=logits,
                     is_best=is_sc[rows, best], oos_of_best=oos_star,
                     prob_oos_loss=float((oos_star < 0).mean()), n_partitions=S,
                     n_splits=len(combos), n_models=n, n_obs=x.shape[0], metric=name)
