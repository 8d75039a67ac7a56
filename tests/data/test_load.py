"""The aligned market table from the full real data (and from small data directories)."""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from backtest.data import (
    KNOWN_COLUMNS,
    MarketTable,
    data_info,
    load_futures_curve,
    load_market_data,
)
from backtest.data.load import symbols_for_columns
from backtest.data.manifest import read_manifest
from backtest.data.readers import read_file
from backtest.errors import DataError, DataRepairWarning


def test_known_values(full_frame: pd.DataFrame) -> None:
    f = full_frame
    assert f.loc["2020-03-16", "vix_close"] == 82.69
    assert f.loc["2018-02-05", "vix_close"] == 37.32
    assert round(f.loc["2009-03-09", "spx_close"], 2) == 676.53
    assert round(f.loc["2020-03-23", "spx_close"], 2) == 2237.40
    assert f.loc["2018-02-05", "vx1"] == 33.225
    assert f.loc["2020-03-16", "vx1"] == 72.625


def test_shape_and_types(full_table: MarketTable) -> None:
    f = full_table.frame
    # the shared folder's manifest: every column but those of more/ (in KNOWN_COLUMNS order)
    assert tuple(f.columns) == KNOWN_COLUMNS[:KNOWN_COLUMNS.index("vx30") + 1]
    assert f.index.name == "date" and f.index.dtype == "datetime64[ns]"
    assert f.index.is_unique and f.index.is_monotonic_increasing
    assert all(f[c].dtype == np.float64 for c in f.columns)
    # the calendar is SPX's: every row has an SPX close
    assert f["spx_close"].notna().all()
    assert f.index[0] == pd.Timestamp("1927-12-30") and f.index[-1] == pd.Timestamp("2026-08-21")


def test_every_column_has_a_source(full_table: MarketTable) -> None:
    assert set(full_table.sources) == set(full_table.columns)
    for col, src in full_table.sources.items():
        assert src.column == col and src.path and src.rows > 0
        assert src.first is not None and src.last is not None
    h = full_table.content_hash
    assert re.fullmatch(r"[0-9a-f]{64}", h)
    assert full_table.slice("2020-01-01", "2020-12-31").content_hash != h


def test_vix_non_spx_days_dropped_and_missing_days_stay_missing(
        full_table: MarketTable) -> None:
    f = full_table.frame
    # CBOE's extended-hours rows on US holidays, and 2004-06-11 (NYSE closed)
    for day in ("2022-05-30", "2022-07-04", "2026-07-03", "2004-06-11"):
        assert pd.Timestamp(day) not in f.index
    # SPX traded but the VIX files have no row: left missing, not taken from a neighbour
    for day in ("1991-03-01", "1997-01-31", "1997-11-26", "1999-12-31"):
        assert np.isnan(f.loc[day, "vix_close"]) and not np.isnan(f.loc[day, "spx_close"])
    assert full_table.sources["vix_close"].gaps == 4
    assert any("SPX did not trade dropped" in n for n in full_table.sources["vix_close"].notes)


def test_bad_vix_opens_removed_and_counted(full_table: MarketTable) -> None:
    f = full_table.frame
    assert np.isnan(f.loc["2004-11-08", "vix_open"])
    assert f.loc["2004-11-08", "vix_close"] > 0
    src = full_table.sources["vix_open"]
    assert any("47 open(s) outside [low, high] removed" in n for n in src.notes)
    # 47 bad prints, 1 stale flat row (2004-06-11, not an SPX day), and the opens removed
    # as not real (stale or flat), which are counted per year
    assert src.repairs == 47 + 1 + sum(n for _, n in src.repairs_by_year)
    assert dict(src.repairs_by_year)[1990] == 253  # 1990: close-only (O=H=L=C) rows
    ok = f[["vix_open", "vix_high", "vix_low"]].dropna()
    assert ((ok["vix_open"] >= ok["vix_low"]) & (ok["vix_open"] <= ok["vix_high"])).all()


