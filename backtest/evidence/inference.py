"""Significance glue for overlapping forward returns: HAC regression and block bootstrap.

Forward returns over ``h`` days overlap for ``h - 1`` days, so consecutive
observations are autocorrelated and a plain t-test overstates significance.
Two standard remedies are wrapped here, each a thin layer over the field's
library:

* :func:`hac_dummy_test` -- ordinary least squares of the forward returns on a
  constant and the signal dummy with Newey-West (HAC, Bartlett kernel) standard
  errors (the :mod:`statsmodels` computation, written out in numpy for speed;
  statsmodels is the reference in the tests).  The slope is the mean forward return on signal
  days minus the mean on the other days; its t-statistic tests whether the
  signal days differ from the rest.
* :func:`bootstrap_difference` -- a block bootstrap (circular or stationary
  blocks) of the effect reported by the event study: the mean forward return
  on signal days minus the mean on the *other* days of the same sample -- the
  same difference the HAC test is about.  Pairs ``(forward return, signal)``
  are resampled together in blocks of consecutive days, which keeps both the
  overlap and the clustering of signal days inside each block.

The bootstrap is vectorised (:func:`block_plan`, :func:`block_sums`): a
replicate's sums are sums of whole blocks, and the sum of a block is a
difference of two prefix sums, so no replicate series is ever built.  The
distribution is exactly that of :class:`arch.bootstrap.CircularBlockBootstrap`
/ :class:`arch.bootstrap.StationaryBootstrap` (uniform block starts on the
circle; fixed length ``b``, the last block cut to fill ``n`` rows; or geometric
lengths of mean ``b`` for the stationary scheme), but the random draws are
made in a different order, so the same seed gives other (equally valid)
intervals than the arch loop the project used before.  arch stays the
reference the tests compare the distribution with.  The sums over the blocks
run in one compiled loop (:mod:`.resample_kernels`), and the event study draws
one plan per row for both its effects (:func:`bootstrap_day_and_event`), so the
same seed gives other draws than the separate plans drawn before (same
distribution of each effect).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt

from backtest.evidence.normal import ndtr  # the normal cdf (no scipy import)

__all__ = [
    "BootstrapInterval",
    "BootstrapKind",
    "HacTest",
    "block_plan",
    "block_sums",
    "bootstrap_day_and_event",
    "bootstrap_difference",
    "bootstrap_effects",
    "hac_dummy_test",
    "hac_lags",
    "replicate_sums",
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

    Equal to ``sm.OLS(y, sm.add_constant(d)).fit(cov_type="HAC",
    cov_kwds={"maxlags": lags})`` of :mod:`statsmodels` (Bartlett kernel, normal
    reference, no small-sample factor) -- the tests hold the two to 1e-10 -- but
    written out in numpy, about six times faster, since the evidence runs three
    such regressions per row (day-weighted, event-weighted, largest episode out).

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
    X = np.column_stack([np.ones(yy.size), d.astype(float)])
    # products of two distinct buffers: ``a.T @ a`` of one buffer goes to a multi-threaded
    # BLAS routine that is many times slower for these thin matrices on a busy machine
    xtx = X.T @ X.copy()
    beta = np.linalg.solve(xtx, X.T @ yy)
    u = X * (yy - X @ beta)[:, None]
    # Newey-West (Bartlett) long-run covariance of the scores, no small-sample factor:
    # what statsmodels' OLS(...).fit(cov_type="HAC", maxlags=lags) computes (tested)
    from backtest.evidence.longrun import newey_west

    s = newey_west(u, int(lags))
    inv = np.linalg.inv(xtx)
    se = float(np.sqrt((inv @ s @ inv)[1, 1]))
    t = float(beta[1]) / se if se > 0 else float("nan")
    return HacTest(
        beta=float(beta[1]),
        se=se,
        t_stat=t,
        p_two_sided=float(2.0 * ndtr(-abs(t))) if np.isfinite(t) else float("nan"),
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


def block_plan(n: int, block_size: int, reps: int, rng: np.random.Generator,
               kind: BootstrapKind = "circular"
               ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Block starts and lengths of ``reps`` block-bootstrap replicates of ``n`` rows.

    Parameters
    ----------
    n : int
        Rows of the series, ``>= 1``.
    block_size : int
        Block length (circular) or mean block length (stationary), ``>= 1``.
    reps : int
        Replicates, ``>= 1``.
    rng : numpy.random.Generator
        Source of randomness.
    kind : {"circular", "stationary"}, default "circular"
        Fixed-length circular blocks (the last one cut so a replicate has ``n``
        rows) or geometric lengths with mean ``block_size`` (Politis-Romano).

    Returns
    -------
    (starts, lengths) : tuple of numpy.ndarray of int64, shape (reps, n_blocks)
        Row where each block starts (wrapping around the end) and its length;
        the lengths of a replicate sum to ``n`` (trailing blocks may be 0).
    """
    n, b, reps = int(n), max(1, min(int(block_size), int(n))), int(reps)
    if n < 1 or reps < 1:
        raise ValueError(f"n and reps must be >= 1, got n={n}, reps={reps}")
    if kind == "circular":
        nb = -(-n // b)
        lengths = np.full((reps, nb), b, dtype=np.int64)
        lengths[:, -1] = n - (nb - 1) * b
    elif kind == "stationary":
        nb = int(np.ceil(2.0 * n / b)) + 16
        raw = rng.geometric(1.0 / b, size=(reps, nb)).astype(np.int64)
        while (short := raw.sum(axis=1) < n).any():  # rare: extend the short replicates
            extra = rng.geometric(1.0 / b, size=(reps, nb)).astype(np.int64)
            raw = np.concatenate([raw, np.where(short[:, None], extra, 0)], axis=1)
            nb = raw.shape[1]
        before = np.cumsum(raw, axis=1) - raw
        lengths = np.clip(n - before, 0, raw)
    else:
        raise ValueError(f"kind must be 'circular' or 'stationary', got {kind!r}")
    starts = rng.integers(0, n, size=lengths.shape, dtype=np.int64)
    return starts, lengths


def block_sums(columns: npt.ArrayLike, starts: npt.NDArray[np.int64],
               lengths: npt.NDArray[np.int64]) -> FloatArray:
    """Column sums of every replicate of a block bootstrap, from prefix sums.

    One compiled pass over the blocks
    (:func:`backtest.evidence.resample_kernels.prefix_block_sums`); a block's sum
    is the difference of two rows of the prefix-sum table.

    Parameters
    ----------
    columns : array_like of float, shape (n,) or (n, k)
        The series; a replicate's sum of column ``j`` is the sum of its blocks.
    starts, lengths : numpy.ndarray of int64, shape (reps, n_blocks)
        From :func:`block_plan`.

    Returns
    -------
    numpy.ndarray of float, shape (reps, k)
    """
    from backtest.evidence.resample_kernels import prefix_block_sums

    x = np.asarray(columns, dtype=float)
    x2 = x.reshape(x.shape[0], -1)
    k = x2.shape[1]
    longest = int(lengths.max()) if lengths.size else 0
    ext = np.concatenate([x2, x2[:longest]], axis=0) if longest else x2
    prefix = np.zeros((ext.shape[0] + 1, k))
    np.cumsum(ext, axis=0, out=prefix[1:])
    return prefix_block_sums(prefix, starts, lengths)


def replicate_sums(columns: npt.ArrayLike, block_size: int, reps: int,
                   rng: np.random.Generator, kind: BootstrapKind = "circular") -> FloatArray:
    """Column sums of ``reps`` fresh block-bootstrap replicates of ``columns``.

    ``block_sums(columns, *block_plan(len(columns), block_size, reps, rng, kind))``:
    the same draws and sums; circular blocks skip building the lengths array
    (every block has length ``block_size`` but the last).

    Parameters
    ----------
    columns : array_like of float, shape (n, k)
        The series.
    block_size, reps, rng, kind
        As in :func:`block_plan`.

    Returns
    -------
    numpy.ndarray of float, shape (reps, k)
    """
    x = np.asarray(columns, dtype=float)
    x = x.reshape(x.shape[0], -1)
    n = x.shape[0]
    b = max(1, min(int(block_size), n))
    if kind != "circular" or n < 1 or int(reps) < 1:
        return block_sums(x, *block_plan(n, block_size, reps, rng, kind))
    from backtest.evidence.resample_kernels import circular_sums

    nb = -(-n // b)
    starts = rng.integers(0, n, size=(int(reps), nb), dtype=np.int64)  # as block_plan draws
    return circular_sums(x, starts, b, n - (nb - 1) * b)


def _effects_from_sums(sums: FloatArray, n: float | FloatArray) -> FloatArray:
    """Signal-minus-other means from sums ``[y*d, d, y]`` (NaN if a group is empty)."""
    syd, sd, sy = sums[:, 0], sums[:, 1], sums[:, 2]
    with np.errstate(divide="ignore", invalid="ignore"):
        eff = syd / sd - (sy - syd) / (n - sd)
    eff[(sd <= 0) | (n - sd <= 0)] = np.nan
    return np.asarray(eff, dtype=float)


def bootstrap_effects(y: npt.ArrayLike, signal: npt.ArrayLike, *, block_size: int, reps: int,
                      rng: np.random.Generator, kind: BootstrapKind = "circular",
                      valid: npt.ArrayLike | None = None) -> FloatArray:
    """Bootstrap draws of ``mean(y | signal) - mean(y | no signal)``.

    Parameters
    ----------
    y : array_like of float
        Forward returns in time order (no NaN on valid rows).
    signal : array_like of bool
        Signal dummy aligned with ``y``.
    block_size, reps, rng, kind
        As in :func:`bootstrap_difference`.
    valid : array_like of bool or None, default None
        Rows that belong to the sample; the blocks run over *all* rows (so
        calendar time is kept) and rows outside the sample count for nothing.
        ``None``: every row.

    Returns
    -------
    numpy.ndarray of float, shape (reps,)
        NaN for a replicate without signal days (or without other days).
    """
    yy = np.asarray(y, dtype=float)
    d = np.asarray(signal, dtype=bool).astype(float)
    if valid is None:
        sums = replicate_sums(np.column_stack([yy * d, d, yy]), block_size, reps, rng, kind)
        return _effects_from_sums(sums, float(yy.size))
    v = np.asarray(valid, dtype=bool)
    yv = np.where(v, yy, 0.0)
    dv = d * v
    sums = replicate_sums(np.column_stack([yv * dv, dv, yv, v.astype(float)]), block_size, reps,
                      rng, kind)
    return _effects_from_sums(sums[:, :3], sums[:, 3])


def bootstrap_day_and_event(y: npt.ArrayLike, signal: npt.ArrayLike, first: npt.ArrayLike,
                            *, block_size: int, reps: int, rng: np.random.Generator,
                            kind: BootstrapKind = "circular") -> tuple[FloatArray, FloatArray]:
    """Bootstrap draws of the day-weighted and the event-weighted effect, one plan for both.

    The event study's two effects of one row -- signal days against the other
    days, and first days of episodes against the other days (the episodes'
    later signal days left out) -- from the same replicates: each replicate
    resamples the blocks once and both effects are computed on it.  Each
    effect's draws have the distribution :func:`bootstrap_effects` gives it
    (``valid = first | ~signal`` for the event-weighted one).

    Parameters
    ----------
    y : array_like of float
        Forward returns in time order, no NaN.
    signal : array_like of bool
        Signal dummy aligned with ``y``.
    first : array_like of bool
        First day of each episode (a subset of ``signal``).
    block_size, reps, rng, kind
        As in :func:`bootstrap_difference`.

    Returns
    -------
    (day, event) : tuple of numpy.ndarray of float, shape (reps,)
        NaN for a replicate without signal (first) days or without other days.
    """
    yy = np.asarray(y, dtype=float)
    d = np.asarray(signal, dtype=bool)
    f = np.asarray(first, dtype=bool)
    df, ff = d.astype(float), f.astype(float)
    sums = replicate_sums(np.column_stack([yy * df, df, yy, yy * ff, ff]), block_size, reps, rng,
                      kind)
    n = float(yy.size)  # every replicate has n rows
    # the event-weighted sample keeps first days and non-signal days: its sums follow
    kept = np.column_stack([sums[:, 3], sums[:, 4], sums[:, 2] - sums[:, 0] + sums[:, 3]])
    return (_effects_from_sums(sums[:, :3], n),
            _effects_from_sums(kept, n - sums[:, 1] + sums[:, 4]))


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
    """Block-bootstrap interval of ``mean(y | signal) - mean(y | no signal)``.

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
        Circular blocks of fixed length or stationary (geometric) blocks; the
        same distributions as arch's bootstraps (module docstring).

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
    if kind not in ("circular", "stationary"):
        raise ValueError(f"kind must be 'circular' or 'stationary', got {kind!r}")
    draws = bootstrap_effects(y, signal, block_size=int(block_size), reps=int(reps), rng=rng,
                              kind=kind)
    ok = draws[np.isfinite(draws)]
    if ok.size == 0:
        lo = hi = float("nan")
    else:
        tail = (1.0 - conf) / 2.0
        lo, hi = (float(v) for v in np.quantile(ok, [tail, 1.0 - tail]))
    return BootstrapInterval(lo, hi, float(conf), int(block_size), int(reps), int(ok.size), kind)

