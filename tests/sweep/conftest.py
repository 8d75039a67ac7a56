"""Fixtures of the sweep tests."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest


@pytest.fixture(scope="session")
def market(full_frame: pd.DataFrame) -> pd.DataFrame:
    """The full real market history (``VIXBT_DATA_DIR``) as a frame."""
    return full_frame


@pytest.fixture(scope="session")
def honest_market(market: pd.DataFrame, data_dir: Path) -> pd.DataFrame:
    """The real history with stale SPX opens missing and ``spxtr`` / ``dtb3`` (total mode)."""
    from execution.honest_data import honest_frame

    return honest_frame(market, data_dir)
