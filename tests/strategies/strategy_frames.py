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


def ref_bands(x: Sequence[float], w: int, k: float) -> tuple[list[float], list[float], list[float]]:
    """Reference Bollinger bands from explicit slices: (middle, upper, lower), population std."""
    n = len(x)
    mid, up, lo = [np.nan] * n, [np.nan] * n, [np.nan] * n
    for t in range(w - 1, n):
        win = list(x[t - w + 1:t + 1])
        m = sum(win) / w
        sd = (sum((v - m) ** 2 for v in win) / w) ** 0.5
        mid[t], up[t], lo[t] = m, m + k * sd, m - k * sd
    return mid, up, lo


def assert_same(a: pd.Series, b: pd.Series) -> None:
    """Same index, dtype and values (a fast ``assert_series_equal`` for long bool series)."""
    assert a.index.equals(b.index), "indexes differ"
    assert a.dtype == b.dtype, (a.dtype, b.dtype)
    diff = np.flatnonzero(a.to_numpy() != b.to_numpy())
    assert len(diff) == 0, f"values differ on {list(a.index[diff[:5]])}"