def test_vix3m_spliced_with_vxv_before_2009_09_18(full_table: MarketTable,
                                                   shared_data: Path) -> None:
    files = {e.symbol: e for e in read_manifest(shared_data)}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataRepairWarning)
        vxv = read_file(files["VXV"].path, files["VXV"].format).frame["close"]
        vix3m = read_file(files["VIX3M"].path, files["VIX3M"].format).frame["close"]
    col = full_table.frame["vix3m"]
    before = col.loc[:"2009-09-17"].dropna()
    assert before.index[0] == pd.Timestamp("2006-07-17")
    pd.testing.assert_series_equal(before, vxv.loc[before.index], check_names=False)
    after = col.loc["2009-09-18":].dropna()
    pd.testing.assert_series_equal(after, vix3m.loc[after.index], check_names=False)
    # one of the ten days where Yahoo's VXV differs from CBOE: CBOE's value is used
    assert col.loc["2014-10-15"] == 23.82
    notes = " | ".join(full_table.sources["vix3m"].notes)
    assert "VXV" in notes
    # PROVENANCE: Yahoo's VXV and CBOE's VIX3M differ on 10 of 1,836 common days, by up
    # to 1.05 (2014-10-15)
    assert ("disagrees with the values used on 10 of 1836 common date(s) (largest "
            "difference 1.05 on 2014-10-15)") in notes


def test_vvix_starts_2007(full_table: MarketTable) -> None:
    vvix = full_table.frame["vvix"]
    assert vvix.first_valid_index() >= pd.Timestamp("2007-01-01")
    assert vvix.loc["2020-03-16"] == 207.59
    assert np.isnan(vvix.loc["2010-11-11"])  # a missing CBOE day stays missing
    src = full_table.sources["vvix"]
    assert src.repairs == 150 and any("2006" in n for n in src.notes)


def test_other_indices(full_frame: pd.DataFrame) -> None:
    assert full_frame.loc["2020-03-16", "vix9d"] == 106.66
    assert full_frame.loc["2008-01-02", "vix6m"] == 24.36
    assert full_frame["vix6m"].last_valid_index() == pd.Timestamp("2026-04-24")


def test_futures_columns(full_table: MarketTable) -> None:
    f = full_table.frame
    # 2018-02-05: Feb-2018 contract settles 2018-02-14 (9 calendar days), Mar-2018 on
    # 2018-03-21 (44 days); vx30 = (14/35) * 33.225 + (21/35) * vx2
    r = f.loc["2018-02-05"]
    assert r["vx1_days"] == 9 and r["vx2"] == 27.975
    assert r["vx30"] == pytest.approx(14 / 35 * 33.225 + 21 / 35 * 27.975, abs=1e-12)
    assert f["vx1"].first_valid_index() == pd.Timestamp("2004-03-26")
    assert f["vx1"].last_valid_index() == pd.Timestamp("2024-12-31")
    assert (f["vx1_days"].dropna() >= 1).all() and (f["vx1_days"].dropna() <= 36).all()
    notes = " ".join(full_table.sources["vx1"].notes)
    assert "vx1: raw contracts and continuous table agree on 1833 of 1833" in notes
    assert "calendar days" in " ".join(full_table.sources["vx1_days"].notes)


def test_start_end(data_dir: Path) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataRepairWarning)
        t = load_market_data(data_dir, start="2018-02-01", end="2018-02-28")
        assert t.start == pd.Timestamp("2018-02-01") and t.end == pd.Timestamp("2018-02-28")
        assert t.sources["vix_close"].rows == len(t.frame) == 19
        with pytest.raises(ValueError, match="start 2018-03-01 is after end 2018-02-01"):
            load_market_data(data_dir, start="2018-03-01", end="2018-02-01")
        with pytest.raises(DataError, match="no market data between 2030-01-01 and"):
            load_market_data(data_dir, start="2030-01-01")


def test_load_is_quick(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import time

    import backtest.data.load as load_mod

    monkeypatch.setattr(load_mod, "_CACHE", {})  # measure a cold load
    t0 = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataRepairWarning)
        load_market_data(data_dir)
    # the full history including the 96-file archive: a few seconds at most
    assert time.perf_counter() - t0 < 10.0


