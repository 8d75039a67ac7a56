"""Fixtures of the execution tests: the real market frame and tiny hand-built frames."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest


@pytest.fixture(scope="session")
def market_frame(full_frame: pd.DataFrame) -> pd.DataFrame:
    """The full real market frame (the loader's table over the whole history)."""
    return full_frame


def tiny_frame(opens: list[float], closes: list[float], vix: list[float] | None = None,
               start: str = "2024-01-01") -> pd.DataFrame:
    """A hand-built market frame on consecutive business days."""
    idx = pd.bdate_range(start, periods=len(closes), name="date")
    cols = {"spx_open": opens, "spx_close": closes,
            "vix_close": vix if vix is not None else [20.0] * len(closes)}
    return pd.DataFrame(cols, index=idx, dtype=float)


@pytest.fixture(scope="session")
def honest_market(full_frame: pd.DataFrame, data_dir: Path) -> pd.DataFrame:
    """The real history with stale SPX opens missing and ``spxtr`` / ``dtb3`` (total mode)."""
    from .honest_data import honest_frame

    return honest_frame(full_frame, data_dir)
