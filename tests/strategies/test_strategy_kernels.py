"""The compiled band kernel agrees with the NumPy comparison on every tie."""

from __future__ import annotations

import numpy as np
import pandas as pd
from strategy_frames import frame

from strategies.bollinger_break import BollingerBreak
from strategies.compare import above, at_or_above, at_or_below, below, scalar_above, scalar_below
from strategies.indicators import rolling_mean, rolling_std


def test_scalar_comparisons_match_numpy() -> None:
    rng = np.random.default_rng(0)
    a = np.round(rng.uniform(9, 12, 4000), 2)
    b = np.r_[a[:1000], a[:1000] * 1.1, a[:1000] + 1e-13, rng.uniform(9, 12, 1000)]
    a = np.r_[a[:1000], np.round(a[:1000] * 1.1, 2), a[2000:4000]]
    a[::97] = np.nan
    a[5] = np.inf
    want_a, want_b = above(a, b), below(a, b)
    got_a = np.array([scalar_above(x, y) for x, y in zip(a, b, strict=True)])
    got_b = np.array([scalar_below(x, y) for x, y in zip(a, b, strict=True)])
    np.testing.assert_array_equal(got_a, want_a)
    np.testing.assert_array_equal(got_b, want_b)
    assert (a == b).sum() > 500  # many exact ties were exercised


def _numpy_bollinger(close: np.ndarray, window: int, k: float, style: str) -> dict[str, list[bool]]:
    """Reference band breaks written with the NumPy comparisons."""
    mid, sd = rolling_mean(close, window), rolling_std(close, window)
    up, lo = mid + k * sd, mid - k * sd
    none = np.zeros(len(close), dtype=bool)
    lx = {"inside": at_or_below(close, up), "middle": at_or_below(close, mid), "none": none}
    sx = {"inside": at_or_above(close, lo), "middle": at_or_above(close, mid), "none": none}
    return {"long_entries": list(above(close, up)), "short_entries": list(below(close, lo)),
            "long_exits": list(lx[style] & ~above(close, up)),
            "short_exits": list(sx[style] & ~below(close, lo))}


def test_kernel_matches_numpy_on_tie_heavy_series() -> None:
    # cent prices drawn from four values: constant windows and exact band ties are common
    rng = np.random.default_rng(1)
    close = rng.choice([12.0, 12.01, 12.02, 13.0], size=600, p=[0.7, 0.1, 0.1, 0.1])
    data = frame(vix_close=close)
    sets = BollingerBreak.product(window=[2, 3, 5, 10], num_std=[0.5, 1.0, 1.5],
                                  exit_style=["inside", "middle", "none"])
    grid = BollingerBreak.grid(data, sets)
    for i, s in enumerate(sets):
        want = _numpy_bollinger(close, s.window, s.num_std, s.exit_style)
        col = grid.column(i)
        for field, values in want.items():
            got = list(getattr(col, field))
            assert got == values, (s, field)


def test_kernel_matches_numpy_on_real_vix(real_frame: pd.DataFrame) -> None:
    close = real_frame["vix_close"].dropna().to_numpy()
    data = frame(vix_close=close)
    sets = BollingerBreak.product(window=[10, 21, 63], num_std=[1.0, 2.0],
                                  exit_style=["inside", "middle"])
    grid = BollingerBreak.grid(data, sets)
    for i, s in enumerate(sets):
        want = _numpy_bollinger(close, s.window, s.num_std, s.exit_style)
        for field, values in want.items():
            assert list(getattr(grid.column(i), field)) == values, (s, field)
