"""The arithmetic of SPA, StepM and the Reality Check, streamed over chunks of sets.

:mod:`arch.bootstrap` computes Hansen's SPA by resampling the whole ``(T, n)``
loss-differential matrix once per replicate and estimates each set's variance
with a loop over all ``T - 1`` lags.  Both grow badly with the number of sets
``n`` and the history ``T``.  This module computes the same numbers
(:class:`arch.bootstrap.SPA` and :class:`arch.bootstrap.StepM`, arch 8, given
the same bootstrap indices) another way:

* **Shared indices as segments.**  :class:`BootstrapPlan` draws every
  replicate's indices exactly as arch does (stationary, circular or moving
  block; same calls on the same :class:`numpy.random.Generator`) and keeps
  each replicate as a list of contiguous segments ``(start, length)``.
* **Bootstrap means by prefix sums.**  A segment's sum is a difference of two
  prefix sums, so a replicate's mean costs one subtraction per segment
  (about ``T / block_size``) instead of ``T`` gathers.
* **Variance in one pass.**  arch's variance (the stationary-bootstrap kernel
  ``(1 - i/T)(1 - p)^i + (i/T)(1 - p)^(T - i)`` over every lag) is a sum of
  geometric weights times autocovariances, which four running sums carry in
  one ``O(T)`` pass per set (instead of arch's loop over all ``T - 1`` lags).
* **Streaming.**  Everything per set (mean, variance, recentring) is local to
  the set, so chunks of sets are reduced independently
  (:func:`summarise_chunk`) and merged (:func:`merge_summaries`): the maximum
  over sets of a replicate is the maximum of the chunks' maxima.  StepM needs
  maxima over the sets not yet rejected; each chunk keeps every replicate's
  ``top_k`` largest simulated values with their set numbers, which is exact as
  long as fewer than ``top_k`` sets are rejected (:attr:`SnoopOutcome.exact`
  says so; :func:`snoop_outcome` then asks for a larger ``top_k``).

The loss is whatever the caller says: a chunk is a ``(c, T)`` matrix of loss
differentials ``benchmark loss - model loss`` (positive: the set did better).
One bootstrap pass serves SPA, the Reality Check and every StepM step (as in
arch, whose StepM reuses its SPA's simulated values).

Note on ``studentize``: arch 8 computes the variances only to decide which sets
the consistent p-value recentres (Hansen's ``log log T`` rule); its statistic
and bootstrap maxima are not studentized.  This module follows it exactly.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt
from numba import njit, prange

__all__ = ["BootstrapKind", "BootstrapPlan", "ChunkSummary", "SnoopOutcome",
           "bootstrap_sums", "long_run_variance", "merge_summaries", "snoop_outcome",
           "summarise_chunk", "summarise_mixtures"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BootstrapKind = Literal["stationary", "circular", "moving block"]

#: Simulated-value types, in arch's order.
KINDS: tuple[str, ...] = ("lower", "consistent", "upper")


@dataclass(frozen=True, eq=False)
class BootstrapPlan:
    """Every replicate's bootstrap indices, as contiguous segments.

    Replicate ``b`` resamples, in order, the rows ``start, start + 1, ...,
    start + length - 1`` (modulo ``n_obs``) of each of its segments
    ``rep_ptr[b] <= j < rep_ptr[b + 1]``.

    Attributes
    ----------
    n_obs, block_size, reps : int
        ``T``, the (mean) block length and the number of replicates.
    kind : str
        ``"stationary"``, ``"circular"`` or ``"moving block"``.
    seg_start, seg_len : numpy.ndarray of int64
        First row and length of each segment.
    rep_ptr : numpy.ndarray of int64, shape (reps + 1,)
        Segments of replicate ``b`` are ``rep_ptr[b]:rep_ptr[b + 1]``.
    """

    n_obs: int
    block_size: int
    reps: int
    kind: str
    seg_start: IntArray
    seg_len: IntArray
    rep_ptr: IntArray

    @classmethod
    def draw(cls, n_obs: int, block_size: int, reps: int, rng: np.random.Generator,
             kind: BootstrapKind = "stationary") -> BootstrapPlan:
        """Draw the indices exactly as :mod:`arch.bootstrap` does with ``rng``.

        Parameters
        ----------
        n_obs : int
            Rows ``T`` of the loss matrix.
        block_size : int
            Block length (the stationary bootstrap's mean block length).
        reps : int
            Replicates.
        rng : numpy.random.Generator
            Consumed as arch's bootstrap consumes it (per replicate: the
            integers, then for the stationary bootstrap the uniforms).
        kind : {"stationary", "circular", "moving block"}, default "stationary"

        Returns
        -------
        BootstrapPlan
        """
        T, b, reps = int(n_obs), int(block_size), int(reps)
        if T < 2:
            raise ValueError(f"the bootstrap needs at least 2 rows, got {T}")
        if b < 1:
            raise ValueError(f"block_size must be >= 1, got {block_size!r}")
        if reps < 1:
            raise ValueError(f"reps must be >= 1, got {reps!r}")
        if kind not in ("stationary", "circular", "moving block"):
            raise ValueError(f"bootstrap must be 'stationary', 'circular' or 'moving block', "
                             f"got {kind!r}")
        starts: list[IntArray] = []
        lens: list[IntArray] = []
        ptr = np.zeros(reps + 1, dtype=np.int64)
        p = 1.0 / b
        n_blocks = -(-T // b)
        block_lens = np.full(n_blocks, b, dtype=np.int64)
        block_lens[-1] = T - (n_blocks - 1) * b
        for r in range(reps):
            if kind == "stationary":
                ints = rng.integers(T, size=T, dtype=np.int64)
                u = rng.random(T)
                new = u <= p
                new[0] = True
                pos = np.flatnonzero(new)
                starts.append(ints[pos])
                lens.append(np.diff(np.append(pos, T)))
            else:
                upper = T if kind == "circular" else T - b + 1
                if upper < 1:
                    raise ValueError(f"block_size={b} exceeds the {T} rows")
                starts.append(rng.integers(upper, size=n_blocks, dtype=np.int64))
                lens.append(block_lens)
            ptr[r + 1] = ptr[r] + len(starts[-1])
        return cls(T, b, reps, str(kind), np.concatenate(starts).astype(np.int64),
                   np.concatenate(lens).astype(np.int64), ptr)

    def indices(self, rep: int) -> IntArray:
        """Replicate ``rep``'s row indices (what arch's ``update_indices`` returns)."""
        lo, hi = self.rep_ptr[rep], self.rep_ptr[rep + 1]
        parts = [(s + np.arange(n)) % self.n_obs
                 for s, n in zip(self.seg_start[lo:hi], self.seg_len[lo:hi], strict=True)]
        return np.concatenate(parts).astype(np.int64)


@njit(cache=True)
def _row_variance(x: FloatArray, qp: FloatArray) -> float:
    """arch's variance of one row, in one pass (see :func:`long_run_variance`)."""
    t = x.shape[0]
    m = 0.0
    for u in range(t):
        m += x[u]
    m /= t
    q = qp[1]
    ss = 0.0
    a = 0.0  # sum_j q^j G_j
    b = 0.0  # sum_j j q^j G_j
    c = 0.0  # sum_j j q^(t - j) G_j
    r = 0.0  # sum_{s<u} q^(u-s) d_s
    r1 = 0.0  # sum_{s<u} (u-s) q^(u-s) d_s
    s0 = 0.0  # sum_{s<u} q^s d_s
    s1 = 0.0  # sum_{s<u} s q^s d_s
    for u in range(t):
        d = x[u] - m
        ss += d * d
        a += d * r
        b += d * r1
        c += d * qp[t - u] * (u * s0 - s1)
        r1 = q * (r1 + r + d)
        r = q * (r + d)
        s0 += qp[u] * d
        s1 += u * qp[u] * d
    return float((ss + 2.0 * (a - b / t + c / t)) / t)


