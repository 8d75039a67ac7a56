"""Stale opens, flat rows, stale flat rows, T-bill gaps and total-return glitches:
exact values on hand-built frames."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from backtest.data.rates import MAX_FILL_DAYS, fill_rate_gaps
from backtest.data.stale import (
    apply_stale_rules,
    drop_stale_rows,
    mark_stale,
    remove_stale_prices,
)
from backtest.data.table import ColumnSource
from backtest.data.totalreturn import repair_glitches
from backtest.errors import DataRepairWarning

NAN = np.nan


def _days(n: int, start: str = "2005-12-28") -> pd.DatetimeIndex:
    return pd.bdate_range(start, periods=n, name="date")


def test_mark_stale_open_and_flat() -> None:
    o = np.array([10.0, 11.0, 12.5, 12.0, 12.1, NAN, 13.0])
    h = np.array([11.0, 12.0, 13.0, 12.0, 12.5, 14.0, 14.0])
    lo = np.array([9.0, 10.0, 12.0, 12.0, 11.5, 12.0, 12.5])
    c = np.array([11.0, 12.5, 12.0, 12.0, 12.2, NAN, 13.5])
    stale, flat = mark_stale(o, h, lo, c)
    # day 1: open 11.0 == day 0 close; day 2: 12.5 == day 1 close; day 3 flat and
    # 12.0 == day 2 close; day 6: 13.0 vs last earlier close 12.2 (day 5 has none)
    assert stale.tolist() == [False, True, True, True, False, False, False]
    assert flat.tolist() == [False, False, False, True, False, False, False]
    # the previous close is the last close of an earlier day, skipping missing days
    stale2, _ = mark_stale(np.array([1.0, NAN, 2.0]), None, None, np.array([2.0, NAN, 3.0]))
    assert stale2.tolist() == [False, False, True]


def test_float32_noise_counts_as_equal_but_a_cent_does_not() -> None:
    prev = 1255.12
    noisy = float(np.float32(prev))  # 1255.1199951171875
    stale, _ = mark_stale(np.array([NAN, noisy]), None, None, np.array([prev, 1260.0]))
    assert stale.tolist() == [False, True]
    stale, _ = mark_stale(np.array([NAN, prev + 0.01]), None, None, np.array([prev, 1260.0]))
    assert stale.tolist() == [False, False]


def test_remove_stale_prices_counts_per_column_and_year() -> None:
    idx = _days(5)  # 2005-12-28 .. 2006-01-03
    frame = pd.DataFrame({
        "spx_open": [100.0, 101.0, 101.0, 102.0, 103.0],
        "spx_high": [101.0, 102.0, 101.0, 104.0, 104.0],
        "spx_low": [99.0, 100.0, 101.0, 101.0, 102.5],
        "spx_close": [101.0, 101.5, 101.0, 103.0, 103.5],
    }, index=idx)
    out, counts = remove_stale_prices(frame, "spx")
    # day 1 (2005-12-29): open 101 == previous close 101 -> stale
    # day 2 (2005-12-30): O=H=L=C=101 -> flat (open, high, low removed; close kept)
    # day 4 (2006-01-03): open 103 == previous close 103 -> stale
    assert np.isnan(out["spx_open"].to_numpy()).tolist() == [False, True, True, False, True]
    assert np.isnan(out["spx_high"].to_numpy()).tolist() == [False, False, True, False, False]
    assert np.isnan(out["spx_low"].to_numpy()).tolist() == [False, False, True, False, False]
    assert out["spx_close"].tolist() == frame["spx_close"].tolist()
    assert counts.stale_open == {2005: 1, 2006: 1}
    assert counts.flat == {2005: 1}
    assert counts.removed == {"spx_open": {2005: 2, 2006: 1}, "spx_high": {2005: 1},
                              "spx_low": {2005: 1}}
    assert counts.total("spx_open") == 3
    assert counts.first_stale == pd.Timestamp("2005-12-29")
    assert frame["spx_open"].notna().all()  # the input is not modified


def test_apply_stale_rules_updates_sources_and_warns() -> None:
    idx = _days(3)
    frame = pd.DataFrame({"ndx_open": [10.0, 11.0, 11.5], "ndx_close": [11.0, 11.2, 11.4]},
                         index=idx)
    sources = {"ndx_open": ColumnSource("ndx_open", "test", path="ndx.csv", repairs=2)}
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        out, src, counts = apply_stale_rules(frame, sources)
    assert np.isnan(out.loc[idx[1], "ndx_open"]) and out.loc[idx[2], "ndx_open"] == 11.5
    assert src["ndx_open"].repairs == 3 and src["ndx_open"].repairs_by_year == ((2005, 1),)
    assert "1 open(s) removed as not real" in src["ndx_open"].notes[-1]
    [w] = [w.message for w in rec if isinstance(w.message, DataRepairWarning)]
    assert (w.source, w.column, w.count, w.by_year) == ("ndx.csv", "ndx_open", 1, {2005: 1})
    assert [c.group for c in counts] == ["ndx"]


def test_drop_stale_rows_only_among_real_rows() -> None:
    idx = _days(6)
    frame = pd.DataFrame({
        "open": [20.0, 21.0, 21.5, 22.0, 22.0, 22.0],
        "high": [21.0, 22.0, 21.5, 23.0, 22.0, 22.0],
        "low": [19.0, 20.5, 21.5, 21.0, 22.0, 22.0],
        "close": [21.0, 21.5, 21.5, 22.0, 22.0, 22.0],
    }, index=idx)
    out, dropped = drop_stale_rows(frame)
    # day 2 is flat and repeats day 1's close after a real row: stale, dropped;
    # day 4 is flat and repeats day 3's close: dropped; day 5 follows a flat row: kept
    assert list(dropped) == [idx[2], idx[4]]
    assert list(out.index) == [idx[0], idx[1], idx[3], idx[5]]
    # a close-only file (every row flat) loses nothing
    flat = pd.DataFrame({c: [5.0, 5.0, 5.0] for c in ("open", "high", "low", "close")},
                        index=_days(3))
    assert len(drop_stale_rows(flat)[1]) == 0


def test_rate_gaps_filled_from_earlier_days_only() -> None:
    idx = _days(12)
    vals = [1.0, NAN, 1.2, NAN, NAN, 1.3, *([NAN] * (MAX_FILL_DAYS + 1)), 1.5]
    filled, days = fill_rate_gaps(pd.Series(vals[:12], index=idx))
    expected = [1.0, 1.0, 1.2, 1.2, 1.2, 1.3, *([NAN] * (MAX_FILL_DAYS + 1))]
    np.testing.assert_array_equal(filled.to_numpy(), np.array(expected))
    assert list(days) == [idx[1], idx[3], idx[4]]
    # nothing before the first value, nothing after the last
    lead = pd.Series([NAN, 2.0, NAN, 2.1, NAN], index=_days(5))
    np.testing.assert_array_equal(fill_rate_gaps(lead)[0].to_numpy(),
                                  np.array([NAN, 2.0, 2.0, 2.1, NAN]))
    # a negative rate is a rate
    neg = pd.Series([-0.05, NAN, 0.0], index=_days(3))
    assert fill_rate_gaps(neg)[0].tolist() == [-0.05, -0.05, 0.0]


def test_total_return_glitch_repaired_and_two_day_return_kept() -> None:
    idx = _days(6)
    price = pd.Series([100.0, 101.0, 100.0, 101.0, 102.0, 103.0], index=idx)
    # true TR = price * 1.0001 a day (dividends); day 2 misprinted -2 %, caught up day 3
    tr_true = price * 1.0001 ** np.arange(6)
    tr = tr_true.copy()
    tr.iloc[2] = tr.iloc[1] * 0.98
    fixed, days = repair_glitches(tr, price)
    assert list(days) == [idx[2]]
    assert fixed.iloc[2] == pytest.approx(tr.iloc[1] * 100.0 / 101.0, rel=1e-15)
    assert fixed.iloc[3] / fixed.iloc[1] == pytest.approx(tr.iloc[3] / tr.iloc[1], rel=1e-15)
    others = [0, 1, 3, 4, 5]
    assert fixed.iloc[others].tolist() == tr.iloc[others].tolist()
    # a large move that is not reversed the next day is not a glitch
    tr2 = tr_true.copy()
    tr2.iloc[2:] *= 1.01
    assert len(repair_glitches(tr2, price)[1]) == 0
