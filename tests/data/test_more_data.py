"""The new columns on the real history (``more/``) and the stale-open rule over decades."""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from backtest.data import data_info, load_market_data
from backtest.data.readers import read_file
from backtest.data.table import MarketTable
from backtest.data.totalreturn import GLITCH_THRESHOLD
from backtest.errors import DataRepairWarning

NEW_SPANS = {
    "vxo": ("1986-01-02", "2021-09-23"),
    "skew": ("1990-01-02", "2026-07-22"),
    "spxtr": ("1988-01-04", "2024-02-16"),
    "dtb3": ("1954-01-04", "2025-05-02"),
    "ndx_open": ("1985-10-01", "2026-07-13"),
    "ndx_close": ("1985-10-01", "2026-07-13"),
    "vxn_open": ("2009-09-14", "2025-10-03"),
    "vxn_close": ("2001-02-02", "2025-10-03"),
}


def test_new_columns_and_spans(full_table_more: MarketTable) -> None:
    for col, (first, last) in NEW_SPANS.items():
        src = full_table_more.sources[col]
        assert (str(src.first.date()), str(src.last.date())) == (first, last), col
    f = full_table_more.frame
    assert f.loc["1987-10-19", "vxo"] == 150.19 and f.loc["1987-10-16", "vxo"] == 36.37
    assert f.loc["2020-03-16", "vxn_close"] == 80.08
    assert f.loc["2021-06-23", "skew"] == 154.85
    assert f.loc["2000-05-16", "dtb3"] == 6.02 and f.loc["2020-03-26", "dtb3"] == -0.05
    assert round(f.loc["2009-03-09", "spxtr"], 2) == 1095.04
    assert round(f.loc["2000-03-27", "ndx_close"], 2) == 4704.73
    text = data_info(full_table_more).summary()
    for col in NEW_SPANS:
        assert re.search(rf"^{col} +\d{{4}}-\d\d-\d\d", text, re.M), col


@pytest.mark.slow
def test_no_open_equals_the_previous_close(full_table_more: MarketTable) -> None:
    f = full_table_more.frame
    for g in ("spx", "ndx", "vix", "vxn"):
        o = f[f"{g}_open"]
        prev = f[f"{g}_close"].ffill().shift(1)
        assert not (o == prev).any(), g
        assert not ((o - prev).abs() <= 1e-7 * prev.abs()).any(), g
    # before 2007 the SPX opens left are real: not one equals the previous close, and the
    # removed ones are counted per year (1996-2005: 95-98 % of the days)
    pre = f.loc[:"2006-12-31"]
    assert not (pre["spx_open"] == pre["spx_close"].shift(1)).any()
    years = dict(full_table_more.sources["spx_open"].repairs_by_year)
    days = f["spx_close"].groupby(f.index.year).size()
    for y in range(1996, 2006):
        assert 0.94 <= years[y] / days[y] <= 0.99, y
    assert years.get(2016, 0) == 0 and days[2016] > 250


def test_stale_flat_rows_give_way_to_the_other_file(full_table_more: MarketTable) -> None:
    f = full_table_more.frame
    # CBOE VXN repeats 17.81 on 2010-04-27 (O=H=L=C): dropped, FRED's 21.30 used
    assert f.loc["2010-04-27", "vxn_close"] == 21.30
    assert np.isnan(f.loc["2010-04-27", "vxn_open"])
    # Yahoo VXO's stale 2010-03-03: FRED's 18.11; 1986-05-15 is missing in FRED too
    assert f.loc["2010-03-03", "vxo"] == 18.11
    assert np.isnan(f.loc["1986-05-15", "vxo"])


def test_vxn_sunday_value_is_not_moved(full_table_more: MarketTable) -> None:
    f = full_table_more.frame
    assert pd.Timestamp("2003-08-24") not in f.index
    assert np.isnan(f.loc["2003-08-22", "vxn_close"])  # FRED's '.' Friday stays missing
    assert f.loc["2003-08-25", "vxn_close"] == 27.12
    notes = " ".join(full_table_more.sources["vxn_close"].notes)
    assert "dated on a weekend (2003-08-24) dropped, not moved" in notes


def test_dtb3_fills_only_from_earlier_spx_days(full_table_more: MarketTable,
                                               full_data_dir_more: Path) -> None:
    f = full_table_more.frame
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataRepairWarning)
        raw = read_file(full_data_dir_more / "more" / "dtb3_fred_1954_2025.csv").frame["close"]
    rate = f["dtb3"].loc["1954-01-04":"2025-05-02"]
    assert rate.notna().all()
    published = raw.reindex(rate.index)
    same = published.notna()
    assert (rate[same] == published[same]).all()
    # every other day has the last rate published on an earlier SPX day
    last_earlier = published.ffill()
    assert (rate[~same] == last_earlier[~same]).all() and (~same).sum() == 186
    assert f.loc["2024-10-14", "dtb3"] == 4.53  # Columbus Day: Friday's rate
    assert pd.Timestamp("2025-01-09") not in f.index  # a rate on an NYSE holiday is dropped


