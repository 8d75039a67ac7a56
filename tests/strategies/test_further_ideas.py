"""Complacency low, MA cross, divergences, residual surprise: exact signals by hand."""

from __future__ import annotations

import numpy as np
import pytest
from strategy_frames import frame, rows

from strategies.complacency_low import ComplacencyLow
from strategies.divergence import Divergence
from strategies.ma_cross import MaCross
from strategies.residual_surprise import ResidualSurprise, vix_surprise

# -- complacency low -------------------------------------------------------------


def test_complacency_low_by_hand() -> None:
    # 0.1 years x 200 days = a 20-day low; exit above the 2-day SMA
    closes = [20.0] * 19 + [15.0, 15.0, 14.0, 16.0, 13.0]
    strat = ComplacencyLow(lookback_years=0.1, days_per_year=200, exit_window=2)
    assert strat.warmup == 19
    s = strat.signals(frame(vix_close=closes))
    # row 20 equals the low of row 19: still at the low
    assert rows(s.short_entries) == [19, 20, 21, 23]
    # row 22: 16 > (14 + 16) / 2; row 20: 15 on a 15 SMA is a tie, no exit
    assert rows(s.short_exits) == [22]
    assert not s.long_entries.any()
    none = ComplacencyLow(lookback_years=0.1, days_per_year=200, exit_style="none")
    assert not none.signals(frame(vix_close=closes)).short_exits.any()


def test_complacency_low_lookback_in_rows() -> None:
    assert ComplacencyLow().warmup == 3 * 252 - 1
    assert ComplacencyLow(lookback_years=1.5, days_per_year=250).warmup == 374


# -- moving-average cross --------------------------------------------------------


def test_ma_cross_by_hand() -> None:
    # fast 2: -, 10, 10, 11.5, 11.5, 9, 8, 10;  slow 3: -, -, 10, 11, 11, 10.33, 8.67, 9.33
    closes = [10.0, 10.0, 10.0, 13.0, 10.0, 8.0, 8.0, 12.0]
    s = MaCross(fast=2, slow=3).signals(frame(vix_close=closes))
    # row 3 crosses from a tie (row 2) to above; row 7 crosses again
    assert rows(s.short_entries) == [3, 7]
    assert rows(s.short_exits) == [2, 5, 6]
    assert MaCross(fast=2, slow=3).warmup == 2


@pytest.mark.parametrize(("fast", "slow"), [(200, 50), (50, 50)])
def test_ma_cross_fast_must_be_faster(fast: int, slow: int) -> None:
    with pytest.raises(ValueError, match=rf"MaCross: fast={fast} must be smaller than "
                                         rf"slow={slow}"):
        MaCross(fast=fast, slow=slow)


# -- divergences -----------------------------------------------------------------


def test_jump_no_drop_by_hand() -> None:
    vix = [20.0, 25.0, 25.0, 31.26, 31.26, 40.0]
    spx = [100.0, 100.0, 100.0, 99.0, 99.0, 98.02]
    s = Divergence(jump_days=1).signals(frame(vix_close=vix, spx_close=spx))
    # row 1: VIX up exactly 25 % (tie); row 3: SPX down exactly 1 % (tie); row 5: both clear
    assert rows(s.short_entries) == [5]
    assert not s.short_exits.any() and not s.long_entries.any()


def test_up_days_by_hand() -> None:
    vix = [10.0, 11.0, 12.0, 11.0, 12.0, 13.0, 14.0]
    spx = [100.0, 100.5, 100.2, 100.4, 100.9, 101.5, 101.2]
    strat = Divergence(variant="up_days", up_window=3, up_count=2)
    # up days in the last 3: 2, 2, 2, 3 (rows 3..6); SPX over 3 days: .4 %, .4 %, 1.3 %, .8 %
    assert rows(strat.signals(frame(vix_close=vix, spx_close=spx)).short_entries) == [3, 4, 6]
    assert strat.warmup == 3


def test_up_count_cannot_exceed_window() -> None:
    with pytest.raises(ValueError, match="Divergence: up_count=12 cannot exceed up_window=11"):
        Divergence(variant="up_days", up_count=12)


