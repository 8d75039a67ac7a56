"""VX curve: front/second month, roll at expiry, days to expiry, 30-day constant maturity."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backtest.data.expirations import vx_expirations
from backtest.data.futures import (
    curve_wide,
    derive_front_months,
    long_from_continuous,
    long_from_contracts,
)
from backtest.data.manifest import read_manifest
from backtest.data.readers import read_file
from backtest.errors import DataRepairWarning

JAN, FEB, MAR, APR = (pd.Timestamp(d) for d in
                      ("2018-01-17", "2018-02-14", "2018-03-21", "2018-04-18"))


def contracts(rows: list[tuple[str, pd.Timestamp, float]]) -> pd.DataFrame:
    f = pd.DataFrame(rows, columns=["trade_date", "expiry", "settle"])
    f["trade_date"] = pd.to_datetime(f["trade_date"])
    f["final"] = f["trade_date"] == f["expiry"]
    return f


def test_front_second_and_vx30_arithmetic() -> None:
    c = contracts([
        ("2018-01-16", JAN, 11.775), ("2018-01-16", FEB, 12.0), ("2018-01-16", MAR, 13.0),
        ("2018-01-17", JAN, 11.66),  # expiration day: the SOQ row, not a traded settle
        ("2018-01-17", FEB, 12.5), ("2018-01-17", MAR, 13.2),
        ("2018-02-14", FEB, 14.0), ("2018-02-14", MAR, 15.0), ("2018-02-14", APR, 16.0),
    ])
    d = derive_front_months(long_from_contracts(c))
    # 2018-01-16: Jan is 1 day out, Feb 29, Mar 64 -> 30 days sits between Feb and Mar
    r = d.loc["2018-01-16"]
    assert (r["vx1"], r["vx2"], r["vx1_days"]) == (11.775, 12.0, 1.0)
    assert r["vx30"] == pytest.approx(34 / 35 * 12.0 + 1 / 35 * 13.0, abs=1e-12)
    # 2018-01-17 (Jan expiry): rolled, Feb is front (28 days), Mar 63 days
    r = d.loc["2018-01-17"]
    assert (r["vx1"], r["vx2"], r["vx1_days"]) == (12.5, 13.2, 28.0)
    assert r["vx30"] == pytest.approx(33 / 35 * 12.5 + 2 / 35 * 13.2, abs=1e-12)
    # 2018-02-14 (Feb expiry): Mar is 35 days out, beyond 30 -> vx30 is the front settle
    r = d.loc["2018-02-14"]
    assert (r["vx1"], r["vx2"], r["vx1_days"], r["vx30"]) == (15.0, 16.0, 35.0, 15.0)


def test_missing_front_contract_is_nan_not_substituted() -> None:
    c = contracts([("2018-01-10", FEB, 12.0), ("2018-01-10", MAR, 13.0)])
    d = derive_front_months(long_from_contracts(c))
    r = d.loc["2018-01-10"]
    assert np.isnan(r["vx1"]) and r["vx2"] == 12.0 and r["vx1_days"] == 7.0
    assert np.isnan(r["vx30"])  # 30 days sits between Jan (missing) and Feb


def test_continuous_mapping_rolls_on_expiry_day() -> None:
    wide = pd.DataFrame({"m1": [11.775, 12.5], "m2": [12.0, 13.2], "m3": [13.0, 14.0]},
                        index=pd.DatetimeIndex(["2018-01-16", "2018-01-17"], name="date"))
    long = long_from_continuous(wide)
    got = {(str(r.date.date()), str(r.expiry.date())): r.settle for r in long.itertuples()}
    assert got[("2018-01-16", "2018-01-17")] == 11.775
    assert got[("2018-01-17", "2018-02-14")] == 12.5
    assert got[("2018-01-17", "2018-03-21")] == 13.2
    curve = curve_wide(long)
    assert list(curve.columns) == [JAN, FEB, MAR, APR]
    assert np.isnan(curve.loc["2018-01-17", JAN])


def test_empty_input() -> None:
    empty = pd.DataFrame({"date": pd.Series(dtype="datetime64[ns]"),
                          "expiry": pd.Series(dtype="datetime64[ns]"),
                          "settle": pd.Series(dtype="float64")})
    d = derive_front_months(empty)
    assert d.empty and list(d.columns) == ["vx1", "vx2", "vx1_days", "vx30"]


def test_raw_contracts_reproduce_continuous_m1_m2(shared_data: Path) -> None:
    entries = {e.format: e for e in read_manifest(shared_data) if e.symbol == "VX"}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataRepairWarning)
        raw = read_file(entries["cfe-contracts-archive"].path, "cfe-contracts-archive")
        cont = read_file(entries["continuous-wide"].path, "continuous-wide")
    d_raw = derive_front_months(long_from_contracts(raw.frame))
    span = slice("2008-01-02", "2015-03-31")
    d_raw = d_raw.loc[span]
    m = cont.frame.loc[span]
    common = d_raw.index.intersection(m.index)
    assert len(common) == 1_824 == len(m)
    np.testing.assert_array_equal(d_raw.loc[common, "vx1"].to_numpy(),
                                  m.loc[common, "m1"].to_numpy())
    np.testing.assert_array_equal(d_raw.loc[common, "vx2"].to_numpy(),
                                  m.loc[common, "m2"].to_numpy())
    # the continuous table's own count of trading days to M1's last trading day is 0 on
    # the session before the final settlement date: that next session is our front expiry
    pos = np.flatnonzero(m["days_to_expiration"].to_numpy() == 0)
    pos = pos[pos + 1 < len(m)]
    expiry = m.index[pos] + pd.to_timedelta(d_raw.loc[m.index[pos], "vx1_days"], unit="D")
    assert len(pos) == 87  # one per monthly expiry 2008-01 .. 2015-03
    assert (pd.DatetimeIndex(expiry) == m.index[pos + 1]).all()


# --- property: derived columns use only settles dated on the day itself ----------------------

_DAYS = pd.bdate_range("2018-01-02", periods=90)
_EXP = vx_expirations("2018-01-01", "2019-06-30")


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, len(_DAYS) - 1), st.integers(0, 5)), max_size=300))
def test_derived_values_come_from_the_same_day(picks: list[tuple[int, int]]) -> None:
    rows = []
    for day_no, k in set(picks):
        d = _DAYS[day_no]
        expiry = _EXP[d < _EXP][k]
        # a settle that names its day and contract: 10 + day/100 + k/10000
        rows.append((d, expiry, 10 + day_no / 100 + k / 10_000))
    long = pd.DataFrame(rows, columns=["date", "expiry", "settle"])
    if long.empty:
        assert derive_front_months(long).empty
        return
    out = derive_front_months(long)
    have = {(r.date, r.expiry): r.settle for r in long.itertuples()}
    for d, r in out.iterrows():
        nxt = _EXP[d < _EXP]
        assert r["vx1_days"] == (nxt[0] - d).days
        for col, k in (("vx1", 0), ("vx2", 1)):
            want = have.get((d, nxt[k]))
            if want is None:
                assert np.isnan(r[col])
            else:
                assert r[col] == want
        if not np.isnan(r["vx30"]):
            same_day = [v for (dd, _), v in have.items() if dd == d]
            assert min(same_day) - 1e-12 <= r["vx30"] <= max(same_day) + 1e-12
