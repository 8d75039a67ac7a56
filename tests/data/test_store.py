"""The data directory: import_file and its guarantees, on the real data files."""

from __future__ import annotations

import shutil
import warnings
from pathlib import Path

import pytest

from backtest.data.manifest import MANIFEST_NAME, read_manifest
from backtest.data.readers import read_file
from backtest.data.store import (
    SUPERSEDED_DIR,
    ensure_data_dir,
    import_file,
    sha256_file,
    upsert_entries,
)
from backtest.errors import DataError, DataRepairWarning


def test_import_detects_format_and_symbol_and_copies_bytes(shared_data: Path,
                                                           tmp_path: Path) -> None:
    src = shared_data / "cboe" / "VIX_History.csv"
    root = tmp_path / "dd"
    entry = import_file(root, src)
    target = root / "vix" / "VIX_History.csv"
    assert entry.path == target.resolve()
    assert (entry.symbol, entry.format) == ("VIX", "cboe-index")
    # span as documented in PROVENANCE.md
    assert entry.span == "1990-01-02..2026-07-22"
    assert target.read_bytes() == src.read_bytes()
    rows = read_manifest(root)
    assert [(r.path, r.symbol, r.format) for r in rows] == [(target.resolve(), "VIX",
                                                              "cboe-index")]
    assert str(src.resolve()) in rows[0].notes
    with pytest.warns(DataRepairWarning, match=r"47 open\(s\) outside"):
        frame = read_file(target).frame  # PROVENANCE.md: 47 rows with OPEN outside [LOW, HIGH]
    assert frame.loc["2020-03-16", "close"] == pytest.approx(82.69)


def test_symbol_argument_overrides_name_and_formats_of_every_layout(shared_data: Path,
                                                                   tmp_path: Path) -> None:
    root = tmp_path / "dd"
    e1 = import_file(root, shared_data / "vxv_daily_yahoo_2006_2017.csv")
    e2 = import_file(root, shared_data / "vvix_daily.csv", symbol="vvix")
    e3 = import_file(root, shared_data / "vx_futures" / "vx_continuous_m1_m7_2004_2024.csv")
    e4 = import_file(root, shared_data / "spx_daily.csv", format="yahoo-ohlcv-lowercase")
    assert [(e.symbol, e.format) for e in (e1, e2, e3, e4)] == [
        ("VXV", "yahoo-classic"), ("VVIX", "cboe-single"), ("VX", "continuous-wide"),
        ("SPX", "yahoo-ohlcv-lowercase")]
    assert e3.path == (root / "vx" / "vx_continuous_m1_m7_2004_2024.csv").resolve()
    assert e3.span == "2004-03-26..2024-12-31"
    assert len(read_manifest(root)) == 4


def test_reimporting_identical_content_is_a_no_op(shared_data: Path, tmp_path: Path) -> None:
    root = tmp_path / "dd"
    first = import_file(root, shared_data / "vix9d_daily.csv")
    manifest = (root / MANIFEST_NAME).read_bytes()
    mtime = Path(first.path).stat().st_mtime_ns
    # the same bytes from another folder, same name
    again_src = tmp_path / "elsewhere" / "vix9d_daily.csv"
    again_src.parent.mkdir()
    shutil.copyfile(shared_data / "vix9d_daily.csv", again_src)
    second = import_file(root, again_src)
    assert second == first
    assert (root / MANIFEST_NAME).read_bytes() == manifest
    assert Path(first.path).stat().st_mtime_ns == mtime
    assert not (root / "vix9d" / SUPERSEDED_DIR).exists()


def test_different_file_with_same_name_keeps_the_old_one(shared_data: Path,
                                                         tmp_path: Path) -> None:
    root = tmp_path / "dd"
    original = (shared_data / "vix3m_daily.csv").read_bytes()
    import_file(root, shared_data / "vix3m_daily.csv")
    # a shorter version of the same file: the last 10 rows cut
    lines = original.decode().splitlines(keepends=True)
    shorter = "".join(lines[:-10]).encode()
    src = tmp_path / "new" / "vix3m_daily.csv"
    src.parent.mkdir()
    src.write_bytes(shorter)
    entry = import_file(root, src)
    target = root / "vix3m" / "vix3m_daily.csv"
    assert target.read_bytes() == shorter
    kept = list((root / "vix3m" / SUPERSEDED_DIR).iterdir())
    assert len(kept) == 1 and kept[0].name.endswith("-vix3m_daily.csv")
    assert kept[0].read_bytes() == original
    assert f"previous file kept as vix3m/{SUPERSEDED_DIR}/{kept[0].name}" in entry.notes
    rows = read_manifest(root)
    assert [r.path for r in rows] == [target.resolve()]  # one row, the old file not listed
    last_kept_date = lines[-11].split(",")[0]  # MM/DD/YYYY
    m, d, y = last_kept_date.split("/")
    assert rows[0].span == f"2009-09-18..{y}-{m}-{d}"