def test_dtb3_holiday_value_not_carried(tmp_path: Path) -> None:
    (tmp_path / "spx.csv").write_text(
        "date,open,high,low,close,volume\n2024-03-27,1,2,0.5,1.5,1\n2024-03-28,1.6,2,0.5,1.7,1\n"
        "2024-04-01,1.8,2,0.5,1.9,1\n2024-04-02,1.95,2,0.5,1.99,1\n")
    # Good Friday 2024-03-29 has a rate; Monday 2024-04-01 has none
    (tmp_path / "DTB3.csv").write_text("observation_date,DTB3\n2024-03-27,5.20\n2024-03-28,5.21\n"
                                       "2024-03-29,5.30\n2024-04-01,\n2024-04-02,5.22\n")
    (tmp_path / "manifest.csv").write_text("path,symbol,format\nspx.csv,SPX,yahoo-ohlcv-lowercase\n"
                                           "DTB3.csv,DTB3,fred\n")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataRepairWarning)
        f = load_market_data(tmp_path).frame
    assert f["dtb3"].tolist() == [5.20, 5.21, 5.21, 5.22]


def test_spxtr_glitches_repaired(full_table_more: MarketTable, full_data_dir_more: Path) -> None:
    f = full_table_more.frame.loc["1988-01-04":"2024-02-16"]
    d = f["spxtr"].pct_change() - f["spx_close"].pct_change()
    assert d.abs().max() < GLITCH_THRESHOLD
    src = full_table_more.sources["spxtr"]
    assert src.repairs == 6
    assert any("(1988-03-01, 1989-06-22, 1990-01-24, 2014-12-09, 2019-03-12, 2019-07-03)" in n
               for n in src.notes)
    # the two-day total return around each glitch is Yahoo's own; other days are as read
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataRepairWarning)
        raw = read_file(full_data_dir_more / "more" / "sp500tr_yahoo_1988_2024.csv"
                        ).frame["close"].reindex(f.index)
    fixed = f["spxtr"]
    days = pd.DatetimeIndex(["1988-03-01", "1989-06-22", "1990-01-24", "2014-12-09",
                             "2019-03-12", "2019-07-03"])
    pos = f.index.get_indexer(days)
    np.testing.assert_allclose(fixed.iloc[pos + 1].to_numpy() / fixed.iloc[pos - 1].to_numpy(),
                               raw.iloc[pos + 1].to_numpy() / raw.iloc[pos - 1].to_numpy(),
                               rtol=1e-15)
    assert (fixed.drop(days) == raw.drop(days)).all()
    assert round(raw.loc["1990-01-24"] / raw.loc["1990-01-23"] - 1, 4) == -0.0222
    # dividends: about 2.3 %/yr over 1990-2020
    yrs = f.loc["1990-01-01":"2020-12-31"]
    n = (yrs.index[-1] - yrs.index[0]).days / 365.25
    tr = (yrs["spxtr"].iloc[-1] / yrs["spxtr"].iloc[0]) ** (1 / n)
    pr = (yrs["spx_close"].iloc[-1] / yrs["spx_close"].iloc[0]) ** (1 / n)
    assert 0.022 < tr - pr < 0.024


@pytest.mark.slow
def test_raw_vx_contracts_equal_the_continuous_table_over_the_whole_overlap(
        full_data_dir_more: Path) -> None:
    from backtest.data.futures import derive_front_months, long_from_contracts

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataRepairWarning)
        old = read_file(full_data_dir_more / "vx_futures" / "cfe_vx_contracts_2008_2015.tar.gz")
        new = read_file(full_data_dir_more / "more" / "vx_futures" /
                        "cfe_vx_contracts_2015_2017.tar.gz")
        cont = read_file(full_data_dir_more / "vx_futures" /
                         "vx_continuous_m1_m7_2004_2024.csv").frame
    assert new.format == "cfe-contracts-archive" and len(new.frame) == 5_201
    both = pd.concat([old.frame, new.frame], ignore_index=True)
    # the two archives agree on every row they share (the 2015 contracts)
    shared = both[both.duplicated(["trade_date", "expiry"], keep=False)]
    assert len(shared) == 2 * 810
    assert not shared.drop_duplicates(["trade_date", "expiry", "settle"]).duplicated(
        ["trade_date", "expiry"]).any()
    long = long_from_contracts(both.drop_duplicates(["trade_date", "expiry"]))
    d = derive_front_months(long)
    d = d.loc[d["vx1"].notna() & d["vx2"].notna()]
    common = d.index.intersection(cont.index)
    assert len(common) == 2_326
    assert (common[0], common[-1]) == (pd.Timestamp("2007-12-19"), pd.Timestamp("2017-03-16"))
    np.testing.assert_array_equal(d.loc[common, "vx1"].to_numpy(), cont.loc[common, "m1"])
    np.testing.assert_array_equal(d.loc[common, "vx2"].to_numpy(), cont.loc[common, "m2"])
    # the 2015-2017 archive alone: 493 days from 2015-04-02
    tail = common[common >= pd.Timestamp("2015-04-02")]
    assert len(tail) == 493
