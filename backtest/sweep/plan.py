"""What a sweep will cost, said before it starts.

:func:`plan_sweep` counts the work of ``vixbt sweep`` (parameter sets x
execution variants x days x bootstrap replicates) from the grid alone -- no
strategy instance, no signal, so a grid of millions of sets is planned in
milliseconds -- and estimates its wall time and peak memory from per-unit
costs measured on the reference machine (``benchmarks/README.md``; two cores,
time calibrated on the end-to-end runs of 1k, 10k and 100k Bollinger sets,
memory on the peak resident memory of runs of 10k to 250k sets at 20 and
1,000 replicates).  The memory estimate counts what stays in memory and what
goes to the spill folder (:attr:`SweepPlan.spill_bytes`) when the run spills.
The estimate is a guide, not a promise: it scales with the machine and its load.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from backtest.sweep.chunks import (
    BYTES_PER_EVIDENCE_CELL,
    BYTES_PER_RETURN_CELL,
    BYTES_PER_SIGNAL_CELL,
    DEFAULT_MEMORY_BUDGET,
    chunk_columns,
)
from backtest.sweep.spec import split_grid
from backtest.sweep.table import BYTES_PER_STATS_ROW
from strategies.base import Strategy

__all__ = ["SweepPlan", "plan_sweep"]

#: Seconds of one core per (combination x day) in the kernel and the signals.
KERNEL_SECONDS_PER_CELL: float = 1.5e-8
#: Seconds of one core per (combination x replicate x bootstrap segment).
BOOTSTRAP_SECONDS_PER_SEGMENT: float = 3e-9
#: Seconds of one core per (combination x day) of the per-set statistics
#: (variances, PBO block sums, split and walk-forward windows).
EVIDENCE_SECONDS_PER_CELL: float = 6e-8
#: Seconds of one core per (combination x CSCV split) of PBO.
PBO_SECONDS_PER_SPLIT: float = 7e-8
#: Bytes kept in memory per combination for the whole run whether or not the
#: run spills: the row index's codes, the execution variant of each row, the
#: label (text) of each set and the evidence's per-set series indexed by it.
#: Measured: 250,000 Bollinger sets spilled peak about 30 MiB above 10,000 sets.
BYTES_RESIDENT_PER_COMBINATION: int = 160
#: Bytes per combination that go to files in the spill folder when the run
#: spills, and stay in memory otherwise: the statistics table
#: (:data:`~backtest.sweep.table.BYTES_PER_STATS_ROW`) and the per-set evidence
#: (means, variances, Sharpe ratios, scores, PBO block sums).
BYTES_SPILLABLE_PER_COMBINATION: int = BYTES_PER_STATS_ROW + 350
#: Bytes of memory per combination those arrays take when they stay in memory:
#: more than their size on disk (per-chunk pieces, their Python objects and the
#: allocator's slack).  Measured: 500,000 Bollinger sets unspilled peaked at
#: 874 MiB, 100,000 at 366 MiB (20 replicates, one thread).
BYTES_UNSPILLED_PER_COMBINATION: int = 1030
#: Resident memory a sweep aims to stay under: a run whose in-memory estimate
#: exceeds it (or the memory available) spills.  Three quarters of 1 GiB: the
#: rest is the margin for the estimate's error (about 10 % on the runs measured).
MEMORY_TARGET: int = 768 * 2**20
#: Bytes of the interpreter, NumPy, pandas, numba and the market data.
#: Measured: 10,000 Bollinger sets at 20 replicates peak at about 313 MiB, of
#: which the model puts about 190 MiB in the chunk's arrays.
BASE_BYTES: int = 120 * 2**20
#: Bytes per (view x replicate x kept set) of the bootstrap's per-replicate
#: maxima and StepM lists (calibrated: 10,000 sets at 1,000 replicates peak
#: about 138 MiB above 20 replicates).
BYTES_PER_REPLICATE_SET: int = 48
#: Seconds of the command's start: imports, data loading, the bootstrap index plans.
STARTUP_SECONDS: float = 4.0


@dataclass(frozen=True)
class SweepPlan:
    """The planned work of a sweep and its estimated cost.

    Attributes
    ----------
    n_sets, n_variants, n_combinations : int
        Parameter sets, execution variants, and their product.
    n_days : int
        Days of the run span (``T``).
    reps : int
        Bootstrap replicates of SPA/StepM.
    chunk_sets, n_chunks : int
        Parameter sets per chunk and the number of chunks.
    seconds : float
        Estimated wall time on ``cores`` cores.
    peak_bytes : int
        Estimated peak memory (resident), with the per-combination arrays in
        memory or, when ``spills``, in the spill folder.
    cores : int
    spills : bool
        Whether the per-combination arrays (statistics table, per-set evidence)
        go to memory-mapped files: the in-memory estimate exceeds the target.
    spill_bytes : int
        Bytes of those arrays on disk (when ``spills``); in memory they take
        about :data:`BYTES_UNSPILLED_PER_COMBINATION` a combination.
    """

    n_sets: int
    n_variants: int
    n_combinations: int
    n_days: int
    reps: int
    chunk_sets: int
    n_chunks: int
    seconds: float
    peak_bytes: int
    cores: int
    spills: bool = False
    spill_bytes: int = 0

    def summary(self) -> str:
        """One line: the work and its estimate."""
        return (f"plan: {self.n_sets:,} parameter sets x {self.n_variants} execution "
                f"variant(s) = {self.n_combinations:,} combinations x {self.n_days:,} days x "
                f"{self.reps:,} bootstrap replicates, in {self.n_chunks:,} chunk(s) of "
                f"{self.chunk_sets:,} set(s); estimated {_duration(self.seconds)} on "
                f"{self.cores} core(s), peak memory about {self.peak_bytes / 2**20:,.0f} MiB"
                + (f" with {self.spill_bytes / 2**20:,.0f} MiB of per-set arrays spilled "
                   "to disk" if self.spills else " with the per-set arrays in memory"))


def _duration(s: float) -> str:
    if s < 60:
        return f"{s:.0f} s" if s >= 10 else f"{s:.1f} s"
    if s < 3600:
        return f"{s / 60:.1f} min"
    return f"{s / 3600:.1f} h"


def plan_sweep(strategy: type[Strategy], grid: Mapping[str, Sequence[Any]], n_days: int, *,
               n_rows: int | None = None, reps: int = 1000, block_size: int | None = None,
               n_partitions: int = 16, memory_budget: int = DEFAULT_MEMORY_BUDGET,
               cores: int = 2, views: int = 3, memory_target: int = MEMORY_TARGET,
               spill: bool | None = None) -> SweepPlan:
    """Count a sweep's work and estimate its time and memory, from the grid alone.

    Parameters
    ----------
    strategy : type[Strategy]
    grid : Mapping[str, Sequence]
        Strategy and execution parameters, as :class:`~backtest.sweep.sweep.Sweep`.
    n_days : int
        Days of the run span (``T``).
    n_rows : int or None, default None
        Rows the signals are computed on (default ``n_days``).
    reps : int, default 1000
    block_size : int or None, default None
        Bootstrap block length (``None``: ``round(T ** (1/3))``).
    n_partitions : int, default 16
        CSCV blocks of PBO.
    memory_budget : int, default DEFAULT_MEMORY_BUDGET
        Bytes a chunk may use.
    cores : int, default 2
    views : int, default 3
        Loss measures tested (exposure-matched, CAPM alpha, buy-and-hold); they
        share one bootstrap pass over the returns, and each keeps its StepM
        lists.
    memory_target : int, default MEMORY_TARGET
        Resident bytes to stay under: the per-combination arrays spill when
        the estimate with them in memory exceeds it.
    spill : bool or None, default None
        Force (``True``) or forbid (``False``) the spill instead.

    Returns
    -------
    SweepPlan
    """
    own, ex = split_grid(strategy, grid)
    n_sets = math.prod(len(v) for v in own.values()) if own else 1
    n_var = math.prod(len(v) for v in ex.values()) if ex else 1
    T = int(n_days)
    rows = T if n_rows is None else int(n_rows)
    k = n_sets * n_var
    width = chunk_columns(rows, n_var, n_sets, memory_budget, evidence=True)
    n_chunks = -(-n_sets // width)
    block = block_size or max(1, round(T ** (1 / 3)))
    segments = T / block
    splits = math.comb(n_partitions, n_partitions // 2)
    cpu = (k * T * (KERNEL_SECONDS_PER_CELL + EVIDENCE_SECONDS_PER_CELL)
           + k * reps * segments * BOOTSTRAP_SECONDS_PER_SEGMENT  # one pass serves every view
           + k * splits * PBO_SECONDS_PER_SPLIT)
    chunk_bytes = width * (rows * BYTES_PER_SIGNAL_CELL
                           + T * n_var * (BYTES_PER_RETURN_CELL + BYTES_PER_EVIDENCE_CELL))
    boot_bytes = (views * reps * min(k, 1024) * BYTES_PER_REPLICATE_SET
                  + reps * width * n_var * 8 * 2)
    spill_bytes = k * BYTES_SPILLABLE_PER_COMBINATION
    resident = BASE_BYTES + chunk_bytes + boot_bytes + k * BYTES_RESIDENT_PER_COMBINATION
    held = k * BYTES_UNSPILLED_PER_COMBINATION
    spills = resident + held > memory_target if spill is None else bool(spill)
    peak = resident if spills else resident + held
    return SweepPlan(n_sets=n_sets, n_variants=n_var, n_combinations=k, n_days=T,
                     reps=int(reps), chunk_sets=width, n_chunks=n_chunks,
                     seconds=STARTUP_SECONDS + cpu / max(1, int(cores)),
                     peak_bytes=int(peak),
                     cores=int(cores), spills=spills, spill_bytes=int(spill_bytes))
