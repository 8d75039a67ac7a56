"""Data repairs on the command line: one summary line by default, per-file lines on request.

The data directories are built from real files of the shared data whose bad
prints the tests count themselves from the raw CSV: ``vix_daily.csv`` (opens
outside the day's [low, high]) and ``vix6m_daily.csv`` (a day with high < low).
Each call gets a fresh directory, because the loader warns on a directory's
first load in a process only.
"""

from __future__ import annotations

import itertools
import tempfile
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from backtest.cli.repairs import Repair, RepairLog, summary_line

_dirs = itertools.count()
Vixbt = Callable[..., Any]
Counts = dict[str, dict[str, int]]


def _bad_prints(path: Path) -> dict[str, int]:
    """Bad prints of a raw OHLC file, counted here from its rows."""
    raw = pd.read_csv(path)
    raw.columns = [c.strip().lower() for c in raw.columns]
    o, h, lo, c = (pd.to_numeric(raw[k], errors="coerce") for k in ("open", "high", "low", "close"))
    ok = h >= lo  # a day with high < low loses its range first: nothing to be outside of
    return {"open_outside": int((ok & ((o > h) | (o < lo))).sum()),
            "high_below_low": int((h < lo).sum()),
            "non_positive": int(((raw[["open", "high", "low", "close"]] <= 0).sum()).sum()),
            "close_outside": int((ok & ((c > h) | (c < lo))).sum())}


def _data_dir(tmp_path: Path, shared: Path, *, vix6m: bool) -> Path:
    """A fresh data directory: SPX and VIX (and VIX6M) linked from the shared data."""
    root = tmp_path / f"data{next(_dirs)}"
    root.mkdir()
    rows = [("spx_daily.csv", "SPX", "yahoo-ohlcv-lowercase"), ("vix_daily.csv", "VIX", "ohlc-iso")]
    if vix6m:
        rows.append(("vix6m_daily.csv", "VIX6M", "cboe-index"))
    for name, _, _ in rows:
        (root / name).symlink_to(shared / name)
    (root / "manifest.csv").write_text(
        "path,symbol,format\n" + "".join(f"{n},{s},{f}\n" for n, s, f in rows))
    return root


@pytest.fixture(scope="module")
def counts(shared_data: Path) -> dict[str, dict[str, int]]:
    out = {name: _bad_prints(shared_data / name) for name in ("vix_daily.csv", "vix6m_daily.csv")}
    # the files hold exactly the bad prints the tests rely on, and no other kind
    assert out["vix_daily.csv"]["open_outside"] > 0
    assert out["vix_daily.csv"]["high_below_low"] == 0
    assert out["vix6m_daily.csv"]["high_below_low"] > 0
    assert out["vix6m_daily.csv"]["open_outside"] == 0
    for c in out.values():
        assert c["non_positive"] == 0 and c["close_outside"] == 0
    return out


def _stale(shared: Path, *, vix6m: bool) -> tuple[int, str]:
    """Stale or synthetic prices the loader removes from such a directory, and their years.

    Taken from the loaded table's sources (the rules and their counts are tested in
    ``tests/data/test_stale.py`` and ``tests/data/test_more_data.py``); the stale
    flat row 2004-06-11 of ``vix_daily.csv`` (not an SPX day) is counted as a row.
    """
    from backtest.data import load_market_data
    from backtest.errors import DataRepairWarning

    with tempfile.TemporaryDirectory() as tmp, warnings.catch_warnings():
        warnings.simplefilter("ignore", DataRepairWarning)
        table = load_market_data(_data_dir(Path(tmp), shared, vix6m=vix6m))
    years = [y for s in table.sources.values() for y, _ in s.repairs_by_year]
    n = sum(k for s in table.sources.values() for _, k in s.repairs_by_year) + 1
    return n, f"{min(years)}-{max(years)}"


def _run(vixbt: Any, root: Path, *extra: str) -> Any:
    """The headline study: it loads every file of the directory (a sweep or a single run
    reads only the files of its strategy's columns), 2015-01-05 on: real SPX opens."""
    return vixbt("study", "--data-dir", str(root), "--start", "2015-01-05", "--end",
                 "2016-12-31", "--no-report", "--format", "json", *extra)


