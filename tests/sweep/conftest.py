"""Fixtures of the sweep tests."""

from __future__ import annotations

import pandas as pd
import pytest


@pytest.fixture(scope="session")
def market(full_frame: pd.DataFrame) -> pd.DataFrame:
    """The full real market history (``VIXBT_DATA_DIR``) as a frame."""
    return full_frame


@pytest.fixture(scope="session")
def honest_market(full_table_more) -> pd.DataFrame:  # type: ignore[no-untyped-def]
    """The real history with every shared file (stale opens missing, ``spxtr``, ``dtb3``)."""
    frame: pd.DataFrame = full_table_more.frame
    return frame
