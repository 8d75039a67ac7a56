"""The downloader against hostile servers and mirrors: size caps, deadlines, lost history,
bad listings and chart JSON.  Every failure fails only its file and keeps the cache."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from backtest.data.download import UpdateReport, update
from backtest.data.manifest import read_manifest
from backtest.data.sources import BaseUrls, contract_listing_files, yahoo_chart_to_csv
from backtest.data.store import STATE_DIR
from backtest.errors import DownloadError

from .httpserver import LISTING_PATH, Site, cboe_site


@pytest.fixture(scope="module")
def built_site(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Site:
    return cboe_site(shared_data, tmp_path_factory.mktemp("cfe"), futures=False)


@pytest.fixture
def site(built_site: Site) -> Iterator[Site]:
    s = built_site.fresh()
    s.server.start()
    try:
        yield s
    finally:
        s.server.stop()


def run(root: Path, site: Site, **kw: Any) -> UpdateReport:
    opts: dict[str, Any] = {"progress": False, "timeout": 10.0, "retries": 0, "backoff": 0.0,
                            "strict": False}
    opts.update(kw)
    return update(root, base_urls=BaseUrls.on_host(site.server.origin), **opts)


def _cached(site: Site, tmp_path: Path) -> tuple[Path, Path, bytes]:
    root = tmp_path / "dd"
    run(root, site, symbols=["VIX"])
    target = root / "vix" / "VIX_History.csv"
    return root, target, target.read_bytes()


def test_endless_body_stops_at_the_size_cap_and_keeps_the_cache(site: Site,
                                                                tmp_path: Path) -> None:
    root, target, before = _cached(site, tmp_path)
    site.server.fail(site.index_paths["VIX"], "endless")
    t0 = time.monotonic()
    report = run(root, site, symbols=["VIX"], max_bytes=2 << 20, force=True)
    assert time.monotonic() - t0 < 20
    ((url, msg),) = report.failed
    assert "VIX_History.csv" in url and "size cap of 2097152 bytes" in msg
    assert target.read_bytes() == before
    assert not any((root / STATE_DIR / "partial").iterdir())  # nothing left behind


def test_announced_oversized_body_is_refused_before_reading(site: Site,
                                                           tmp_path: Path) -> None:
    root, target, before = _cached(site, tmp_path)
    report = run(root, site, symbols=["VIX"], max_bytes=1000, force=True)
    ((_, msg),) = report.failed
    assert "larger than the size cap of 1000 bytes" in msg
    assert target.read_bytes() == before


def test_slow_drip_fails_at_the_deadline_and_keeps_the_cache(site: Site,
                                                            tmp_path: Path) -> None:
    root, target, before = _cached(site, tmp_path)
    site.server.fail(site.index_paths["VIX"], "drip", seconds=0.05)
    t0 = time.monotonic()
    report = run(root, site, symbols=["VIX"], timeout=3.0, deadline=1.5, force=True)
    took = time.monotonic() - t0
    assert took < 8, took
    ((_, msg),) = report.failed
    assert "not complete within the deadline" in msg
    assert target.read_bytes() == before


def test_a_mirror_with_a_shorter_history_is_refused(site: Site, tmp_path: Path) -> None:
    root, target, before = _cached(site, tmp_path)
    path = site.index_paths["VIX"]
    lines = site.server.routes[path].body.decode().splitlines(keepends=True)
    recent = [ln for ln in lines[1:] if ln.split("/")[-1][:4] in ("2025", "2026")
              or ln.split(",")[0].endswith(("/2025", "/2026"))]
    assert 100 < len(recent) < 500
    site.server.add(path, (lines[0] + "".join(recent)).encode())
    report = run(root, site, symbols=["VIX"])
    ((_, msg),) = report.failed
    assert "refused, the download would lose history" in msg
    assert "1990-01-02" in msg  # the first lost date
    assert target.read_bytes() == before
    assert (root / STATE_DIR / "refused" / "VIX_History.csv").is_file()
    (vix,) = read_manifest(root)
    assert vix.span == "1990-01-02..2026-07-22"


def test_a_mirror_changing_old_values_is_refused_recent_revisions_pass(site: Site,
                                                                      tmp_path: Path) -> None:
    root, target, before = _cached(site, tmp_path)
    path = site.index_paths["VIX"]
    body = site.server.routes[path].body.decode()
    old = body.replace("01/03/1990,", "01/03/1990,9", 1)  # not the change we test
    lines = body.splitlines(keepends=True)
    i = next(k for k, ln in enumerate(lines) if ln.startswith("03/16/2020"))
    f = lines[i].rstrip("\n").split(",")
    f[4] = f"{float(f[4]) * 2:.6f}"
    f[2] = f"{float(f[2]) * 2:.6f}"
    changed = "".join(lines[:i]) + ",".join(f) + "\n" + "".join(lines[i + 1:])
    del old
    site.server.add(path, changed.encode())
    report = run(root, site, symbols=["VIX"])
    ((_, msg),) = report.failed
    assert "changed by more than 1%" in msg and "2020-03-16: 82.69 -> 165.38" in msg
    assert target.read_bytes() == before
    # the last days may be revised
    j = len(lines) - 2
    g = lines[j].rstrip("\n").split(",")
    g[4] = f"{float(g[4]) * 1.1:.6f}"
    g[2] = f"{max(float(g[2]), float(g[4])):.6f}"
    revised = "".join(lines[:j]) + ",".join(g) + "\n" + lines[-1]
    site.server.add(path, revised.encode())
    report = run(root, site, symbols=["VIX"])
    assert report.downloaded == ("vix/VIX_History.csv",)


def test_one_bad_file_does_not_stop_the_others(site: Site, tmp_path: Path) -> None:
    root = tmp_path / "dd"
    site.server.fail(site.index_paths["VIX"], "endless")
    report = run(root, site, symbols=["VIX", "VVIX", "VIX9D"], max_bytes=4 << 20)
    assert sorted(report.downloaded) == ["vix9d/VIX9D_History.csv", "vvix/VVIX_History.csv"]
    ((url, msg),) = report.failed
    assert url.endswith("/VIX_History.csv") and url in msg
    assert "FAILED" in report.summary() and url in report.summary()


def test_corrupt_cached_listing_says_force_recovers(site: Site, tmp_path: Path) -> None:
    root = tmp_path / "dd"
    site.server.add(LISTING_PATH, b"{}", content_type="application/json")
    run(root, site, symbols=["VX"])
    cache = root / STATE_DIR / "vx-listing.json"
    assert cache.is_file()
    cache.write_bytes(b"\x00garbage")
    report = run(root, site, symbols=["VX"])  # the server answers 304
    msgs = [m for _, m in report.failed]
    assert any("vx-listing.json" in m and "--force" in m for m in msgs), msgs
    forced = run(root, site, symbols=["VX"], force=True)
    assert not any("vx-listing" in m for _, m in forced.failed)


@pytest.mark.parametrize("path", [
    "x\\..\\..\\PWNED.csv", "a/" + "v" * 300 + ".csv", ".hidden.csv",
    "VX_2018.csv/", "C:PWNED.csv"])
def test_listing_names_must_be_plain(path: str) -> None:
    listing = json.dumps({"2018": [{"expire_date": "2018-02-14", "duration_type": "M",
                                    "path": path}]}).encode()
    with pytest.raises(DownloadError, match="plain contract file name"):
        contract_listing_files(BaseUrls(), listing, source="L")


@pytest.mark.parametrize(("change", "what"), [
    ({"close": ["abc"]}, "not a number"),
    ({"tz": "../../etc/passwd"}, "unknown time zone"),
    ({"tz": "Mars/Olympus"}, "unknown time zone"),
    ({"timestamp": [10**20]}, "timestamp"),
    ({"timestamp": ["x"]}, "timestamp"),
    ({"chart": []}, "'chart' is not an object"),
])
def test_hostile_yahoo_json_is_named(change: dict[str, Any], what: str) -> None:
    quote = {"open": [1.0], "high": [1.0], "low": [1.0], "close": [1.0], "volume": [1]}
    result: dict[str, Any] = {"timestamp": [1577975400], "meta": {},
                              "indicators": {"quote": [quote]}}
    if "close" in change:
        quote["close"] = change["close"]
    if "tz" in change:
        result["meta"]["exchangeTimezoneName"] = change["tz"]
    if "timestamp" in change:
        result["timestamp"] = change["timestamp"]
    doc: dict[str, Any] = {"chart": {"result": [result], "error": None}}
    if "chart" in change:
        doc = {"chart": change["chart"]}
    with pytest.raises(DownloadError, match=what) as info:
        yahoo_chart_to_csv(json.dumps(doc).encode(), "http://y/chart")
    assert "http://y/chart" in str(info.value)
