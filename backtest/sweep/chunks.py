"""How many signal columns one chunk of a sweep may hold.

A sweep generates the signals of a chunk of parameter sets, runs the kernel
on them and keeps only the per-combination statistics, so its peak memory is
set by the chunk, not by the grid.  :func:`chunk_columns` turns a memory
budget into a chunk width from a per-cell cost model of the signal stage.
"""

from __future__ import annotations

__all__ = ["BYTES_PER_EVIDENCE_CELL", "BYTES_PER_SIGNAL_CELL", "DEFAULT_MEMORY_BUDGET",
           "chunk_columns"]

#: Default budget for the arrays of one chunk (256 MiB).
DEFAULT_MEMORY_BUDGET: int = 256 * 2**20

#: Bytes per (bar, signal column) cell while a chunk's signals exist: the
#: strategy's float temporaries (bands, comparisons' tolerances: up to ~6
#: float64 arrays = 48 B), its four boolean outputs and their frames (8 B),
#: the four lagged copies and their Fortran-ordered kernel inputs (8 B).
BYTES_PER_SIGNAL_CELL: int = 64

#: Bytes per (bar, combination) cell of a kept daily-return matrix.
BYTES_PER_RETURN_CELL: int = 8

#: Bytes per (bar, combination) cell while a chunk's returns feed the streamed
#: evidence: the per-set benchmark rows, the loss differentials, a contiguous
#: copy and the window slices (about five float64 arrays).
BYTES_PER_EVIDENCE_CELL: int = 40


def chunk_columns(n_bars: int, n_variants: int, n_sets: int,
                  memory_budget: int = DEFAULT_MEMORY_BUDGET, *,
                  keep_returns: bool = False, evidence: bool = False) -> int:
    """Signal columns (parameter sets) per chunk that fit a memory budget.

    Parameters
    ----------
    n_bars : int
        Rows of the data (``T``).
    n_variants : int
        Execution variants run on every signal column (combinations per set).
    n_sets : int
        Parameter sets in the whole grid (the result never exceeds it).
    memory_budget : int, default DEFAULT_MEMORY_BUDGET
        Bytes the chunk's arrays may use.
    keep_returns : bool, default False
        Whether each chunk also materialises its ``(T, sets * variants)``
        daily-return matrix.
    evidence : bool, default False
        Whether each chunk's returns also feed the streamed evidence.

    Returns
    -------
    int
        Between 1 and ``n_sets``; at least 1 even if one column exceeds the
        budget (the smallest possible chunk).

    Raises
    ------
    ValueError
        If a count is not positive or the budget is not positive.
    """
    for name, v in (("n_bars", n_bars), ("n_variants", n_variants), ("n_sets", n_sets),
                    ("memory_budget", memory_budget)):
        if isinstance(v, bool) or int(v) != v or v < 1:
            raise ValueError(f"chunk_columns: {name}={v!r} must be a positive integer")
    per_column = n_bars * BYTES_PER_SIGNAL_CELL
    if keep_returns or evidence:
        per_column += n_bars * n_variants * BYTES_PER_RETURN_CELL
    if evidence:
        per_column += n_bars * n_variants * BYTES_PER_EVIDENCE_CELL
    return int(max(1, min(n_sets, memory_budget // per_column)))
