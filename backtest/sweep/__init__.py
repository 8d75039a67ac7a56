"""Parameter sweeps on the lean path: grids, the fused kernel, chunked runs, results.

``Sweep(strategy_cls, grid).run(data)`` runs every combination of the grid in
bounded-memory chunks and returns a :class:`SweepResult` whose rows equal the
full vectorbt run (:func:`backtest.execution.portfolio.run`) of each
combination.  Importing this package does not import vectorbt.
"""

from backtest.sweep.chunks import DEFAULT_MEMORY_BUDGET, chunk_columns
from backtest.sweep.result import SweepResult
from backtest.sweep.spec import (
    EXEC_PARAMS,
    Experiment,
    load_experiment,
    parse_assignment,
    parse_grid,
    parse_values,
)
from backtest.sweep.stats import STAT_NAMES
from backtest.sweep.sweep import Sweep

__all__ = [
    "DEFAULT_MEMORY_BUDGET",
    "EXEC_PARAMS",
    "STAT_NAMES",
    "Experiment",
    "Sweep",
    "SweepResult",
    "chunk_columns",
    "load_experiment",
    "parse_assignment",
    "parse_grid",
    "parse_values",
]