def test_symbol_needed_when_the_name_says_nothing(shared_data: Path, tmp_path: Path) -> None:
    src = tmp_path / "mydata.csv"
    shutil.copyfile(shared_data / "vix_daily.csv", src)
    with pytest.raises(ValueError, match=r"cannot tell which symbol mydata\.csv holds"):
        import_file(tmp_path / "dd", src)
    assert not (tmp_path / "dd").exists()
    entry = import_file(tmp_path / "dd", src, symbol="VIX")
    assert (entry.symbol, entry.format) == ("VIX", "ohlc-iso")


def test_unknown_symbol_gets_a_hint(shared_data: Path, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"unknown symbol 'VIXX'.*did you mean 'VIX'"):
        import_file(tmp_path / "dd", shared_data / "vix_daily.csv", symbol="VIXX")


@pytest.mark.parametrize(("name", "body", "match"), [
    ("VIX_History.csv", b"", r"VIX_History\.csv"),
    ("VIX_History.csv", b"<!DOCTYPE html><html><body>Access denied</body></html>\n",
     r"VIX_History\.csv"),
    ("VIX_History.csv", b"when,what\n2020-01-01,3\n", r"VIX_History\.csv: unknown layout"),
])
def test_bad_files_never_enter_the_folder(tmp_path: Path, name: str, body: bytes,
                                          match: str) -> None:
    src = tmp_path / name
    src.write_bytes(body)
    root = tmp_path / "dd"
    with pytest.raises(DataError, match=match):
        import_file(root, src)
    assert not root.exists()


def test_bad_row_in_existing_folder_leaves_folder_unchanged(shared_data: Path,
                                                           tmp_path: Path) -> None:
    root = tmp_path / "dd"
    import_file(root, shared_data / "cboe" / "VIX_History.csv")
    before = {p: p.read_bytes() for p in root.rglob("*") if p.is_file()}
    src = tmp_path / "VIX_History.csv"
    text = (shared_data / "cboe" / "VIX_History.csv").read_text().splitlines(keepends=True)
    text[5] = "01/09/1990,abc,1,1,1\n"
    src.write_text("".join(text))
    with pytest.raises(DataError, match=r"VIX_History\.csv.*line 6"):
        import_file(root, src)
    after = {p: p.read_bytes() for p in root.rglob("*") if p.is_file()}
    assert after == before


def test_format_and_symbol_must_fit_the_file(shared_data: Path, tmp_path: Path) -> None:
    src = shared_data / "cboe" / "VIX_History.csv"
    with pytest.raises(DataError, match=r"format given as 'fred' but the header is 'cboe-index'"):
        import_file(tmp_path / "dd", src, format="fred")
    with pytest.raises(DataError, match=r"layout 'cboe-index' holds an index.*'VX' does not fit"):
        import_file(tmp_path / "dd", src, symbol="VX")
    with pytest.raises(DataError, match=r"no such file"):
        import_file(tmp_path / "dd", tmp_path / "absent.csv")


def test_contract_archive_is_imported_whole(shared_data: Path, tmp_path: Path) -> None:
    src = shared_data / "vx_futures" / "cfe_vx_contracts_2008_2015.tar.gz"
    entry = import_file(tmp_path / "dd", src)
    assert (entry.symbol, entry.format) == ("VX", "cfe-contracts-archive")
    # PROVENANCE.md: trade dates 2006-04-21 .. 2015-04-01 (zero-settle rows dropped,
    # so the first kept date may be later but never earlier)
    first, last = entry.span.split("..")
    assert first >= "2006-04-21" and last == "2015-04-01"
    assert sha256_file(entry.path) == sha256_file(src)


def test_ensure_data_dir_creates_manifest_and_refuses_a_file(tmp_path: Path) -> None:
    root = ensure_data_dir(tmp_path / "a" / "b")
    assert (root / MANIFEST_NAME).read_text() == "path,symbol,format,span,notes\n"
    assert read_manifest(root) == []
    (tmp_path / "f").write_text("x")
    with pytest.raises(DataError, match=r"exists and is not a folder"):
        ensure_data_dir(tmp_path / "f")


def test_upsert_replaces_rows_by_path_and_keeps_order(shared_data: Path,
                                                      tmp_path: Path) -> None:
    root = tmp_path / "dd"
    a = import_file(root, shared_data / "vix9d_daily.csv")
    b = import_file(root, shared_data / "vix6m_daily.csv")
    upsert_entries(root, [type(a)(path=a.path, symbol="VIX9D", format=a.format, span="x..y")])
    rows = read_manifest(root)
    assert [r.path for r in rows] == [a.path, b.path]
    assert rows[0].span == "x..y"


def test_imported_folder_loads(shared_data: Path, tmp_path: Path) -> None:
    from backtest.data import load_market_data

    root = tmp_path / "dd"
    import_file(root, shared_data / "spx_daily.csv")
    import_file(root, shared_data / "cboe" / "VIX_History.csv")
    import_file(root, shared_data / "vx_futures" / "vx_continuous_m1_m7_2004_2024.csv")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataRepairWarning)
        frame = load_market_data(root).frame
    assert frame.loc["2020-03-16", "vix_close"] == pytest.approx(82.69)
    assert frame.loc["2009-03-09", "spx_close"] == pytest.approx(676.53)
    assert frame.loc["2018-02-05", "vx1"] == pytest.approx(33.225)  # PROVENANCE.md
