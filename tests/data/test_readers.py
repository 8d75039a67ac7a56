"""Each reader on the real files of ../shared/data, plus layout detection."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from backtest.data.manifest import read_manifest
from backtest.data.readers import FORMATS, RawFile, detect_format, guess_symbol, read_file
from backtest.errors import DataRepairWarning

MANIFEST_FORMATS = ("cboe-index", "cboe-single", "yahoo-classic", "yahoo-ohlcv-lowercase",
                    "ohlc-iso", "continuous-wide", "cfe-contracts-archive")


def _read(path: Path, fmt: str | None = None, symbol: str | None = None) -> RawFile:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataRepairWarning)
        return read_file(path, fmt, symbol)


@pytest.fixture(scope="module")
def entries(shared_data: Path) -> dict[str, Path]:
    return {e.path.relative_to(shared_data.resolve()).as_posix(): e.path
            for e in read_manifest(shared_data)}


def test_formats_cover_manifest_and_extra_layouts() -> None:
    for f in (*MANIFEST_FORMATS, "cfe-contract", "fred"):
        assert f in FORMATS


def test_detect_format_matches_manifest(shared_data: Path) -> None:
    for e in read_manifest(shared_data):
        assert detect_format(e.path) == e.format, e.path.name


def test_guess_symbol_matches_manifest(shared_data: Path) -> None:
    for e in read_manifest(shared_data):
        assert guess_symbol(e.path) == e.symbol, e.path.name


@pytest.mark.parametrize(("name", "symbol"), [
    ("VIX_History.csv", "VIX"), ("VIX3M_History.csv", "VIX3M"), ("VVIX_History.csv", "VVIX"),
    ("VIX9D_History.csv", "VIX9D"), ("VIX6M_History.csv", "VIX6M"), ("^GSPC.csv", "SPX"),
    ("CFE_F08_VX.csv", "VX"), ("VX_2018-02.csv", "VX"), ("VIXCLS.csv", "VIX"),
    ("vxv_daily_yahoo_2006_2017.csv", "VXV"), ("vix_futures.csv", "VX"),
    ("prices.csv", None),
])
def test_guess_symbol_names(name: str, symbol: str | None) -> None:
    assert guess_symbol(name) == symbol


def test_yahoo_ohlcv_lowercase_spx(entries: dict[str, Path]) -> None:
    raw = _read(entries["spx_daily.csv"])
    f = raw.frame
    assert raw.format == "yahoo-ohlcv-lowercase" and raw.symbol == "SPX"
    assert list(f.columns) == ["open", "high", "low", "close", "volume"]
    assert f.index.name == "date" and f.index.is_unique and f.index.is_monotonic_increasing
    assert len(f) == 24_777
    assert f.index[0] == pd.Timestamp("1927-12-30") and f.index[-1] == pd.Timestamp("2026-08-21")
    assert round(f.loc["2009-03-09", "close"], 2) == 676.53
    assert round(f.loc["2020-03-23", "close"], 2) == 2237.40
    # the 2023-05-24 Yahoo volume glitch (0) is "not reported", not a number
    assert np.isnan(f.loc["2023-05-24", "volume"])


def test_yahoo_classic_spx_zero_opens_removed(entries: dict[str, Path]) -> None:
    with pytest.warns(DataRepairWarning, match="5075 non-positive open"):
        raw = read_file(entries["spx_daily_yahoo_adjclose_1927_2023.csv"])
    f = raw.frame
    assert raw.format == "yahoo-classic"
    assert "adj_close" in f.columns and len(f) == 24_114
    assert raw.repair_counts["open"] == 5075
    assert f["open"].isna().sum() == 5075
    assert f.loc["2023-05-24", "volume"] == 3_739_160_000
    assert (f["adj_close"] == f["close"]).all()


def test_yahoo_classic_old_column_order_vxv(entries: dict[str, Path]) -> None:
    raw = _read(entries["vxv_daily_yahoo_2006_2017.csv"])
    assert raw.format == "yahoo-classic" and raw.symbol == "VXV"
    assert len(raw.frame) == 2_637
    assert raw.frame.loc["2006-07-17", "close"] == 18.05
    assert raw.frame.loc["2014-10-15", "close"] == 22.77


def test_ohlc_iso_and_cboe_index_vix_identical(entries: dict[str, Path]) -> None:
    iso = _read(entries["vix_daily.csv"])
    cboe = _read(entries["cboe/VIX_History.csv"])
    assert iso.format == "ohlc-iso" and cboe.format == "cboe-index"
    assert len(iso.frame) == 9_235 and len(cboe.frame) == 9_234
    assert iso.frame.loc["2020-03-16", "close"] == 82.69
    assert cboe.frame.loc["2018-02-05", "close"] == 37.32
    common = iso.frame.index.intersection(cboe.frame.index)
    assert len(common) == 9_234
    pd.testing.assert_frame_equal(iso.frame.loc[common], cboe.frame.loc[common])


def test_vix_opens_outside_range_removed_with_warning(entries: dict[str, Path]) -> None:
    with pytest.warns(DataRepairWarning, match=r"47 open\(s\) outside \[low, high\]"):
        raw = read_file(entries["cboe/VIX_History.csv"])
    assert raw.repair_counts["open"] == 47
    f = raw.frame
    # PROVENANCE: 2004-11-08 had OPEN 2.58, far below the day's low
    assert np.isnan(f.loc["2004-11-08", "open"])
    assert not np.isnan(f.loc["2004-11-08", "close"])
    ok = f.dropna()
    assert ((ok["open"] >= ok["low"]) & (ok["open"] <= ok["high"])).all()


@pytest.mark.parametrize(("path", "first", "rows", "date", "value"), [
    ("vix3m_daily.csv", "2009-09-18", 4_235, "2018-02-05", 28.13),
    ("vix9d_daily.csv", "2011-01-04", 3_909, "2020-03-16", 106.66),
    ("vix6m_daily.csv", "2008-01-02", 4_607, "2008-01-02", 24.36),
])
def test_cboe_index_files(entries: dict[str, Path], path: str, first: str, rows: int,
                          date: str, value: float) -> None:
    raw = _read(entries[path])
    assert raw.format == "cboe-index"
    assert raw.frame.index[0] == pd.Timestamp(first) and len(raw.frame) == rows
    assert raw.frame.loc[date, "close"] == value


def test_cboe_single_vvix(entries: dict[str, Path]) -> None:
    raw = _read(entries["vvix_daily.csv"])
    assert raw.format == "cboe-single" and list(raw.frame.columns) == ["close"]
    assert len(raw.frame) == 5_066
    assert raw.frame.loc["2020-03-16", "close"] == 207.59
    assert raw.frame.loc["2006-03-15", "close"] == 15.71


def test_continuous_wide(entries: dict[str, Path]) -> None:
    raw = _read(entries["vx_futures/vx_continuous_m1_m7_2004_2024.csv"])
    f = raw.frame
    assert raw.format == "continuous-wide"
    assert list(f.columns) == [*(f"m{i}" for i in range(1, 8)), "days_to_expiration"]
    assert len(f) == 5_227 and not f.isna().any().any()
    assert f.loc["2018-02-05", "m1"] == 33.225
    assert f.loc["2020-03-16", "m1"] == 72.625


def test_cfe_archive(entries: dict[str, Path]) -> None:
    with pytest.warns(DataRepairWarning, match="314 row"):
        raw = read_file(entries["vx_futures/cfe_vx_contracts_2008_2015.tar.gz"])
    f = raw.frame
    assert raw.format == "cfe-contracts-archive" and raw.symbol == "VX"
    # 17,208 data rows, 314 zero settles skipped
    assert len(f) == 17_208 - 314
    assert raw.repair_counts["settle"] == 314
    assert f["expiry"].nunique() == 96
    assert (f["settle"] > 0).all()
    assert not f.duplicated(["trade_date", "expiry"]).any()
    # x10 scale before 2007-03-26: G08 settled 153.90 on 2007-02-20 in the file
    g08 = f.loc[f["contract"] == "G (Feb 08)"].set_index("trade_date")
    assert g08.loc["2007-02-20", "settle"] == pytest.approx(15.39, abs=1e-12)
    assert g08.loc["2007-03-26", "settle"] == 15.01
    # the SOQ row on the final settlement day is flagged
    f08 = f.loc[f["contract"] == "F (Jan 08)"].set_index("trade_date")
    assert f08.loc["2008-01-16", "final"] and f08.loc["2008-01-16", "settle"] == 24.18
    assert not f08.loc["2008-01-15", "final"]
    assert int(f["final"].sum()) == 87  # one per expired contract


def test_cfe_single_member_with_disclaimer(tmp_path: Path, entries: dict[str, Path]) -> None:
    import tarfile

    with tarfile.open(entries["vx_futures/cfe_vx_contracts_2008_2015.tar.gz"]) as tf:
        member = next(m for m in tf.getmembers() if m.name.endswith("CFE_H14_VX.csv"))
        fh = tf.extractfile(member)
        assert fh is not None
        data = fh.read()
    assert data.startswith(b"CFE data is compiled")
    p = tmp_path / "CFE_H14_VX.csv"
    p.write_bytes(data)
    assert detect_format(p) == "cfe-contract"
    raw = _read(p)
    assert raw.symbol == "VX"
    assert (raw.frame["expiry"] == pd.Timestamp("2014-03-18")).all()
    last = raw.frame.iloc[-1]
    assert last["trade_date"] == pd.Timestamp("2014-03-18") and last["final"]
    assert last["settle"] == 15.46
    assert any("disclaimer" in m for m in raw.repairs)
