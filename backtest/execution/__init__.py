"""Execution: the one place that turns signals into fills, costs and positions."""

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