def _summary_lines(err: str) -> list[str]:
    return [ln for ln in err.splitlines() if ln.startswith("vixbt: data: ")]


def test_default_is_one_summary_line_with_the_counts(vixbt: Vixbt, shared_data: Path,
                                                     tmp_path: Path, counts: Counts) -> None:
    res = _run(vixbt, _data_dir(tmp_path, shared_data, vix6m=True))
    assert res.code == 0, res.err
    stale, years = _stale(shared_data, vix6m=True)
    n = (counts["vix_daily.csv"]["open_outside"] + counts["vix6m_daily.csv"]["high_below_low"]
         + stale)
    assert _summary_lines(res.err) == [
        f"vixbt: data: {n:,} values repaired or dropped in 3 files the loaded table uses, "
        f"{stale:,} of them stale or synthetic prices, {years} "
        "(details: vixbt data info, or --verbose)"]
    assert "vixbt: warning:" not in res.err
    assert res.json()["schema"] == "vixbt.verdict_table/2"  # stdout is the JSON document alone


def test_one_file(vixbt: Vixbt, shared_data: Path, tmp_path: Path, counts: Counts) -> None:
    res = _run(vixbt, _data_dir(tmp_path, shared_data, vix6m=False), "--format", "table")
    assert res.code == 0, res.err
    stale, years = _stale(shared_data, vix6m=False)
    n = counts["vix_daily.csv"]["open_outside"] + stale
    assert _summary_lines(res.err) == [
        f"vixbt: data: {n:,} values repaired or dropped in 2 files the loaded table uses, "
        f"{stale:,} of them stale or synthetic prices, {years} "
        "(details: vixbt data info, or --verbose)"]
    assert "vixbt: data:" not in res.out


def test_repairs_in_a_file_the_table_does_not_use_are_not_counted(
        vixbt: Vixbt, shared_data: Path, tmp_path: Path, counts: Counts) -> None:
    # a second SPX file (the 1927-2023 Yahoo file with thousands of non-positive opens)
    # is read but supplies no column: its repairs are mentioned, never counted
    root = _data_dir(tmp_path, shared_data, vix6m=False)
    name = "spx_daily_yahoo_adjclose_1927_2023.csv"
    (root / name).symlink_to(shared_data / name)
    with (root / "manifest.csv").open("a") as fh:
        fh.write(f"{name},SPX,yahoo-classic\n")
    res = _run(vixbt, root)
    assert res.code == 0, res.err
    stale, years = _stale(shared_data, vix6m=False)
    n = counts["vix_daily.csv"]["open_outside"] + stale
    assert _summary_lines(res.err) == [
        f"vixbt: data: {n:,} values repaired or dropped in 2 files the loaded table uses, "
        f"{stale:,} of them stale or synthetic prices, {years}; "
        "repairs in 1 other file it does not use (details: vixbt data info, or --verbose)"]


def test_verbose_shows_each_file(vixbt: Vixbt, shared_data: Path, tmp_path: Path,
                                 counts: Counts) -> None:
    root = _data_dir(tmp_path, shared_data, vix6m=True)
    res = _run(vixbt, root, "--verbose")
    assert res.code == 0, res.err
    assert _summary_lines(res.err) == []
    warn = [ln for ln in res.err.splitlines() if ln.startswith("vixbt: warning: ")]
    n_open = counts["vix_daily.csv"]["open_outside"]
    n_hl = counts["vix6m_daily.csv"]["high_below_low"]
    # two bad-print lines, one stale row, and the stale or synthetic prices of each of
    # spx_open/high/low and vix_open/high/low
    assert len(warn) == 9, res.err
    # the loader names the file it read (the linked file's target)
    assert warn[0].startswith("vixbt: warning: ")
    assert f"/vix_daily.csv: open: {n_open} open(s) outside [low, high] removed" in warn[0]
    assert f"/vix6m_daily.csv: high/low: {n_hl} day(s) with high < low" in warn[1]
    assert any("/spx_daily.csv: spx_open: " in w and "per year: " in w for w in warn)


