"""Chunked sweeps equal unchunked ones; chunk widths follow the memory budget."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from backtest.sweep import Sweep, chunk_columns
from backtest.sweep.chunks import BYTES_PER_RETURN_CELL, BYTES_PER_SIGNAL_CELL
from strategies.bollinger_break import BollingerBreak

_GRID = {"window": [10, 21, 63], "num_std": [1.0, 1.5, 2.0, 2.5], "exit_style": ["inside", "none"],
         "holding_period": [None, 3, 10], "side": ["long", "both"]}


@pytest.fixture(scope="module")
def recent(market: pd.DataFrame) -> pd.DataFrame:
    return market.loc["2005":]


@pytest.fixture(scope="module")
def unchunked(recent: pd.DataFrame) -> pd.DataFrame:
    sw = Sweep(BollingerBreak, _GRID)
    return sw.run(recent, chunk_size=sw.n_sets, progress=False, keep_returns=True)


@pytest.mark.parametrize("chunk_size", [1, 5, 7])
def test_chunked_equals_unchunked(recent: pd.DataFrame, unchunked, chunk_size: int) -> None:  # type: ignore[no-untyped-def]
    sw = Sweep(BollingerBreak, _GRID)
    res = sw.run(recent, chunk_size=chunk_size, progress=False, keep_returns=True)
    assert res.chunk_size == chunk_size
    pd.testing.assert_frame_equal(res.table, unchunked.table, check_exact=True)
    pd.testing.assert_frame_equal(res.returns(), unchunked.returns(), check_exact=True)


def test_serial_equals_parallel(recent: pd.DataFrame, unchunked) -> None:  # type: ignore[no-untyped-def]
    res = Sweep(BollingerBreak, _GRID).run(recent, chunk_size=4, parallel=False, progress=False)
    pd.testing.assert_frame_equal(res.table, unchunked.table, check_exact=True)


def test_iter_returns_chunks_concatenate_to_the_matrix(recent: pd.DataFrame,
                                                       unchunked) -> None:  # type: ignore[no-untyped-def]
    sw = Sweep(BollingerBreak, _GRID)
    parts = list(sw.iter_returns(recent, chunk_size=6))
    n_var = 3 * 2
    assert [p.shape[1] for p in parts] == [6 * n_var] * 4
    pd.testing.assert_frame_equal(pd.concat(parts, axis=1), unchunked.returns(), check_exact=True)


def test_memory_budget_sets_the_chunk(recent: pd.DataFrame, unchunked) -> None:  # type: ignore[no-untyped-def]
    sw = Sweep(BollingerBreak, _GRID)
    budget = 5 * len(recent) * BYTES_PER_SIGNAL_CELL + 1  # room for exactly 5 signal columns
    res = sw.run(recent, memory_budget=budget, progress=False)
    assert res.chunk_size == 5
    pd.testing.assert_frame_equal(res.table, unchunked.table, check_exact=True)


def test_chunk_columns_arithmetic() -> None:
    t = 10_000
    per_col = t * BYTES_PER_SIGNAL_CELL
    assert chunk_columns(t, 1, 1_000_000, 10 * per_col) == 10
    assert chunk_columns(t, 1, 1_000_000, 10 * per_col - 1) == 9
    # never more than the grid, never less than one column
    assert chunk_columns(t, 1, 3, 10 * per_col) == 3
    assert chunk_columns(t, 1, 1_000, 1) == 1
    # kept returns cost 8 bytes per bar and combination (variants multiply it)
    with_returns = per_col + t * 4 * BYTES_PER_RETURN_CELL
    assert chunk_columns(t, 4, 1_000_000, 10 * with_returns, keep_returns=True) == 10


@pytest.mark.parametrize("n_sets", [10, 10_000, 10_000_000])
def test_chunk_bytes_stay_within_budget_whatever_the_grid(n_sets: int) -> None:
    t, budget = 9_200, 256 * 2**20
    width = chunk_columns(t, 20, n_sets, budget, keep_returns=True)
    assert 1 <= width <= n_sets
    assert width * t * (BYTES_PER_SIGNAL_CELL + 20 * BYTES_PER_RETURN_CELL) <= budget


@pytest.mark.parametrize(("kwargs", "match"), [
    ({"n_bars": 0}, "n_bars=0 must be a positive integer"),
    ({"n_sets": -1}, "n_sets=-1 must be a positive integer"),
    ({"memory_budget": 0}, "memory_budget=0 must be a positive integer"),
    ({"n_variants": 1.5}, "n_variants=1.5 must be a positive integer"),
])
def test_chunk_columns_rejects_bad_counts(kwargs: dict[str, float], match: str) -> None:
    args = {"n_bars": 100, "n_variants": 1, "n_sets": 10, "memory_budget": 10**6, **kwargs}
    with pytest.raises(ValueError, match=match):
        chunk_columns(**args)  # type: ignore[arg-type]


def test_bad_chunk_size(recent: pd.DataFrame) -> None:
    with pytest.raises(ValueError, match="chunk_size=0 must be a positive integer"):
        Sweep(BollingerBreak, {"window": [21]}).run(recent, chunk_size=0, progress=False)


def test_result_rows_follow_the_grid(unchunked) -> None:  # type: ignore[no-untyped-def]
    idx = unchunked.table.index
    assert list(idx.names) == ["window", "num_std", "exit_style", "holding_period", "side"]
    assert len(idx) == 3 * 4 * 2 * 3 * 2
    assert idx.is_unique
    assert set(idx.get_level_values("holding_period")) == {0, 3, 10}
    assert np.isfinite(unchunked.table["total_return"]).all()