@njit(cache=True, parallel=True)
def _variances_parallel(x: FloatArray, qp: FloatArray, out: FloatArray) -> None:
    for i in prange(x.shape[0]):
        out[i] = _row_variance(x[i], qp)


@njit(cache=True)
def _variances_serial(x: FloatArray, qp: FloatArray, out: FloatArray) -> None:
    for i in range(x.shape[0]):
        out[i] = _row_variance(x[i], qp)


def long_run_variance(diffs: FloatArray, block_size: int, *, parallel: bool = True,
                      ) -> FloatArray:
    """arch's non-nested SPA variance of each row of ``diffs``, in ``O(T)``.

    ``sum(d_t^2)/T + sum_i 2 kappa_i sum_t d_t d_{t+i} / T`` of the demeaned
    row ``d``, with ``kappa_i = (1 - i/T) q^i + (i/T) q^(T - i)`` and
    ``q = 1 - 1/block_size`` (:meth:`arch.bootstrap.SPA._compute_variance`).
    The kernel is a sum of geometric terms, so the sum over all lags is
    carried by four running sums in one pass over the row (no ``O(T^2)``
    loop over lags, no FFT).

    Parameters
    ----------
    diffs : numpy.ndarray, shape (c, T)
        Loss differentials, one row per set.
    block_size : int
    parallel : bool, default True
        Spread the rows over the cores (identical numbers).

    Returns
    -------
    numpy.ndarray, shape (c,)
    """
    x = np.ascontiguousarray(diffs, dtype=np.float64)
    t = x.shape[1]
    with np.errstate(under="ignore"):
        qp = (1.0 - 1.0 / block_size) ** np.arange(t + 1, dtype=np.float64)
    out = np.empty(x.shape[0])
    (_variances_parallel if parallel else _variances_serial)(x, qp, out)
    return out


