"""Market views: SPX or NDX with VIX, VXO, the VXO/VIX splice or VXN, under spx_/vix_ names."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from backtest.data.info import refresh_sources
from backtest.data.market import (
    SPLICE_DAY,
    TERM_STRUCTURE_COLUMNS,
    market_choice,
    market_frame,
    market_table,
)
from backtest.data.table import ColumnSource, MarketTable
from backtest.errors import MissingDataError

NAN = np.nan


def _table() -> MarketTable:
    idx = pd.DatetimeIndex(["1985-09-30", "1989-12-29", "1990-01-02", "1990-01-03",
                            "1990-01-04"], name="date")
    frame = pd.DataFrame({
        "spx_open": [NAN, 350.0, 353.0, 359.0, NAN],
        "spx_high": [NAN, 354.0, 359.7, 360.6, 359.0],
        "spx_low": [NAN, 350.0, 351.0, 357.9, 352.0],
        "spx_close": [182.0, 353.4, 359.7, 358.8, 355.7],
        "spx_volume": [1.0, 2.0, 3.0, 4.0, 5.0],
        "vix_open": [NAN, NAN, 17.2, 18.0, 19.0],
        "vix_high": [NAN, NAN, 17.3, 18.2, 20.0],
        "vix_low": [NAN, NAN, 17.1, 17.8, 18.0],
        "vix_close": [NAN, NAN, 17.24, 18.19, NAN],
        "vix3m": [NAN, NAN, NAN, 20.0, 20.0],
        "vx1": [NAN, NAN, NAN, 19.0, 19.5],
        "vxo": [NAN, 20.0, 17.5, 18.5, 19.5],
        "skew": [NAN, 120.0, 126.09, 123.34, 122.0],
        "spxtr": [NAN, 250.0, 256.0, 255.0, 254.0],
        "dtb3": [7.1, 7.7, 7.8, 7.9, 7.8],
        "ndx_open": [NAN, 223.0, NAN, 225.0, 226.0],
        "ndx_high": [NAN, 224.0, 229.0, 228.0, 227.0],
        "ndx_low": [NAN, 222.0, 224.0, 224.0, 221.0],
        "ndx_close": [NAN, 223.8, 228.0, 226.0, 222.0],
        "vxn_open": [NAN, NAN, NAN, 30.0, 31.0],
        "vxn_high": [NAN, NAN, NAN, 32.0, 33.0],
        "vxn_low": [NAN, NAN, NAN, 29.0, 30.0],
        "vxn_close": [NAN, NAN, 29.5, 31.0, 32.0],
    }, index=idx)
    sources = {c: ColumnSource(c, f"file of {c}", path=f"{c}.csv") for c in frame.columns}
    return MarketTable(frame=frame, sources=refresh_sources(frame, sources))


def test_default_is_the_table_itself() -> None:
    t = _table()
    assert market_table(t) is t and market_table(t, "spx", "vix") is t


def test_ndx_with_vxn() -> None:
    t = _table()
    m = market_table(t, "ndx")
    f = m.frame
    # rows cut to the span of NDX closes; spx_* := ndx_*, vix_* := vxn_*
    assert list(f.index) == list(t.frame.index[1:])
    for a, b in (("spx", "ndx"), ("vix", "vxn")):
        for x in ("open", "high", "low", "close"):
            np.testing.assert_array_equal(f[f"{a}_{x}"].to_numpy(),
                                          t.frame[f"{b}_{x}"].to_numpy()[1:])
    assert list(f.columns) == ["spx_open", "spx_high", "spx_low", "spx_close", "vix_open",
                               "vix_high", "vix_low", "vix_close", "dtb3"]
    assert m.sources["spx_close"].path == "ndx_close.csv"
    assert m.sources["spx_close"].notes[0] == "spx_close holds ndx_close (NDX with VXN)"
    assert m.sources["vix_open"].first == pd.Timestamp("1990-01-03")
    ch = market_choice("ndx")
    assert ch.vol == "vxn" and "vix3m" in ch.dropped and "skew" in ch.dropped
    assert "VIX term structure" in ch.dropped["vx1"]


def test_spx_with_vxo() -> None:
    t = _table()
    m = market_table(t, "spx", "vxo")
    f = m.frame
    np.testing.assert_array_equal(f["vix_close"].to_numpy(), t.frame["vxo"].to_numpy())
    assert "vix_open" not in f and "vix3m" not in f and "vx1" not in f and "vxo" not in f
    np.testing.assert_array_equal(f["spx_open"].to_numpy(), t.frame["spx_open"].to_numpy())
    assert "skew" in f and "spxtr" in f and "spx_volume" in f
    assert m.sources["vix_close"].path == "vxo.csv"


def test_vxo_vix_splice_rule() -> None:
    t = _table()
    f = market_table(t, "spx", "vxo_vix").frame
    # VXO before 1990-01-02, VIX from that day on, unscaled; a missing VIX day stays missing
    assert pd.Timestamp("1990-01-02") == SPLICE_DAY
    np.testing.assert_array_equal(f["vix_close"].to_numpy(), [NAN, 20.0, 17.24, 18.19, NAN])
    np.testing.assert_array_equal(f["vix_open"].to_numpy(), [NAN, NAN, 17.2, 18.0, 19.0])
    assert not set(TERM_STRUCTURE_COLUMNS) & set(f.columns)
    src = market_table(t, "spx", "vxo_vix").sources["vix_close"]
    assert src.source == "file of vxo before 1990-01-02; file of vix_close"
    assert "unscaled" in src.notes[0]


def test_bad_choices_and_missing_columns() -> None:
    t = _table()
    with pytest.raises(ValueError, match="market must be one of spx, ndx, got 'rut'"):
        market_table(t, "rut")
    with pytest.raises(ValueError, match="vol 'vix' does not go with market 'ndx'; choose one "
                                         "of vxn"):
        market_table(t, "ndx", "vix")
    with pytest.raises(ValueError, match="vol must be one of"):
        market_choice("spx", "vxd")
    small = MarketTable(frame=t.frame.drop(columns=["vxn_close", "vxn_open"]),
                        sources=t.sources)
    with pytest.raises(MissingDataError, match="NDX with VXN needs column\\(s\\) vxn_close") as e:
        market_table(small, "ndx")
    assert e.value.missing == ("vxn_close",)


def test_market_frame_on_a_bare_frame() -> None:
    t = _table()
    f = market_frame(t.frame, "ndx")
    pd.testing.assert_frame_equal(f, market_table(t, "ndx").frame)


def test_real_markets(full_table_more: MarketTable) -> None:
    full = full_table_more.frame
    ndx = market_table(full_table_more, "ndx").frame
    assert ndx.index[0] == pd.Timestamp("1985-10-01") and ndx.index[-1] == pd.Timestamp(
        "2026-07-13")
    assert round(ndx.loc["2000-03-27", "spx_close"], 2) == 4704.73
    assert ndx.loc["2020-03-16", "vix_close"] == 80.08
    # stale NDX opens stay missing under the SPX name: none equals the previous close
    assert not (ndx["spx_open"] == ndx["spx_close"].shift(1)).any()
    assert ndx["spx_open"].loc["1990":"1998"].isna().mean() > 0.75
    assert not set(TERM_STRUCTURE_COLUMNS) & set(ndx.columns)
    vxo = market_table(full_table_more, "spx", "vxo_vix").frame
    assert vxo.loc["1987-10-19", "vix_close"] == 150.19
    assert vxo["vix_close"].first_valid_index() == pd.Timestamp("1986-01-02")
    after = vxo.index >= SPLICE_DAY
    np.testing.assert_array_equal(vxo.loc[after, "vix_close"].to_numpy(),
                                  full.loc[after, "vix_close"].to_numpy())
    assert np.isnan(vxo.loc["1991-03-01", "vix_close"])  # a VIX gap is not filled with VXO
