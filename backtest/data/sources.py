"""Where ``vixbt data update`` downloads from: public URL layouts.

Sources (all public, no account or key):

``CBOE index history``
    ``https://cdn.cboe.com/api/global/us_indices/daily_prices/<SYMBOL>_History.csv``
    for VIX, VIX3M, VIX9D, VIX6M (``DATE,OPEN,HIGH,LOW,CLOSE``, MM/DD/YYYY) and VVIX
    (``DATE,VVIX``), and SPX (``DATE,SPX``, closes only).  CBOE rewrites each file
    every day with the full history.
``CFE VIX futures, archive layout``
    ``https://cdn.cboe.com/resources/futures/archive/volume-and-price/CFE_<M><YY>_VX.csv``
    one file per monthly contract (``<M>`` the futures month code F..Z, ``<YY>`` the
    contract year), used for contracts expiring 2004..2013.
``CFE VIX futures, current layout``
    the listing ``https://www-api.cboe.com/us/futures/market_statistics/historical_data/
    product/list/VX/`` (JSON ``{year: [{expire_date, duration_type, path, ...}]}``) names
    every contract file; monthly contracts (``duration_type`` ``M``) are fetched from
    ``https://cdn.cboe.com/<path>``, i.e.
    ``.../historical_data/VX/VX_<YYYY-MM-DD expiry>.csv``, for contracts expiring from
    2014 on.
``Long SPX daily OHLCV``
    Yahoo Finance's chart API ``https://query1.finance.yahoo.com/v8/finance/chart/%5EGSPC``
    (daily bars from 1927, JSON) converted to ``date,open,high,low,close,volume``; or,
    with ``spx_source="cboe"``, CBOE's ``SPX_History.csv`` (closes only, so no next-open
    fills).

Every base URL is a field of :class:`BaseUrls`, so tests and mirrors can point the
downloader elsewhere (:meth:`BaseUrls.on_host`).
"""

from __future__ import annotations

import io
import json
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields, replace
from datetime import UTC, date, datetime, time
from typing import Literal
from urllib.parse import urlsplit, urlunsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from backtest.errors import DownloadError

__all__ = [
    "ARCHIVE_LAST_YEAR",
    "INDEX_SYMBOLS",
    "MONTH_CODES",
    "BaseUrls",
    "RemoteFile",
    "archive_contract_files",
    "contract_listing_files",
    "index_file",
    "spx_file",
    "yahoo_chart_to_csv",
]

#: CBOE index symbols the downloader knows, with the reader format of their history file.
INDEX_SYMBOLS: dict[str, str] = {
    "VIX": "cboe-index",
    "VIX3M": "cboe-index",
    "VIX9D": "cboe-index",
    "VIX6M": "cboe-index",
    "VVIX": "cboe-single",
}
#: Futures month codes, January .. December.
MONTH_CODES = "FGHJKMNQUVXZ"
#: Contracts expiring up to this year come from the archive layout; later ones from the
#: current listing (CBOE's current-layout files for 2013 contracts are incomplete).
ARCHIVE_LAST_YEAR = 2013
#: First monthly VX contract (May 2004; futures started trading 2004-03-26).
ARCHIVE_FIRST = (2004, 5)

SpxSource = Literal["yahoo", "cboe"]