#: Sets per tile of the bootstrap sums: a tile's prefix sums stay in cache.
_TILE = 16


@njit(cache=True)
def _segment_sums(prefix: FloatArray, seg_start: IntArray, seg_len: IntArray,
                  rep_ptr: IntArray, acc: FloatArray) -> None:
    """``acc[b, j]``: sum of column ``j`` over replicate ``b``'s segments."""
    t = prefix.shape[0] - 1
    w = prefix.shape[1]
    for b in range(acc.shape[0]):
        row = acc[b]
        for j in range(w):
            row[j] = 0.0
        for s in range(rep_ptr[b], rep_ptr[b + 1]):
            a = seg_start[s]
            e = a + seg_len[s]
            if e <= t:
                for j in range(w):
                    row[j] += prefix[e, j] - prefix[a, j]
            else:
                e -= t
                for j in range(w):
                    row[j] += (prefix[t, j] - prefix[a, j]) + prefix[e, j]


@njit(cache=True)
def _tile_sums(x: FloatArray, lo: int, hi: int, seg_start: IntArray, seg_len: IntArray,
               rep_ptr: IntArray, out: FloatArray) -> None:
    """Bootstrap sums of rows ``lo:hi`` of ``x`` for every replicate, via prefix sums."""
    t = x.shape[1]
    w = hi - lo
    prefix = np.zeros((t + 1, w))
    for j in range(w):
        acc = 0.0
        for u in range(t):
            acc += x[lo + j, u]
            prefix[u + 1, j] = acc
    sums = np.empty((out.shape[0], w))
    _segment_sums(prefix, seg_start, seg_len, rep_ptr, sums)
    out[:, lo:hi] = sums


@njit(cache=True, parallel=True)
def _boot_sums_parallel(x: FloatArray, seg_start: IntArray, seg_len: IntArray,
                        rep_ptr: IntArray, out: FloatArray) -> None:
    n_tiles = (x.shape[0] + _TILE - 1) // _TILE
    for k in prange(n_tiles):
        _tile_sums(x, k * _TILE, min(x.shape[0], (k + 1) * _TILE), seg_start, seg_len,
                   rep_ptr, out)


@njit(cache=True)
def _boot_sums_serial(x: FloatArray, seg_start: IntArray, seg_len: IntArray,
                      rep_ptr: IntArray, out: FloatArray) -> None:
    n_tiles = (x.shape[0] + _TILE - 1) // _TILE
    for k in range(n_tiles):
        _tile_sums(x, k * _TILE, min(x.shape[0], (k + 1) * _TILE), seg_start, seg_len,
                   rep_ptr, out)


@dataclass(frozen=True, eq=False)
class ChunkSummary:
    """What SPA/StepM keep of one chunk of sets (see :func:`summarise_chunk`).

    Attributes
    ----------
    start : int
        Number of the chunk's first set in the whole sweep.
    means, variances : numpy.ndarray, shape (c,)
        Mean loss differential and arch's variance of each set.
    max_sim : numpy.ndarray, shape (reps, 3)
        Per replicate, the maximum over the chunk's sets of the simulated
        values (lower, consistent, upper recentring).
    top_values : numpy.ndarray, shape (reps, k)
        Per replicate, the ``k`` largest consistent simulated values.
    top_sets : numpy.ndarray of int64, shape (reps, k)
        Their set numbers (sweep-wide).
    """

    start: int
    means: FloatArray
    variances: FloatArray
    max_sim: FloatArray
    top_values: FloatArray
    top_sets: IntArray


def _top(values: FloatArray, sets: IntArray, k: int) -> tuple[FloatArray, IntArray]:
    """Each row's ``k`` largest values and their set numbers (in no particular order)."""
    if values.shape[1] > k:
        part = np.argpartition(values, values.shape[1] - k, axis=1)[:, values.shape[1] - k:]
        values = np.take_along_axis(values, part, axis=1)
        sets = np.take_along_axis(sets, part, axis=1)
    return values, sets


