"""Execution: the one place that turns signals into fills, costs and positions."""

from backtest.execution.config import Execution, PositionSide
from backtest.execution.fills import Fill, fill_prices, forward_returns, lag_to_fill

__all__ = ["Execution", "PositionSide", "Fill", "fill_prices", "forward_returns", "lag_to_fill"]