def test_futures_curve(data_dir: Path, full_frame: pd.DataFrame) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataRepairWarning)
        curve = load_futures_curve(data_dir)
    assert curve.index.name == "date" and isinstance(curve.columns, pd.DatetimeIndex)
    assert curve.columns.is_monotonic_increasing
    row = curve.loc["2018-02-05"].dropna()
    assert row.index[0] == pd.Timestamp("2018-02-14") and row.iloc[0] == 33.225
    assert len(row) == 7  # continuous M1..M7
    raw_row = curve.loc["2010-06-01"].dropna()
    assert len(raw_row) > 7  # raw contract files list every contract trading that day
    assert raw_row.iloc[0] == full_frame.loc["2010-06-01", "vx1"]
    # no settle is ever dated on or after its own expiry
    for d, r in curve.loc["2010-01-01":"2010-03-31"].iterrows():
        assert (r.dropna().index > d).all()


# --- small data directories -------------------------------------------------------------------

SPX = "date,open,high,low,close,volume\n2020-01-02,1,1,1,1,1\n2020-01-03,2,2,2,2,1\n"


def _dir(tmp_path: Path, files: dict[str, str], manifest: list[str]) -> Path:
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    (tmp_path / "manifest.csv").write_text("path,symbol,format\n" + "\n".join(manifest) + "\n")
    return tmp_path


def test_env_var_and_embedded_default(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _dir(tmp_path, {"spx.csv": SPX}, ["spx.csv,SPX,yahoo-ohlcv-lowercase"])
    monkeypatch.setenv("VIXBT_DATA_DIR", str(root))
    assert len(load_market_data().frame) == 2
    monkeypatch.delenv("VIXBT_DATA_DIR")
    t = load_market_data()
    assert t.start == pd.Timestamp("1999-01-04")
    assert "embedded" in t.sources["spx_close"].source
    assert load_futures_curve().empty


def test_directory_without_spx(tmp_path: Path) -> None:
    root = _dir(tmp_path, {"vix.csv": "DATE,OPEN,HIGH,LOW,CLOSE\n2020-01-02,1,1,1,1\n"},
                ["vix.csv,VIX,ohlc-iso"])
    with pytest.raises(DataError, match=f"data directory {re.escape(str(root))} has no SPX"):
        load_market_data(root)


def test_unknown_symbol_in_manifest(tmp_path: Path) -> None:
    root = _dir(tmp_path, {"spx.csv": SPX}, ["spx.csv,GOLD,yahoo-ohlcv-lowercase"])
    with pytest.raises(DataError, match=r"symbol 'GOLD' of spx\.csv is not known"):
        load_market_data(root)


def test_bad_file_in_directory_names_the_file(tmp_path: Path) -> None:
    root = _dir(tmp_path, {"spx.csv": SPX, "vix.csv": "<html><body>oops</body></html>"},
                ["spx.csv,SPX,yahoo-ohlcv-lowercase", "vix.csv,VIX,ohlc-iso"])
    with pytest.raises(DataError, match=re.escape(f"{root / 'vix.csv'}: is an HTML page")):
        load_market_data(root)


def test_missing_data_directory(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="does not exist"):
        load_market_data(tmp_path / "nowhere")


def test_info_of_small_directory(tmp_path: Path) -> None:
    vix = "DATE,OPEN,HIGH,LOW,CLOSE\n2020-01-02,15,16,14,15.5\n2020-01-04,1,1,1,1\n"
    spx = SPX + "2020-01-06,3,3,3,3,1\n"
    root = _dir(tmp_path, {"spx.csv": spx, "vix.csv": vix},
                ["spx.csv,SPX,yahoo-ohlcv-lowercase", "vix.csv,VIX,ohlc-iso"])
    info = data_info(load_market_data(root))
    fr = info.to_frame()
    assert fr.loc["vix_close", "rows"] == 1 and fr.loc["vix_close", "gaps"] == 0
    assert fr.loc["vix_close", "first"] == pd.Timestamp("2020-01-02")
    assert "1 row(s) on days SPX did not trade dropped (e.g. 2020-01-04)" in \
        fr.loc["vix_close", "notes"]
    assert fr.loc["spx_close", "rows"] == 3
    text = info.summary()
    assert "3 SPX trading days, 2020-01-02 .. 2020-01-06" in text
    assert re.search(r"vix_close\s+2020-01-02 2020-01-02\s+1\s+0\s+0", text)


def test_changed_file_is_reloaded(tmp_path: Path) -> None:
    root = _dir(tmp_path, {"spx.csv": SPX}, ["spx.csv,SPX,yahoo-ohlcv-lowercase"])
    first = load_market_data(root)
    first.frame.loc[:, "spx_close"] = -1.0  # callers may modify what they get
    assert load_market_data(root).frame["spx_close"].tolist() == [1.0, 2.0]
    (root / "spx.csv").write_text(SPX + "2020-01-06,3,3,3,3,1\n")
    assert load_market_data(root).frame["spx_close"].tolist() == [1.0, 2.0, 3.0]


def test_single_contract_files_give_the_same_vx(tmp_path: Path, shared_data: Path,
                                                 full_table: MarketTable) -> None:
    """A directory listing each CFE contract file on its own (as `vixbt data update` and
    `vixbt data import` write them) gives the same vx columns as the archive."""
    import tarfile

    entries = {e.format: e for e in read_manifest(shared_data)}
    with tarfile.open(entries["cfe-contracts-archive"].path) as tf:
        members = [m for m in tf.getmembers() if m.isfile() and m.name.endswith(".csv")]
        lines = [f"{entries['yahoo-ohlcv-lowercase'].path},SPX,yahoo-ohlcv-lowercase"]
        for m in members:
            fh = tf.extractfile(m)
            assert fh is not None
            name = Path(m.name).name
            (tmp_path / name).write_bytes(fh.read())
            lines.append(f"{name},VX,cfe-contract")
    (tmp_path / "manifest.csv").write_text("path,symbol,format\n" + "\n".join(lines) + "\n")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataRepairWarning)
        t = load_market_data(tmp_path)
    span = slice("2008-01-02", "2015-04-01")
    for c in ("vx1", "vx2", "vx1_days", "vx30"):
        pd.testing.assert_series_equal(t.frame.loc[span, c], full_table.frame.loc[span, c])
    src = t.sources["vx1"]
    assert src.source == f"CBOE CFE contract files (96 files in {tmp_path.name})"
    assert any("96 single contract file(s): 314 zero-settle row(s) dropped" in n
               for n in src.notes)
    assert t.frame["vx1"].last_valid_index() == pd.Timestamp("2015-04-01")