def bootstrap_sums(rows: FloatArray, plan: BootstrapPlan, *, parallel: bool = True,
                   ) -> FloatArray:
    """Every replicate's sum of each row of ``rows`` over its resampled days.

    Parameters
    ----------
    rows : numpy.ndarray, shape (c, T)
    plan : BootstrapPlan
    parallel : bool, default True
        Spread the rows over the cores (identical numbers).

    Returns
    -------
    numpy.ndarray, shape (reps, c)
    """
    x = np.ascontiguousarray(rows, dtype=np.float64)
    sums = np.empty((plan.reps, x.shape[0]))
    kernel = _boot_sums_parallel if parallel else _boot_sums_serial
    kernel(x, plan.seg_start, plan.seg_len, plan.rep_ptr, sums)
    return sums


def _summary(boot: FloatArray, means: FloatArray, variances: FloatArray, t: int, start: int,
             top_k: int) -> ChunkSummary:
    """A chunk's summary from its bootstrap means ``boot`` (reps, c)."""
    c = boot.shape[1]
    valid = means >= -np.sqrt((variances / t) * 2.0 * np.log(np.log(t)))
    max_sim = np.empty((boot.shape[0], 3))
    lower = np.where(means < 0.0, 0.0, means)
    consistent = np.where(valid, means, 0.0)
    for j, m in enumerate((lower, consistent, means)):
        if j == 1:
            continue
        max_sim[:, j] = (boot - m).max(axis=1)
    cons = boot - consistent
    max_sim[:, 1] = cons.max(axis=1)
    k = min(int(top_k), c)
    sets = np.broadcast_to(np.arange(start, start + c, dtype=np.int64), cons.shape)
    tv, ts = _top(cons, np.ascontiguousarray(sets), k)
    return ChunkSummary(int(start), means, variances, max_sim, tv, ts)


def _check_diffs(x: FloatArray, plan: BootstrapPlan, start: int) -> None:
    if x.ndim != 2 or x.shape[1] != plan.n_obs:
        raise ValueError(f"diffs must be (sets, {plan.n_obs}), got shape {x.shape}")
    if not np.isfinite(x).all():
        bad = int(np.argmax(~np.isfinite(x).all(axis=1)))
        raise ValueError(f"loss differentials of set {start + bad} have NaN/inf")


def summarise_chunk(diffs: FloatArray, plan: BootstrapPlan, start: int = 0, *,
                    top_k: int = 1024, parallel: bool = True) -> ChunkSummary:
    """Reduce one chunk of sets' loss differentials to their bootstrap summary.

    Parameters
    ----------
    diffs : numpy.ndarray, shape (c, T)
        ``benchmark loss - model loss`` of each set of the chunk, day by day.
    plan : BootstrapPlan
        The sweep's shared bootstrap indices.
    start : int, default 0
        Number of the chunk's first set.
    top_k : int, default 1024
        Simulated values kept per replicate for StepM.
    parallel : bool, default True
        Spread the replicates over the cores (identical numbers).

    Returns
    -------
    ChunkSummary
    """
    x = np.ascontiguousarray(np.asarray(diffs, dtype=np.float64))
    _check_diffs(x, plan, start)
    t = plan.n_obs
    boot = bootstrap_sums(x, plan, parallel=parallel) / t
    means = x.sum(axis=1) / t
    variances = long_run_variance(x, plan.block_size, parallel=parallel)
    return _summary(boot, means, variances, t, start, top_k)