def test_quiet_silences_the_summary(vixbt: Vixbt, shared_data: Path,
                                    tmp_path: Path) -> None:
    res = _run(vixbt, _data_dir(tmp_path, shared_data, vix6m=True), "--quiet")
    assert res.code == 0, res.err
    assert res.err == ""
    # --verbose asks for the repairs: they are shown, one line per file, and nothing else
    both = _run(vixbt, _data_dir(tmp_path, shared_data, vix6m=True), "--quiet", "--verbose")
    assert both.code == 0, both.err
    lines = both.err.splitlines()
    assert len(lines) == 9 and all(ln.startswith("vixbt: warning: /") for ln in lines), both.err


def test_data_info_lists_each_file(vixbt: Vixbt, shared_data: Path, tmp_path: Path,
                                   counts: Counts) -> None:
    root = _data_dir(tmp_path, shared_data, vix6m=True)
    res = vixbt("data", "info", "--data-dir", str(root))
    assert res.code == 0, res.err
    assert res.err == ""  # the details are in the output itself
    n_open = counts["vix_daily.csv"]["open_outside"]
    body = res.out.split("Repaired or dropped while loading, per file")[1]
    assert f"/vix_daily.csv: open: {n_open} open(s) outside [low, high]" in body
    # VIX6M's high and low are not columns of the table: only this section shows the repair
    assert "/vix6m_daily.csv: high/low: " in body
    vix_open = next(ln for ln in res.out.splitlines() if ln.startswith("vix_open "))
    # the column's repairs: bad prints, the stale row, and the opens removed as not real
    n_col = int(vix_open.split()[5])
    assert n_col > n_open + 1
    assert "/vix_daily.csv: vix_open: " in body and f"{n_col - n_open - 1} open(s) removed" in body
    js = vixbt("data", "info", "--data-dir", str(_data_dir(tmp_path, shared_data, vix6m=True)),
               "--format", "json")
    assert js.code == 0
    assert {c["column"]: c["repairs"] for c in js.json()["columns"]}["vix_open"] == n_col
    assert len(_summary_lines(js.err)) == 1


def test_other_warnings_pass_through(vixbt: Vixbt, shared_data: Path, tmp_path: Path,
                                     monkeypatch: pytest.MonkeyPatch, counts: Counts) -> None:
    import backtest.data.load as load

    original = load.load_market_data

    def warn_then_load(*a: Any, **k: Any) -> Any:
        warnings.warn("the calendar ends before the data", UserWarning, stacklevel=2)
        warnings.warn("a future change", FutureWarning, stacklevel=2)
        return original(*a, **k)

    monkeypatch.setattr(load, "load_market_data", warn_then_load)
    res = _run(vixbt, _data_dir(tmp_path, shared_data, vix6m=False))
    assert res.code == 0, res.err
    lines = res.err.splitlines()
    assert "vixbt: warning: the calendar ends before the data" in lines
    assert "vixbt: warning: a future change" in lines
    assert len(_summary_lines(res.err)) == 1


def test_embedded_sample_line_counts_its_stale_opens(vixbt: Vixbt) -> None:
    """The embedded sample's only repairs: its SPX opens equal to the previous close."""
    res = vixbt("run", "spike_reversal", "--n-boot", "20", "--no-report", "--format", "json",
                "--fill", "next_close")
    assert res.code == 0, res.err
    assert _summary_lines(res.err) == [
        "vixbt: data: 2,004 values repaired or dropped in 1 file the loaded table uses, "
        "2,004 of them stale or synthetic prices, 1999-2015 "
        "(details: vixbt data info, or --verbose)"]
    assert "warning" not in res.err


def test_error_after_repairs_is_one_line(vixbt: Vixbt, shared_data: Path, tmp_path: Path,
                                         one_line_error: Callable[..., None]) -> None:
    root = _data_dir(tmp_path, shared_data, vix6m=False)
    (root / "vx.csv").write_text("<html><body>not a futures table</body></html>")
    with (root / "manifest.csv").open("a") as f:
        f.write("vx.csv,VX,continuous-wide\n")
    res = vixbt("data", "info", "--data-dir", str(root), "--format", "json")
    one_line_error(res, 1, f"{root / 'vx.csv'}: is an HTML page")


