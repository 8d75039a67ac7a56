"""A sweep's data-snooping evidence, fed chunk by chunk in bounded memory.

:class:`EvidenceStream` receives the daily returns of consecutive chunks of
parameter sets (``(c, T)`` each, with each set's market returns), builds the
measures of :func:`~backtest.evidence.sweep.sweep_evidence` for the chunk
(returns in excess of each set's exposure-matched benchmark, and the CAPM-alpha
and buy-and-hold views; :mod:`backtest.evidence.benchmarks`) -- every one of
them depends on the set's own returns only -- and keeps only what the tests
need:

* SPA / Reality Check / StepM: one :class:`~backtest.evidence.snoop_stats.ChunkSummary`
  per chunk, merged (per replicate, the maximum over sets is the maximum of
  the chunks' maxima);
* the Deflated Sharpe Ratio: every set's Sharpe ratio and the best set's
  returns;
* PBO: every set's per-block sums (``S`` blocks);
* the in-sample/out-of-sample split and the walk-forward: every set's metric
  in and out of sample, and for each window the chosen set so far with its
  test-window returns.

Nothing of size ``T x n`` is ever held, so any grid fits in memory; the result
is the same :class:`~backtest.evidence.sweep.SweepEvidence` whatever the
chunking (chunks may even be summarised on other processes:
:meth:`EvidenceStream.summarise` is a pure function of one chunk and
:meth:`EvidenceStream.absorb` merges the summaries in sweep order).
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import tempfile
import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt
import pandas as pd
from numba import njit

from backtest.evidence.dsr import (
    DsrResult,
    expected_max_sharpe,
    probabilistic_sharpe_ratio,
    sample_moments,
)
from backtest.evidence.event_study import make_rng
from backtest.evidence.metrics import Metric
from backtest.evidence.pbo import (
    PboResult,
    block_sums,
    pbo_from_block_sums,
    pbo_from_set_sums,
)
from backtest.evidence.snoop_stats import (
    BootstrapKind,
    BootstrapPlan,
    ChunkSummary,
    snoop_outcome,
    summarise_mixtures,
)
from backtest.evidence.snooping import SpaResult, StepMResult, snoop_block_size
from backtest.evidence.walkforward import SplitResult, WalkForwardResult

if TYPE_CHECKING:
    from backtest.evidence.sweep_result import SweepEvidence

__all__ = ["EvidenceStream", "StreamChunk"]

FloatArray = npt.NDArray[np.float64]

def _top_merge(values: list[FloatArray], sets: list[npt.NDArray[np.int64]], k: int,
               ) -> tuple[FloatArray, npt.NDArray[np.int64]]:
    """Each replicate's ``k`` largest simulated values over several top lists."""
    tv = np.concatenate(values, axis=1)
    ts = np.concatenate(sets, axis=1)
    if tv.shape[1] <= k:
        return tv, ts
    part = np.argpartition(tv, tv.shape[1] - k, axis=1)[:, tv.shape[1] - k:]
    return np.take_along_axis(tv, part, axis=1), np.take_along_axis(ts, part, axis=1)


@njit(cache=True)
def _mean_exposures(x: FloatArray, m: FloatArray, out: FloatArray) -> None:
    """Each row's average daily exposure, as the mean over days of
    :func:`~backtest.evidence.benchmarks.exposure_from_returns` (same spells, same
    sums in the same order, so the same signs): a spell of non-zero returns is
    held with the sign of its co-movement with the market, except its entry day."""
    c, t = x.shape
    for j in range(c):
        total = 0
        u = 0
        while u < t:
            if x[j, u] == 0.0:
                u += 1
                continue
            co = 0.0
            v = u
            while v < t and x[j, v] != 0.0:
                co += x[j, v] * m[j, v]
                v += 1
            total += (v - u - 1) * (-1 if co < 0 else 1)
            u = v
        out[j] = total / t


def _some(a: FloatArray | None) -> FloatArray:
    assert a is not None
    return a