def summarise_mixtures(returns: FloatArray, market: FloatArray, market_of: IntArray,
                       cash: FloatArray, weights: dict[str, FloatArray],
                       diffs: dict[str, FloatArray], plan: BootstrapPlan, start: int = 0, *,
                       top_k: int = 1024, parallel: bool = True) -> dict[str, ChunkSummary]:
    """:func:`summarise_chunk` of several loss views of one chunk, with one bootstrap pass.

    Each view ``v`` is a set's returns minus a mix of the market and cash,
    ``diffs[v] = r - a_v m - (1 - a_v) c`` (``a_v`` per set: an exposure, a
    beta, or 1 for buy-and-hold).  Resampling is linear, so every view's
    bootstrap sums are ``S(r) - a_v S(m) - (1 - a_v) S(c)``: the returns'
    sums are computed once for all the views (and the market's once per
    distinct market row) instead of once per view.  Means and variances are
    those of ``diffs[v]`` itself.  The numbers equal :func:`summarise_chunk` of
    each view up to rounding (the sums are added in another order).

    Parameters
    ----------
    returns : numpy.ndarray, shape (c, T)
    market : numpy.ndarray, shape (u, T)
        The distinct market rows.
    market_of : numpy.ndarray of int64, shape (c,)
        Row of ``market`` of each set.
    cash : numpy.ndarray, shape (T,)
    weights : dict of str to numpy.ndarray, shape (c,)
        ``a_v`` of each view.
    diffs : dict of str to numpy.ndarray, shape (c, T)
        Each view's loss differentials (``r - a_v m - (1 - a_v) c``).
    plan, start, top_k, parallel
        As :func:`summarise_chunk`.

    Returns
    -------
    dict of str to ChunkSummary
    """
    x = np.ascontiguousarray(returns, dtype=np.float64)
    t = plan.n_obs
    for v in diffs.values():
        _check_diffs(v, plan, start)
    sx = bootstrap_sums(x, plan, parallel=parallel)
    sm = bootstrap_sums(market, plan, parallel=parallel)[:, market_of]
    sc = bootstrap_sums(np.asarray(cash, dtype=np.float64)[None, :], plan, parallel=parallel)
    out: dict[str, ChunkSummary] = {}
    for view, d in diffs.items():
        a = weights[view][None, :]
        boot = (sx - a * sm - (1.0 - a) * sc) / t
        dv = np.ascontiguousarray(d, dtype=np.float64)
        means = dv.sum(axis=1) / t
        variances = long_run_variance(dv, plan.block_size, parallel=parallel)
        out[view] = _summary(boot, means, variances, t, start, top_k)
    return out


def merge_summaries(parts: Iterable[ChunkSummary], top_k: int = 1024) -> ChunkSummary:
    """One summary of consecutive chunks (in sweep order)."""
    items = sorted(parts, key=lambda s: s.start)
    if not items:
        raise ValueError("no chunk to merge")
    tv = np.concatenate([s.top_values for s in items], axis=1)
    ts = np.concatenate([s.top_sets for s in items], axis=1)
    tv, ts = _top(tv, ts, min(int(top_k), tv.shape[1]))
    max_sim = items[0].max_sim.copy()
    for s in items[1:]:
        np.maximum(max_sim, s.max_sim, out=max_sim)
    return ChunkSummary(items[0].start, np.concatenate([s.means for s in items]),
                        np.concatenate([s.variances for s in items]), max_sim, tv, ts)


@dataclass(frozen=True, eq=False)
class SnoopOutcome:
    """SPA, Reality Check and StepM of a whole sweep.

    Attributes
    ----------
    pvalues : dict
        ``lower``, ``consistent`` and ``upper`` SPA p-values (``upper`` is
        White's Reality Check).
    statistic : float
        Largest mean loss differential.
    superior : numpy.ndarray of int64
        StepM's superior sets (sorted set numbers).
    means, variances : numpy.ndarray
        Per set.
    exact : bool
        False when more sets were rejected than ``top_k`` could follow
        (``superior`` is then incomplete; rerun with a larger ``top_k``).
    """

    pvalues: dict[str, float]
    statistic: float
    superior: IntArray
    means: FloatArray
    variances: FloatArray
    exact: bool


def snoop_outcome(summary: ChunkSummary, size: float = 0.05) -> SnoopOutcome:
    """SPA p-values and StepM's superior sets from a merged summary.

    StepM follows :meth:`arch.bootstrap.StepM.compute`: reject the sets whose
    mean exceeds the ``1 - size`` quantile of the replicates' maxima (consistent
    recentring), drop them, repeat over the rest until a step rejects none.
    """
    if not 0.0 < size < 1.0:
        raise ValueError(f"size must lie in (0, 1), got {size!r}")
    means = summary.means
    n = len(means)
    stat = float(np.max(means))
    pv = (summary.max_sim > stat).mean(axis=0)
    pvalues = {k: float(v) for k, v in zip(KINDS, pv, strict=True)}
    rejected = np.zeros(n, dtype=np.bool_)
    q = 100.0 * (1.0 - size)
    crit = float(np.percentile(summary.max_sim[:, 1], q))
    better = np.flatnonzero(means > crit)
    rejected[better] = True
    exact = True
    while len(better) and len(better) < n and not rejected.all():
        keep = ~rejected[summary.top_sets]
        if not keep.any(axis=1).all() and summary.top_values.shape[1] < n:
            exact = False
            break
        mx = np.where(keep, summary.top_values, -np.inf).max(axis=1)
        crit = float(np.percentile(mx, q))
        better = np.flatnonzero((means > crit) & ~rejected)
        rejected[better] = True
    return SnoopOutcome(pvalues, stat, np.flatnonzero(rejected).astype(np.int64), means,
                        summary.variances, exact)
