"""Tiny hand-built market frames for exact-value strategy tests."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd


def frame(**columns: Sequence[float]) -> pd.DataFrame:
    """A business-day frame starting 2020-01-01 with the given float columns."""
    n = len(next(iter(columns.values())))
    idx = pd.bdate_range("2020-01-01", periods=n, name="date")
    return pd.DataFrame({k: np.asarray(v, dtype=np.float64) for k, v in columns.items()},
                        index=idx)


def rows(mask: pd.Series) -> list[int]:
    """Row positions where a boolean series is True."""
    return [int(i) for i in np.flatnonzero(mask.to_numpy())]
