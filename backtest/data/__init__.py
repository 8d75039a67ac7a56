"""Market data: readers, alignment, the embedded sample, the data directory."""

from backtest.data.table import KNOWN_COLUMNS, ColumnSource, MarketTable

__all__ = ["KNOWN_COLUMNS", "ColumnSource", "MarketTable"]
