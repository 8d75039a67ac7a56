"""Contango flip: exact regimes and flips on a hand-built term structure."""

from __future__ import annotations

import numpy as np
import pytest
from strategy_frames import frame, rows

from backtest.errors import MissingDataError
from strategies.contango_flip import ContangoFlip, regime_state

# VIX / VIX3M = 0.9, 0.95, 1.05, 1.1, 1.0 (a tie), 0.98, 0.9, 1.02
VIX = [18.0, 19.0, 21.0, 22.0, 20.0, 19.6, 18.0, 20.4]
FAR = [20.0] * 8


def test_regime_state() -> None:
    hi = [False, True, False, False, True]
    lo = [False, False, True, False, False]
    np.testing.assert_array_equal(regime_state(hi, lo), [0, 1, -1, -1, 1])


def test_plain_rule() -> None:
    s = ContangoFlip().signals(frame(vix_close=VIX, vix3m=FAR))
    # regimes: C C B B B(tie keeps it) C C B
    assert rows(s.short_entries) == [2, 7]     # into backwardation
    assert rows(s.long_entries) == [5]         # back to contango after backwardation
    assert rows(s.long_exits) == [2, 3, 4, 7]  # backwardation
    assert rows(s.short_exits) == [0, 1, 5, 6]


def test_hysteresis_band() -> None:
    # beyond 1 +- 0.03: B at 1.05, 1.1; C at 0.9, 0.95, 0.9; 0.98 and 1.02 keep the regime
    s = ContangoFlip(band=0.03).signals(frame(vix_close=VIX, vix3m=FAR))
    assert rows(s.short_entries) == [2]
    assert rows(s.long_entries) == [6]


def test_confirmation_days() -> None:
    # two days beyond 1: B confirmed at row 3, C at rows 1 and 6; row 7 (one day) is not enough
    s = ContangoFlip(confirm_days=2).signals(frame(vix_close=VIX, vix3m=FAR))
    assert rows(s.short_entries) == [3]
    assert rows(s.long_entries) == [6]
    assert rows(s.short_exits) == [1, 2, 6, 7]


def test_smoothing_with_tie() -> None:
    # 2-day mean: -, .925, 1.0 (tie), 1.075, 1.05, .99, .94, .96
    s = ContangoFlip(smooth_window=2).signals(frame(vix_close=VIX, vix3m=FAR))
    assert rows(s.short_entries) == [3]
    assert rows(s.long_entries) == [5]
    assert not s.long_exits.iloc[2] and s.short_exits.iloc[2]


def test_futures_pairs() -> None:
    s = ContangoFlip(pair="vx1_vx2").signals(frame(vx1=VIX, vx2=FAR))
    assert rows(s.short_entries) == [2, 7] and rows(s.long_entries) == [5]
    s = ContangoFlip(pair="vix_vx1").signals(frame(vix_close=VIX, vx1=FAR))
    assert rows(s.short_entries) == [2, 7]
    assert ContangoFlip(pair="vx1_vx2").columns_needed() == ("vx1", "vx2")
    assert ContangoFlip(pair="vix_vx1").columns_needed() == ("vix_close", "vx1")


def test_missing_leg_rows_are_skipped() -> None:
    far = list(FAR)
    far[4] = np.nan  # the tie day missing: regimes unchanged, no signal on that row
    s = ContangoFlip().signals(frame(vix_close=VIX, vix3m=far))
    assert rows(s.long_exits) == [2, 3, 7]
    assert rows(s.long_entries) == [5]


def test_missing_column() -> None:
    with pytest.raises(MissingDataError, match=r"'contango_flip' needs column\(s\) vix3m"):
        ContangoFlip().signals(frame(vix_close=VIX))


def test_warmup() -> None:
    assert ContangoFlip().warmup == 0
    assert ContangoFlip(smooth_window=5, confirm_days=3).warmup == 6
