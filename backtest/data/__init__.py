"""Market data: readers, alignment, the embedded sample, the data directory.

Entry points: :func:`load_market_data` (the aligned daily table),
:func:`data_info` (where each column came from), :func:`load_futures_curve`
(the VIX futures curve by contract), :func:`vx_expirations` (monthly VX
settlement dates), :func:`market_table` (another market or volatility index
under the ``spx_*``/``vix_*`` names) and :mod:`backtest.data.readers` (one
reader per layout).
"""

from backtest.data.embedded import load_embedded
from backtest.data.expirations import vx_expirations
from backtest.data.info import DataInfo, data_info
from backtest.data.load import load_futures_curve, load_market_data
from backtest.data.market import MarketChoice, market_choice, market_frame, market_table
from backtest.data.table import KNOWN_COLUMNS, ColumnSource, MarketTable

__all__ = [
    "KNOWN_COLUMNS",
    "ColumnSource",
    "DataInfo",
    "MarketChoice",
    "MarketTable",
    "data_info",
    "load_embedded",
    "load_futures_curve",
    "load_market_data",
    "market_choice",
    "market_frame",
    "market_table",
    "vx_expirations",
]
