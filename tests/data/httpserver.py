"""A local HTTP server for the downloader tests: real files, real failure modes.

:class:`FileServer` runs a :class:`http.server.ThreadingHTTPServer` on 127.0.0.1 (an
ephemeral port) in a thread.  Each path serves bytes with an ETag and a
Last-Modified date, answers conditional requests with 304 and ``Range`` requests
(honouring ``If-Range``) with 206.  :meth:`FileServer.fail` makes the next ``times``
requests for a path fail in one of these ways:

``status``    an HTTP error status (e.g. 500) with a small text body;
``truncate``  the full ``Content-Length`` header but only ``keep`` bytes, then close;
``stall``     sleep ``seconds`` (past the client's timeout) before answering -- or,
              with ``keep`` > 0, after the headers and the first ``keep`` bytes;
``html``      HTTP 200 with an HTML error page (labelled ``content_type``);
``endless``   HTTP 200 without a length and a body that never ends (until the client
              hangs up or the server stops);
``drip``      HTTP 200 with the route's length, then one byte every ``seconds``.

Every request is logged (:attr:`FileServer.requests`) so tests can count them.  The
serving loop is bounded: it stops at :meth:`FileServer.stop` or after
``max_lifetime`` seconds, whichever comes first.

:func:`cboe_site` fills a server with the project's real data files under the
public URL paths the downloader uses.
"""

from __future__ import annotations

import email.utils
import hashlib
import json
import tarfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from urllib.parse import urlsplit

import pandas as pd

INDEX_PATH = "/api/global/us_indices/daily_prices/"
ARCHIVE_PATH = "/resources/futures/archive/volume-and-price/"
LISTING_PATH = "/us/futures/market_statistics/historical_data/product/list/VX/"
CURRENT_PATH = "data/us/futures/market_statistics/historical_data/VX/"
YAHOO_PATH = "/v8/finance/chart/%5EGSPC"

#: Real shared-data file served for each CBOE index history name.
INDEX_FILES = {
    "VIX_History.csv": "cboe/VIX_History.csv",
    "VIX3M_History.csv": "vix3m_daily.csv",
    "VIX9D_History.csv": "vix9d_daily.csv",
    "VIX6M_History.csv": "vix6m_daily.csv",
    "VVIX_History.csv": "vvix_daily.csv",
}
_MONTHS = "FGHJKMNQUVXZ"


@dataclass
class Route:
    """What one path serves."""

    body: bytes
    content_type: str = "text/csv"
    etag: str = ""
    last_modified: str = "Wed, 22 Jul 2026 21:00:00 GMT"
    ranges: bool = True

    def __post_init__(self) -> None:
        if not self.etag:
            self.etag = '"' + hashlib.sha1(self.body).hexdigest()[:16] + '"'


@dataclass
class Failure:
    """A failure served instead of the route, ``times`` times."""

    mode: str
    times: int = 1
    status: int = 500
    keep: int = 0
    seconds: float = 2.0
    content_type: str = "text/html; charset=utf-8"


@dataclass(frozen=True)
class Request:
    """One logged request."""

    path: str
    headers: dict[str, str]
    status: int


