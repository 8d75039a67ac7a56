"""The readers of the ``more/`` layouts, each on its real file, and their bad input."""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from backtest.data.readers import detect_format, guess_symbol, read_file
from backtest.errors import DataError, DataRepairWarning


@pytest.fixture(scope="module")
def more(shared_data: Path) -> Path:
    p = shared_data / "more"
    if not (p / "files.csv").is_file():
        pytest.skip(f"needs the real data files of {p}")
    return p


def _read(path: Path, symbol: str | None = None):  # type: ignore[no-untyped-def]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataRepairWarning)
        return read_file(path, symbol=symbol)


def test_every_file_is_detected_as_listed(more: Path) -> None:
    listing = pd.read_csv(more / "files.csv")
    for row in listing.itertuples():
        if row.format == "cfe-contracts-archive":
            continue
        assert detect_format(more / row.path) == row.format, row.path
        assert guess_symbol(more / row.path) == row.symbol, row.path


def test_short_yfinance_header(more: Path) -> None:
    raw = _read(more / "vxo_yahoo_lowercase_1986_2021.csv")
    f = raw.frame
    assert raw.format == "yahoo-ohlcv-short" and raw.symbol == "VXO"
    assert list(f.columns) == ["open", "high", "low", "close", "volume"]
    assert len(f) == 8_998 and f.index[0] == pd.Timestamp("1986-01-02")
    assert f.index[-1] == pd.Timestamp("2021-09-23")
    assert f.loc["1987-10-19", "close"] == 150.19 and f.loc["2020-03-16", "close"] == 93.85
    assert f["volume"].isna().sum() == 8_911  # v = 0 is "not reported"


def test_fred_observation_date_with_empty_fields(more: Path) -> None:
    raw = _read(more / "dtb3_fred_1954_2025.csv")
    f = raw.frame["close"]
    assert raw.format == "fred" and raw.symbol == "DTB3"
    assert len(f) == 17_825  # 785 empty fields dropped
    assert f.index[0] == pd.Timestamp("1954-01-04") and f.index[-1] == pd.Timestamp("2025-05-02")
    # a rate, not a price: zero and negative values are kept
    assert (f < 0).sum() == 8 and (f == 0).sum() == 13 and f.min() == -0.05
    assert f.loc["2020-03-26"] == -0.05 and f.max() == 17.14
    assert f.loc["2000-05-16"] == 6.02
    # the same file read without the rate symbol treats non-positive values as bad prints
    assert _read(more / "dtb3_fred_1954_2025.csv", "VIX").frame["close"].min() > 0


def test_fred_dot_layout_still_read(more: Path) -> None:
    f = _read(more / "vxo_fred_vxocls_1986_2018.csv").frame["close"]
    assert len(f) == 8_114 and f.loc["1987-10-19"] == 150.19
    vxn = _read(more / "vxn_fred_vxncls_2001_2020.csv").frame["close"]
    assert vxn.loc["2003-08-24"] == 26.27  # FRED's Sunday value is read as written


def test_nasdaq_export(more: Path) -> None:
    raw = _read(more / "ndx_nasdaqcom_2015_2025.csv")
    f = raw.frame
    assert raw.format == "nasdaq-com" and raw.symbol == "NDX"
    assert list(f.columns) == ["open", "high", "low", "close"]
    assert f.index.is_monotonic_increasing  # newest first in the file
    assert len(f) == 2_514  # 2,516 rows less the two holiday rows
    for day in ("2015-11-26", "2015-12-25"):
        assert pd.Timestamp(day) not in f.index
    assert f.loc["2025-10-03", "close"] == 24785.52 and f.loc["2025-10-03", "open"] == 24931.42
    assert np.isnan(f.loc["2024-01-30", "open"])  # open above the high: a bad print
    assert any("not a trading day: 2015-11-26, 2015-12-25" in m for m in raw.repairs)
    assert raw.repair_counts["rows"] == 2


def test_nasdaq_export_against_yahoo(more: Path) -> None:
    nq = _read(more / "ndx_nasdaqcom_2015_2025.csv").frame["close"]
    yh = _read(more / "ndx_yahoo_1985_2026.csv").frame["close"]
    both = pd.concat([nq, yh], axis=1, join="inner").dropna()
    diff = (both.iloc[:, 0] - both.iloc[:, 1]).abs()
    assert len(both) == 2_514
    assert sorted(str(d.date()) for d in diff.index[diff > 0.011]) == ["2021-05-14",
                                                                      "2024-10-22"]


def test_other_new_files(more: Path) -> None:
    skew = _read(more / "skew_cboe_1990_2026.csv").frame["close"]
    assert skew.loc["1990-01-02"] == 126.09 and skew.max() == 183.12
    vxn = _read(more / "vxn_cboe_2009_2025.csv").frame
    assert vxn.loc["2020-03-16", "close"] == 80.08
    tr = _read(more / "sp500tr_yahoo_1988_2024.csv").frame["close"]
    assert round(tr.loc["1988-01-04"], 2) == 256.02 and round(tr.max(), 2) == 10910.31


