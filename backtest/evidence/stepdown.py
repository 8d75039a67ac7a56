"""Romano-Wolf stepdown over a whole table of event-study rows, from one joint bootstrap.

The rows of a verdict table (strategies x sides x horizons) are strongly
dependent: the same crises drive every strategy, and a 21-day window contains
the 5-day one.  Holm is valid under any dependence but ignores it; the
Romano-Wolf (2005) stepdown uses it.  All rows are resampled *together*: one
block bootstrap of calendar days (blocks of ``block_size`` rows, at least the
longest horizon) is applied to every row at once, so each replicate keeps the
cross-row dependence (:func:`backtest.evidence.inference.replicate_sums`:
the draws of :func:`~backtest.evidence.inference.block_plan`, prefix sums of
each row's sample sums).

Each testable row contributes two one-sided hypotheses (the expected direction
and the opposite), as in the Holm family.  Statistics are studentised by the
row's HAC standard error: ``t_j = effect_j / se_j`` and, per replicate,
``t*_j = (effect*_j - effect_j) / se_j`` (centred at the observed effect, so
the replicates describe the null).  Adjusted p-values follow the stepdown with
the maximum statistic over the hypotheses not yet rejected, made monotone.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from backtest.evidence.inference import BootstrapKind, replicate_sums

__all__ = ["RomanoWolf", "romano_wolf"]

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class RomanoWolf:
    """Adjusted p-values of :func:`romano_wolf` (NaN for untested rows).

    Attributes
    ----------
    p_expected : numpy.ndarray of float
        Adjusted one-sided p-value of each row's expected direction.
    p_opposite : numpy.ndarray of float
        Adjusted one-sided p-value of the opposite direction.
    reps, block_size : int
        Bootstrap replicates and block length.
    """

    p_expected: FloatArray
    p_opposite: FloatArray
    reps: int
    block_size: int


def _stepdown(stat: FloatArray, boot: FloatArray) -> FloatArray:
    """Romano-Wolf adjusted p-values of one-sided statistics (larger = more evidence)."""
    order = np.argsort(-stat, kind="stable")
    s = stat[order]
    b = boot[:, order]
    # max over the hypotheses ranked r or later, for each replicate
    tail_max = np.maximum.accumulate(b[:, ::-1], axis=1)[:, ::-1]
    p = (tail_max >= s[None, :]).mean(axis=0)
    p = np.maximum.accumulate(p)
    out = np.empty_like(p)
    out[order] = p
    return out


def romano_wolf(y: npt.ArrayLike, signal: npt.ArrayLike, valid: npt.ArrayLike,
                expect_sign: npt.ArrayLike, se: npt.ArrayLike, testable: npt.ArrayLike, *,
                block_size: int, reps: int, rng: np.random.Generator,
                kind: BootstrapKind = "circular") -> RomanoWolf:
    """Romano-Wolf stepdown p-values of every row of a table, jointly bootstrapped.

    Parameters
    ----------
    y : array_like of float, shape (T, k)
        Forward returns of each row on one calendar (NaN where outside the sample).
    signal : array_like of bool, shape (T, k)
        Signal dummy of each row.
    valid : array_like of bool, shape (T, k)
        Sample of each row.
    expect_sign : array_like of float, shape (k,)
        ``+1`` where the row expects higher returns, ``-1`` lower.
    se : array_like of float, shape (k,)
        HAC standard error of each row's effect.
    testable : array_like of bool, shape (k,)
        Rows in the family (e.g. enough episodes).
    block_size : int
        Block length of the joint bootstrap.
    reps : int
        Replicates.
    rng : numpy.random.Generator
        Source of randomness.
    kind : {"circular", "stationary"}, default "circular"
        Block scheme.

    Returns
    -------
    RomanoWolf
    """
    yy = np.asarray(y, dtype=float)
    k = yy.shape[1]
    v = np.asarray(valid, dtype=bool) & np.isfinite(yy)
    d = np.asarray(signal, dtype=bool) & v
    sign = np.asarray(expect_sign, dtype=float)
    s_e = np.asarray(se, dtype=float)
    ok = np.asarray(testable, dtype=bool) & np.isfinite(s_e) & (s_e > 0)
    pe = np.full(k, np.nan)
    po = np.full(k, np.nan)
    if not ok.any():
        return RomanoWolf(pe, po, int(reps), int(block_size))
    idx = np.flatnonzero(ok)
    y0 = np.where(v, yy, 0.0)[:, idx]
    d0 = d[:, idx].astype(float)
    v0 = v[:, idx].astype(float)
    n = v0.sum(axis=0)
    n1 = d0.sum(axis=0)
    syd = (y0 * d0).sum(axis=0)
    sy = y0.sum(axis=0)
    effect = syd / n1 - (sy - syd) / (n - n1)
    sums = replicate_sums(np.concatenate([y0 * d0, d0, y0, v0], axis=1), block_size, reps, rng,
                          kind)
    m = idx.size
    b_yd, b_d, b_y, b_n = (sums[:, i * m:(i + 1) * m] for i in range(4))
    with np.errstate(divide="ignore", invalid="ignore"):
        eff_b = b_yd / b_d - (b_y - b_yd) / (b_n - b_d)
        tb = (eff_b - effect[None, :]) / s_e[idx][None, :]
    tb = np.where(np.isfinite(tb), tb, 0.0)
    t_obs = effect / s_e[idx]
    sg = sign[idx]
    stat = np.concatenate([sg * t_obs, -sg * t_obs])
    boot = np.concatenate([sg * tb, -sg * tb], axis=1)
    p = _stepdown(stat, boot)
    pe[idx], po[idx] = p[:m], p[m:]
    return RomanoWolf(pe, po, int(reps), int(block_size))