@dataclass(frozen=True)
class BaseUrls:
    """Base URLs of every source; override to use a mirror or a local test server.

    Parameters
    ----------
    cboe_index : str
        Folder of the CBOE index history files (``<SYMBOL>_History.csv`` is appended).
    cfe_archive : str
        Folder of the archive-layout VX contract files (``CFE_<M><YY>_VX.csv``).
    cfe_listing : str
        URL of the JSON listing of current-layout VX contract files.
    cfe_files : str
        Prefix the listing's relative ``path`` values are joined to.
    yahoo_chart : str
        Yahoo chart API URL for ^GSPC (query parameters are appended).
    """

    cboe_index: str = "https://cdn.cboe.com/api/global/us_indices/daily_prices/"
    cfe_archive: str = "https://cdn.cboe.com/resources/futures/archive/volume-and-price/"
    cfe_listing: str = (
        "https://www-api.cboe.com/us/futures/market_statistics/historical_data/product/list/VX/"
    )
    cfe_files: str = "https://cdn.cboe.com/"
    yahoo_chart: str = "https://query1.finance.yahoo.com/v8/finance/chart/%5EGSPC"

    @classmethod
    def on_host(cls, origin: str) -> BaseUrls:
        """The default URLs with scheme and host replaced by ``origin``, paths kept.

        ``BaseUrls.on_host("http://127.0.0.1:8000")`` points every source at one
        server that mirrors the public paths (how the tests use it); an origin
        with a path prefix (``http://proxy/vixbt``) keeps it in front of each
        public path.
        """
        o = urlsplit(origin)
        if o.scheme not in ("http", "https") or not o.netloc:
            raise ValueError(f"origin must look like 'http://host:port', got {origin!r}")
        prefix = o.path.rstrip("/")
        base = cls()
        new = {}
        for f in fields(cls):
            u = urlsplit(getattr(base, f.name))
            new[f.name] = urlunsplit((o.scheme, o.netloc, prefix + u.path, u.query,
                                      u.fragment))
        return replace(base, **new)


@dataclass(frozen=True)
class RemoteFile:
    """One file the downloader keeps in the data directory.

    Parameters
    ----------
    url : str
        Where it is downloaded from.
    relpath : str
        Path inside the data directory (POSIX, e.g. ``"vix/VIX_History.csv"``).
    symbol : str
        Manifest symbol.
    format : str
        Reader format the body must parse as.
    expiry : datetime.date or None, default None
        Contract expiry for futures files; a file fetched after its expiry is final and
        is never requested again.
    convert : {"none", "yahoo-chart"}, default "none"
        How the response body becomes the stored file.
    optional : bool, default False
        HTTP 403/404 means "not published" (skipped and remembered), not an error.
        Used for archive months in which no contract was listed.
    """

    url: str
    relpath: str
    symbol: str
    format: str
    expiry: date | None = None
    convert: Literal["none", "yahoo-chart"] = "none"
    optional: bool = False


def index_file(base: BaseUrls, symbol: str) -> RemoteFile:
    """The CBOE history file of an index symbol (see :data:`INDEX_SYMBOLS`)."""
    symbol = symbol.upper()
    if symbol not in INDEX_SYMBOLS:
        raise ValueError(
            f"no CBOE index history for symbol {symbol!r}; known: {', '.join(INDEX_SYMBOLS)}"
        )
    name = f"{symbol}_History.csv"
    return RemoteFile(
        url=_join(base.cboe_index, name),
        relpath=f"{symbol.lower()}/{name}",
        symbol=symbol,
        format=INDEX_SYMBOLS[symbol],
    )


def spx_file(base: BaseUrls, source: SpxSource = "yahoo", *,
             now: datetime | None = None) -> RemoteFile:
    """The long SPX daily history.

    Parameters
    ----------
    base : BaseUrls
        Source URLs.
    source : {"yahoo", "cboe"}, default "yahoo"
        ``"yahoo"``: daily OHLCV from 1927 (Yahoo chart API, converted to
        ``date,open,high,low,close,volume``); ``"cboe"``: CBOE's ``SPX_History.csv``,
        closes only.
    now : datetime, optional
        End of the requested range (default: the current time).
    """
    if source == "cboe":
        return RemoteFile(
            url=_join(base.cboe_index, "SPX_History.csv"),
            relpath="spx/SPX_History.csv",
            symbol="SPX",
            format="cboe-single",
        )
    if source != "yahoo":
        raise ValueError(f"spx_source must be 'yahoo' or 'cboe', got {source!r}")
    end = int((now or datetime.now(UTC)).timestamp()) + 86_400
    # 1927-12-30 is the first bar Yahoo has for ^GSPC; ask from 1927-01-01.
    start = int(datetime(1927, 1, 1, tzinfo=UTC).timestamp())
    query = f"period1={start}&period2={end}&interval=1d&includePrePost=false&events=history"
    sep = "&" if "?" in base.yahoo_chart else "?"
    return RemoteFile(
        url=f"{base.yahoo_chart}{sep}{query}",
        relpath="spx/SPX_yahoo.csv",
        symbol="SPX",
        format="yahoo-ohlcv-lowercase",
        convert="yahoo-chart",
    )


