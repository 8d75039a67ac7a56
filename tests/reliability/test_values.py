"""Values that would be read silently wrong: decimal commas, implausible prices."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pytest

from backtest.data.readers import read_file
from backtest.errors import DataError, DataRepairWarning

HEAD = "DATE,OPEN,HIGH,LOW,CLOSE\n"


def _rows(closes: list[str]) -> str:
    return HEAD + "".join(f'01/{i + 2:02d}/2020,15,90,10,"{c}"\n' for i, c in enumerate(closes))


@pytest.mark.parametrize("value", ["17,24", "17,240000", "1,2,3", "17,2"])
def test_decimal_comma_is_refused_naming_file_line_column_value(tmp_path: Path,
                                                                value: str) -> None:
    p = tmp_path / "VIX_History.csv"
    p.write_text(_rows(["15.5", "16.25", value, "17"]), encoding="utf-8")
    with pytest.raises(DataError) as info:
        read_file(p, symbol="VIX")
    msg = str(info.value)
    assert str(p) in msg and "line 4" in msg and "'CLOSE'" in msg and repr(value) in msg
    assert "decimal comma" in msg


def test_thousands_separators_still_read(tmp_path: Path) -> None:
    p = tmp_path / "spx.csv"
    p.write_text("date,open,high,low,close,volume\n"
                 '2020-01-02,"3,244.67","3,258.14","3,235.53","3,257.85","3,459,930,000"\n'
                 '2020-01-03,3226.36,3246.15,3222.34,3234.85,3484700000\n', encoding="utf-8")
    frame = read_file(p, symbol="SPX").frame
    assert frame["close"].tolist() == [3257.85, 3234.85]
    assert frame["volume"].iloc[0] == 3_459_930_000


def test_a_vix_of_5000_is_removed_as_implausible(tmp_path: Path) -> None:
    p = tmp_path / "VIX_History.csv"
    p.write_text(HEAD + "01/02/2020,15,16,14,15\n01/03/2020,15,5000,14,5000\n"
                 "01/06/2020,15,16,14,15.5\n", encoding="utf-8")
    with pytest.warns(DataRepairWarning, match=r"close value\(s\) above 1,000 removed as "
                                               r"implausible for VIX \(first on 2020-01-03\)"):
        frame = read_file(p, symbol="VIX").frame
    assert np.isnan(frame.loc["2020-01-03", "close"])
    assert frame["close"].iloc[[0, 2]].tolist() == [15.0, 15.5]


def test_a_one_day_thousandfold_spike_is_removed(tmp_path: Path) -> None:
    p = tmp_path / "spx.csv"
    p.write_text("date,open,high,low,close,volume\n2020-01-02,100,101,99,100,1\n"
                 "2020-01-03,100,1100,99,1100,1\n2020-01-06,100,101,99,101,1\n",
                 encoding="utf-8")
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        frame = read_file(p, symbol="SPX").frame
    assert np.isnan(frame.loc["2020-01-03", "close"])
    assert any("one-day close spike" in str(w.message) and "2020-01-03" in str(w.message)
               for w in rec)


def test_a_lasting_tenfold_jump_is_refused_with_the_date(tmp_path: Path) -> None:
    p = tmp_path / "spx.csv"
    p.write_text("date,open,high,low,close,volume\n2020-01-02,100,101,99,100,1\n"
                 "2020-01-03,100,101,99,100,1\n2020-01-06,1000,1010,990,1000,1\n"
                 "2020-01-07,1000,1010,990,1001,1\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"spx.csv: column 'open': SPX moves from 100 on "
                                        r"2020-01-03 to 1000 on 2020-01-06"):
        read_file(p, symbol="SPX")