def test_fear_after_high_by_hand() -> None:
    spx = [100.0, 101.0, 102.0, 101.0, 103.0, 103.0, 102.0]
    vix = [20.0, 20.0, 20.0, 23.0, 20.0, 22.0, 24.3]
    strat = Divergence(variant="fear_after_high", high_window=3)
    # 3-day highs at rows 2, 4 and 5 (a tie with row 4); VIX +15 % on row 3,
    # exactly +10 % on row 5 (not more), +10.45 % on row 6
    assert rows(strat.signals(frame(vix_close=vix, spx_close=spx)).short_entries) == [3, 6]


def _weak_fear_reference(vix: np.ndarray, spx: np.ndarray, d: int, frac: float,
                         w: int) -> list[bool]:
    lv, ls = np.log(vix), np.log(spx)
    dv, ds = np.diff(lv), np.diff(ls)  # dv[i] is the change into row i + 1
    out = []
    for t in range(len(vix)):
        ok = False
        if t >= max(w + 1, d) and all(spx[i] < spx[i - 1] for i in range(t - d + 1, t + 1)):
            slope = np.polyfit(ds[t - w - 1:t - 1], dv[t - w - 1:t - 1], 1)[0]
            usual = slope * (ls[t] - ls[t - d])
            ok = usual > 0 and (lv[t] - lv[t - d]) < frac * usual
        out.append(bool(ok))
    return out


def test_weak_fear_against_reference() -> None:
    rng = np.random.default_rng(11)
    r = rng.normal(-0.002, 0.01, 400)
    spx = 100 * np.exp(np.cumsum(r))
    vix = 20 * np.exp(np.cumsum(-4 * r + rng.normal(0, 0.03, 400)))
    strat = Divergence(variant="weak_fear", usual_window=30, down_days=3)
    got = list(strat.signals(frame(vix_close=vix, spx_close=spx)).short_entries)
    want = _weak_fear_reference(vix, spx, 3, 0.5, 30)
    assert got == want
    assert sum(want) >= 3


# -- residual surprise -----------------------------------------------------------


def _surprise_reference(vix: np.ndarray, spx: np.ndarray, w: int) -> np.ndarray:
    dv, ds = np.diff(np.log(vix)), np.diff(np.log(spx))
    z = np.full(len(vix), np.nan)
    for t in range(w + 1, len(vix)):
        x, y = ds[t - w - 1:t - 1], dv[t - w - 1:t - 1]  # the w changes before row t
        b, a = np.polyfit(x, y, 1)
        se = np.sqrt(np.sum((y - a - b * x) ** 2) / (w - 2))
        z[t] = (dv[t - 1] - a - b * ds[t - 1]) / se
    return z


def test_residual_surprise_against_reference() -> None:
    rng = np.random.default_rng(5)
    r = rng.normal(0, 0.01, 300)
    spx = 100 * np.exp(np.cumsum(r))
    vix = 20 * np.exp(np.cumsum(-5 * r + rng.normal(0, 0.04, 300)))
    want = _surprise_reference(vix, spx, 20)
    z = vix_surprise(vix, spx, 20)
    np.testing.assert_allclose(z, want, rtol=1e-9, atol=1e-12)
    s = ResidualSurprise(window=20, threshold=1.5).signals(frame(vix_close=vix, spx_close=spx))
    assert list(s.long_entries) == list(np.nan_to_num(want) > 1.5)
    assert list(s.short_entries) == list(np.nan_to_num(want) < -1.5)
    assert s.long_entries.sum() >= 3 and s.short_entries.sum() >= 3
    assert not s.long_exits.any() and not s.short_exits.any()
    assert ResidualSurprise(window=20).warmup == 21


def test_residual_surprise_of_a_pure_skew_move_is_zero() -> None:
    # VIX moves exactly -4x SPX (plus a fixed noise pattern): a day that follows the fitted
    # relation is no surprise; a day with an extra VIX jump is
    pattern = np.tile([0.01, -0.01, 0.0, 0.02, -0.02], 6)
    spx_r = np.tile([0.01, -0.005, 0.002, -0.01, 0.004, 0.0], 5)
    dv = -4 * spx_r + pattern
    dv[-1] += 0.2
    spx = 100 * np.exp(np.cumsum(np.r_[0.0, spx_r]))
    vix = 20 * np.exp(np.cumsum(np.r_[0.0, dv]))
    s = ResidualSurprise(window=20, threshold=3.0).signals(frame(vix_close=vix, spx_close=spx))
    assert rows(s.long_entries) == [len(vix) - 1]
    assert not s.short_entries.any()
