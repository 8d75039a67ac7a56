"""Spike reversal: exact signals of every variant on hand-built VIX series."""

from __future__ import annotations

import numpy as np
import pytest
from strategy_frames import frame, rows

from backtest.errors import MissingDataError
from strategies.spike_reversal import SpikeReversal


def test_pct_above_sma() -> None:
    # window 3: t=2 sma 20 (exit: tie), t=3 sma 22, 26 > 24.2 -> spike; t=4 sma 22.67, 22 -> exit
    data = frame(vix_close=[20.0, 20.0, 20.0, 26.0, 22.0])
    s = SpikeReversal(window=3).signals(data)
    assert rows(s.long_entries) == [3]
    assert rows(s.long_exits) == [2, 4]
    assert not s.short_entries.any()


def test_pct_above_sma_exact_tie() -> None:
    # (10.45 + 10.45 + 12.1) / 3 = 11 and 12.1 = 1.1 * 11 exactly: not more than 10 % above
    tie = frame(vix_close=[10.45, 10.45, 12.1])
    assert not SpikeReversal(window=3).signals(tie).long_entries.any()
    # one cent more is a spike
    over = frame(vix_close=[10.45, 10.45, 12.11])
    assert SpikeReversal(window=3).signals(over).long_entries.iloc[2]


def test_zscore() -> None:
    # window 3 on (1, 2, 3, 10): z = 1/sqrt(2/3) = 1.22 at t=2, 5/sqrt(38/3) = 1.40 at t=3
    data = frame(vix_close=[1.0, 2.0, 3.0, 10.0])
    assert rows(SpikeReversal(variant="zscore", window=3, z_threshold=1.3)
                .signals(data).long_entries) == [3]
    assert rows(SpikeReversal(variant="zscore", window=3, z_threshold=1.2)
                .signals(data).long_entries) == [2, 3]


def test_jump_with_tie() -> None:
    # (20, 22, 24): up exactly 20 % in two days -> a tie, not a jump; 24.01 is a jump
    assert not SpikeReversal(variant="jump").signals(
        frame(vix_close=[20.0, 22.0, 24.0])).long_entries.any()
    s = SpikeReversal(variant="jump", window=2).signals(frame(vix_close=[20.0, 22.0, 24.01]))
    assert rows(s.long_entries) == [2]
    # one-day version: 20 -> 25 is +25 %
    s1 = SpikeReversal(variant="jump", jump_days=1, window=2).signals(
        frame(vix_close=[20.0, 25.0, 26.0]))
    assert rows(s1.long_entries) == [1]


def test_rsi() -> None:
    # RSI(2) of (10, 11, 10, 12, 12) is 50 at t=2 and 100 - 100/6 = 83.3 at t=3, t=4
    data = frame(vix_close=[10.0, 11.0, 10.0, 12.0, 12.0])
    s = SpikeReversal(variant="rsi", window=2, rsi_period=2, rsi_threshold=80.0).signals(data)
    assert rows(s.long_entries) == [3, 4]
    s = SpikeReversal(variant="rsi", window=2, rsi_period=2, rsi_threshold=90.0).signals(data)
    assert not s.long_entries.any()


def test_turn_prior_close_and_open() -> None:
    # 3-day closing highs: t=3 (13) and t=4 (13, a tie with t=3 counts as the high)
    # t=4 closes 13, not below 13; t=5 closes 12 < 13 after the high of t=4 -> turn
    closes = [10.0, 12.0, 11.0, 13.0, 13.0, 12.0]
    s = SpikeReversal(variant="turn", turn_lookback=3, window=2).signals(frame(vix_close=closes))
    assert rows(s.long_entries) == [5]
    # confirmed by the open instead: t=4 closes 13 below its open 13.5 after the high of t=3
    opens = [10.0, 12.0, 11.0, 12.0, 13.5, 11.0]
    s = SpikeReversal(variant="turn", turn_lookback=3, window=2, turn_reference="open").signals(
        frame(vix_close=closes, vix_open=opens))
    assert rows(s.long_entries) == [4]


def test_turn_open_needs_vix_open() -> None:
    strat = SpikeReversal(variant="turn", turn_reference="open")
    assert strat.columns_needed() == ("vix_close", "vix_open")
    assert SpikeReversal(variant="turn").columns_needed() == ("vix_close",)
    with pytest.raises(MissingDataError, match=r"'spike_reversal' needs column\(s\) vix_open"):
        strat.signals(frame(vix_close=[1.0, 2.0, 3.0]))


def test_entry_day_is_never_an_exit() -> None:
    # a 2-day jump that still closes below the 10-day SMA: the entry wins that day
    closes = [30.0] * 9 + [10.0, 11.0, 12.5]
    s = SpikeReversal(variant="jump", jump_pct=0.2).signals(frame(vix_close=closes))
    assert rows(s.long_entries) == [11]
    assert not s.long_exits.iloc[11] and s.long_exits.iloc[10]


def test_warmup_covers_entry_and_exit() -> None:
    assert SpikeReversal().warmup == 9
    assert SpikeReversal(variant="jump").warmup == 9
    assert SpikeReversal(variant="rsi", rsi_period=14).warmup == 14
    assert SpikeReversal(variant="turn", turn_lookback=20).warmup == 20
    # an RSI(2) spike inside the SMA's warm-up is suppressed
    data = frame(vix_close=[10.0, 11.0, 10.0, 12.0, 12.0])
    s = SpikeReversal(variant="rsi", window=5, rsi_threshold=80.0).signals(data)
    assert rows(s.long_entries) == [4]


def test_mixed_variant_grid_matches_single_runs() -> None:
    rng = np.random.default_rng(7)
    closes = 20 * np.exp(np.cumsum(rng.normal(0, 0.08, 300)))
    data = frame(vix_close=closes, vix_open=closes * np.exp(rng.normal(0, 0.02, 300)))
    sets = [SpikeReversal(variant=v, window=w) for v in ("pct_above_sma", "zscore", "jump",
                                                         "rsi", "turn") for w in (6, 10)]
    sets.append(SpikeReversal(variant="turn", turn_reference="open"))
    grid = SpikeReversal.grid(data, sets)
    for i, s in enumerate(sets):
        single = s.signals(data)
        assert grid.column(i).long_entries.equals(single.long_entries)
        assert grid.column(i).long_exits.equals(single.long_exits)
    assert grid.long_entries.any().all()
