"""Fixtures of the evidence tests: the real market frame."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest


def _csv_frame(folder: Path) -> pd.DataFrame:
    spx = pd.read_csv(folder / "spx_daily.csv", parse_dates=["date"], index_col="date")
    vix = pd.read_csv(folder / "vix_daily.csv", parse_dates=["DATE"], index_col="DATE")
    frame = pd.concat({"spx_open": spx["open"], "spx_high": spx["high"], "spx_low": spx["low"],
                       "spx_close": spx["close"], "vix_open": vix["OPEN"],
                       "vix_high": vix["HIGH"], "vix_low": vix["LOW"],
                       "vix_close": vix["CLOSE"]}, axis=1, join="inner")
    frame.index = pd.DatetimeIndex(frame.index, name="date")
    return frame.astype("float64").sort_index()


@pytest.fixture(scope="session")
def real_frame(request: pytest.FixtureRequest, shared_data: Path) -> pd.DataFrame:
    """The full real market frame: the project loader's (``full_frame``) when it exists,
    else SPX and VIX read with plain pandas from the shared data folder."""
    import backtest.data as data

    if hasattr(data, "load_market_data"):
        frame: pd.DataFrame = request.getfixturevalue("full_frame")
        return frame
    return _csv_frame(shared_data)
