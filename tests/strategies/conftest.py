"""Fixtures of the strategy tests."""

from __future__ import annotations

import pandas as pd
import pytest


@pytest.fixture(scope="session")
def real_frame(full_frame: pd.DataFrame) -> pd.DataFrame:
    """The full real market frame (``backtest.data.load_market_data``), since 1927.

    Columns with a shorter history (VIX from 1990, VIX3M, VVIX, VX futures) are
    ``NaN`` before their first value, as every strategy must handle.
    """
    return full_frame
