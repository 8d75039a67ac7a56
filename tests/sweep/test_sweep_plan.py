"""The planned work of a sweep, counted from the grid alone."""

from __future__ import annotations

import time

import pytest

from backtest.sweep.plan import (
    BYTES_SPILLABLE_PER_COMBINATION,
    BYTES_UNSPILLED_PER_COMBINATION,
    plan_sweep,
)
from strategies.bollinger_break import BollingerBreak


def test_plan_counts_the_grid_without_building_it() -> None:
    t0 = time.perf_counter()
    plan = plan_sweep(BollingerBreak, {"window": list(range(2, 2521)),
                                       "num_std": [round(0.01 * i, 2) for i in range(1, 1001)],
                                       "fees": [0.0, 0.001]}, 9206, n_rows=24000, reps=1000)
    assert time.perf_counter() - t0 < 1.0  # 2.5 million sets are counted, not built
    assert (plan.n_sets, plan.n_variants, plan.n_combinations) == (2_519_000, 2, 5_038_000)
    assert plan.n_chunks * plan.chunk_sets >= plan.n_sets > (plan.n_chunks - 1) * plan.chunk_sets
    assert plan.seconds > 60 and plan.peak_bytes > 2**30
    assert "2,519,000 parameter sets x 2 execution variant(s)" in plan.summary()
    small = plan_sweep(BollingerBreak, {"window": [21, 63]}, 9206, reps=1000)
    assert small.n_combinations == 2 and small.n_chunks == 1
    assert small.seconds < plan.seconds / 100 and small.peak_bytes < plan.peak_bytes
    # the per-combination arrays of 5 million combinations go to disk, not to memory
    assert plan.spills and not small.spills
    assert plan.spill_bytes == 5_038_000 * BYTES_SPILLABLE_PER_COMBINATION
    kept = plan_sweep(BollingerBreak, {"window": list(range(2, 2521)),
                                       "num_std": [round(0.01 * i, 2) for i in range(1, 1001)],
                                       "fees": [0.0, 0.001]}, 9206, n_rows=24000, reps=1000,
                      spill=False)
    assert kept.peak_bytes == plan.peak_bytes + 5_038_000 * BYTES_UNSPILLED_PER_COMBINATION
    assert "spilled to disk" in plan.summary() and "in memory" in kept.summary()
    # the spill starts where the estimate with everything in memory passes the target
    at = plan_sweep(BollingerBreak, {"window": [21, 63]}, 9206, memory_target=small.peak_bytes)
    assert not at.spills
    over = plan_sweep(BollingerBreak, {"window": [21, 63]}, 9206,
                      memory_target=small.peak_bytes - 1)
    assert over.spills and over.peak_bytes == small.peak_bytes - 2 * BYTES_UNSPILLED_PER_COMBINATION


def test_plan_rejects_unknown_parameters() -> None:
    with pytest.raises(ValueError, match="no parameter 'windw'"):
        plan_sweep(BollingerBreak, {"windw": [2]}, 100)
