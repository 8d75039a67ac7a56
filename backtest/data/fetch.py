"""One HTTP download into a partial file: conditional requests, Range resume, clear errors.

Standard library only (:mod:`urllib`).  :func:`fetch` streams a URL into
``<partial>``; a sidecar ``<partial>.json`` records the response's validators
(ETag / Last-Modified) so that a later call resumes an interrupted body with
``Range`` + ``If-Range`` when the server supports it, and restarts from zero when
it does not (HTTP 200 to a ranged request, or 416).  The caller decides what to do
with the finished partial file (validate it, then rename it into place).

Failures raise :class:`~backtest.errors.DownloadError` naming the URL and the cause:
the HTTP status, ``truncated body: got N of M bytes``, ``timeout after S seconds``,
``HTML page instead of CSV``, or the network error.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import socket
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from backtest import __version__
from backtest.errors import DownloadError

__all__ = ["USER_AGENT", "FetchResult", "HttpStatusError", "LimitError", "TransientError",
           "fetch", "looks_like_html"]

#: Sent with every request; some CDNs refuse requests without a browser-like agent.
USER_AGENT = f"Mozilla/5.0 (compatible; vixbt/{__version__}; +https://pypi.org/project/vixbt)"
_CHUNK = 64 * 1024


class TransientError(DownloadError):
    """A failure worth retrying: timeout, truncated body, lost or refused connection."""


class LimitError(DownloadError):
    """A body larger than its size cap, or a download past its deadline (not retried)."""


class HttpStatusError(DownloadError):
    """The server answered with an error status (kept in :attr:`status`)."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class FetchResult:
    """Outcome of :func:`fetch`.

    Parameters
    ----------
    status : {"complete", "not-modified"}
        ``"complete"``: the whole body is in the partial file.  ``"not-modified"``:
        the server answered 304 to the conditional request; nothing was written.
    nbytes : int
        Size of the body in the partial file (0 when not modified).
    resumed_from : int
        Bytes kept from an earlier interrupted attempt (0 if started from scratch).
    etag, last_modified : str or None
        The response's validators, for the next conditional request.
    """

    status: Literal["complete", "not-modified"]
    nbytes: int = 0
    resumed_from: int = 0
    etag: str | None = None
    last_modified: str | None = None


def looks_like_html(head: bytes, content_type: str | None = None) -> bool:
    """Whether a body (its first bytes) is an HTML page rather than data."""
    if content_type and "html" in content_type.lower():
        return True
    h = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return h.startswith((b"<!doctype html", b"<html", b"<head", b"<body", b"<?xml", b"<!--"))