@dataclass
class FileServer:
    """Threaded local HTTP server; use as a context manager."""

    max_lifetime: float = 120.0
    routes: dict[str, Route] = field(default_factory=dict)
    failures: dict[str, list[Failure]] = field(default_factory=dict)
    requests: list[Request] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- configuration -------------------------------------------------------------
    def add(self, path: str, body: bytes, **kw: object) -> Route:
        """Serve ``body`` at ``path`` (query strings are ignored when matching)."""
        route = Route(body, **kw)  # type: ignore[arg-type]
        with self._lock:
            self.routes[path] = route
        return route

    def fail(self, path: str, mode: str, **kw: object) -> None:
        """Make the next ``times`` requests for ``path`` fail (see module doc)."""
        if mode not in ("status", "truncate", "stall", "html", "endless", "drip"):
            raise ValueError(mode)
        with self._lock:
            self.failures.setdefault(path, []).append(Failure(mode, **kw))  # type: ignore[arg-type]

    def count(self, path: str | None = None, status: int | None = None) -> int:
        """Requests logged (for ``path`` and/or with ``status``)."""
        with self._lock:
            return sum(1 for r in self.requests if (path is None or r.path == path)
                       and (status is None or r.status == status))

    def bodies_sent(self) -> int:
        """Requests answered 200 or 206 (a body was sent)."""
        with self._lock:
            return sum(1 for r in self.requests if r.status in (200, 206))

    def reset_log(self) -> None:
        """Forget logged requests."""
        with self._lock:
            self.requests.clear()

    @property
    def origin(self) -> str:
        """``http://127.0.0.1:<port>``."""
        assert self._server is not None, "server not started"
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    # -- life cycle ----------------------------------------------------------------
    def start(self) -> FileServer:
        """Bind to 127.0.0.1 on an ephemeral port and serve in a daemon thread."""
        handler = _make_handler(self)
        server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        server.daemon_threads = True
        server.block_on_close = False
        server.timeout = 0.05
        self._server = server
        deadline = time.monotonic() + self.max_lifetime

        def loop() -> None:
            while not self._stop.is_set() and time.monotonic() < deadline:
                server.handle_request()
            server.server_close()

        self._thread = threading.Thread(target=loop, name="test-http-server", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving (also ends any stall in progress)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> FileServer:
        return self.start()

    def __exit__(self, t: type[BaseException] | None, v: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()

    # -- request handling ----------------------------------------------------------
    def _take_failure(self, path: str) -> Failure | None:
        with self._lock:
            queue = self.failures.get(path)
            if not queue:
                return None
            f = queue[0]
            f.times -= 1
            if f.times <= 0:
                queue.pop(0)
            return f

    def _log(self, path: str, headers: dict[str, str], status: int) -> None:
        with self._lock:
            self.requests.append(Request(path, headers, status))


def _make_handler(srv: FileServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:  # silence stderr
            return

        def _send(self, status: int, body: bytes, headers: dict[str, str],
                  length: int | None = None) -> None:
            self.send_response(status)
            for k, v in headers.items():
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(body) if length is None else length))
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(body)
            self.wfile.flush()
            self.close_connection = True

        def do_GET(self) -> None:
            path = urlsplit(self.path).path
            hdrs = {k: v for k, v in self.headers.items()}
            failure = srv._take_failure(path)
            if failure is not None:
                self._fail(path, hdrs, failure)
                return
            route = srv.routes.get(path)
            if route is None:
                srv._log(path, hdrs, 404)
                self._send(404, b"not found\n", {"Content-Type": "text/plain"})
                return
            base = {"Content-Type": route.content_type, "ETag": route.etag,
                    "Last-Modified": route.last_modified}
            if route.ranges:
                base["Accept-Ranges"] = "bytes"
            inm = self.headers.get("If-None-Match")
            ims = self.headers.get("If-Modified-Since")
            if (inm and inm == route.etag) or (not inm and ims and ims == route.last_modified):
                srv._log(path, hdrs, 304)
                self.send_response(304)
                for k in ("ETag", "Last-Modified"):
                    self.send_header(k, base[k])
                self.send_header("Content-Length", "0")
                self.send_header("Connection", "close")
                self.end_headers()
                self.close_connection = True
                return
            rng = self.headers.get("Range")
            if_range = self.headers.get("If-Range")
            fresh = if_range is None or if_range in (route.etag, route.last_modified)
            if route.ranges and rng and rng.startswith("bytes=") and fresh:
                start = int(rng[6:].split("-", 1)[0])
                total = len(route.body)
                if start >= total:
                    srv._log(path, hdrs, 416)
                    self._send(416, b"", {"Content-Range": f"bytes */{total}"})
                    return
                srv._log(path, hdrs, 206)
                self._send(206, route.body[start:],
                           {**base, "Content-Range": f"bytes {start}-{total - 1}/{total}"})
                return
            srv._log(path, hdrs, 200)
            self._send(200, route.body, base)

        def _fail(self, path: str, hdrs: dict[str, str], f: Failure) -> None:
            route = srv.routes.get(path)
            if f.mode == "status":
                srv._log(path, hdrs, f.status)
                self._send(f.status, b"Internal error\n", {"Content-Type": "text/plain"})
            elif f.mode == "html":
                srv._log(path, hdrs, 200)
                page = (b"<!DOCTYPE html>\n<html><head><title>Error</title></head>"
                        b"<body><h1>Service unavailable</h1></body></html>\n")
                self._send(200, page, {"Content-Type": f.content_type})
            elif f.mode == "truncate":
                assert route is not None
                srv._log(path, hdrs, 200)
                self._send(200, route.body[: f.keep],
                           {"Content-Type": route.content_type, "ETag": route.etag,
                            "Last-Modified": route.last_modified, "Accept-Ranges": "bytes"},
                           length=len(route.body))
            elif f.mode in ("endless", "drip"):
                assert route is not None
                srv._log(path, hdrs, 200)
                self.send_response(200)
                self.send_header("Content-Type", route.content_type)
                if f.mode == "drip":
                    self.send_header("Content-Length", str(len(route.body)))
                self.send_header("Connection", "close")
                self.end_headers()
                chunk = b"1" * 65536 if f.mode == "endless" else b"1"
                try:
                    while not srv._stop.is_set():
                        self.wfile.write(chunk)
                        self.wfile.flush()
                        if f.mode == "drip":
                            srv._stop.wait(f.seconds)
                except OSError:
                    pass  # the client hung up
                self.close_connection = True
            elif f.mode == "stall":
                srv._log(path, hdrs, 0)
                if f.keep and route is not None:
                    self.send_response(200)
                    self.send_header("Content-Type", route.content_type)
                    self.send_header("ETag", route.etag)
                    self.send_header("Content-Length", str(len(route.body)))
                    self.end_headers()
                    self.wfile.write(route.body[: f.keep])
                    self.wfile.flush()
                srv._stop.wait(f.seconds)
                self.close_connection = True

    return Handler


# -- the project's real data, under the public URL paths --------------------------------
def contract_files(shared_data: Path, dest: Path) -> dict[str, Path]:
    """Extract the 96 raw CFE files (Jan-2008..Dec-2015) into ``dest``; name -> path."""
    with tarfile.open(shared_data / "vx_futures" / "cfe_vx_contracts_2008_2015.tar.gz") as tar:
        tar.extractall(dest, filter="data")
    return {p.name: p for p in sorted(dest.rglob("CFE_*_VX.csv"))}


def _rule_expiry(year: int, month: int) -> date:
    """Wednesday 30 days before the third Friday of the following month."""
    ny, nm = (year + 1, 1) if month == 12 else (year, month + 1)
    first = date(ny, nm, 1)
    friday = first + timedelta(days=(4 - first.weekday()) % 7 + 14)
    return friday - timedelta(days=30)


def contract_expiry(path: Path) -> date:
    """Expiry of a CFE file: its last trade date if it ran to expiry, else the rule."""
    code = path.name.split("_")[1]
    year, month = 2000 + int(code[1:]), _MONTHS.index(code[0]) + 1
    rule = _rule_expiry(year, month)
    last = pd.read_csv(path, skiprows=_header_row(path))["Trade Date"].iloc[-1]
    last_day = pd.Timestamp(last).date()
    return last_day if last_day >= rule - timedelta(days=3) else rule


def _header_row(path: Path) -> int:
    with open(path) as fh:
        return 0 if fh.readline().startswith("Trade Date") else 1


def yahoo_chart_json(spx_csv: Path) -> bytes:
    """A Yahoo chart-API body holding the bars of a ``date,open,...,volume`` file.

    Timestamps are 09:30 New York time of each date, as the API gives them.
    """
    df = pd.read_csv(spx_csv)
    days = pd.DatetimeIndex(pd.to_datetime(df["date"])) + pd.Timedelta(hours=9, minutes=30)
    stamps = [ts.timestamp() for ts in days.tz_localize("America/New_York")]
    quote = {k: df[k].tolist() for k in ("open", "high", "low", "close", "volume")}
    payload = {"chart": {"result": [{
        "meta": {"symbol": "^GSPC", "exchangeTimezoneName": "America/New_York"},
        "timestamp": [int(s) for s in stamps],
        "indicators": {"quote": [quote]},
    }], "error": None}}
    return json.dumps(payload).encode()


@dataclass
class Site:
    """A :class:`FileServer` holding the real files, with what it serves where."""

    server: FileServer
    index_paths: dict[str, str]           # symbol -> URL path
    archive: dict[str, Path]              # URL path -> local CFE file (expiry <= 2013)
    current: dict[str, Path]              # URL path -> local CFE file (expiry >= 2014)
    expiries: dict[str, date]             # URL path -> expiry
    listing_path: str = LISTING_PATH
    yahoo_path: str = YAHOO_PATH

    def paths(self) -> Iterator[str]:
        yield from self.server.routes

    def fresh(self) -> Site:
        """The same files on a new, unstarted server (clean log, no failures)."""
        routes = {k: Route(r.body, r.content_type, r.etag, r.last_modified, r.ranges)
                  for k, r in self.server.routes.items()}
        return Site(FileServer(routes=routes), self.index_paths, self.archive, self.current,
                    self.expiries, self.listing_path, self.yahoo_path)


def cboe_site(shared_data: Path, workdir: Path, *, futures: bool = True) -> Site:
    """A server with the real index histories, SPX as Yahoo chart JSON and, when
    ``futures``, the 96 real CFE contract files under the archive (expiry <= 2013) and
    current (expiry >= 2014, with a JSON listing) layouts.  Not started."""
    srv = FileServer()
    index_paths = {}
    for name, rel in INDEX_FILES.items():
        path = INDEX_PATH + name
        srv.add(path, (shared_data / rel).read_bytes())
        index_paths[name.split("_")[0]] = path
    srv.add(YAHOO_PATH, yahoo_chart_json(shared_data / "spx_daily.csv"),
            content_type="application/json", ranges=False)
    archive: dict[str, Path] = {}
    current: dict[str, Path] = {}
    expiries: dict[str, date] = {}
    if futures:
        listing: dict[str, list[dict[str, str]]] = {}
        for name, p in contract_files(shared_data, workdir / "cfe").items():
            exp = contract_expiry(p)
            if exp.year <= 2013:
                url_path = ARCHIVE_PATH + name
                archive[url_path] = p
            else:
                rel = f"{CURRENT_PATH}VX_{exp.isoformat()}.csv"
                url_path = "/" + rel
                current[url_path] = p
                listing.setdefault(str(exp.year), []).append({
                    "product_display": f"VX/{name[4]}{name[6]}", "expire_date": exp.isoformat(),
                    "futures_root": "VX", "duration_type": "M", "path": rel})
            expiries[url_path] = exp
            srv.add(url_path, p.read_bytes())
        # entries the downloader must skip: a weekly, and a 2013 monthly (archive era)
        listing.setdefault("2015", []).append({
            "product_display": "VX+VXT32/Q5", "expire_date": "2015-08-05", "futures_root": "VX",
            "duration_type": "W", "path": f"{CURRENT_PATH}VX_2015-08-05.csv"})
        listing.setdefault("2013", []).append({
            "product_display": "VX/F3", "expire_date": "2013-01-16", "futures_root": "VX",
            "duration_type": "M", "path": f"{CURRENT_PATH}VX_2013-01-16.csv"})
        srv.add(LISTING_PATH, json.dumps(listing).encode(), content_type="application/json")
    return Site(srv, index_paths, archive, current, expiries)


def http_date(ts: float) -> str:
    """RFC 7231 date for a POSIX time."""
    return email.utils.formatdate(ts, usegmt=True)
