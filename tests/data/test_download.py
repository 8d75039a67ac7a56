"""The downloader against a local HTTP server serving the real files and failures.

No internet: :mod:`tests.data.httpserver` serves ``../shared/data`` under the public
URL paths.  The stall cases use a 0.5 s client timeout so they stay fast.
"""

from __future__ import annotations

import json
import re
import warnings
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from backtest.data import download as download_mod
from backtest.data.download import UpdateError, UpdateReport, update
from backtest.data.manifest import MANIFEST_NAME, read_manifest
from backtest.data.readers import RawFile, read_file
from backtest.data.sources import (
    BaseUrls,
    archive_contract_files,
    contract_listing_files,
    yahoo_chart_to_csv,
)
from backtest.data.store import STATE_DIR
from backtest.errors import DataRepairWarning, DownloadError

from .httpserver import INDEX_FILES, Site, cboe_site

#: Client timeout in the failure tests (the stalls last 2 s); other tests allow 10 s so a
#: busy machine cannot make them fail spuriously.
TIMEOUT = 0.5


@pytest.fixture(scope="module")
def built_site(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Site:
    return cboe_site(shared_data, tmp_path_factory.mktemp("cfe"))


@pytest.fixture
def site(built_site: Site) -> Iterator[Site]:
    s = built_site.fresh()
    s.server.start()
    try:
        yield s
    finally:
        s.server.stop()


def run(root: Path, site: Site, **kw: Any) -> UpdateReport:
    opts: dict[str, Any] = {"progress": False, "timeout": 10.0, "retries": 0, "backoff": 0.0}
    opts.update(kw)
    return update(root, base_urls=BaseUrls.on_host(site.server.origin), **opts)


def snapshot(root: Path) -> dict[str, bytes]:
    """Every data file and the manifest (not the downloader's own state)."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*")
            if p.is_file() and STATE_DIR not in p.relative_to(root).parts}


def read(path: Path, **kw: Any) -> RawFile:
    """read_file, without the repair warnings (the readers' tests check those)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataRepairWarning)
        return read_file(path, **kw)


def assert_consistent(root: Path) -> None:
    """Every manifest row names an existing file that its reader reads."""
    for e in read_manifest(root):
        assert Path(e.path).is_file(), e.path
        read(Path(e.path), format=e.format, symbol=e.symbol)


# -- index files ---------------------------------------------------------------------------
def test_index_histories_are_cached_byte_for_byte(site: Site, shared_data: Path,
                                                  tmp_path: Path) -> None:
    root = tmp_path / "dd"
    report = run(root, site, symbols=["VIX", "VIX3M", "VIX9D", "VIX6M", "VVIX"])
    assert sorted(report.downloaded) == sorted(
        f"{n.split('_')[0].lower()}/{n}" for n in INDEX_FILES)
    for name, rel in INDEX_FILES.items():
        got = root / name.split("_")[0].lower() / name
        assert got.read_bytes() == (shared_data / rel).read_bytes()
    rows = {Path(e.path).name: e for e in read_manifest(root)}
    assert rows["VIX_History.csv"].span == "1990-01-02..2026-07-22"
    assert rows["VVIX_History.csv"].format == "cboe-single"
    assert rows["VIX3M_History.csv"].symbol == "VIX3M"
    assert_consistent(root)


def test_second_run_downloads_nothing_and_only_changes_are_fetched(site: Site,
                                                                   tmp_path: Path) -> None:
    root = tmp_path / "dd"
    syms = ["VIX", "VVIX"]
    run(root, site, symbols=syms)
    manifest = (root / MANIFEST_NAME).read_bytes()
    site.server.reset_log()
    again = run(root, site, symbols=syms)
    assert sorted(again.unchanged) == ["vix/VIX_History.csv", "vvix/VVIX_History.csv"]
    assert site.server.bodies_sent() == 0
    assert site.server.count(status=304) == 2
    assert all("If-None-Match" in r.headers for r in site.server.requests)
    assert (root / MANIFEST_NAME).read_bytes() == manifest
    # CBOE appends a day to VIX: only that file comes again
    path = site.index_paths["VIX"]
    new_body = (site.server.routes[path].body
                + b"07/23/2026,17.000000,18.000000,16.500000,17.500000\n")
    site.server.add(path, new_body)
    site.server.reset_log()
    third = run(root, site, symbols=syms)
    assert third.downloaded == ("vix/VIX_History.csv",)
    assert third.unchanged == ("vvix/VVIX_History.csv",)
    assert site.server.bodies_sent() == 1
    assert (root / "vix" / "VIX_History.csv").read_bytes() == new_body
    (vix,) = [e for e in read_manifest(root) if e.symbol == "VIX"]
    assert vix.span == "1990-01-02..2026-07-23"


def test_identical_body_without_304_is_not_rewritten(site: Site, tmp_path: Path) -> None:
    root = tmp_path / "dd"
    run(root, site, symbols=["VIX"])
    target = root / "vix" / "VIX_History.csv"
    mtime = target.stat().st_mtime_ns
    path = site.index_paths["VIX"]
    # same bytes, new ETag: the server cannot answer 304
    site.server.add(path, site.server.routes[path].body, etag='"other"')
    site.server.reset_log()
    rep = run(root, site, symbols=["VIX"])
    assert rep.unchanged == ("vix/VIX_History.csv",)
    assert site.server.bodies_sent() == 1
    assert target.stat().st_mtime_ns == mtime


# -- failures: message asserted, previous cache byte-identical and readable -----------------
FAILURES = [
    ({"mode": "status", "status": 500}, r"VIX_History\.csv: HTTP 500"),
    ({"mode": "truncate", "keep": 1000}, r"truncated body: got 1000 of {size} bytes"),
    ({"mode": "stall", "seconds": 2.0}, r"VIX_History\.csv: timeout after 0\.5 seconds"),
    ({"mode": "stall", "seconds": 2.0, "keep": 4096},
     r"VIX_History\.csv: timeout after 0\.5 seconds \(stalled after 4096 bytes of {size}\)"),
    ({"mode": "html"}, r"VIX_History\.csv: HTML page instead of CSV"),
    ({"mode": "html", "content_type": "text/csv"},
     r"VIX_History\.csv: HTML page instead of CSV \(HTTP 200; starts '<!DOCTYPE html>"),
]

FAILURE_IDS = ["http-500", "truncated", "stall", "stall-mid-body", "html-page",
               "html-labelled-csv"]


@pytest.mark.parametrize(("failure", "match"), FAILURES, ids=FAILURE_IDS)
def test_failure_keeps_previous_cache(site: Site, tmp_path: Path, failure: dict[str, Any],
                                      match: str) -> None:
    root = tmp_path / "dd"
    run(root, site, symbols=["VIX"])
    before = snapshot(root)
    path = site.index_paths["VIX"]
    # the server has new content, but this request fails
    new = site.server.routes[path].body + b"07/23/2026,17,18,16.5,17.5\n"
    site.server.add(path, new)
    site.server.fail(path, **failure)
    with pytest.raises(UpdateError, match=match.format(size=len(new))) as info:
        run(root, site, symbols=["VIX"], timeout=TIMEOUT)
    assert info.value.report.failed[0][0].endswith(path)
    assert snapshot(root) == before
    assert_consistent(root)
    assert read(root / "vix" / "VIX_History.csv").frame.index[-1] == pd.Timestamp("2026-07-22")


@pytest.mark.parametrize(("failure", "match"), FAILURES, ids=FAILURE_IDS)
def test_failure_on_first_download_leaves_nothing(site: Site, tmp_path: Path,
                                                  failure: dict[str, Any], match: str) -> None:
    root = tmp_path / "dd"
    site.server.fail(site.index_paths["VIX"], **failure)
    rep = run(root, site, symbols=["VIX", "VVIX"], strict=False, timeout=TIMEOUT)
    assert rep.downloaded == ("vvix/VVIX_History.csv",)
    assert len(rep.failed) == 1
    size = len(site.server.routes[site.index_paths["VIX"]].body)
    assert re.search(match.format(size=size), rep.failed[0][1])
    assert not (root / "vix" / "VIX_History.csv").exists()
    assert [e.symbol for e in read_manifest(root)] == ["VVIX"]
    assert "FAILED" in rep.summary() and "1 failed" in rep.summary()


def test_body_that_does_not_parse_is_rejected(site: Site, tmp_path: Path) -> None:
    root = tmp_path / "dd"
    run(root, site, symbols=["VIX"])
    before = snapshot(root)
    path = site.index_paths["VIX"]
    body = site.server.routes[path].body.replace(b"03/16/2020,", b"03/16/2O20,", 1)
    site.server.add(path, body)
    with pytest.raises(UpdateError, match=r"VIX_History\.csv: downloaded body is not a valid "
                                          r"cboe-index file \(previous copy kept\).*2O20"):
        run(root, site, symbols=["VIX"])
    assert snapshot(root) == before
    assert not any((root / STATE_DIR / "incoming").iterdir())


def test_transient_errors_are_retried(site: Site, tmp_path: Path) -> None:
    path = site.index_paths["VIX"]
    site.server.fail(path, mode="status", status=503, times=2)
    rep = run(tmp_path / "dd", site, symbols=["VIX"], retries=2)
    assert rep.downloaded == ("vix/VIX_History.csv",)
    assert site.server.count(path) == 3
    # a 404 is not retried
    site.server.reset_log()
    site.server.fail(path, mode="status", status=404)
    with pytest.raises(UpdateError, match=r"HTTP 404"):
        run(tmp_path / "dd2", site, symbols=["VIX"], retries=2)
    assert site.server.count(path) == 1


# -- resume ---------------------------------------------------------------------------------
def test_truncated_body_is_resumed_within_the_run(site: Site, shared_data: Path,
                                                  tmp_path: Path) -> None:
    path = site.index_paths["VIX"]
    site.server.fail(path, mode="truncate", keep=200_000)
    rep = run(tmp_path / "dd", site, symbols=["VIX"], retries=1)
    assert [(r.status, r.headers.get("Range")) for r in site.server.requests] == [
        (200, None), (206, "bytes=200000-")]
    assert rep.outcomes[0].resumed_from == 200_000
    assert (tmp_path / "dd" / "vix" / "VIX_History.csv").read_bytes() == (
        shared_data / "cboe" / "VIX_History.csv").read_bytes()


def test_truncated_download_resumes_with_range(site: Site, shared_data: Path,
                                               tmp_path: Path) -> None:
    root = tmp_path / "dd"
    path = site.index_paths["VIX"]
    site.server.fail(path, mode="truncate", keep=300_000)
    with pytest.raises(UpdateError, match=r"got 300000 of 470677 bytes"):
        run(root, site, symbols=["VIX"])
    partial = root / STATE_DIR / "partial" / "vix__VIX_History.csv.part"
    assert partial.stat().st_size == 300_000
    site.server.reset_log()
    rep = run(root, site, symbols=["VIX"])
    (req,) = site.server.requests
    assert req.headers["Range"] == "bytes=300000-"
    assert req.headers["If-Range"] == site.server.routes[path].etag
    assert req.status == 206
    assert rep.outcomes[0].resumed_from == 300_000
    assert (root / "vix" / "VIX_History.csv").read_bytes() == (
        shared_data / "cboe" / "VIX_History.csv").read_bytes()
    assert not partial.exists()


def test_resume_restarts_when_the_file_changed_or_ranges_are_unsupported(
        site: Site, tmp_path: Path) -> None:
    path = site.index_paths["VIX"]
    for case in ("changed", "no-ranges"):
        root = tmp_path / case
        site.server.fail(path, mode="truncate", keep=50_000)
        with pytest.raises(UpdateError, match=r"truncated body"):
            run(root, site, symbols=["VIX"])
        route = site.server.routes[path]
        if case == "changed":
            body = route.body + b"07/23/2026,17,18,16.5,17.5\n"
            site.server.add(path, body)
        else:
            body = route.body
            site.server.add(path, body, ranges=False)
        site.server.reset_log()
        rep = run(root, site, symbols=["VIX"])
        assert [r.status for r in site.server.requests] == [200]
        assert rep.outcomes[0].resumed_from == 0
        assert (root / "vix" / "VIX_History.csv").read_bytes() == body


def test_interrupted_run_resumes_where_it_stopped(site: Site, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "dd"
    real = download_mod.validate_file
    calls = {"n": 0}

    def interrupt_on_third(*a: Any, **k: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == 3:
            raise KeyboardInterrupt
        return real(*a, **k)

    monkeypatch.setattr(download_mod, "validate_file", interrupt_on_third)
    syms = ["VIX", "VIX3M", "VIX9D", "VIX6M", "VVIX"]
    with pytest.raises(KeyboardInterrupt):
        run(root, site, symbols=syms)
    done = {e.symbol for e in read_manifest(root)}
    assert len(done) == 2
    assert_consistent(root)
    monkeypatch.setattr(download_mod, "validate_file", real)
    site.server.reset_log()
    rep = run(root, site, symbols=syms)
    assert len(rep.downloaded) == 3 and len(rep.unchanged) == 2
    assert site.server.bodies_sent() == 3
    assert {e.symbol for e in read_manifest(root)} == set(syms)


# -- futures --------------------------------------------------------------------------------
def test_futures_archive_and_current_layouts(site: Site, tmp_path: Path) -> None:
    root = tmp_path / "dd"
    rep = run(root, site, symbols=["VX"], today=date(2015, 4, 2))
    # 72 contracts Jan-2008..Dec-2013 from the archive, 24 from the current listing
    assert len(rep.downloaded) == 96
    assert sum(p.startswith("vx/CFE_") for p in rep.downloaded) == 72
    # archive months 2004-05..2007-12 are not on this server
    assert len(rep.missing) == 44
    for url_path, local in site.current.items():
        name = url_path.rsplit("/", 1)[-1]
        assert (root / "vx" / name).read_bytes() == local.read_bytes()
    for local in site.archive.values():
        assert (root / "vx" / local.name).read_bytes() == local.read_bytes()
    # the weekly and the 2013 current-layout entries of the listing are not fetched
    assert site.server.count("/data/us/futures/market_statistics/historical_data/VX/"
                             "VX_2015-08-05.csv") == 0
    assert site.server.count("/data/us/futures/market_statistics/historical_data/VX/"
                             "VX_2013-01-16.csv") == 0
    rows = read_manifest(root)
    assert len(rows) == 96 and {(e.symbol, e.format) for e in rows} == {("VX", "cfe-contract")}
    feb18 = {Path(e.path).name: e for e in rows}["VX_2015-02-18.csv"]
    assert feb18.span.endswith("..2015-02-18")

    # second run on the same day: expired contracts are final and not requested; the
    # contracts still trading on 2015-04-02 are asked with conditional requests
    site.server.reset_log()
    rep2 = run(root, site, symbols=["VX"], today=date(2015, 4, 2))
    live = [p for p, exp in site.expiries.items() if exp >= date(2015, 4, 2)]
    assert len(live) == 9  # Apr..Dec 2015
    assert len(rep2.cached) == 96 - len(live)
    assert sorted(rep2.unchanged) == sorted(f"vx/{p.rsplit('/', 1)[-1]}" for p in live)
    assert site.server.bodies_sent() == 0
    assert site.server.count() == 1 + len(live)  # the listing (304) + live contracts (304)


def test_listing_failure_is_reported_and_archive_still_updates(site: Site,
                                                               tmp_path: Path) -> None:
    root = tmp_path / "dd"
    site.server.fail(site.listing_path, mode="html")
    rep = run(root, site, symbols=["VX"], strict=False)
    assert len(rep.downloaded) == 72
    (fail,) = rep.failed
    assert fail[0].endswith(site.listing_path)
    assert "HTML page instead of JSON" in fail[1]


# -- SPX --------------------------------------------------------------------------------------
def test_spx_from_the_yahoo_chart_api(site: Site, shared_data: Path, tmp_path: Path) -> None:
    root = tmp_path / "dd"
    rep = run(root, site, symbols=["SPX"])
    assert rep.downloaded == ("spx/SPX_yahoo.csv",)
    got = read(root / "spx" / "SPX_yahoo.csv").frame
    want = read(shared_data / "spx_daily.csv").frame
    assert got.index.equals(want.index)
    assert (got["close"] - want["close"]).abs().max() < 1e-9
    assert got.loc["2009-03-09", "close"] == pytest.approx(676.53)
    assert got.loc["2020-03-23", "close"] == pytest.approx(2237.40)
    (row,) = read_manifest(root)
    assert (row.symbol, row.format, row.span) == ("SPX", "yahoo-ohlcv-lowercase",
                                                  "1927-12-30..2026-08-21")
    site.server.reset_log()
    assert run(root, site, symbols=["SPX"]).unchanged == ("spx/SPX_yahoo.csv",)


def test_spx_closes_from_cboe(site: Site, shared_data: Path, tmp_path: Path) -> None:
    # CBOE's SPX_History.csv layout (DATE,SPX; MM/DD/YYYY), built from the real closes
    spx = pd.read_csv(shared_data / "spx_daily.csv")
    days = pd.to_datetime(spx["date"]).dt.strftime("%m/%d/%Y")
    body = "DATE,SPX\n" + "".join(f"{d},{c:.2f}\n" for d, c in zip(days, spx["close"],
                                                                   strict=True))
    site.server.add("/api/global/us_indices/daily_prices/SPX_History.csv", body.encode())
    rep = run(tmp_path / "dd", site, symbols=["SPX"], spx_source="cboe")
    assert rep.downloaded == ("spx/SPX_History.csv",)
    (row,) = read_manifest(tmp_path / "dd")
    assert (row.symbol, row.format) == ("SPX", "cboe-single")
    frame = read(Path(row.path)).frame
    assert list(frame.columns) == ["close"]
    assert frame.loc["2020-03-23", "close"] == pytest.approx(2237.40)


def test_yahoo_api_error_is_named(site: Site, tmp_path: Path) -> None:
    body = json.dumps({"chart": {"result": None, "error": {
        "code": "Not Found", "description": "No data found, symbol may be delisted"}}})
    site.server.add(site.yahoo_path, body.encode(), content_type="application/json")
    with pytest.raises(UpdateError, match=r"Yahoo chart API error: No data found"):
        run(tmp_path / "dd", site, symbols=["SPX"])


# -- the whole folder loads -----------------------------------------------------------------
def test_updated_folder_loads(site: Site, tmp_path: Path) -> None:
    from backtest.data import load_market_data

    root = tmp_path / "dd"
    run(root, site)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataRepairWarning)
        frame = load_market_data(root).frame
    assert frame.loc["2020-03-16", "vix_close"] == pytest.approx(82.69)
    assert frame.loc["2018-02-05", "vix_close"] == pytest.approx(37.32)
    assert frame.loc["2009-03-09", "spx_close"] == pytest.approx(676.53)
    assert frame.loc["2020-03-23", "spx_close"] == pytest.approx(2237.40)
    assert frame.loc["2015-08-21", "vvix"] == pytest.approx(138.57)
    # the front future on 2010-05-06 is the May-2010 contract (expires 2010-05-19);
    # its settle read straight from the raw file
    raw = pd.read_csv(site.archive[next(p for p in site.archive if p.endswith("CFE_K10_VX.csv"))])
    settle = float(raw.loc[raw["Trade Date"] == "05/06/2010", "Settle"].iloc[0])
    assert frame.loc["2010-05-06", "vx1"] == pytest.approx(settle)


# -- sources (pure) ---------------------------------------------------------------------------
def test_base_urls_on_host_keeps_paths() -> None:
    b = BaseUrls.on_host("http://127.0.0.1:9")
    assert b.cboe_index == "http://127.0.0.1:9/api/global/us_indices/daily_prices/"
    assert b.cfe_listing == ("http://127.0.0.1:9/us/futures/market_statistics/historical_data/"
                             "product/list/VX/")
    assert b.yahoo_chart == "http://127.0.0.1:9/v8/finance/chart/%5EGSPC"
    with pytest.raises(ValueError, match=r"origin must look like"):
        BaseUrls.on_host("127.0.0.1:9")


def test_archive_names_cover_may_2004_to_dec_2013() -> None:
    files = archive_contract_files(BaseUrls())
    assert len(files) == 8 + 9 * 12
    assert files[0].url == ("https://cdn.cboe.com/resources/futures/archive/volume-and-price/"
                            "CFE_K04_VX.csv")
    assert files[-1].relpath == "vx/CFE_Z13_VX.csv"
    assert files[-1].expiry == date(2013, 12, 31)


def test_listing_parsing() -> None:
    body = json.dumps({"2018": [
        {"expire_date": "2018-02-14", "duration_type": "M",
         "path": "data/us/futures/market_statistics/historical_data/VX/VX_2018-02-14.csv"},
        {"expire_date": "2018-02-07", "duration_type": "W",
         "path": "data/us/futures/market_statistics/historical_data/VX/VX_2018-02-07.csv"},
    ]}).encode()
    (f,) = contract_listing_files(BaseUrls(), body)
    assert f.url == ("https://cdn.cboe.com/data/us/futures/market_statistics/historical_data/"
                     "VX/VX_2018-02-14.csv")
    assert (f.relpath, f.expiry) == ("vx/VX_2018-02-14.csv", date(2018, 2, 14))
    with pytest.raises(DownloadError, match=r"L: contract listing is not JSON"):
        contract_listing_files(BaseUrls(), b"<html>", source="L")
    bad = json.dumps({"2018": [{"expire_date": "2018-02-14", "duration_type": "M",
                                "path": "../../etc/x.sh"}]}).encode()
    with pytest.raises(DownloadError, match=r"plain contract file name"):
        contract_listing_files(BaseUrls(), bad)


def test_yahoo_chart_conversion_exact() -> None:
    # 2020-03-16 09:30 New York (EDT, UTC-4) = 13:30 UTC = 1584365400
    # 2020-03-06 09:30 New York (EST, UTC-5) = 14:30 UTC = 1583505000
    body = json.dumps({"chart": {"error": None, "result": [{
        "meta": {"exchangeTimezoneName": "America/New_York"},
        "timestamp": [1583505000, 1584365400, 1584451800],
        "indicators": {"quote": [{
            "open": [2954.199951171875, 2508.590087890625, None],
            "high": [2985.929931640625, 2562.97998046875, None],
            "low": [2901.5400390625, 2380.93994140625, None],
            "close": [2972.3701171875, 2386.1298828125, None],
            "volume": [7301770000, 7781540000, None]}]}}]}}).encode()
    assert yahoo_chart_to_csv(body).decode() == (
        "date,open,high,low,close,volume\n"
        "2020-03-06,2954.199951171875,2985.929931640625,2901.5400390625,2972.3701171875,"
        "7301770000\n"
        "2020-03-16,2508.590087890625,2562.97998046875,2380.93994140625,2386.1298828125,"
        "7781540000\n")
    # the third bar (2020-03-17 09:30 EDT) gets values: during that session it is the
    # live price and is left out;
    # after 16:30 New York time it is a closed day
    live = json.loads(body)
    q = live["chart"]["result"][0]["indicators"]["quote"][0]
    for k, v in {"open": 2425.66, "high": 2553.93, "low": 2367.04, "close": 2529.19,
                 "volume": 8358500000}.items():
        q[k][2] = v
    live_body = json.dumps(live).encode()
    during = datetime(2020, 3, 17, 19, 0, tzinfo=UTC)  # 15:00 EDT
    after = datetime(2020, 3, 17, 20, 31, tzinfo=UTC)  # 16:31 EDT
    assert b"2020-03-17" not in yahoo_chart_to_csv(live_body, now=during)
    assert yahoo_chart_to_csv(live_body, now=after).endswith(
        b"2020-03-17,2425.66,2553.93,2367.04,2529.19,8358500000\n")
    with pytest.raises(DownloadError, match=r"Y: not a Yahoo chart JSON body"):
        yahoo_chart_to_csv(b"<!DOCTYPE html>", "Y")


def test_concurrent_update_is_refused(site: Site, tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    root = tmp_path / "dd"
    lock = root / STATE_DIR / "update.lock"
    lock.parent.mkdir(parents=True)
    lock.write_text(str(os.getpid()))  # a live process holds it
    with pytest.raises(DownloadError, match=r"another `vixbt data update` is running \(pid "):
        run(root, site, symbols=["VIX"])
    assert site.server.count() == 0
    # a lock left by a process that has exited is taken over, and released at the end
    done = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    lock.write_text(done.stdout.strip())
    assert run(root, site, symbols=["VIX"]).downloaded == ("vix/VIX_History.csv",)
    assert not lock.exists()


def test_progress_bar_can_be_shown(site: Site, tmp_path: Path,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    run(tmp_path / "dd", site, symbols=["VIX", "VVIX"], progress=True)
    err = capsys.readouterr().err
    assert "vixbt data update" in err and "2/2" in err
    run(tmp_path / "dd2", site, symbols=["VIX"], progress=False)
    assert capsys.readouterr().err == ""


def test_bad_arguments() -> None:
    with pytest.raises(ValueError, match=r"cannot download symbol\(s\) VXX"):
        update("/nonexistent-never-created", symbols=["VXX"], progress=False)
    with pytest.raises(ValueError, match=r"timeout > 0"):
        update("/nonexistent-never-created", timeout=0, progress=False)
    with pytest.raises(ValueError, match=r"spx_source must be 'yahoo' or 'cboe', got 'stooq'"):
        update("/nonexistent-never-created", spx_source="stooq", progress=False)  # type: ignore[arg-type]
    assert not Path("/nonexistent-never-created").exists()