def write(tmp_path: Path, name: str, text: str) -> Path:
    p = tmp_path / name
    p.write_text(text)
    return p


def test_short_header_bad_number_names_file_line_and_column(tmp_path: Path) -> None:
    p = write(tmp_path, "VXO.csv", "date,o,h,l,c,v\n2020-01-02,1,2,0.5,1.5,0\n"
              "2020-01-03,1,2,0.5,x1.5,0\n")
    with pytest.raises(DataError, match=re.escape(f"{p}, line 3 (date 2020-01-03): column 'c': "
                                                  "cannot parse number 'x1.5'")):
        read_file(p)


def test_short_header_bad_date(tmp_path: Path) -> None:
    p = write(tmp_path, "VXO.csv", "date,o,h,l,c,v\n2020-01-02,1,2,0.5,1.5,0\n"
              "2020-13-03,1,2,0.5,1.5,0\n")
    with pytest.raises(DataError, match=re.escape(f"{p}, line 3: column 'date': cannot parse "
                                                  "date '2020-13-03'")):
        read_file(p)


def test_fred_empty_field_layout_bad_value(tmp_path: Path) -> None:
    p = write(tmp_path, "DTB3.csv", "observation_date,DTB3\n2020-01-02,1.5\n2020-01-03,\n"
              "2020-01-06,1.5%\n")
    assert detect_format(p) == "fred"
    with pytest.raises(DataError, match=re.escape(f"{p}, line 4 (date 2020-01-06): column "
                                                  "'DTB3': cannot parse number '1.5%'")):
        read_file(p)
    ok = write(tmp_path, "DTB3_copy.csv", "observation_date,DTB3\n2020-01-02,1.5\n2020-01-03,\n"
               "2020-01-06,-0.02\n")
    f = read_file(ok).frame["close"]
    assert f.to_dict() == {pd.Timestamp("2020-01-02"): 1.5, pd.Timestamp("2020-01-06"): -0.02}


NASDAQ_HEAD = "Date,Close/Last,Open,High,Low\n"


def test_nasdaq_bad_number_names_file_line_and_column(tmp_path: Path) -> None:
    p = write(tmp_path, "ndx.csv", NASDAQ_HEAD + "01/03/2020,101,100,102,99\n"
              "01/02/2020,10O,99,101,98\n")
    with pytest.raises(DataError, match=re.escape(f"{p}, line 3 (date 2020-01-02): column "
                                                  "'Close/Last': cannot parse number '10O'")):
        read_file(p)


def test_nasdaq_bad_date_and_missing_column(tmp_path: Path) -> None:
    p = write(tmp_path, "ndx.csv", NASDAQ_HEAD + "01/03/2020,101,100,102,99\n"
              "2020-01-02,100,99,101,98\n")
    with pytest.raises(DataError, match=re.escape(f"{p}, line 3: column 'Date': cannot parse "
                                                  "date '2020-01-02' (expected MM/DD/YYYY)")):
        read_file(p)
    q = write(tmp_path, "ndx2.csv", "Date,Close/Last,Open,High\n01/03/2020,101,100,102\n")
    with pytest.raises(DataError, match=re.escape(f"{q}: layout 'nasdaq-com' needs column(s) "
                                                  "Low")):
        read_file(q)


def test_nasdaq_conflicting_duplicate(tmp_path: Path) -> None:
    p = write(tmp_path, "ndx.csv", NASDAQ_HEAD + "01/03/2020,101,100,102,99\n"
              "01/03/2020,102,100,102,99\n")
    with pytest.raises(DataError, match=re.escape(f"{p}, lines 2 and 3: date 2020-01-03 appears "
                                                  "twice with different values in column "
                                                  "'close'")):
        read_file(p)


def test_nasdaq_dollar_prices_and_holiday_rule(tmp_path: Path) -> None:
    p = write(tmp_path, "aapl.csv", "Date,Close/Last,Volume,Open,High,Low\n"
              "01/06/2020,$102.00,1000,$101.00,$103.00,$100.00\n"
              "01/03/2020,$100.00,0,$0.00,$0.00,$0.00\n"        # holiday-style row
              "01/02/2020,$100.00,1200,$99.00,$101.00,$98.00\n"
              "01/01/2020,$99.00,0,$0.00,$0.00,$0.00\n")        # zeros, but a new close
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        raw = read_file(p, symbol="NDX")
    f = raw.frame
    assert list(f.index.strftime("%Y-%m-%d")) == ["2020-01-01", "2020-01-02", "2020-01-06"]
    assert f.loc["2020-01-06"].tolist()[:4] == [101.0, 103.0, 100.0, 102.0]
    assert np.isnan(f.loc["2020-01-01", "open"]) and f.loc["2020-01-01", "close"] == 99.0
    msgs = [str(w.message) for w in rec if isinstance(w.message, DataRepairWarning)]
    assert any("dropped 1 row(s) with open, high and low 0" in m for m in msgs)
