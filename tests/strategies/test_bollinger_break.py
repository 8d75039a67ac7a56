"""Bollinger break: exact signals on hand-built VIX series."""

from __future__ import annotations

import numpy as np
import pytest
from strategy_frames import frame, ref_bands, rows

from strategies.bollinger_break import BollingerBreak

CLOSES = [10.0, 12.0, 14.0, 20.0, 14.0, 12.0, 5.0, 10.0]


def test_bands_by_hand() -> None:
    mid, up, lo = ref_bands(CLOSES, 3, 1.0)
    # t=3: [12, 14, 20] mean 46/3, pop var 104/9
    assert mid[3] == pytest.approx(46 / 3) and up[3] == pytest.approx(46 / 3 + (104 / 9) ** 0.5)
    # t=6: [14, 12, 5] mean 31/3, pop var 134/9
    assert lo[6] == pytest.approx(31 / 3 - (134 / 9) ** 0.5)
    # the strategy agrees with the reference bands on every row
    s = BollingerBreak(window=3, num_std=1.0).signals(frame(vix_close=CLOSES))
    assert list(s.long_entries) == [c > u for c, u in zip(CLOSES, up, strict=True)]
    assert list(s.short_entries) == [c < v for c, v in zip(CLOSES, lo, strict=True)]


def test_signals_inside_exit() -> None:
    s = BollingerBreak(window=3, num_std=1.0).signals(frame(vix_close=CLOSES))
    # t=2: 14 vs upper 12 + sqrt(8/3) = 13.63 -> break; t=3: 20 vs 18.73 -> break
    assert rows(s.long_entries) == [2, 3]
    # long exit: at or below the upper band, from the first full window on
    assert rows(s.long_exits) == [4, 5, 6, 7]
    # t=6: 5 vs lower 10.33 - 3.86 = 6.47 -> complacency break
    assert rows(s.short_entries) == [6]
    assert rows(s.short_exits) == [2, 3, 4, 5, 7]


def test_signals_middle_and_none_exit() -> None:
    data = frame(vix_close=CLOSES)
    mid = BollingerBreak(window=3, num_std=1.0, exit_style="middle").signals(data)
    # long exit at or below the mean: t=4 (14 <= 16), t=5 (12 <= 15.33), t=6, t=7 (10 <= 9)? no
    assert rows(mid.long_exits) == [4, 5, 6]
    # short exit at or above the mean: t=2 (14 >= 12), t=3, t=7 (10 >= 9)
    assert rows(mid.short_exits) == [2, 3, 7]
    none = BollingerBreak(window=3, num_std=1.0, exit_style="none").signals(data)
    assert not none.long_exits.any() and not none.short_exits.any()
    assert rows(none.long_entries) == [2, 3]


def test_close_exactly_on_band_is_not_a_break() -> None:
    # window 2 on (10, 12): mean 11, population std 1 -> upper band 12 = the close
    data = frame(vix_close=[10.0, 12.0])
    tie = BollingerBreak(window=2, num_std=1.0).signals(data)
    assert not tie.long_entries.any() and tie.long_exits.iloc[1]
    assert BollingerBreak(window=2, num_std=0.5).signals(data).long_entries.iloc[1]
    # a constant window: every band equals the close, nothing breaks, both exits hold
    flat = BollingerBreak(window=3).signals(frame(vix_close=[20.1] * 4))
    assert not flat.long_entries.any() and not flat.short_entries.any()
    assert rows(flat.long_exits) == [2, 3] and rows(flat.short_exits) == [2, 3]


def test_missing_vix_day_is_skipped_not_poisoning() -> None:
    with_gap = frame(vix_close=[10.0, 12.0, np.nan, 14.0, 20.0])
    s = BollingerBreak(window=3, num_std=1.0).signals(with_gap)
    # the window skips the missing day: row 3 sees (10, 12, 14), row 4 (12, 14, 20)
    assert rows(s.long_entries) == [3, 4]
    assert not s.long_exits.iloc[2]


def test_grid_shares_one_computation() -> None:
    data = frame(vix_close=CLOSES)
    sets = BollingerBreak.product(window=[3, 4], num_std=[0.5, 1.0, 2.0],
                                  exit_style=["inside", "middle"])
    grid = BollingerBreak.grid(data, sets)
    assert grid.long_entries.shape == (8, 12)
    assert grid.long_entries.columns.names == ["window", "num_std", "exit_style"]
    for i, s in enumerate(sets):
        assert grid.column(i).long_entries.equals(s.signals(data).long_entries)


def test_warmup() -> None:
    assert BollingerBreak().warmup == 62
    assert BollingerBreak(window=10).warmup == 9
