"""Shared fixtures.

Tests that need the full market history use the ``data_dir`` fixture: it reads
``VIXBT_DATA_DIR`` and skips with a reason when that is unset or missing --
except under CI (``CI`` set), where missing data fails the run.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"


def _data_dir() -> Path | None:
    raw = os.environ.get("VIXBT_DATA_DIR")
    if not raw:
        return None
    p = Path(raw).expanduser().resolve()
    return p if (p / "manifest.csv").is_file() else None


def _missing(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"CI run without full market data: {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def data_dir() -> Path:
    """Folder with the full real market data (``VIXBT_DATA_DIR``)."""
    p = _data_dir()
    if p is None:
        _missing("needs the full market data: set VIXBT_DATA_DIR to a data directory "
                 "with a manifest.csv (e.g. ../shared/data)")
    assert p is not None
    return p


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The project's raw test-data folder (``../shared/data``), read in place."""
    p = _data_dir() or SHARED_DATA
    if not (p / "manifest.csv").is_file():
        _missing(f"needs the real data files; {p} has no manifest.csv")
    return p


@pytest.fixture(scope="session")
def full_table(data_dir: Path):  # type: ignore[no-untyped-def]
    """The aligned market table over the full real history (loaded once)."""
    from backtest.data import load_market_data

    return load_market_data(data_dir)


@pytest.fixture(scope="session")
def full_frame(full_table):  # type: ignore[no-untyped-def]
    """``full_table.frame``."""
    return full_table.frame
