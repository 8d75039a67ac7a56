"""Bad input gets a DataError naming the file, line/date and column; repairs warn."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from backtest.data.readers import detect_format, read_file
from backtest.errors import DataError, DataRepairWarning

CBOE_HEAD = "DATE,OPEN,HIGH,LOW,CLOSE\n"


def write(tmp_path: Path, name: str, text: str | bytes) -> Path:
    p = tmp_path / name
    if isinstance(text, bytes):
        p.write_bytes(text)
    else:
        p.write_text(text)
    return p


def test_empty_file(tmp_path: Path) -> None:
    p = write(tmp_path, "VIX_History.csv", "")
    with pytest.raises(DataError, match=re.escape(f"{p}: file is empty")):
        read_file(p)
    with pytest.raises(DataError, match="file is empty"):
        detect_format(write(tmp_path, "blank.csv", "\n  \n"))


def test_header_without_rows(tmp_path: Path) -> None:
    p = write(tmp_path, "VIX_History.csv", CBOE_HEAD)
    with pytest.raises(DataError, match=re.escape(f"{p}: has a header but no data rows")):
        read_file(p, "cboe-index")


def test_html_page(tmp_path: Path) -> None:
    html = "<!DOCTYPE html>\n<html><head><title>Error</title></head><body>503</body></html>\n"
    p = write(tmp_path, "VIX_History.csv", html)
    with pytest.raises(DataError, match=re.escape(f"{p}: is an HTML page")):
        read_file(p)
    with pytest.raises(DataError, match="is an HTML page"):
        detect_format(p)
    # an HTML page served as "CSV" without a doctype, too
    p2 = write(tmp_path, "spx.csv", "<html>\n<body>Not found</body>\n</html>\n")
    with pytest.raises(DataError, match="is an HTML page"):
        read_file(p2)


def test_unknown_layout(tmp_path: Path) -> None:
    p = write(tmp_path, "prices.csv", "when,price\n2020-01-02,3.0\n")
    with pytest.raises(DataError, match=re.escape(f"{p}: unknown layout")
                       + ".*line 1 has 2 comma-separated field"):
        detect_format(p)
    with pytest.raises(DataError, match="unknown layout"):
        read_file(p)


def test_unknown_format_argument(tmp_path: Path) -> None:
    p = write(tmp_path, "x.csv", CBOE_HEAD + "01/02/2020,1,2,0.5,1.5\n")
    with pytest.raises(ValueError, match="unknown format 'csv'"):
        read_file(p, "csv")


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(DataError, match=r"nope\.csv: file not found"):
        read_file(tmp_path / "nope.csv")


def test_missing_columns(tmp_path: Path) -> None:
    p = write(tmp_path, "VIX_History.csv", "DATE,OPEN,HIGH,LOW\n01/02/2020,1,2,0.5\n")
    with pytest.raises(DataError, match=re.escape(
            f"{p}: layout 'cboe-index' needs column(s) close; header (line 1) has: "
            "DATE, OPEN, HIGH, LOW")):
        read_file(p)
    p2 = write(tmp_path, "spx.csv", "Date,Open,High,Low,Close,Volume\n2020-01-02,1,2,0.5,1,5\n")
    with pytest.raises(DataError, match=r"layout 'yahoo-classic' needs column\(s\) adj_close"):
        read_file(p2, "yahoo-classic")


def test_unparseable_date(tmp_path: Path) -> None:
    p = write(tmp_path, "VIX_History.csv",
              CBOE_HEAD + "01/02/2020,13,14,12,13.5\n01/33/2020,13,14,12,13.5\n")
    with pytest.raises(DataError, match=re.escape(
            f"{p}, line 3: column 'DATE': cannot parse date '01/33/2020' "
            "(expected MM/DD/YYYY)")):
        read_file(p)


def test_unparseable_number(tmp_path: Path) -> None:
    p = write(tmp_path, "VIX_History.csv",
              CBOE_HEAD + "01/02/2020,13,14,12,13.5\n\n01/03/2020,13,14,12,n/a-ish\n")
    # the blank line still counts: the bad row is physical line 4
    with pytest.raises(DataError, match=re.escape(
            f"{p}, line 4 (date 2020-01-03): column 'CLOSE': cannot parse number 'n/a-ish'")):
        read_file(p)


def test_duplicate_dates_with_different_values(tmp_path: Path) -> None:
    p = write(tmp_path, "vix_daily.csv",
              CBOE_HEAD + "2020-01-02,13,14,12,13.5\n2020-01-03,13,14,12,13.6\n"
              "2020-01-02,13,14,12,13.9\n")
    with pytest.raises(DataError, match=re.escape(
            f"{p}, lines 2 and 4: date 2020-01-02 appears twice with different values in "
            "column 'close' (13.5 vs 13.9)")):
        read_file(p)


def test_identical_duplicates_dropped_with_warning(tmp_path: Path) -> None:
    p = write(tmp_path, "vix_daily.csv",
              CBOE_HEAD + "2020-01-02,13,14,12,13.5\n2020-01-02,13,14,12,13.5\n"
              "2020-01-03,13,14,12,13.6\n")
    with pytest.warns(DataRepairWarning, match=r"dropped 1 identical duplicate row\(s\) "
                                               r"\(first on 2020-01-02\)"):
        raw = read_file(p)
    assert list(raw.frame.index) == [pd.Timestamp("2020-01-02"), pd.Timestamp("2020-01-03")]
    assert raw.frame["close"].tolist() == [13.5, 13.6]


def test_unsorted_dates_sorted_with_warning(tmp_path: Path) -> None:
    p = write(tmp_path, "vix_daily.csv",
              CBOE_HEAD + "2020-01-03,13,14,12,13.6\n2020-01-02,13,14,12,13.5\n")
    with pytest.warns(DataRepairWarning, match="not in order; sorted"):
        raw = read_file(p)
    assert raw.frame["close"].tolist() == [13.5, 13.6]


def test_bad_prints_repaired(tmp_path: Path) -> None:
    p = write(tmp_path, "vix_daily.csv", CBOE_HEAD
              + "2020-01-02,20,14,12,13.5\n"     # open above high
              + "2020-01-03,13,14,12,0\n"        # zero close
              + "2020-01-06,13,12,14,13\n"       # high < low
              + "2020-01-07,13,14,12,15\n"       # close above high
              + "2020-01-08,13,14,12,13.2\n")    # fine
    with pytest.warns(DataRepairWarning) as rec:
        raw = read_file(p)
    msgs = " | ".join(str(w.message) for w in rec)
    assert "1 open(s) outside [low, high] removed (first on 2020-01-02)" in msgs
    assert "1 non-positive close value(s) removed (first on 2020-01-03)" in msgs
    assert "1 day(s) with high < low" in msgs
    assert "1 day(s) with the close outside [low, high]" in msgs
    f = raw.frame
    assert np.isnan(f.loc["2020-01-02", "open"]) and f.loc["2020-01-02", "close"] == 13.5
    assert np.isnan(f.loc["2020-01-03", "close"])
    assert f.loc[["2020-01-06", "2020-01-07"], ["high", "low"]].isna().all().all()
    assert f.loc["2020-01-07", "close"] == 15 and f.loc["2020-01-06", "open"] == 13
    assert f.loc["2020-01-08"].tolist() == [13, 14, 12, 13.2]
    assert raw.repair_counts == {"open": 1, "close": 1, "high": 2, "low": 2}


def test_fred_missing_dots(tmp_path: Path) -> None:
    p = write(tmp_path, "VIXCLS.csv",
              "DATE,VIXCLS\n2020-01-01,.\n2020-01-02,12.47\n2020-01-03,14.02\n")
    assert detect_format(p) == "fred"
    raw = read_file(p)
    assert raw.symbol == "VIX" and list(raw.frame.columns) == ["close"]
    # the holiday row "." has no value and is dropped; nothing is filled
    assert list(raw.frame.index) == [pd.Timestamp("2020-01-02"), pd.Timestamp("2020-01-03")]
    assert raw.frame["close"].tolist() == [12.47, 14.02]
    p2 = write(tmp_path, "VIXCLS2.csv", "observation_date,VIXCLS\n2020-01-02,12.47\n")
    assert detect_format(p2) == "fred"


def test_fred_bad_number(tmp_path: Path) -> None:
    p = write(tmp_path, "VIXCLS.csv", "DATE,VIXCLS\n2020-01-02,12.47\n2020-01-03,x\n")
    with pytest.raises(DataError, match=re.escape(
            f"{p}, line 3 (date 2020-01-03): column 'VIXCLS': cannot parse number 'x'")):
        read_file(p)


def test_single_value_layout_needs_two_columns(tmp_path: Path) -> None:
    p = write(tmp_path, "VVIX_History.csv", "DATE,VVIX,EXTRA\n01/02/2020,90,1\n")
    with pytest.raises(DataError, match="layout 'cboe-single' needs exactly two columns"):
        read_file(p, "cboe-single")


def test_old_cboe_title_line_and_prefixed_names(tmp_path: Path) -> None:
    p = write(tmp_path, "vixcurrent.csv",
              "VIX Historical Price Data\nDate,VIX Open,VIX High,VIX Low,VIX Close\n"
              "1/2/2004,17.96,18.68,17.54,18.22\n")
    assert detect_format(p) == "cboe-index"
    raw = read_file(p, symbol="vix")
    assert raw.symbol == "VIX"
    assert raw.frame.loc["2004-01-02"].tolist() == [17.96, 18.68, 17.54, 18.22]


def test_continuous_needs_m_columns_in_sequence(tmp_path: Path) -> None:
    p = write(tmp_path, "vx.csv", "Date,M1,M3\n2020-01-02,13,14\n")
    with pytest.raises(DataError, match=re.escape(
            f"{p}: layout 'continuous-wide' needs columns M1..Mn in sequence")):
        read_file(p)


def test_continuous_zero_settle_removed(tmp_path: Path) -> None:
    p = write(tmp_path, "vx.csv", "Date,M1,M2,days_to_expiration\n2020-01-02,0,14,5\n"
              "2020-01-03,13,14,4\n")
    with pytest.warns(DataRepairWarning, match=r"1 non-positive M1 settle\(s\) removed"):
        raw = read_file(p)
    assert np.isnan(raw.frame.loc["2020-01-02", "m1"])
    assert raw.frame.loc["2020-01-02", "m2"] == 14
