"""Significance glue for overlapping forward returns: HAC regression and block bootstrap.

Forward returns over ``h`` days overlap for ``h - 1`` days, so consecutive
observations are autocorrelated and a plain t-test overstates significance.
Two standard remedies are wrapped here, each a thin layer over the field's
library:

* :func:`hac_dummy_test` -- ordinary least squares of the forward returns on a
  constant and the signal dummy with Newey-West (HAC, Bartlett kernel) standard
  errors (:mod:`statsmodels`).  The slope is the mean forward return on signal
  days minus the mean on the other days; its t-statistic tests whether the
  signal days differ from the rest.
* :func:`bootstrap_difference` -- a block bootstrap (:mod:`arch.bootstrap`,
  circular or stationary blocks) of the effect reported by the event study: the
  mean forward return on signal days minus the unconditional mean over the same
  sample.  Pairs ``(forward return, signal)`` are resampled together in blocks
  of consecutive days, which keeps both the overlap and the clustering of
  signal days inside each block.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt
import statsmodels.api as sm
from arch.bootstrap import CircularBlockBootstrap, StationaryBootstrap

__all__ = [
    "BootstrapInterval",
    "BootstrapKind",
    "HacTest",
    "bootstrap_difference",
    "hac_dummy_test",
    "hac_lags",
]

BootstrapKind = Literal["circular", "stationary"]
FloatArray = npt.NDArray[np.float64]


def hac_lags(horizon: int) -> int:
    """Newey-West lag count used for an ``h``-day horizon: ``max(1, h)``.

    Overlapping ``h``-day returns form an MA(``h - 1``) process, so ``h - 1``
    lags cover the overlap; one more lag allows for the clustering of signal
    days (a spike fires on consecutive days).

    Parameters
    ----------
    horizon : int
        Forward horizon in trading days, ``>= 1``.

    Returns
    -------
    int
    """
    if int(horizon) < 1:
        raise ValueError(f"horizon must be an integer >= 1, got {horizon!r}")
    return max(1, int(horizon))


@dataclass(frozen=True)
class HacTest:
    """Result of :func:`hac_dummy_test`.

    Attributes
    ----------
    beta : float
        Slope on the signal dummy: mean on signal days minus mean on the others.
    se : float
        HAC (Newey-West) standard error of ``beta``.
    t_stat : float
        ``beta / se``.
    p_two_sided : float
        Two-sided p-value as statsmodels reports it (normal reference).
    lags : int
        Newey-West lags used.
    """

    beta: float
    se: float
    t_stat: float
    p_two_sided: float
    lags: int

    def p_one_sided(self, expect: Literal["higher", "lower"]) -> float:
        """One-sided p-value of the alternative ``beta > 0`` (``"higher"``) or
        ``beta < 0`` (``"lower"``); NaN when the test could not be run."""
        if not np.isfinite(self.t_stat):
            return float("nan")
        half = self.p_two_sided / 2.0
        right_way = self.t_stat > 0 if expect == "higher" else self.t_stat < 0
        return half if right_way else 1.0 - half


_NAN_TEST = HacTest(float("nan"), float("nan"), float("nan"), float("nan"), 0)


def hac_dummy_test(y: npt.ArrayLike, signal: npt.ArrayLike, lags: int) -> HacTest:
    """OLS of ``y`` on a constant and the 0/1 ``signal`` dummy with HAC errors.

    Equivalent to ``sm.OLS(y, sm.add_constant(d)).fit(cov_type="HAC",
    cov_kwds={"maxlags": lags})``.

    Parameters
    ----------
    y : array_like of float
        Forward returns, one per day of the sample, in time order, no NaN.
    signal : array_like of bool
        Signal dummy aligned with ``y``.
    lags : int
        Newey-West maximum lag (see :func:`hac_lags`).

    Returns
    -------
    HacTest
        All-NaN when there are fewer than two signal days or fewer than two
        other days (the slope is not identified).
    """
    yy = np.asarray(y, dtype=float)
    d = np.asarray(signal, dtype=bool)
    if yy.shape != d.shape or yy.ndim != 1:
        raise ValueError(f"y and signal must be 1-D of equal length, got {yy.shape} and {d.shape}")
    if not np.isfinite(yy).all():
        raise ValueError("y must not contain NaN or infinite values; restrict the sample first")
    n1 = int(d.sum())
    if n1 < 2 or yy.size - n1 < 2:
        return _NAN_TEST
    X = sm.add_constant(d.astype(float), has_constant="add")
    res = sm.OLS(yy, X).fit(cov_type="HAC", cov_kwds={"maxlags": int(lags)})
    return HacTest(
        beta=float(res.params[1]),
        se=float(res.bse[1]),
        t_stat=float(res.tvalues[1]),
        p_two_sided=float(res.pvalues[1]),
        lags=int(lags),
    )


@dataclass(frozen=True)
class BootstrapInterval:
    """Block-bootstrap percentile interval of an effect.

    Attributes
    ----------
    low, high : float
        Percentile interval bounds at level ``conf``.
    conf : float
        Two-sided confidence level.
    block_size : int
        Block length in trading days.
    reps : int
        Replicates drawn.
    valid_reps : int
        Replicates with at least one signal day (the others are dropped).
    kind : {"circular", "stationary"}
        Bootstrap scheme.
    """

    low: float
    high: float
    conf: float
    block_size: int
    reps: int
    valid_reps: int
    kind: BootstrapKind


def _effect(y: FloatArray, d: FloatArray) -> FloatArray:
    n1 = d.sum()
    if n1 == 0:
        return np.array([np.nan])
    return np.array([(y * d).sum() / n1 - y.mean()])


def bootstrap_difference(
    y: npt.ArrayLike,
    signal: npt.ArrayLike,
    *,
    block_size: int,
    reps: int,
    rng: np.random.Generator,
    conf: float = 0.95,
    kind: BootstrapKind = "circular",
) -> BootstrapInterval:
    """Block-bootstrap interval of ``mean(y | signal) - mean(y)``.

    Parameters
    ----------
    y : array_like of float
        Forward returns in time order, no NaN.
    signal : array_like of bool
        Signal dummy aligned with ``y``.
    block_size : int
        Block length (``>= 1``; the event study uses at least the horizon).
        For the stationary bootstrap it is the mean block length.
    reps : int
        Number of bootstrap replicates, ``>= 1``.
    rng : numpy.random.Generator
        Source of randomness (consumed; pass a freshly seeded one to reproduce).
    conf : float, default 0.95
        Two-sided confidence level, ``0 < conf < 1``.
    kind : {"circular", "stationary"}, default "circular"
        :class:`arch.bootstrap.CircularBlockBootstrap` or
        :class:`arch.bootstrap.StationaryBootstrap`.

    Returns
    -------
    BootstrapInterval
    """
    if not 0.0 < conf < 1.0:
        raise ValueError(f"conf must lie strictly between 0 and 1, got {conf!r}")
    if int(reps) < 1:
        raise ValueError(f"reps must be an integer >= 1, got {reps!r}")
    if int(block_size) < 1:
        raise ValueError(f"block_size must be an integer >= 1, got {block_size!r}")
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"rng must be a numpy.random.Generator, got {type(rng).__name__}")
    yy = np.asarray(y, dtype=float)
    d = np.asarray(signal, dtype=bool).astype(float)
    if kind == "circular":
        bs: CircularBlockBootstrap | StationaryBootstrap = CircularBlockBootstrap(
            int(block_size), yy, d, seed=rng)
    elif kind == "stationary":
        bs = StationaryBootstrap(int(block_size), yy, d, seed=rng)
    else:
        raise ValueError(f"kind must be 'circular' or 'stationary', got {kind!r}")
    draws = np.asarray(bs.apply(_effect, int(reps)), dtype=float)[:, 0]
    ok = draws[np.isfinite(draws)]
    if ok.size == 0:
        lo = hi = float("nan")
    else:
        tail = (1.0 - conf) / 2.0
        lo, hi = (float(v) for v in np.quantile(ok, [tail, 1.0 - tail]))
    return BootstrapInterval(lo, hi, float(conf), int(block_size), int(reps), int(ok.size), kind)