def fetch(
    url: str,
    partial: str | Path,
    *,
    timeout: float = 30.0,
    etag: str | None = None,
    last_modified: str | None = None,
    on_bytes: Callable[[int], None] | None = None,
    expect: Literal["csv", "json"] = "csv",
    max_bytes: int | None = None,
    deadline: float | None = None,
) -> FetchResult:
    """Download ``url`` into the file ``partial``, resuming an earlier partial body.

    Parameters
    ----------
    url : str
        What to download.
    partial : str or pathlib.Path
        Partial file (its folder must exist).  If it exists together with its
        ``.json`` sidecar, the download resumes with ``Range``/``If-Range``.
    timeout : float, default 30.0
        Seconds to wait for the connection and for each read; a server that stalls
        longer fails the download.
    etag, last_modified : str, optional
        Validators of the copy already cached; sent as ``If-None-Match`` /
        ``If-Modified-Since`` so an unchanged file is answered with 304.
    on_bytes : callable, optional
        Called with the size of each chunk written (progress bars).
    expect : {"csv", "json"}, default "csv"
        What the body must be; an HTML page fails either way.
    max_bytes : int or None, default None
        Size cap of the body: a longer body (announced or received) fails with
        :class:`LimitError` and the partial file is removed.
    deadline : float or None, default None
        :func:`time.monotonic` time by which the whole body must have arrived; a
        slower download fails with :class:`LimitError` (the partial file is kept,
        so a later call resumes it).

    Returns
    -------
    FetchResult

    Raises
    ------
    DownloadError
        Naming the URL and what went wrong.  The partial file is kept after a
        truncated body, a timeout or a network error (so the next call can resume)
        and removed after an HTML page or an error status.
    """
    partial = Path(partial)
    meta_path = partial.with_name(partial.name + ".json")
    have = partial.stat().st_size if partial.is_file() else 0
    meta = _read_meta(meta_path) if have else {}
    validator = meta.get("etag") or meta.get("last_modified")
    headers = {"User-Agent": USER_AGENT, "Accept-Encoding": "identity"}
    resuming = bool(have and validator)
    if resuming:
        headers["Range"] = f"bytes={have}-"
        headers["If-Range"] = str(validator)
    else:
        have = 0
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
    req = urllib.request.Request(url, headers=headers)

    def past_deadline(got: int) -> LimitError:
        return LimitError(f"{url}: not complete within the deadline (got {got} bytes); "
                          "previous copy kept")

    if deadline is not None and time.monotonic() >= deadline:
        raise past_deadline(have)
    wait = timeout if deadline is None else max(0.001, min(timeout, deadline - time.monotonic()))
    try:
        resp = urllib.request.urlopen(req, timeout=wait)
    except urllib.error.HTTPError as exc:
        exc.close()
        if exc.code == 304 and not resuming:
            return FetchResult("not-modified", etag=etag, last_modified=last_modified)
        if exc.code == 416 and resuming:
            _discard(partial, meta_path)
            return fetch(url, partial, timeout=timeout, etag=etag, last_modified=last_modified,
                         on_bytes=on_bytes, expect=expect, max_bytes=max_bytes,
                         deadline=deadline)
        _discard(partial, meta_path)
        raise HttpStatusError(f"{url}: HTTP {exc.code} {exc.reason}", exc.code) from None
    except TimeoutError:
        if deadline is not None and time.monotonic() >= deadline:
            raise past_deadline(have) from None
        raise TransientError(f"{url}: timeout after {timeout:g} seconds (no response)") from None
    except urllib.error.URLError as exc:
        reason = exc.reason
        if isinstance(reason, (TimeoutError, socket.timeout)):
            raise TransientError(
                f"{url}: timeout after {timeout:g} seconds (no response)") from None
        raise TransientError(f"{url}: cannot connect ({reason})") from None
    except (OSError, http.client.HTTPException) as exc:
        raise TransientError(f"{url}: connection failed ({exc!r})") from None

    with resp:
        status = int(resp.status)
        ctype = resp.headers.get("Content-Type")
        new_etag = resp.headers.get("ETag")
        new_lm = resp.headers.get("Last-Modified")
        length_hdr = resp.headers.get("Content-Length")
        length = int(length_hdr) if length_hdr and length_hdr.isdigit() else None
        if status == 206:
            start, total = _content_range(resp.headers.get("Content-Range"))
            if start != have:
                _discard(partial, meta_path)
                raise DownloadError(
                    f"{url}: server resumed at byte {start}, expected {have}; "
                    "the partial copy was discarded, run again")
            mode = "ab"
            expected_total = total if total is not None else (
                have + length if length is not None else None)
        elif status == 200:
            have, mode = 0, "wb"
            expected_total = length
        else:
            _discard(partial, meta_path)
            raise HttpStatusError(f"{url}: unexpected HTTP {status} {resp.reason}", status)
        if (ctype and "html" in ctype.lower()) and expect == "csv" and mode == "wb":
            head = resp.read(512)
            _discard(partial, meta_path)
            raise DownloadError(
                f"{url}: HTML page instead of CSV (HTTP {status}, Content-Type {ctype}; "
                f"starts {head[:80].decode('utf-8', 'replace').strip()!r})")
        if max_bytes is not None and expected_total is not None and expected_total > max_bytes:
            _discard(partial, meta_path)
            raise LimitError(f"{url}: body of {expected_total} bytes is larger than the size cap "
                             f"of {max_bytes} bytes; previous copy kept")
        _write_meta(meta_path, {"etag": new_etag, "last_modified": new_lm,
                                "total": expected_total, "url": url})
        got = have
        try:
            with open(partial, mode) as fh:
                while True:
                    if deadline is not None:
                        left = deadline - time.monotonic()
                        if left <= 0:
                            raise past_deadline(got)
                        if resp.fp is not None and hasattr(resp.fp, "raw"):
                            with contextlib.suppress(AttributeError, OSError):
                                resp.fp.raw._sock.settimeout(min(timeout, left))
                    chunk = resp.read1(_CHUNK)
                    if not chunk:
                        break
                    fh.write(chunk)
                    got += len(chunk)
                    if max_bytes is not None and got > max_bytes:
                        raise LimitError(f"{url}: body larger than the size cap of {max_bytes} "
                                         "bytes; download stopped, previous copy kept")
                    if on_bytes is not None:
                        on_bytes(len(chunk))
                fh.flush()
                os.fsync(fh.fileno())
        except LimitError as exc:
            if "size cap" in str(exc):
                _discard(partial, meta_path)
            raise
        except http.client.IncompleteRead as exc:
            got += len(exc.partial)
            raise TransientError(_truncated(url, got, expected_total)) from None
        except TimeoutError:
            if deadline is not None and time.monotonic() >= deadline:
                raise past_deadline(got) from None
            raise TransientError(
                f"{url}: timeout after {timeout:g} seconds (stalled after {got} bytes"
                + (f" of {expected_total})" if expected_total is not None else ")")) from None
        except (OSError, http.client.HTTPException) as exc:
            raise TransientError(f"{url}: connection lost after {got} bytes ({exc!r})") from None
    got = partial.stat().st_size
    if expected_total is not None and got != expected_total:
        raise TransientError(_truncated(url, got, expected_total))
    with open(partial, "rb") as fh:
        head = fh.read(512)
    if looks_like_html(head, ctype if expect == "csv" else None):
        _discard(partial, meta_path)
        raise DownloadError(
            f"{url}: HTML page instead of {expect.upper()} (HTTP {status}; starts "
            f"{head[:80].decode('utf-8', 'replace').strip()!r})")
    return FetchResult("complete", nbytes=got, resumed_from=have if status == 206 else 0,
                       etag=new_etag, last_modified=new_lm)


def _truncated(url: str, got: int, total: int | None) -> str:
    of = f" of {total}" if total is not None else ""
    return f"{url}: truncated body: got {got}{of} bytes (connection closed early)"


def _content_range(value: str | None) -> tuple[int, int | None]:
    # "bytes 100-199/200" or "bytes 100-199/*"
    try:
        _unit, rest = (value or "").split(" ", 1)
        span, total = rest.split("/", 1)
        start = int(span.split("-", 1)[0])
        return start, (None if total.strip() == "*" else int(total))
    except ValueError:
        return -1, None


def _read_meta(path: Path) -> Mapping[str, object]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _write_meta(path: Path, meta: Mapping[str, object]) -> None:
    path.write_text(json.dumps(meta), encoding="utf-8")


def _discard(partial: Path, meta_path: Path) -> None:
    for p in (partial, meta_path):
        with contextlib.suppress(FileNotFoundError):
            p.unlink()
