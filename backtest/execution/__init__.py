"""Execution: the one place that turns signals into fills, costs and positions."""

from backtest.execution.fills import Fill, fill_prices, forward_returns, lag_to_fill

__all__ = ["Fill", "fill_prices", "forward_returns", "lag_to_fill"]
