"""Alignment and splice rules (see backtest.data.align), including a property test that
no value lands on a day before the day it is dated."""

from __future__ import annotations

import tempfile
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backtest.data import load_market_data
from backtest.data.align import SpliceInput, align_to_calendar, compare_overlap, splice
from backtest.errors import DataRepairWarning


def s(values: dict[str, float]) -> pd.Series:
    return pd.Series(list(values.values()), index=pd.DatetimeIndex(list(values)), dtype=float)


def test_align_drops_off_calendar_rows_and_never_fills() -> None:
    cal = pd.DatetimeIndex(["2020-01-02", "2020-01-03", "2020-01-06", "2020-01-07"])
    src = s({"2020-01-02": 1.0, "2020-01-04": 2.0, "2020-01-07": 3.0})
    aligned, dropped = align_to_calendar(src, cal)
    assert list(dropped) == [pd.Timestamp("2020-01-04")]
    assert aligned.index.equals(cal)
    np.testing.assert_array_equal(aligned.to_numpy(), [1.0, np.nan, np.nan, 3.0])


def test_splice_primary_is_latest_reaching_and_others_fill_holes_only() -> None:
    old = s({"2020-01-01": 10.0, "2020-01-02": 11.0, "2020-01-03": 99.0, "2020-01-06": 13.0})
    new = s({"2020-01-02": 11.0, "2020-01-03": 12.0, "2020-01-07": 14.0})
    res = splice([SpliceInput(old, "old.csv"), SpliceInput(new, "new.csv")])
    assert res.used == ("new.csv", "old.csv")
    assert res.series.to_dict() == {pd.Timestamp("2020-01-01"): 10.0,
                                    pd.Timestamp("2020-01-02"): 11.0,
                                    pd.Timestamp("2020-01-03"): 12.0,
                                    pd.Timestamp("2020-01-06"): 13.0,
                                    pd.Timestamp("2020-01-07"): 14.0}
    notes = " | ".join(res.notes)
    assert "primary source: new.csv" in notes
    assert ("old.csv disagrees with the values used on 1 of 2 common date(s) (largest "
            "difference 87 on 2020-01-03)") in notes
    assert "old.csv fills 2 date(s) (2020-01-01...2020-01-06)" in notes


def test_splice_before_restriction() -> None:
    vix3m = s({"2009-09-18": 26.54, "2009-09-21": 26.23})
    vxv = s({"2009-09-16": 25.0, "2009-09-17": 25.5, "2009-09-18": 30.0, "2009-09-22": 27.0})
    res = splice([SpliceInput(vix3m, "vix3m"),
                  SpliceInput(vxv, "vxv", before=pd.Timestamp("2009-09-18"))],
                 order_by_reach=False)
    # VXV reaches later but only supplies days before VIX3M starts; its 09-22 is not used
    assert list(res.series.index.strftime("%m-%d")) == ["09-16", "09-17", "09-18", "09-21"]
    assert res.series["2009-09-18"] == 26.54
    # the overlap is still compared, over the whole restricted series
    assert any("vxv disagrees with the values used on 1 of 1 common date(s) (largest difference "
            "3.46 on 2009-09-18)" in n for n in res.notes)


def test_compare_overlap_counts() -> None:
    a = s({"2020-01-02": 1.0, "2020-01-03": 2.0, "2020-01-06": 3.0})
    b = s({"2020-01-03": 2.0, "2020-01-06": 3.5, "2020-01-07": 1.0})
    assert compare_overlap(a, b) == (2, 1, pd.Timestamp("2020-01-06"), 0.5)


# --- property: the aligned table never carries a value from a later (or earlier) day ---------

_DAYS = pd.bdate_range("2020-01-01", periods=60)


@st.composite
def _sources(draw: st.DrawFn) -> tuple[list[int], list[int], list[int]]:
    n = len(_DAYS)
    spx = sorted(draw(st.sets(st.integers(0, n - 1), min_size=1, max_size=n)))
    vix = sorted(draw(st.sets(st.integers(0, n - 1), max_size=n)))
    vx = sorted(draw(st.sets(st.integers(0, n - 1), max_size=n)))
    return spx, vix, vx


def _code(i: int, base: float) -> float:
    # a value that names its own source day: base + day number / 1000
    return round(base + i / 1000.0, 6)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_sources())
def test_aligned_values_come_from_the_same_day(src: tuple[list[int], list[int], list[int]]
                                               ) -> None:
    spx, vix, vx = src
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        rows = [f"{_DAYS[i].date()},{_code(i, 100)},{_code(i, 100)},{_code(i, 100)},"
                f"{_code(i, 100)},1000" for i in spx]
        (root / "spx.csv").write_text("date,open,high,low,close,volume\n" + "\n".join(rows))
        # real-looking VIX rows (not flat: a flat row's open is removed as not real)
        rows = [f"{_DAYS[i].date()},{_code(i, 20)},{_code(i, 25)},{_code(i, 15)},"
                f"{_code(i, 20)}" for i in vix]
        (root / "vix.csv").write_text("DATE,OPEN,HIGH,LOW,CLOSE\n" + "\n".join(rows))
        rows = [f"{_DAYS[i].date()},{_code(i, 30)},{_code(i, 40)},{_code(i, 50)},5"
                for i in vx]
        (root / "vx.csv").write_text("Date,M1,M2,M3,days_to_expiration\n" + "\n".join(rows))
        manifest = ["path,symbol,format", "spx.csv,SPX,yahoo-ohlcv-lowercase"]
        if vix:
            manifest.append("vix.csv,VIX,ohlc-iso")
        if vx:
            manifest.append("vx.csv,VX,continuous-wide")
        (root / "manifest.csv").write_text("\n".join(manifest) + "\n")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DataRepairWarning)
            frame = load_market_data(root).frame
    assert list(frame.index) == [_DAYS[i] for i in spx]
    day_no = {d: i for i, d in enumerate(_DAYS)}
    checks = {"spx_close": 100.0, "vix_close": 20.0, "vix_open": 20.0, "vx1": 30.0,
              "vx2": 40.0}
    sources = {"spx_close": set(spx), "vix_close": set(vix), "vix_open": set(vix),
               "vx1": set(vx), "vx2": set(vx)}
    for col, base in checks.items():
        if col not in frame:
            assert not sources[col]
            continue
        for d, v in frame[col].items():
            i = day_no[pd.Timestamp(d)]
            if np.isnan(v):
                assert i not in sources[col], (col, d)  # a missing value only if no source row
            else:
                src_day = round((v - base) * 1000)
                assert src_day == i, (col, d, v)  # never a later (or earlier) day's value
        # and every source row on an SPX day made it in
        for i in sources[col] & set(spx):
            assert not np.isnan(frame.loc[_DAYS[i], col])