def test_repair_parse_and_summary() -> None:
    r = Repair.parse("/d/a.csv: open: 1,234 open(s) outside [low, high] removed "
                     "(first on 1992-02-11)")
    assert (r.file, r.column, r.count) == ("/d/a.csv", "open", 1234)
    assert Repair.parse("/d/b.csv: rows: dates were not in order; sorted").count == 0
    assert Repair.parse("x.csv: settle: on 2004-01-02 3 rows dropped").count == 3
    odd = Repair.parse("no columns here 5")
    assert (odd.file, odd.column, odd.count) == ("no columns here 5", "", 5)
    reps = [Repair.parse("/d/a.csv: open: 2 bad"), Repair.parse("/d/a.csv: high/low: 1 day"),
            Repair.parse("/d/b.csv: rows: dates were not in order; sorted")]
    assert summary_line(reps) == ("vixbt: data: 3 values repaired or dropped in 2 files while "
                                  "loading (details: vixbt data info, or --verbose)")
    assert summary_line(reps[2:]).startswith("vixbt: data: repairs in 1 file while loading")


def test_repair_log_removes_repeats(capsys: pytest.CaptureFixture[str]) -> None:
    log = RepairLog()
    for msg in ("/d/a.csv: open: 2 bad", "/d/a.csv: open: 2 bad", "/d/b.csv: open: 1 bad"):
        log.record(msg)
    log.flush()
    log.flush()  # nothing new: nothing printed
    assert capsys.readouterr().err.splitlines() == [
        "vixbt: data: 3 values repaired or dropped in 2 files while loading "
        "(details: vixbt data info, or --verbose)"]


def test_structured_count_beats_the_text() -> None:
    """The loader's own count is used, not a number found in the message text."""
    from backtest.errors import DataRepairWarning

    w = DataRepairWarning("f.csv: open: 2024-01-02 first of 3 bad opens removed",
                          source="f.csv", column="open", count=7)
    repair = Repair.from_warning(w)
    assert (repair.file, repair.column, repair.count) == ("f.csv", "open", 7)
    # a plain message still parses
    assert Repair.from_warning("g.csv: settle: 5 row(s) dropped").count == 5


def test_loader_warnings_carry_their_counts(shared_data: Path, tmp_path: Path) -> None:
    """Reading the real VIX file warns with the 47 opens outside [low, high] as a field."""
    from backtest.data.readers import read_file
    from backtest.errors import DataRepairWarning

    raw = pd.read_csv(shared_data / "vix_daily.csv")
    outside = int(((raw["OPEN"] > raw["HIGH"]) | (raw["OPEN"] < raw["LOW"])).sum())
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        read_file(shared_data / "vix_daily.csv", "ohlc-iso", "VIX")
    repairs = [w.message for w in caught if issubclass(w.category, DataRepairWarning)]
    opens = [w for w in repairs if getattr(w, "column", None) == "open"]
    assert len(opens) == 1 and opens[0].count == outside == 47
    assert opens[0].source.endswith("vix_daily.csv")


def test_stale_prices_in_the_summary_with_their_years() -> None:
    """Warnings with per-year counts (stale or synthetic prices) are counted apart."""
    from backtest.errors import DataRepairWarning

    stale = DataRepairWarning("/d/spx.csv: spx_open: 5 open(s) removed as not real",
                              source="/d/spx.csv", column="spx_open", count=5,
                              by_year={1999: 3, 2001: 2})
    r = Repair.from_warning(stale)
    assert r.by_year == ((1999, 3), (2001, 2)) and r.count == 5
    other = Repair.parse("/d/vix.csv: open: 2 open(s) outside [low, high] removed")
    assert other.by_year == ()
    assert summary_line([r, other]) == (
        "vixbt: data: 7 values repaired or dropped in 2 files while loading, 5 of them stale "
        "or synthetic prices, 1999-2001 (details: vixbt data info, or --verbose)")
    one_year = Repair.from_warning(DataRepairWarning("/d/x.csv: rows: 1 stale row",
                                                     source="/d/x.csv", column="rows", count=1,
                                                     by_year={2010: 1}))
    assert summary_line([one_year]).endswith("1 of them stale or synthetic prices, 2010 "
                                             "(details: vixbt data info, or --verbose)")
