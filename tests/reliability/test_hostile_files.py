"""Hostile data directories and files: every one ends in a clear DataError naming the
file (and the manifest line), never in a hang, an out-of-memory or foreign content."""

from __future__ import annotations

import gzip
import io
import os
import tarfile
import threading
from pathlib import Path

import pytest

from backtest.data import load_market_data
from backtest.data.manifest import read_manifest
from backtest.data.readers import _text, cfe, detect_format, read_file
from backtest.data.store import import_file
from backtest.errors import DataError

VIX = ("DATE,OPEN,HIGH,LOW,CLOSE\n01/02/2020,13.46,13.72,12.42,12.47\n"
       "01/03/2020,15.01,16.2,13.13,14.02\n")
SECRET = "root:x:0:0:SECRET-LINE\n"


def _dir(tmp_path: Path, rows: str) -> Path:
    root = tmp_path / "dd"
    root.mkdir(exist_ok=True)
    (root / "manifest.csv").write_text("path,symbol,format\n" + rows, encoding="utf-8")
    return root


@pytest.mark.parametrize(("path", "rule"), [
    ("../outside.csv", "leaves the data directory"),
    ("../../../../etc/passwd", "leaves the data directory"),
    ("a/../../outside.csv", "leaves the data directory"),
    ("/etc/shadow", "is absolute"),
    ("x\\..\\..\\outside.csv", "backslash"),
    ("C:/outside.csv", "drive letter"),
    (".", "the data directory itself"),
])
def test_manifest_paths_must_stay_inside(tmp_path: Path, path: str, rule: str) -> None:
    (tmp_path / "outside.csv").write_text(SECRET, encoding="utf-8")
    root = _dir(tmp_path, f"{path},VIX,cboe-index\n")
    with pytest.raises(DataError) as info:
        load_market_data(root)
    msg = str(info.value)
    assert f"{root / 'manifest.csv'}, line 2" in msg and rule in msg
    assert "SECRET" not in msg


def test_futures_archive_row_cannot_reach_outside(tmp_path: Path) -> None:
    root = _dir(tmp_path, "../../../..,VX,cfe-contracts-archive\n")
    with pytest.raises(DataError, match=r"line 2: path '../../../..' leaves the data directory"):
        read_manifest(root)


def test_symlinked_files_inside_the_folder_are_allowed(tmp_path: Path,
                                                      shared_data: Path) -> None:
    root = _dir(tmp_path, "spx.csv,SPX,yahoo-ohlcv-lowercase\n")
    (root / "spx.csv").symlink_to(shared_data / "spx_daily.csv")
    table = load_market_data(root, columns=["spx_close"])
    assert table.frame.index[0].year == 1927


def test_foreign_content_is_not_echoed(tmp_path: Path) -> None:
    p = tmp_path / "passwd.csv"
    p.write_text(SECRET * 3, encoding="utf-8")
    for f in (detect_format, read_file):
        with pytest.raises(DataError) as info:
            f(p)
        assert "SECRET" not in str(info.value) and str(p) in str(info.value)


def test_devices_fifos_and_folders_are_refused(tmp_path: Path) -> None:
    root = _dir(tmp_path, "zero.csv,VIX,cboe-index\n")
    (root / "zero.csv").symlink_to("/dev/zero")
    with pytest.raises(DataError, match=r"zero.csv: is not a regular file"):
        load_market_data(root)
    fifo = tmp_path / "fifo.csv"
    os.mkfifo(fifo)
    done: list[BaseException] = []

    def probe() -> None:
        try:
            read_file(fifo)
        except BaseException as exc:
            done.append(exc)

    t = threading.Thread(target=probe, daemon=True)
    t.start()
    t.join(10)
    if t.is_alive():  # unblock the reader before failing
        with open(fifo, "wb"):
            pass
        pytest.fail("reading a FIFO hangs")
    assert isinstance(done[0], DataError) and "not a regular file" in str(done[0])
    folder = tmp_path / "VIX_History.csv"
    folder.mkdir()
    with pytest.raises(DataError, match=r"VIX_History.csv: archive holds no .csv files \(a "
                                        r"folder is read as an archive"):
        read_file(folder)
    with pytest.raises(DataError, match=r"VIX_History.csv: is a folder, not a data file"):
        read_file(folder, format="cboe-index")
    with pytest.raises(DataError, match=r"VIX_History.csv: is a folder, not a data file"):
        import_file(tmp_path / "dd2", folder, symbol="VIX")
    with pytest.raises(DataError, match=r"fifo.csv: is not a regular file"):
        import_file(tmp_path / "dd2", fifo, symbol="VIX")


def test_archive_folder_with_a_fifo_member_is_refused(tmp_path: Path) -> None:
    arch = tmp_path / "contracts"
    arch.mkdir()
    os.mkfifo(arch / "CFE_F08_VX.csv")
    with pytest.raises(DataError, match=r"CFE_F08_VX.csv: is not a regular file"):
        read_file(arch, format="cfe-contracts-archive")


