"""Execution: the one place that turns signals into fills, costs and positions.

The names below load on first use, so that light modules of the package
(:mod:`backtest.execution.costs`) can be imported without pandas or vectorbt.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from backtest.execution.config import Execution, PositionSide
    from backtest.execution.fills import Fill, fill_prices, forward_returns, lag_to_fill
    from backtest.execution.portfolio import run, run_signals
    from backtest.execution.positions import resolve_positions
    from backtest.execution.result import RunResult

__all__ = [
    "Execution",
    "Fill",
    "PositionSide",
    "RunResult",
    "fill_prices",
    "forward_returns",
    "lag_to_fill",
    "resolve_positions",
    "run",
    "run_signals",
]

_HOME = {
    "Execution": "config", "PositionSide": "config", "Fill": "fills",
    "fill_prices": "fills", "forward_returns": "fills", "lag_to_fill": "fills",
    "run": "portfolio", "run_signals": "portfolio", "resolve_positions": "positions",
    "RunResult": "result",
}


def __getattr__(name: str) -> Any:
    if name in _HOME:
        return getattr(importlib.import_module(f"backtest.execution.{_HOME[name]}"), name)
    raise AttributeError(f"module 'backtest.execution' has no attribute {name!r}")