class _FileRows:
    """Rows of a spilled ``(n, *shape)`` array, read from its file on slicing (plain
    reads: the pages read do not stay mapped in the process)."""

    def __init__(self, path: Path, offset: int, shape: tuple[int, ...], dtype: Any) -> None:
        self.path, self.offset, self.shape, self.dtype = path, offset, shape, np.dtype(dtype)
        self.row = int(np.prod(shape[1:], dtype=np.int64)) * self.dtype.itemsize

    def __len__(self) -> int:
        return self.shape[0]

    def __getitem__(self, key: slice) -> npt.NDArray[Any]:
        if not isinstance(key, slice):
            raise TypeError("spilled per-set arrays are read by row slices")
        lo, hi, step = key.indices(self.shape[0])
        if step != 1:
            raise ValueError("spilled per-set arrays are read by contiguous row slices")
        count = max(0, hi - lo) * (self.row // self.dtype.itemsize)
        with open(self.path, "rb") as f:
            f.seek(self.offset + lo * self.row)
            out = np.fromfile(f, dtype=self.dtype, count=count)
        if len(out) != count:
            raise OSError(f"{self.path}: short read of the spilled per-set evidence")
        return out.reshape((max(0, hi - lo), *self.shape[1:]))

    def read(self) -> npt.NDArray[Any]:
        """The whole array (in memory)."""
        return self[:]


class _SpillStore:
    """Per-set arrays in ``.npy`` files in a temporary folder.

    The folder is made inside ``root`` and deleted by :meth:`close`, when the
    store is garbage collected, or at exit.  The disk space is checked first.
    Chunks are written and read with plain file writes and reads, not through a
    memory map, so the pages of a grid of millions of sets do not stay in the
    process's memory.
    """

    def __init__(self, root: str | os.PathLike[str], n: int,
                 fields: dict[str, tuple[tuple[int, ...], type]]) -> None:
        from backtest.sweep.spill import check_spill_dir

        base = check_spill_dir(root, 0)  # made, a folder, writable
        need = sum(n * int(np.prod(shape)) * np.dtype(dt).itemsize
                   for shape, dt in fields.values())
        free = shutil.disk_usage(base).free
        if need > free:
            raise ValueError(f"spilling the per-set evidence of {n:,} sets needs "
                             f"{need / 2**20:,.0f} MiB of disk in {base}, but only "
                             f"{free / 2**20:,.0f} MiB are free: narrow the grid or point "
                             "TMPDIR at a larger disk")
        self.dir = Path(tempfile.mkdtemp(prefix="vixbt-evidence-", dir=base))
        self._cleanup = weakref.finalize(self, shutil.rmtree, str(self.dir), True)
        self.nbytes = need
        self.arrays: dict[str, _FileRows] = {}
        for name, (shape, dt) in fields.items():
            path = self.dir / f"{name}.npy"
            # the header and a sparse file of the full size; the data go by pwrite
            made = np.lib.format.open_memmap(path, mode="w+", dtype=dt, shape=(n, *shape))
            self.arrays[name] = _FileRows(path, int(made.offset), (n, *shape), dt)
            del made
        self._fds = {name: os.open(a.path, os.O_RDWR) for name, a in self.arrays.items()}

    def write(self, name: str, start: int, values: npt.ArrayLike) -> None:
        a = self.arrays[name]
        v = np.ascontiguousarray(values, dtype=a.dtype)
        if start < 0 or start + len(v) > len(a) or v.shape[1:] != a.shape[1:]:
            raise ValueError(f"rows {start}:{start + len(v)} of shape {v.shape} do not fit "
                             f"the spilled {name} {a.shape}")
        data, pos = v.tobytes(), a.offset + start * a.row
        while data:
            done = os.pwrite(self._fds[name], data, pos)
            data, pos = data[done:], pos + done

    def close(self) -> None:
        for fd in self._fds.values():
            os.close(fd)
        self._fds = {}
        self.arrays = {}
        self._cleanup()


def _distinct_rows(market: FloatArray, n: int) -> tuple[FloatArray, npt.NDArray[np.int64]]:
    """The distinct rows of a chunk's market returns ((1, T) or (n, T)) and each set's row."""
    if market.ndim == 1 or market.shape[0] == 1:
        return market.reshape(1, -1), np.zeros(n, dtype=np.int64)
    seen: dict[bytes, int] = {}
    row_of = np.empty(n, dtype=np.int64)
    for i in range(n):
        row_of[i] = seen.setdefault(market[i].tobytes(), len(seen))
    first = np.unique(row_of, return_index=True)[1]  # labels are in order of appearance
    return np.ascontiguousarray(market[first]), row_of


def _window_scores(x: FloatArray, lo: int, hi: int, metric: str) -> FloatArray:
    """Each row's metric over columns ``lo:hi`` (as
    :func:`~backtest.evidence.metrics.column_metric` scores columns)."""
    part = x[:, lo:hi]
    if metric == "total":
        return np.asarray(np.prod(1.0 + part, axis=1) - 1.0, dtype=float)
    mu = part.mean(axis=1)
    if metric == "mean":
        return np.asarray(mu, dtype=float)
    sd = part.std(axis=1, ddof=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.asarray(np.where(sd > 0, mu / np.where(sd > 0, sd, 1.0), 0.0), dtype=float)


class _Prefix:
    """Running sums along each row, so any window's metric costs O(1) per set."""

    def __init__(self, x: FloatArray, metric: str) -> None:
        c, t = x.shape
        self.metric = metric
        self.s1 = np.zeros((c, t + 1))
        np.cumsum(x, axis=1, out=self.s1[:, 1:])
        if metric == "sharpe":
            self.s2 = np.zeros((c, t + 1))
            np.cumsum(x * x, axis=1, out=self.s2[:, 1:])
        if metric == "total":
            self.sl = np.zeros((c, t + 1))
            with np.errstate(divide="ignore"):
                np.cumsum(np.log1p(np.maximum(x, -1.0 + 1e-16)), axis=1, out=self.sl[:, 1:])

    def scores(self, lo: int, hi: int) -> FloatArray:
        """Each row's metric over days ``lo:hi``."""
        n = hi - lo
        if self.metric == "total":
            return np.asarray(np.expm1(self.sl[:, hi] - self.sl[:, lo]), dtype=float)
        s = self.s1[:, hi] - self.s1[:, lo]
        mean = s / n
        if self.metric == "mean":
            return np.asarray(mean, dtype=float)
        var = np.maximum(self.s2[:, hi] - self.s2[:, lo] - s * mean, 0.0) / (n - 1)
        sd = np.sqrt(var)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.asarray(np.where(sd > 0, mean / np.where(sd > 0, sd, 1.0), 0.0),
                              dtype=float)


@dataclass(frozen=True, eq=False)
class _DsrPart:
    """What the Deflated Sharpe Ratio keeps of one chunk under one measure."""

    sharpe: FloatArray
    has_sd: npt.NDArray[np.bool_]
    best_row: FloatArray | None


def _dsr_part(x: FloatArray) -> _DsrPart:
    sd = x.std(axis=1, ddof=1)
    has_sd = sd > 0
    sr = np.where(has_sd, x.mean(axis=1) / np.where(has_sd, sd, 1.0), 0.0)
    best = x[int(np.argmax(np.where(has_sd, sr, -np.inf)))].copy() if has_sd.any() else None
    return _DsrPart(sr, has_sd, best)


@dataclass(frozen=True, eq=False)
class StreamChunk:
    """What :class:`EvidenceStream` keeps of one chunk (picklable).

    ``snoop`` and ``dsr`` are keyed by view: ``"primary"`` (exposure-matched
    excess returns), and with ``views``: ``"capm"`` (CAPM alpha) and
    ``"buy_and_hold"`` (raw returns against buy-and-hold; its DSR is of the raw
    returns against a Sharpe ratio of 0).
    """

    start: int
    labels: list[str]
    exposure: FloatArray
    snoop: dict[str, ChunkSummary]
    dsr: dict[str, _DsrPart]
    pbo_sums: tuple[FloatArray, FloatArray] | None
    is_scores: FloatArray | None
    oos_scores: FloatArray | None
    split_pick: tuple[FloatArray, FloatArray] | None
    windows: list[tuple[float, int, FloatArray, FloatArray, FloatArray]]


#: Benchmark labels of the views' SPA / StepM summaries.
_VIEW_LABELS = {"primary": "the exposure-matched benchmark", "capm": "CAPM alpha (zero)",
                "buy_and_hold": "buy-and-hold"}


class EvidenceStream:
    """Accumulate a sweep's evidence from chunks of sets (see the module docstring).

    The measures are those of :func:`backtest.evidence.sweep.sweep_evidence`:
    the primary one is each set's return in excess of its exposure-matched
    benchmark (:mod:`backtest.evidence.benchmarks`); with ``views`` also CAPM
    alpha and raw returns against buy-and-hold.  Each view's SPA and StepM
    share one bootstrap pass, and the views share one index plan (each view
    is the returns minus a mix of the market and cash, so the returns'
    bootstrap sums serve every view: :func:`~backtest.evidence.snoop_stats.summarise_mixtures`).

    Parameters
    ----------
    index : pandas.Index
        The ``T`` days of every chunk's rows.
    reps, seed, size, n_partitions, split, train, test, metric, views
        As :func:`backtest.evidence.sweep.sweep_evidence`.
    cash : array_like of float, shape (T,), or None, default None
        Daily cash return (0 if ``None``).
    cash_label : str, default "none"
        Name of the cash source, for the summary.
    block_size : int or None, default None
        Bootstrap block length (``None``: ``round(T ** (1/3))``).
    bootstrap : {"stationary", "circular", "moving block"}, default "stationary"
    top_k : int, default 1024
        Simulated values kept per replicate for StepM (exact while fewer sets
        are rejected; otherwise :meth:`result` says so in the notes).
    parallel : bool, default True
        Use every core inside a chunk (identical numbers).
    """

    def __init__(self, index: pd.Index, *, reps: int = 1000,
                 seed: int | np.random.Generator | None = 0, size: float = 0.05,
                 n_partitions: int = 16, split: str | float = 0.5, train: int = 756,
                 test: int = 252, metric: Metric = "sharpe", views: bool = True,
                 cash: npt.ArrayLike | pd.Series | None = None, cash_label: str = "none",
                 block_size: int | None = None, bootstrap: BootstrapKind = "stationary",
                 top_k: int = 1024, parallel: bool = True,
                 spill: str | os.PathLike[str] | None = None, n_sets: int | None = None,
                 ) -> None:
        if not 0.0 < size < 1.0:
            raise ValueError(f"size must lie in (0, 1), got {size!r}")
        if metric not in ("sharpe", "mean", "total"):
            raise ValueError(f"metric must be 'sharpe', 'mean' or 'total', got {metric!r}")
        self.index = pd.Index(index)
        T = len(self.index)
        self.n_obs = T
        self.block = snoop_block_size(block_size, T)
        self.reps = int(reps)
        self.size = float(size)
        self.metric = str(metric)
        rng = make_rng(seed)
        names = ("primary", "capm", "buy_and_hold") if views else ("primary",)
        # one index plan for every view (common random numbers): the views differ
        # only by the loss, so the strategies' bootstrap sums are computed once
        plan = BootstrapPlan.draw(T, self.block, self.reps, rng, bootstrap)
        self.plans = dict.fromkeys(names, plan)
        if cash is None:
            self.cash = np.zeros(T)
            self.cash_label = "none"
        else:
            if isinstance(cash, pd.Series):
                cash = cash.reindex(self.index).fillna(0.0)
            self.cash = np.asarray(cash, dtype=np.float64).reshape(-1)
            if self.cash.shape != (T,) or not np.isfinite(self.cash).all():
                raise ValueError(f"cash must be {T} finite daily returns")
            self.cash_label = str(cash_label)
        self.top_k = int(top_k)
        self.parallel = bool(parallel)
        S = min(int(n_partitions), T // 2)
        self.S = S - S % 2
        self.notes: list[str] = []
        if isinstance(split, float):
            if not 0.0 < split < 1.0:
                raise ValueError(f"a fractional split must lie in (0, 1), got {split!r}")
            k = round(T * split)
        else:
            k = int(self.index.searchsorted(pd.Timestamp(split)))
        self.k = k if (k >= 2 and T - k >= 2) else None
        if self.k is None:
            self.notes.append(f"no in-sample/out-of-sample split: split {split!r} leaves fewer "
                              f"than 2 rows on one side ({k} in sample, {T - k} out of sample)")
        self.train, self.test = int(train), int(test)
        if self.train < 2 or self.test < 1:
            raise ValueError(f"train must be >= 2 and test >= 1, got train={train!r}, "
                             f"test={test!r}")
        self.starts = list(range(self.train, T, self.test)) if self.train < T else []
        self._parts: list[StreamChunk] = []
        self._top: dict[str, ChunkSummary] = {}
        self._pending: dict[str, list[ChunkSummary]] = {}
        self._dsr_rows: dict[str, tuple[tuple[float, int], FloatArray]] = {}
        self._pick: tuple[tuple[float, int], tuple[FloatArray, FloatArray]] | None = None
        self._windows: list[tuple[float, int, FloatArray, FloatArray, FloatArray] | None] = []
        self._store: _SpillStore | None = None
        if spill is not None:
            if n_sets is None or int(n_sets) < 1:
                raise ValueError("spilling the per-set evidence to disk needs n_sets, the "
                                 "number of parameter sets of the sweep")
            fields: dict[str, tuple[tuple[int, ...], type]] = {"exposure": ((), np.float64)}
            for v in self.plans:
                fields |= {f"means_{v}": ((), np.float64), f"variances_{v}": ((), np.float64),
                           f"sharpe_{v}": ((), np.float64), f"has_sd_{v}": ((), np.bool_)}
            if self.k is not None:
                fields |= {"is_scores": ((), np.float64), "oos_scores": ((), np.float64)}
            if self.S >= 2:
                fields |= {"pbo_sums": ((self.S,), np.float64),
                           "pbo_squares": ((self.S,), np.float64)}
            self._store = _SpillStore(spill, int(n_sets), fields)

    def __getstate__(self) -> dict[str, Any]:
        # shipped to Dask workers, which only summarise chunks: not the disk store
        return {**self.__dict__, "_store": None}

    def close(self) -> None:
        """Delete the folder of spilled per-set arrays, if any (also done when the
        stream is garbage collected or the process exits)."""
        if self._store is not None:
            self._store.close()

    # -- per chunk -------------------------------------------------------------------

    def _exposure(self, x: FloatArray, market: FloatArray) -> FloatArray:
        out = np.empty(x.shape[0])
        _mean_exposures(x, market, out)
        return out

    def summarise(self, start: int, returns: FloatArray, market: FloatArray,
                  labels: Sequence[str], exposure: npt.ArrayLike | None = None,
                  ) -> StreamChunk:
        """Reduce one chunk (a pure function of its inputs; safe on another process).

        Parameters
        ----------
        start : int
            Number of the chunk's first set.
        returns, market : numpy.ndarray, shape (c, T) (market may be (1, T))
            Daily returns of the chunk's sets and of each set's market
            (buy-and-hold) returns, no NaN.
        labels : sequence of str
            The sets' labels.
        exposure : array_like of float, shape (c,), or None
            Average exposures; ``None``: read from the returns
            (:func:`~backtest.evidence.benchmarks.exposure_from_returns`).
        """
        x = np.ascontiguousarray(returns, dtype=np.float64)
        if x.ndim != 2 or x.shape[1] != self.n_obs:
            raise ValueError(f"a chunk must be (sets, {self.n_obs}), got shape {x.shape}")
        m = np.ascontiguousarray(np.broadcast_to(market, x.shape), dtype=np.float64)
        if len(labels) != x.shape[0]:
            raise ValueError(f"{len(labels)} labels for {x.shape[0]} sets")
        if not np.isfinite(x).all():
            i = int(np.argmax(~np.isfinite(x).all(axis=1)))
            raise ValueError(f"returns of {labels[i]} have NaN/inf; fill flat days with 0")
        if not np.isfinite(m).all():
            raise ValueError("benchmark returns have NaN/inf")
        if exposure is None:
            e = self._exposure(x, m)
        else:
            e = np.asarray(exposure, dtype=np.float64).reshape(-1)
            if e.shape != (x.shape[0],) or not np.isfinite(e).all():
                raise ValueError(f"exposure needs one finite value per parameter set "
                                 f"({x.shape[0]}), got {e.size}")
        c = self.cash[None, :]
        excess = x - (e[:, None] * m + (1.0 - e[:, None]) * c)
        matched = x - excess  # each set's own benchmark
        dsr = {"primary": _dsr_part(excess)}
        weights = {"primary": e}
        diffs = {"primary": excess}
        if "capm" in self.plans:
            y = x - c
            xm = m - c
            xd = xm - xm.mean(axis=1, keepdims=True)
            var = (xd * xd).sum(axis=1)
            with np.errstate(divide="ignore", invalid="ignore"):
                beta = ((y - y.mean(axis=1, keepdims=True)) * xd).sum(axis=1) / var
            beta = np.where(var > 0, beta, 0.0)
            alpha = y - beta[:, None] * xm
            dsr["capm"] = _dsr_part(alpha)
            dsr["buy_and_hold"] = _dsr_part(x)
            weights |= {"capm": beta, "buy_and_hold": np.ones(len(e))}
            diffs |= {"capm": alpha, "buy_and_hold": x - m}
        rows, row_of = _distinct_rows(np.asarray(market, dtype=np.float64), x.shape[0])
        snoop = summarise_mixtures(x, rows, row_of, self.cash, weights, diffs,
                                   self.plans["primary"], start, top_k=self.top_k,
                                   parallel=self.parallel)
        pbo = block_sums(excess, self.S) if self.S >= 2 else None
        is_sc = oos_sc = None
        pick = None
        pre = _Prefix(excess, self.metric)
        if self.k is not None:
            is_sc = pre.scores(0, self.k)
            oos_sc = pre.scores(self.k, self.n_obs)
            j = int(np.argmax(is_sc))
            pick = (x[j].copy(), matched[j].copy())
        windows = []
        for w, t0 in enumerate(self.starts):
            s0 = w * self.test
            t1 = min(t0 + self.test, self.n_obs)
            sc = pre.scores(s0, t0)
            j = int(np.argmax(sc))
            windows.append((float(sc[j]), start + j, x[j, t0:t1].copy(),
                            matched[j, t0:t1].copy(), excess[j, t0:t1].copy()))
        return StreamChunk(int(start), [str(v) for v in labels], e, snoop, dsr, pbo, is_sc,
                           oos_sc, pick, windows)

    def absorb(self, part: StreamChunk) -> None:
        """Keep a chunk's summary (any order; :meth:`result` sorts by ``start``).

        The chunk's per-replicate top lists are merged into the running ones at
        once, so memory does not grow with the number of chunks.
        """
        self._fold_rows(part)
        slim: dict[str, ChunkSummary] = {}
        for view, snoop in part.snoop.items():
            pending = self._pending.setdefault(view, [])
            pending.append(snoop)
            if sum(p.top_values.shape[1] for p in pending) > self.top_k:
                self._fold_top(view)
            slim[view] = ChunkSummary(snoop.start, snoop.means, snoop.variances,
                                      np.empty((0, 3)), np.empty((0, 0)),
                                      np.empty((0, 0), dtype=np.int64))
        if self._store is not None:
            self._spill(part)
            return
        self._parts.append(dataclasses.replace(
            part, snoop=slim, split_pick=None, windows=[],
            dsr={v: _DsrPart(d.sharpe, d.has_sd, None) for v, d in part.dsr.items()}))

    def _spill(self, part: StreamChunk) -> None:
        """Write a chunk's per-set arrays to the disk store; keep only its labels."""
        store = self._store
        assert store is not None
        lo = part.start
        store.write("exposure", lo, part.exposure)
        for v, sn in part.snoop.items():
            store.write(f"means_{v}", lo, sn.means)
            store.write(f"variances_{v}", lo, sn.variances)
        for v, d in part.dsr.items():
            store.write(f"sharpe_{v}", lo, d.sharpe)
            store.write(f"has_sd_{v}", lo, d.has_sd)
        if part.is_scores is not None and part.oos_scores is not None:
            store.write("is_scores", lo, part.is_scores)
            store.write("oos_scores", lo, part.oos_scores)
        if part.pbo_sums is not None:
            store.write("pbo_sums", lo, part.pbo_sums[0].T)
            store.write("pbo_squares", lo, part.pbo_sums[1].T)
        empty = np.empty(0)
        self._parts.append(StreamChunk(lo, part.labels, empty, {}, {}, None, None, None, None,
                                       []))

    def _column(self, parts: list[StreamChunk], name: str,
                get: Callable[[StreamChunk], npt.NDArray[Any]]) -> npt.NDArray[Any]:
        """A per-set array of the whole sweep (from the disk store when spilled)."""
        if self._store is not None:
            return self._store.arrays[name].read()
        return np.concatenate([get(p) for p in parts])

    def _fold_top(self, view: str) -> None:
        """Merge a view's pending per-replicate maxima and top lists into the running ones
        (in batches: one partition per several chunks)."""
        pending = self._pending.pop(view, [])
        if not pending:
            return
        running = self._top.get(view)
        items = pending if running is None else [running, *pending]
        tv, ts = _top_merge([p.top_values for p in items], [p.top_sets for p in items],
                            self.top_k)
        max_sim = items[0].max_sim.copy()
        for p in items[1:]:
            np.maximum(max_sim, p.max_sim, out=max_sim)
        self._top[view] = ChunkSummary(0, np.empty(0), np.empty(0), max_sim, tv, ts)

    @staticmethod
    def _better(score: float, index: int, best: tuple[float, int] | None) -> bool:
        """Higher score wins; a tie goes to the lower set number (the first set)."""
        return best is None or score > best[0] or (score == best[0] and index < best[1])

    def _fold_rows(self, part: StreamChunk) -> None:
        """Keep only the rows that can still be the sweep's best (memory O(T), not
        O(chunks x T))."""
        for view, d in part.dsr.items():
            if d.best_row is None:
                continue
            j = int(np.argmax(np.where(d.has_sd, d.sharpe, -np.inf)))
            key = (float(d.sharpe[j]), part.start + j)
            held = self._dsr_rows.get(view)
            if self._better(*key, None if held is None else held[0]):
                self._dsr_rows[view] = (key, d.best_row)
        if part.is_scores is not None and part.split_pick is not None:
            j = int(np.argmax(part.is_scores))
            key = (float(part.is_scores[j]), part.start + j)
            if self._better(*key, None if self._pick is None else self._pick[0]):
                self._pick = (key, part.split_pick)
        if not self._windows:
            self._windows = [None] * len(part.windows)
        for w, win in enumerate(part.windows):
            held_w = self._windows[w]
            if self._better(win[0], win[1], None if held_w is None else (held_w[0], held_w[1])):
                self._windows[w] = win

    def add(self, start: int, returns: FloatArray, market: FloatArray,
            labels: Sequence[str], exposure: npt.ArrayLike | None = None) -> None:
        """:meth:`summarise` and :meth:`absorb` one chunk."""
        self.absorb(self.summarise(start, returns, market, labels, exposure))

    # -- the whole sweep -------------------------------------------------------------

    def result(self) -> SweepEvidence:
        """The :class:`~backtest.evidence.sweep.SweepEvidence` of every chunk added."""
        from backtest.evidence.sweep_result import SweepEvidence

        parts = sorted(self._parts, key=lambda p: p.start)
        if not parts:
            raise ValueError("no parameter set was added to the evidence")
        pos = 0
        for p in parts:
            if p.start != pos:
                raise ValueError(f"chunks do not tile the sweep: expected a chunk at set {pos}, "
                                 f"got {p.start}")
            pos += len(p.labels)
        labels = [s for p in parts for s in p.labels]
        notes = list(self.notes)
        tests = {v: self._snoop_results(v, parts, labels, notes) for v in self.plans}
        dsr = {v: self._dsr(v, parts, labels) for v in self.plans}
        pbo = self._pbo(parts, notes, len(labels))
        split = self._split(parts, labels)
        wf = self._walk_forward(parts, labels)
        if wf is None:
            notes.append(f"no walk-forward: {self.n_obs} days do not exceed one training "
                         f"window of {self.train}")
        extra: dict[str, Any] = {}
        if "capm" in tests:
            extra = {"spa_capm": tests["capm"][0], "stepm_capm": tests["capm"][1],
                     "dsr_capm": dsr["capm"], "spa_buy_and_hold": tests["buy_and_hold"][0],
                     "stepm_buy_and_hold": tests["buy_and_hold"][1],
                     "dsr_vs_zero": dsr["buy_and_hold"]}
        expo = pd.Series(np.array(self._column(parts, "exposure", lambda p: p.exposure)),
                         index=labels, name="exposure")
        spa, sm = tests["primary"]
        return SweepEvidence(spa, sm, dsr["primary"], pbo, split, wf, tuple(notes),
                             self.metric, exposure=expo, cash=self.cash_label, **extra)

    def _snoop_results(self, view: str, parts: list[StreamChunk], labels: list[str],
                       notes: list[str]) -> tuple[SpaResult, StepMResult]:
        self._fold_top(view)
        top = self._top[view]
        means = np.array(self._column(parts, f"means_{view}", lambda p: p.snoop[view].means))
        variances = np.array(self._column(parts, f"variances_{view}",
                                          lambda p: p.snoop[view].variances))
        merged = ChunkSummary(0, means, variances, top.max_sim, top.top_values, top.top_sets)
        out = snoop_outcome(merged, self.size)
        if not out.exact:
            notes.append(f"StepM rejected more than {self.top_k} sets: its list is incomplete "
                         "(raise top_k)")
        n = len(labels)
        i = int(np.argmax(out.means))
        label = _VIEW_LABELS[view]
        spa = SpaResult(pvalue=out.pvalues["consistent"], pvalues=pd.Series(out.pvalues),
                        best=labels[i], best_excess=float(out.means[i]), n_models=n,
                        n_obs=self.n_obs, block_size=self.block, reps=self.reps,
                        benchmark=label)
        sm = StepMResult(superior=[labels[j] for j in out.superior], size=self.size,
                         mean_excess=pd.Series(out.means, index=pd.Index(labels)), n_models=n,
                         n_obs=self.n_obs, block_size=self.block, reps=self.reps,
                         benchmark=label)
        return spa, sm

    def _dsr(self, view: str, parts: list[StreamChunk], labels: list[str]) -> DsrResult:
        sr = np.array(self._column(parts, f"sharpe_{view}", lambda p: p.dsr[view].sharpe))
        has = np.array(self._column(parts, f"has_sd_{view}", lambda p: p.dsr[view].has_sd))
        n = len(sr)
        if not has.any():
            raise ValueError("every returns column is constant (no trial ever traded); "
                             "the Sharpe ratios are undefined")
        i = int(np.argmax(np.where(has, sr, -np.inf)))
        (_, held), row = self._dsr_rows[view]
        assert held == i
        var_sr = float(sr.var(ddof=1)) if n >= 2 else 0.0
        sk, ku = sample_moments(row)
        sr0 = expected_max_sharpe(n, var_sr) if n >= 2 else 0.0
        return DsrResult(best=labels[i], sharpe=float(sr[i]), sr0=sr0,
                         dsr=probabilistic_sharpe_ratio(float(sr[i]), sr0, self.n_obs, sk, ku),
                         n_trials=n, n_obs=self.n_obs, var_sharpe=var_sr, skew=sk, kurtosis=ku)

    def _pbo(self, parts: list[StreamChunk], notes: list[str], n: int) -> PboResult | None:
        if n < 2 or self.S < 2:
            notes.append("PBO needs at least two parameter sets and four days")
            return None
        rows = self.n_obs // self.S
        metric: Metric = "sharpe" if self.metric == "sharpe" else "mean"
        if self._store is not None:  # read set by set from the disk, in chunks
            sums: Any = self._store.arrays["pbo_sums"]
            squares: Any = self._store.arrays["pbo_squares"]
            return pbo_from_set_sums(sums, squares, rows, metric, parallel=self.parallel)
        sums = [p.pbo_sums for p in parts]
        s = np.concatenate([t[0] for t in sums if t is not None], axis=1)
        q = np.concatenate([t[1] for t in sums if t is not None], axis=1)
        return pbo_from_block_sums(s, q, rows, metric, parallel=self.parallel)

    def _split(self, parts: list[StreamChunk], labels: list[str]) -> SplitResult | None:
        if self.k is None:
            return None
        k = self.k
        is_sc = np.array(self._column(parts, "is_scores", lambda p: _some(p.is_scores)))
        oos_sc = np.array(self._column(parts, "oos_scores", lambda p: _some(p.oos_scores)))
        i = int(np.argmax(is_sc))
        assert self._pick is not None and self._pick[0][1] == i
        x, b = self._pick[1]
        both = np.stack([x, b])
        bis = _window_scores(both, 0, k, self.metric)
        boos = _window_scores(both, k, self.n_obs, self.metric)
        tot = _window_scores(both, 0, k, "total"), _window_scores(both, k, self.n_obs, "total")
        idx = self.index
        return SplitResult(
            chosen=labels[i], is_metric=float(is_sc[i]), oos_metric=float(oos_sc[i]),
            oos_percentile=float((oos_sc < oos_sc[i]).mean()),
            oos_best=labels[int(np.argmax(oos_sc))], benchmark_is=float(bis[1]),
            benchmark_oos=float(boos[1]), split=pd.Timestamp(idx[k]),
            is_return=float(tot[0][0]), oos_return=float(tot[1][0]),
            benchmark_is_return=float(tot[0][1]), benchmark_oos_return=float(tot[1][1]),
            start=pd.Timestamp(idx[0]), end=pd.Timestamp(idx[-1]))

    def _walk_forward(self, parts: list[StreamChunk], labels: list[str],
                      ) -> WalkForwardResult | None:
        if not self.starts:
            return None
        idx = self.index
        rows: list[dict[str, object]] = []
        pieces: list[FloatArray] = []
        bpieces: list[FloatArray] = []
        for w, t0 in enumerate(self.starts):
            best = self._windows[w]  # the best set (ties: the first) over all chunks
            assert best is not None
            score, j, oos, b, ex = best
            s0 = w * self.test
            t1 = min(t0 + self.test, self.n_obs)
            pieces.append(oos)
            bpieces.append(b)
            oos_metric = (float(_window_scores(ex[None, :], 0, len(ex), self.metric)[0])
                          if t1 - t0 > 1 else float("nan"))
            rows.append({
                "train_start": idx[s0], "train_end": idx[t0 - 1], "test_start": idx[t0],
                "test_end": idx[t1 - 1], "chosen": labels[j], "chosen_index": j,
                "is_metric": score, "oos_metric": oos_metric,
                "oos_return": float(np.prod(1.0 + oos) - 1.0),
                "benchmark_return": float(np.prod(1.0 + b) - 1.0),
            })
        first = self.train
        oos_r = pd.Series(np.concatenate(pieces), index=idx[first:], name="walk_forward")
        bench = pd.Series(np.concatenate(bpieces), index=idx[first:], name="buy_and_hold")
        return WalkForwardResult(pd.DataFrame(rows), oos_r, bench, self.metric)
