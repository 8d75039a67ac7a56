"""vixbt data update against a local server holding the real files (no internet)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

_SPEC = importlib.util.spec_from_file_location(
    "vixbt_tests_httpserver", Path(__file__).resolve().parents[1] / "data" / "httpserver.py")


@pytest.fixture
def site(shared_data: Path, tmp_path: Path):  # type: ignore[no-untyped-def]
    if _SPEC is None or _SPEC.loader is None:
        pytest.skip("tests/data/httpserver.py not available")
    mod = importlib.util.module_from_spec(_SPEC)
    sys.modules[_SPEC.name] = mod
    _SPEC.loader.exec_module(mod)
    s = mod.cboe_site(shared_data, tmp_path / "cfe", futures=False)
    s.server.start()
    try:
        yield s
    finally:
        s.server.stop()


def test_update_from_a_mirror_then_info(vixbt, site, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    root = tmp_path / "data"
    res = vixbt("data", "update", "--data-dir", str(root), "--symbols", "VIX,VVIX",
                "--mirror", site.server.origin, "--quiet", "--timeout", "10",
                "--format", "json")
    assert res.code == 0, res.err
    doc = res.json()
    assert doc["schema"] == "vixbt.data-update/1" and doc["ok"] is True
    assert {f["status"] for f in doc["files"]} == {"downloaded"}
    assert len(doc["files"]) == 2
    # a second run finds both files unchanged on the server (conditional requests)
    again = vixbt("data", "update", "--data-dir", str(root), "--symbols", "VIX,VVIX",
                  "--mirror", site.server.origin, "--quiet", "--format", "json")
    assert again.code == 0
    assert {f["status"] for f in again.json()["files"]} == {"unchanged"}


def test_update_failure_exits_1_and_keeps_going(vixbt, site, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    site.server.fail(site.index_paths["VVIX"], "status", status=500, times=10)
    res = vixbt("data", "update", "--data-dir", str(tmp_path / "d"), "--symbols", "VIX,VVIX",
                "--mirror", site.server.origin, "--quiet", "--timeout", "10")
    assert res.code == 1
    assert "1 downloaded" in res.out and "1 failed" in res.out and "500" in res.out


def test_size_cap_and_deadline_options(vixbt, site, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    site.server.fail(site.index_paths["VIX"], "endless")
    site.server.fail(site.index_paths["VVIX"], "drip", seconds=0.05)
    res = vixbt("data", "update", "--data-dir", str(tmp_path / "d"), "--symbols",
                "VIX,VVIX,VIX9D", "--mirror", site.server.origin, "--quiet", "--timeout", "5",
                "--max-size", "1", "--deadline", "1")
    assert res.code == 1
    assert "1 downloaded" in res.out and "2 failed" in res.out
    assert "VIX_History.csv: body larger than the size cap of 1048576 bytes" in res.out
    assert "VVIX_History.csv: not complete within the deadline" in res.out