def archive_contract_files(
    base: BaseUrls,
    first: tuple[int, int] = ARCHIVE_FIRST,
    last_year: int = ARCHIVE_LAST_YEAR,
) -> list[RemoteFile]:
    """Archive-layout files of every monthly contract from ``first`` (year, month)
    through December of ``last_year``.

    Months in which no contract was listed are answered with 403/404 by the server;
    the files are therefore ``optional``.  Their expiry is not known from the name;
    every archive contract has expired, so ``expiry`` is set to the last day of the
    contract month (they are final once fetched after it).
    """
    out = []
    y, m = first
    while y <= last_year:
        code = f"{MONTH_CODES[m - 1]}{y % 100:02d}"
        name = f"CFE_{code}_VX.csv"
        out.append(RemoteFile(
            url=_join(base.cfe_archive, name),
            relpath=f"vx/{name}",
            symbol="VX",
            format="cfe-contract",
            expiry=_month_end(y, m),
            optional=True,
        ))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


#: What a contract file named by the listing may be called (no path separator of any
#: platform, no leading dot, bounded length).
_LISTED_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,95}\.csv", re.ASCII)


def contract_listing_files(
    base: BaseUrls, listing: bytes, *, first_year: int = ARCHIVE_LAST_YEAR + 1,
    source: str = "listing",
) -> list[RemoteFile]:
    """Monthly VX contract files named by CBOE's JSON listing, expiring in or after
    ``first_year``.

    Raises
    ------
    DownloadError
        If the listing is not the expected JSON; names ``source`` (the URL).
    """
    try:
        payload = json.loads(listing.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        head = listing[:60].decode("utf-8", "replace").strip()
        raise DownloadError(
            f"{source}: contract listing is not JSON ({exc}); body starts {head!r}"
        ) from None
    if not isinstance(payload, dict):
        raise DownloadError(f"{source}: contract listing is not a JSON object keyed by year")
    out: dict[str, RemoteFile] = {}
    for year, items in payload.items():
        if not isinstance(items, list):
            raise DownloadError(f"{source}: listing entry {year!r} is not a list")
        for item in items:
            try:
                kind = str(item.get("duration_type", "M"))
                expiry = date.fromisoformat(str(item["expire_date"])[:10])
                path = str(item["path"])
            except (AttributeError, KeyError, ValueError) as exc:
                raise DownloadError(
                    f"{source}: listing entry {item!r} lacks expire_date/path ({exc})"
                ) from None
            if kind != "M" or expiry.year < first_year:
                continue
            name = path.rsplit("/", 1)[-1]
            if not _LISTED_NAME.fullmatch(name):
                raise DownloadError(f"{source}: listing path {path[:120]!r} does not end in a "
                                    "plain contract file name (letters, digits, '_', '-', "
                                    "'.', at most 100 characters, ending .csv)")
            out[name] = RemoteFile(
                url=_join(base.cfe_files, path.lstrip("/")),
                relpath=f"vx/{name}",
                symbol="VX",
                format="cfe-contract",
                expiry=expiry,
            )
    return sorted(out.values(), key=lambda r: (r.expiry or date.min, r.relpath))


#: A day's bar counts as closed this long after 16:00 in New York (after the close
#: auction; early-close days finish sooner).
_SESSION_DONE = time(16, 30)


def yahoo_chart_to_csv(body: bytes, source: str = "yahoo chart", *,
                       now: datetime | None = None) -> bytes:
    """Convert a Yahoo chart-API JSON body to ``date,open,high,low,close,volume`` CSV.

    Bar timestamps are converted to dates in the exchange's time zone; bars without a
    close are left out, and so is a bar of a session that has not closed yet at
    ``now`` (during trading hours Yahoo's last "close" is the live price).

    Parameters
    ----------
    body : bytes
        The API response.
    source : str, default "yahoo chart"
        How the body is named in messages (the URL).
    now : datetime, optional
        Time-zone aware current time (default: the clock).

    Raises
    ------
    DownloadError
        If the body is not chart JSON, or the API reports an error; names ``source``.
    """
    try:
        payload = json.loads(body.decode("utf-8-sig"))
        chart = payload["chart"]
    except (UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError) as exc:
        head = body[:60].decode("utf-8", "replace").strip()
        raise DownloadError(
            f"{source}: not a Yahoo chart JSON body ({exc!r}); body starts {head!r}"
        ) from None
    if not isinstance(chart, dict):
        raise DownloadError(f"{source}: Yahoo chart JSON 'chart' is not an object")
    if chart.get("error"):
        err = chart["error"]
        desc = err.get("description", err) if isinstance(err, dict) else err
        raise DownloadError(f"{source}: Yahoo chart API error: {desc}")
    try:
        result = chart["result"][0]
        stamps: Sequence[int] = result["timestamp"]
        quote = result["indicators"]["quote"][0]
        meta = result.get("meta") or {}
        tzname = str((meta.get("exchangeTimezoneName") if isinstance(meta, dict) else None)
                     or "America/New_York")
        cols = [quote[k] for k in ("open", "high", "low", "close", "volume")]
    except (KeyError, IndexError, TypeError, AttributeError) as exc:
        raise DownloadError(f"{source}: Yahoo chart JSON lacks {exc} (no daily bars)") from None
    if not isinstance(stamps, list) or not all(isinstance(c, list) for c in cols):
        raise DownloadError(f"{source}: Yahoo chart JSON timestamps/quotes are not lists")
    if any(len(c) != len(stamps) for c in cols):
        raise DownloadError(f"{source}: Yahoo chart JSON has columns of unequal length")
    try:
        tz = ZoneInfo(tzname)
    except (ZoneInfoNotFoundError, ValueError, TypeError, OSError):
        raise DownloadError(f"{source}: Yahoo chart JSON names an unknown time zone "
                            f"{tzname[:60]!r}") from None
    local_now = (now or datetime.now(UTC)).astimezone(tz)
    open_day = local_now.date() if local_now.time() < _SESSION_DONE else None
    buf = io.StringIO()
    buf.write("date,open,high,low,close,volume\n")
    for i, ts in enumerate(stamps):
        o, h, lo, c, v = (col[i] for col in cols)
        if c is None or (isinstance(c, float) and math.isnan(c)):
            continue
        try:
            day = datetime.fromtimestamp(int(ts), tz).date()
        except (TypeError, ValueError, OverflowError, OSError):
            raise DownloadError(f"{source}: Yahoo chart JSON bar {i}: timestamp "
                                f"{str(ts)[:40]!r} is not a date vixbt can read") from None
        if day > local_now.date() or day == open_day:
            continue
        try:
            vol = _num(v, integer=True)
            line = f"{day.isoformat()},{_num(o)},{_num(h)},{_num(lo)},{_num(c)},{vol}\n"
        except (TypeError, ValueError, OverflowError):
            raise DownloadError(f"{source}: Yahoo chart JSON bar {i} ({day}): a value is not a "
                                "number") from None
        buf.write(line)
    return buf.getvalue().encode("utf-8")


def _num(x: object, *, integer: bool = False) -> str:
    if x is None:
        return ""
    if integer:
        return str(int(float(x)))  # type: ignore[arg-type]
    return repr(float(x))  # type: ignore[arg-type]


def _join(base: str, name: str) -> str:
    return base if not name else (base if base.endswith("/") else base + "/") + name


def _month_end(y: int, m: int) -> date:
    nxt = date(y + 1, 1, 1) if m == 12 else date(y, m + 1, 1)
    return date.fromordinal(nxt.toordinal() - 1)


def select(files: Iterable[RemoteFile], symbols: Iterable[str]) -> list[RemoteFile]:
    """The files whose symbol is in ``symbols``."""
    wanted = {s.upper() for s in symbols}
    return [f for f in files if f.symbol in wanted]