# --- loading a subset of the columns ----------------------------------------------------------

def test_subset_equals_the_full_table_on_its_columns(data_dir: Path,
                                                     full_table: MarketTable) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataRepairWarning)
        sub = load_market_data(data_dir, columns=["vix_close"])
        ts = load_market_data(data_dir, columns=("vix_close", "vix3m", "vx1"))
    spx_vix = [c for c in KNOWN_COLUMNS if c.startswith(("spx_", "vix_"))]
    assert list(sub.frame.columns) == spx_vix  # every column of SPX and VIX, nothing else
    for t in (sub, ts):
        # same calendar (SPX's), same values, same provenance, column by column
        pd.testing.assert_frame_equal(t.frame, full_table.frame[list(t.frame.columns)])
        assert t.sources == {c: full_table.sources[c] for c in t.frame.columns}
    assert list(ts.frame.columns) == [*spx_vix, "vix3m", "vx1", "vx2", "vx1_days", "vx30"]
    # the hash is the subset table's own: fewer columns, a different hash
    assert sub.content_hash != full_table.content_hash
    assert sub.content_hash == MarketTable(frame=full_table.frame[spx_vix],
                                           sources=sub.sources).content_hash


def test_subset_with_dates(data_dir: Path, full_table: MarketTable) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataRepairWarning)
        sub = load_market_data(data_dir, start="2008-01-01", end="2008-12-31",
                               columns=["vvix"])
    expected = full_table.frame.loc["2008-01-01":"2008-12-31", list(sub.frame.columns)]
    pd.testing.assert_frame_equal(sub.frame, expected)
    assert "vvix" in sub.frame.columns and "vix_close" not in sub.frame.columns


VIX = "DATE,OPEN,HIGH,LOW,CLOSE\n2020-01-02,15,16,14,15.5\n2020-01-03,16,17,15,16.5\n"


