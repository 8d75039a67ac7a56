"""Fixtures of the strategy tests: the real market frame and the registry."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

#: Whether the real frame comes from ``backtest.data.load_market_data`` (the
#: ``full_frame`` fixture) rather than from the raw files read here.
USE_LOADER = True


def _csv_frame(folder: Path) -> pd.DataFrame:
    """Real market frame built directly from the raw files (used until the loader lands).

    SPX and VIX are inner-joined (the SPX trading days with a VIX close since
    1990); the partial-history columns are left-joined so they are NaN before
    their first date, as in the loaded market table.
    """
    spx = pd.read_csv(folder / "spx_daily.csv", parse_dates=["date"], index_col="date")
    vix = pd.read_csv(folder / "vix_daily.csv", parse_dates=["DATE"], index_col="DATE")
    vix3m = pd.read_csv(folder / "vix3m_daily.csv", index_col="DATE")
    vix3m.index = pd.to_datetime(vix3m.index, format="%m/%d/%Y")
    vvix = pd.read_csv(folder / "vvix_daily.csv", index_col="DATE")
    vvix.index = pd.to_datetime(vvix.index, format="%m/%d/%Y")
    vx = pd.read_csv(folder / "vx_futures" / "vx_continuous_m1_m7_2004_2024.csv",
                     parse_dates=["Date"], index_col="Date")
    frame = pd.concat(
        {"spx_open": spx["open"], "spx_high": spx["high"], "spx_low": spx["low"],
         "spx_close": spx["close"], "vix_open": vix["OPEN"], "vix_high": vix["HIGH"],
         "vix_low": vix["LOW"], "vix_close": vix["CLOSE"]},
        axis=1, join="inner")
    extra = pd.concat({"vix3m": vix3m["CLOSE"], "vvix": vvix["VVIX"], "vx1": vx["M1"],
                       "vx2": vx["M2"], "vx1_days": vx["days_to_expiration"]}, axis=1, sort=True)
    frame = frame.join(extra, how="left")
    frame.index = pd.DatetimeIndex(frame.index, name="date")
    return frame.astype("float64").sort_index()


@pytest.fixture(scope="session")
def real_frame(request: pytest.FixtureRequest, shared_data: Path) -> pd.DataFrame:
    """The full real market frame: the project loader's table when available."""
    if USE_LOADER:
        frame: pd.DataFrame = request.getfixturevalue("full_frame")
        return frame
    return _csv_frame(shared_data)
