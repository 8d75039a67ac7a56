"""Fixtures of the sweep tests: the real market history and small test strategies."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest


def _read_csvs(folder: Path) -> pd.DataFrame:
    """SPX and VIX since 1990 straight from the raw files (used until the loader exists)."""
    spx = pd.read_csv(folder / "spx_daily.csv", parse_dates=["date"], index_col="date")
    vix = pd.read_csv(folder / "vix_daily.csv", parse_dates=["DATE"], index_col="DATE")
    spx = spx.rename(columns=lambda c: "spx_" + c.lower())
    vix = vix.rename(columns=lambda c: "vix_" + c.lower())
    frame = spx.join(vix, how="inner").astype(float)
    frame.index.name = "date"
    return frame


@pytest.fixture(scope="session")
def market(shared_data: Path) -> pd.DataFrame:
    """The full real SPX/VIX history as a market frame."""
    try:
        from backtest.data import load_market_data  # type: ignore[attr-defined]
    except ImportError:
        return _read_csvs(shared_data)
    return load_market_data(shared_data).frame  # type: ignore[no-any-return]