def test_subset_reads_only_the_files_it_needs(tmp_path: Path) -> None:
    # the VX file is broken: a full load fails on it, a SPX+VIX load never opens it
    root = _dir(tmp_path, {"spx.csv": SPX, "vix.csv": VIX,
                           "vx.csv": "<html><body>oops</body></html>"},
                ["spx.csv,SPX,yahoo-ohlcv-lowercase", "vix.csv,VIX,ohlc-iso",
                 "vx.csv,VX,continuous-wide"])
    with pytest.raises(DataError, match=re.escape(f"{root / 'vx.csv'}: is an HTML page")):
        load_market_data(root)
    t = load_market_data(root, columns=["vix_close"])
    assert t.frame["vix_close"].tolist() == [15.5, 16.5]
    assert not any(c.startswith("vx") for c in t.frame.columns)
    # a column the data do not have stays absent, as in a full load
    assert "vix3m" not in load_market_data(root, columns="vix3m").frame.columns
    # an unknown symbol in the manifest is still reported whatever the subset
    (root / "manifest.csv").write_text("path,symbol,format\nspx.csv,SPX,yahoo-ohlcv-lowercase\n"
                                       "vix.csv,GOLD,ohlc-iso\n")
    with pytest.raises(DataError, match=r"symbol 'GOLD' of vix\.csv is not known"):
        load_market_data(root, columns=["spx_close"])


def test_subset_needs_spx_and_checks_column_names(tmp_path: Path) -> None:
    root = _dir(tmp_path, {"vix.csv": VIX}, ["vix.csv,VIX,ohlc-iso"])
    with pytest.raises(DataError, match="has no SPX"):
        load_market_data(root, columns=["vix_close"])
    with pytest.raises(ValueError, match=r"column 'vix_clsoe' is not a market-data column"):
        load_market_data(root, columns=["vix_close", "vix_clsoe"])


def test_symbols_for_columns() -> None:
    assert symbols_for_columns([]) == {"SPX"}
    assert symbols_for_columns("vix_open") == {"SPX", "VIX"}
    assert symbols_for_columns(["vix3m"]) == {"SPX", "VIX3M", "VXV"}  # and its old name
    assert symbols_for_columns(["vx30", "vvix", "spx_open"]) == {"SPX", "VX", "VVIX"}


def test_changed_file_is_reloaded_in_a_subset(tmp_path: Path) -> None:
    root = _dir(tmp_path, {"spx.csv": SPX, "vix.csv": VIX},
                ["spx.csv,SPX,yahoo-ohlcv-lowercase", "vix.csv,VIX,ohlc-iso"])
    assert load_market_data(root, columns=["vix_close"]).frame["vix_close"].tolist() == \
        [15.5, 16.5]
    (root / "vix.csv").write_text(VIX.replace("16.5", "16.25"))
    assert load_market_data(root, columns=["vix_close"]).frame["vix_close"].tolist() == \
        [15.5, 16.25]
    assert load_market_data(root).frame["vix_close"].tolist() == [15.5, 16.25]


def test_subset_served_from_a_cached_full_load(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    import backtest.data.load as load_mod

    root = _dir(tmp_path, {"spx.csv": SPX, "vix.csv": VIX},
                ["spx.csv,SPX,yahoo-ohlcv-lowercase", "vix.csv,VIX,ohlc-iso"])
    monkeypatch.setattr(load_mod, "_CACHE", {})
    full = load_market_data(root)
    fresh_spx = load_market_data(root, columns=["spx_close"])  # read afresh: SPX only
    assert list(fresh_spx.frame.columns) == [c for c in KNOWN_COLUMNS if c.startswith("spx_")]

    def no_reading(entries: object) -> None:
        raise AssertionError("a file was read")

    monkeypatch.setattr(load_mod, "_read_entries", no_reading)
    sub = load_market_data(root, columns=["vix_close"])  # from the cached full load
    pd.testing.assert_frame_equal(sub.frame, full.frame)
    spx = load_market_data(root, columns=["spx_open"])
    pd.testing.assert_frame_equal(spx.frame, fresh_spx.frame)
    assert spx.sources == fresh_spx.sources
    # a change to any listed file, even one a subset does not read, invalidates
    (root / "vix.csv").write_text(VIX.replace("16.5", "16.25"))
    with pytest.raises(AssertionError, match="a file was read"):
        load_market_data(root, columns=["spx_close"])
