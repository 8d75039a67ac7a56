"""Fixtures of the sweep tests."""

from __future__ import annotations

import pandas as pd
import pytest


@pytest.fixture(scope="session")
def market(full_frame: pd.DataFrame) -> pd.DataFrame:
    """The full real market history (``VIXBT_DATA_DIR``) as a frame."""
    return full_frame