def test_gzip_bomb_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import backtest.data.readers as readers

    monkeypatch.setattr(readers, "MAX_EXPANDED_BYTES", 1 << 20)
    p = tmp_path / "VIX_History.csv.gz"
    p.write_bytes(gzip.compress(VIX.encode() + b"9" * (3 << 20)))
    assert p.stat().st_size < 20_000
    with pytest.raises(DataError, match=r"expands to more than 1 MiB"):
        read_file(p)


def test_tar_member_bomb_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cfe, "MAX_EXPANDED_BYTES", 1 << 20)
    p = tmp_path / "vx.tar.gz"
    data = b"Trade Date,Futures,Settle\n" + b"9" * (3 << 20)
    with tarfile.open(p, "w:gz") as tf:
        info = tarfile.TarInfo("CFE_F08_VX.csv")
        info.size = len(data)
        tf.addfile(info, io.BytesIO(data))
    with pytest.raises(DataError, match=r"CFE_F08_VX.csv: expands to more than 1 MiB"):
        read_file(p)


@pytest.mark.parametrize(("body", "what"), [
    (VIX.encode("utf-16"), "is UTF-16"),
    (VIX.encode("utf-16-le"), "is UTF-16"),
    (gzip.compress(VIX.encode()), "is gzip-compressed"),
    (b"PK\x03\x04" + b"\x00" * 40, "is a zip archive"),
    (b"DATE,OPEN,HIGH,LOW,CLOSE\n01/02/2020,1\x00,2,0.5,1\n", "line 2: binary content"),
])
def test_encodings_and_compression_are_named(tmp_path: Path, body: bytes, what: str) -> None:
    p = tmp_path / "VIX_History.csv"
    p.write_bytes(body)
    with pytest.raises(DataError, match=what) as info:
        read_file(p)
    assert str(p) in str(info.value)


@pytest.mark.parametrize("date", ["12/31/9999", "01/02/1600"])
def test_far_dates_are_named(tmp_path: Path, date: str) -> None:
    p = tmp_path / "VIX_History.csv"
    p.write_text(VIX + f"{date},1,2,0.5,1\n", encoding="utf-8")
    with pytest.raises(DataError, match=f"line 4: column 'DATE': date '{date}' is outside"):
        read_file(p)


@pytest.mark.parametrize(("manifest", "what"), [
    (b"path,symbol,format\nvix.csv,VIX,excel\n", "line 2: unknown format 'excel'"),
    (b"path,symbol,format\nvix.csv,VIX,cboe-index\n\x00\x01\x02", "line 3: binary content"),
    ("path,symbol,format\nvix.csv,VIX,cboe-index\n".encode("utf-16"), "line 1: binary content"),
    (b"path,symbol,format\nvix.csv,VIX,cboe-index\n\xff\xfe\xfa\n", "line 3: not UTF-8"),
])
def test_bad_manifests_name_the_line(tmp_path: Path, manifest: bytes, what: str) -> None:
    root = tmp_path / "dd"
    root.mkdir()
    (root / "vix.csv").write_text(VIX, encoding="utf-8")
    (root / "manifest.csv").write_bytes(manifest)
    with pytest.raises(DataError, match=what):
        read_manifest(root)


def test_state_folder_being_a_file_is_named(tmp_path: Path) -> None:
    root = tmp_path / "dd"
    root.mkdir()
    (root / ".vixbt").write_text("x", encoding="utf-8")
    src = tmp_path / "VIX_History.csv"
    src.write_text(VIX, encoding="utf-8")
    with pytest.raises(DataError, match=r"\.vixbt is a file"):
        import_file(root, src)


def test_limits_are_documented_constants() -> None:
    assert _text.MAX_FILE_BYTES >= 256 << 20 and _text.MAX_EXPANDED_BYTES >= 256 << 20


def test_update_with_state_folder_being_a_file_is_named(tmp_path: Path) -> None:
    from backtest.data.download import update

    root = tmp_path / "dd"
    root.mkdir()
    (root / "manifest.csv").write_text("path,symbol,format\n", encoding="utf-8")
    (root / ".vixbt").write_text("x", encoding="utf-8")
    with pytest.raises(DataError, match=r"\.vixbt is a file"):
        update(root, symbols=["VIX"], progress=False)


def test_data_folder_under_a_file_is_named(tmp_path: Path) -> None:
    (tmp_path / "f").write_text("x", encoding="utf-8")
    src = tmp_path / "VIX_History.csv"
    src.write_text(VIX, encoding="utf-8")
    with pytest.raises(DataError, match=r"not writable|is not a folder"):
        import_file(tmp_path / "f" / "dd", src)
