"""``vixbt data update``: download the public files into a data directory.

What it fetches (URL layouts in :mod:`backtest.data.sources`):

- CBOE index histories ``VIX``, ``VIX3M``, ``VIX9D``, ``VIX6M``, ``VVIX``;
- every monthly VIX futures contract file (archive layout through 2013, current
  layout from 2014, as named by CBOE's listing);
- a long SPX daily history (Yahoo chart API, 1927 on; or CBOE closes).

How it behaves:

- **Incremental.**  A futures contract fetched after its expiry is final and is never
  requested again.  Other files are requested with ``If-None-Match`` /
  ``If-Modified-Since`` (answered 304 when unchanged), and a body identical to the
  cached file is not rewritten.  Archive months that were never listed are
  remembered as absent.
- **Resumable.**  Each file is committed as soon as it is complete, so an interrupted
  run keeps what it finished.  A body cut short is kept in ``.vixbt/partial/`` and the
  next attempt asks for the rest with ``Range``/``If-Range``; a server that ignores
  ranges sends the whole body again.
- **Safe.**  A body is parsed by its reader *before* it replaces the cached file; the
  replacement is an atomic rename followed by an atomic manifest rewrite.  A failed,
  truncated, stalled or HTML download leaves the previous file byte-identical.
- Failures are collected per file (the other files still update) and raised at the
  end as :class:`UpdateError`, whose message names each URL and cause.
"""

from __future__ import annotations

import contextlib
import json
import os
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, Literal

import pandas as pd
from tqdm.auto import tqdm

from backtest.data.fetch import (
    FetchResult,
    HttpStatusError,
    LimitError,
    TransientError,
    fetch,
)
from backtest.data.manifest import ManifestEntry, atomic_write_bytes, read_manifest
from backtest.data.sources import (
    INDEX_SYMBOLS,
    BaseUrls,
    RemoteFile,
    SpxSource,
    archive_contract_files,
    contract_listing_files,
    index_file,
    spx_file,
    yahoo_chart_to_csv,
)
from backtest.data.store import (
    STATE_DIR,
    commit_file,
    ensure_data_dir,
    history_loss,
    sha256_file,
    upsert_entries,
    validate_file,
)
from backtest.errors import DataError, DownloadError, VixbtError

__all__ = ["DEFAULT_DEADLINE", "DEFAULT_MAX_BYTES", "DEFAULT_SYMBOLS", "UpdateError",
           "UpdateReport", "update"]

#: What :func:`update` fetches by default.
DEFAULT_SYMBOLS: tuple[str, ...] = ("SPX", *INDEX_SYMBOLS, "VX")
_STATE_FILE = "download-state.json"
_LISTING_KEY = "<vx-listing>"
_LOCK_FILE = "update.lock"
#: Default size cap per kind of file (bytes): the real files are far smaller
#: (VIX_History.csv ~0.4 MB, Yahoo's SPX chart JSON ~6 MB, a contract file ~30 kB).
DEFAULT_MAX_BYTES: dict[str, int] = {"index": 64 << 20, "yahoo-chart": 256 << 20,
                                     "contract": 16 << 20, "listing": 16 << 20}
#: Default time allowed for one file, retries included (seconds).
DEFAULT_DEADLINE = 600.0
Status = Literal["downloaded", "unchanged", "cached", "missing", "failed"]


@dataclass(frozen=True)
class FileOutcome:
    """What happened to one file in an update.

    Parameters
    ----------
    relpath : str
        Path in the data directory.
    url : str
        Source URL.
    status : {"downloaded", "unchanged", "cached", "missing", "failed"}
        ``downloaded``: new content committed; ``unchanged``: server said 304 or sent
        identical bytes; ``cached``: final file, not requested; ``missing``: not
        published (HTTP 403/404 for an optional archive month); ``failed``: see
        ``message``.
    message : str, default ""
        The error, for failed files.
    resumed_from : int, default 0
        Bytes reused from an interrupted earlier attempt.
    """

    relpath: str
    url: str
    status: Status
    message: str = ""
    resumed_from: int = 0


@dataclass(frozen=True)
class UpdateReport:
    """Result of :func:`update`: one :class:`FileOutcome` per planned file.

    Parameters
    ----------
    root : pathlib.Path
        The data directory.
    outcomes : tuple of FileOutcome
        In the order processed.
    """

    root: Path
    outcomes: tuple[FileOutcome, ...] = field(default_factory=tuple)

    def _by(self, status: Status) -> tuple[str, ...]:
        return tuple(o.relpath for o in self.outcomes if o.status == status)

    @property
    def downloaded(self) -> tuple[str, ...]:
        """Files whose new content was committed."""
        return self._by("downloaded")

    @property
    def unchanged(self) -> tuple[str, ...]:
        """Files requested and found unchanged."""
        return self._by("unchanged")

    @property
    def cached(self) -> tuple[str, ...]:
        """Final files not requested at all."""
        return self._by("cached")

    @property
    def missing(self) -> tuple[str, ...]:
        """Optional files the server does not publish."""
        return self._by("missing")

    @property
    def failed(self) -> tuple[tuple[str, str], ...]:
        """``(url, message)`` of each failed file."""
        return tuple((o.url, o.message) for o in self.outcomes if o.status == "failed")

    @property
    def ok(self) -> bool:
        """True when nothing failed."""
        return not self.failed

    def to_frame(self) -> pd.DataFrame:
        """One row per file: ``relpath, url, status, message, resumed_from``."""
        cols = ["relpath", "url", "status", "message", "resumed_from"]
        return pd.DataFrame([[getattr(o, c) for c in cols] for o in self.outcomes],
                            columns=cols)

    def summary(self) -> str:
        """Counts per status and each failure, as text."""
        lines = [
            f"data directory {self.root}: {len(self.downloaded)} downloaded, "
            f"{len(self.unchanged)} unchanged, {len(self.cached)} cached (final), "
            f"{len(self.missing)} not published, {len(self.failed)} failed"
        ]
        lines += [f"  FAILED {msg}" for _, msg in self.failed]
        return "\n".join(lines)


class UpdateError(DownloadError):
    """Some files failed to download; :attr:`report` holds the full outcome.

    Files that succeeded are committed; every failed file keeps its previous copy.
    """

    def __init__(self, report: UpdateReport) -> None:
        fails = report.failed
        msg = f"{len(fails)} download(s) failed (previous copies kept):\n" + "\n".join(
            f"  {m}" for _, m in fails)
        super().__init__(msg)
        self.report = report


class _State:
    """``.vixbt/download-state.json``: per file validators, digest, fetch time."""

    def __init__(self, root: Path) -> None:
        self.path = root / STATE_DIR / _STATE_FILE
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            data = {}
        self.data: dict[str, dict[str, Any]] = data if isinstance(data, dict) else {}

    def get(self, key: str) -> dict[str, Any]:
        v = self.data.get(key)
        return v if isinstance(v, dict) else {}

    def put(self, key: str, **values: Any) -> None:
        self.data[key] = {k: v for k, v in values.items() if v is not None}
        atomic_write_bytes(self.path, json.dumps(self.data, indent=1, sort_keys=True).encode())


def update(
    root: str | Path,
    *,
    symbols: Sequence[str] | None = None,
    base_urls: BaseUrls | None = None,
    spx_source: SpxSource = "yahoo",
    progress: bool = True,
    timeout: float = 30.0,
    retries: int = 2,
    backoff: float = 1.0,
    force: bool = False,
    strict: bool = True,
    today: date | None = None,
    max_bytes: int | None = None,
    deadline: float = DEFAULT_DEADLINE,
) -> UpdateReport:
    """Download or refresh the public data files in the data directory ``root``.

    Parameters
    ----------
    root : str or pathlib.Path
        Data directory; created with an empty manifest if absent.
    symbols : sequence of str, optional
        Subset of :data:`DEFAULT_SYMBOLS` (``SPX``, ``VIX``, ``VIX3M``, ``VIX9D``,
        ``VIX6M``, ``VVIX``, ``VX``); all by default.
    base_urls : BaseUrls, optional
        Source URLs (default: the public ones).
    spx_source : {"yahoo", "cboe"}, default "yahoo"
        ``"yahoo"``: SPX daily OHLCV from 1927; ``"cboe"``: CBOE closes only.
    progress : bool, default True
        Show a tqdm progress bar over the files.
    timeout : float, default 30.0
        Seconds allowed for connecting and for each read before a request fails.
    retries : int, default 2
        Further attempts after a timeout, truncated body, lost connection or HTTP
        5xx/429 (resuming where possible).  HTTP 4xx, HTML pages and unparseable
        bodies are not retried.
    backoff : float, default 1.0
        Seconds before the first retry, doubled for each next one.
    force : bool, default False
        Request every file again, without conditional headers, even final ones.
    strict : bool, default True
        Raise :class:`UpdateError` at the end if any file failed; with False the
        failures are only listed in the report.
    today : datetime.date, optional
        The date used to decide which contracts have expired (default: today, UTC).
    max_bytes : int or None, default None
        Size cap of every file's body; ``None``: :data:`DEFAULT_MAX_BYTES` per kind
        of file.  A longer body fails that file (its cached copy is kept).
    deadline : float, default 600.0
        Seconds allowed for one file, retries included; a slower file (a server
        dripping bytes) fails, its cached copy kept.

    Returns
    -------
    UpdateReport

    Raises
    ------
    UpdateError
        If ``strict`` and any file failed (after all other files were processed).
    DownloadError
        If another update of the same folder is running (``.vixbt/update.lock``).
    ValueError
        For an unknown symbol or a negative ``retries``/``timeout``.
    """
    import math

    for nm, v in (("timeout", timeout), ("backoff", backoff), ("deadline", deadline)):
        if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v):
            raise ValueError(f"{nm} must be a finite number of seconds, got {v!r}")
    if isinstance(retries, bool) or not isinstance(retries, int):
        raise ValueError(f"retries must be an integer, got {retries!r}")
    if retries < 0 or timeout <= 0 or backoff < 0 or deadline <= 0:
        raise ValueError(f"need retries >= 0, timeout > 0, backoff >= 0, deadline > 0; got "
                         f"retries={retries}, timeout={timeout}, backoff={backoff}, "
                         f"deadline={deadline}")
    if max_bytes is not None and (isinstance(max_bytes, bool) or not isinstance(max_bytes, int)
                                  or max_bytes <= 0):
        raise ValueError(f"max_bytes must be a positive integer or None, got {max_bytes!r}")
    wanted = [s.upper() for s in (symbols or DEFAULT_SYMBOLS)]
    unknown = [s for s in wanted if s not in DEFAULT_SYMBOLS]
    if unknown:
        raise ValueError(f"cannot download symbol(s) {', '.join(unknown)}; "
                         f"known: {', '.join(DEFAULT_SYMBOLS)}")
    if spx_source not in ("yahoo", "cboe"):
        raise ValueError(f"spx_source must be 'yahoo' or 'cboe', got {spx_source!r}")
    base = base_urls or BaseUrls()
    today = today or datetime.now(UTC).date()
    root = ensure_data_dir(root)
    state = root / STATE_DIR
    if state.exists() and not state.is_dir():
        raise DataError(f"{state} is a file, but the data directory keeps the downloader's "
                        "state in a folder of that name; move the file away")
    try:
        (state / "partial").mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DataError(f"data directory {root} is not writable ({exc.strerror or exc}); "
                        "nothing was downloaded") from None
    with _exclusive(root):
        report = _run(root, wanted, base, spx_source, progress,
                      _Job(root, _State(root), timeout, retries, backoff, force, today,
                           max_bytes, deadline))
    if strict and not report.ok:
        raise UpdateError(report)
    return report


def _run(root: Path, wanted: list[str], base: BaseUrls, spx_source: SpxSource,
         progress: bool, job: _Job) -> UpdateReport:
    outcomes: list[FileOutcome] = []

    plan: list[RemoteFile] = []
    if "SPX" in wanted:
        plan.append(spx_file(base, spx_source))
    plan += [index_file(base, s) for s in INDEX_SYMBOLS if s in wanted]
    if "VX" in wanted:
        plan += archive_contract_files(base)
        listed, listing_outcome = job.listing(base)
        if listing_outcome is not None:
            outcomes.append(listing_outcome)
        plan += listed

    with tqdm(total=len(plan), unit="file", desc="vixbt data update",
              disable=not progress, leave=True) as bar:
        for f in plan:
            bar.set_postfix_str(f.relpath, refresh=False)
            try:
                outcomes.append(job.one(f))
            except (VixbtError, OSError, ValueError) as exc:  # one file never stops the rest
                outcomes.append(FileOutcome(f.relpath, f.url, "failed", f"{f.url}: {exc}"))
            bar.update(1)
    return UpdateReport(root=root, outcomes=tuple(outcomes))


@contextlib.contextmanager
def _exclusive(root: Path) -> Iterator[None]:
    """Hold ``.vixbt/update.lock`` (holding the pid) for the duration of an update.

    A lock left by a process that no longer runs (or older than 12 hours) is taken over.
    """
    path = root / STATE_DIR / _LOCK_FILE
    for _ in range(2):
        try:
            fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
            break
        except FileExistsError:
            try:
                pid = int(path.read_text(encoding="ascii").strip() or "0")
                age = time.time() - path.stat().st_mtime
            except (OSError, ValueError):
                pid, age = 0, 0.0
            if _alive(pid) and age < 12 * 3600:
                raise DownloadError(
                    f"{root}: another `vixbt data update` is running (pid {pid}); if it is "
                    f"not, delete {path}") from None
            path.unlink(missing_ok=True)
    else:  # pragma: no cover - lost a race twice
        raise DownloadError(f"{root}: cannot take the update lock {path}")
    try:
        os.write(fd, str(os.getpid()).encode("ascii"))
        os.close(fd)
        yield
    finally:
        path.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    if pid <= 0:
        return False
    if os.name == "nt":  # no signal-0 probe on Windows: trust the lock until it is old
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class _Job:
    def __init__(self, root: Path, state: _State, timeout: float, retries: int,
                 backoff: float, force: bool, today: date, max_bytes: int | None = None,
                 deadline: float = DEFAULT_DEADLINE) -> None:
        self.root, self.state = root, state
        self.max_bytes, self.deadline = max_bytes, deadline
        self.timeout, self.retries, self.backoff = timeout, retries, backoff
        self.force, self.today = force, today
        self.partial_dir = root / STATE_DIR / "partial"
        self._manifest: dict[Path, ManifestEntry] | None = None

    # -- helpers -----------------------------------------------------------------
    def _record(self, key: str, **values: Any) -> None:
        """Store a file's state with the wall-clock time and the ``today`` it was fetched on."""
        self.state.put(key, **values, fetched=_now(), as_of=self.today.isoformat())

    def manifest(self) -> dict[Path, ManifestEntry]:
        if self._manifest is None:
            self._manifest = {Path(e.path).resolve(): e for e in read_manifest(self.root)}
        return self._manifest

    def _partial(self, key: str) -> Path:
        return self.partial_dir / (key.replace("/", "__").replace("<", "").replace(">", "")
                                   + ".part")

    def _fetch(self, url: str, partial: Path, etag: str | None, lm: str | None,
               expect: Literal["csv", "json"], kind: str) -> FetchResult:
        attempt = 0
        cap = self.max_bytes if self.max_bytes is not None else DEFAULT_MAX_BYTES[kind]
        until = time.monotonic() + self.deadline
        while True:
            try:
                return fetch(url, partial, timeout=self.timeout, etag=etag, last_modified=lm,
                             expect=expect, max_bytes=cap, deadline=until)
            except HttpStatusError as exc:
                if not (exc.status >= 500 or exc.status == 429) or attempt >= self.retries:
                    raise
            except TransientError:
                if attempt >= self.retries:
                    raise
            pause = self.backoff * 2 ** attempt
            if time.monotonic() + pause >= until:
                raise LimitError(f"{url}: not complete within the deadline of "
                                 f"{self.deadline:g} s (after {attempt + 1} attempt(s)); "
                                 "previous copy kept")
            time.sleep(pause)
            attempt += 1

    # -- the VX listing ------------------------------------------------------------
    def listing(self, base: BaseUrls) -> tuple[list[RemoteFile], FileOutcome | None]:
        url = base.cfe_listing
        cache = self.root / STATE_DIR / "vx-listing.json"
        st = self.state.get(_LISTING_KEY)
        cond = cache.is_file() and not self.force
        partial = self._partial(_LISTING_KEY)
        outcome: FileOutcome | None = None
        try:
            res = self._fetch(url, partial, st.get("etag") if cond else None,
                              st.get("last_modified") if cond else None, "json", "listing")
            if res.status == "complete":
                body = partial.read_bytes()
                files = contract_listing_files(base, body, source=url)
                atomic_write_bytes(cache, body)
                partial.unlink()
                partial.with_name(partial.name + ".json").unlink(missing_ok=True)
                self._record(_LISTING_KEY, url=url, etag=res.etag,
                             last_modified=res.last_modified)
                return files, None
        except DownloadError as exc:
            outcome = FileOutcome(".vixbt/vx-listing.json", url, "failed", str(exc))
            with contextlib.suppress(FileNotFoundError):
                partial.unlink()
            if not cache.is_file():
                return [], outcome
        # 304, or failure with an earlier listing to fall back on
        try:
            return contract_listing_files(base, cache.read_bytes(), source=str(cache)), outcome
        except (DownloadError, OSError) as exc:
            return [], FileOutcome(".vixbt/vx-listing.json", url, "failed",
                                   f"the cached contract listing {cache} is unusable ({exc}); "
                                   "`vixbt data update --force` fetches it again")

    # -- one file ------------------------------------------------------------------
    def one(self, f: RemoteFile) -> FileOutcome:
        st = self.state.get(f.relpath)
        target = self.root / f.relpath
        have = target.is_file() and st.get("sha256") == _sha_or_none(target)
        # final: fetched on a day after expiry (the file then holds the final settlement)
        final = (f.expiry is not None and "as_of" in st
                 and date.fromisoformat(str(st["as_of"])) > f.expiry)
        if not self.force and final:
            if st.get("absent"):
                return FileOutcome(f.relpath, f.url, "missing")
            if have and target.resolve() in self.manifest():
                return FileOutcome(f.relpath, f.url, "cached")
        cond = have and not self.force and f.convert == "none"
        partial = self._partial(f.relpath)
        try:
            res = self._fetch(f.url, partial, st.get("etag") if cond else None,
                              st.get("last_modified") if cond else None,
                              "json" if f.convert == "yahoo-chart" else "csv",
                              "yahoo-chart" if f.convert == "yahoo-chart"
                              else "contract" if f.symbol == "VX" else "index")
        except HttpStatusError as exc:
            if f.optional and exc.status in (403, 404):
                self._record(f.relpath, url=f.url, absent=True)
                return FileOutcome(f.relpath, f.url, "missing")
            return FileOutcome(f.relpath, f.url, "failed", str(exc))
        except DownloadError as exc:
            return FileOutcome(f.relpath, f.url, "failed", str(exc))
        if res.status == "not-modified":
            self._ensure_entry(f, target)
            self._record(f.relpath, url=f.url, etag=res.etag, last_modified=res.last_modified,
                         sha256=st.get("sha256"))
            return FileOutcome(f.relpath, f.url, "unchanged")
        try:
            return self._commit(f, partial, res, target)
        except DownloadError as exc:
            return FileOutcome(f.relpath, f.url, "failed", str(exc), res.resumed_from)

    def _commit(self, f: RemoteFile, partial: Path, res: FetchResult,
                target: Path) -> FileOutcome:
        incoming = self.root / STATE_DIR / "incoming" / Path(f.relpath).name
        incoming.parent.mkdir(parents=True, exist_ok=True)
        meta = partial.with_name(partial.name + ".json")
        try:
            if f.convert == "yahoo-chart":
                atomic_write_bytes(incoming, yahoo_chart_to_csv(partial.read_bytes(), f.url))
                partial.unlink()
            else:
                partial.replace(incoming)
            meta.unlink(missing_ok=True)
            digest = sha256_file(incoming)
            if target.is_file() and sha256_file(target) == digest:
                incoming.unlink()
                self._ensure_entry(f, target)
                self._record(f.relpath, url=f.url, etag=res.etag,
                             last_modified=res.last_modified, sha256=digest)
                return FileOutcome(f.relpath, f.url, "unchanged", resumed_from=res.resumed_from)
            try:
                fmt, span = validate_file(incoming, f.format, f.symbol, name=f.url)
            except DataError as exc:
                raise DownloadError(
                    f"{f.url}: downloaded body is not a valid {f.format} file "
                    f"(previous copy kept): {exc}") from None
            if target.is_file():
                loss = history_loss(target, incoming, fmt, f.symbol)
                if loss is not None:
                    kept = self.root / STATE_DIR / "refused" / Path(f.relpath).name
                    kept.parent.mkdir(parents=True, exist_ok=True)
                    os.replace(incoming, kept)
                    raise DownloadError(
                        f"{f.url}: refused, the download would lose history the cached "
                        f"{f.relpath} holds: {loss}. The cached copy is kept; the download is "
                        f"in {kept.relative_to(self.root).as_posix()} (to use it anyway, "
                        "`vixbt data import` it: the old copy is then kept in superseded/)")
            entry = commit_file(self.root, incoming, f.relpath, f.symbol, fmt, span,
                                notes=f"downloaded from {f.url.split('?')[0]}")
        finally:
            for p in (incoming, partial, meta):
                if p.exists() and p != target:
                    with contextlib.suppress(OSError):
                        p.unlink()
        self.manifest()[Path(entry.path).resolve()] = entry
        self._record(f.relpath, url=f.url, etag=res.etag, last_modified=res.last_modified,
                     sha256=digest)
        return FileOutcome(f.relpath, f.url, "downloaded", resumed_from=res.resumed_from)

    def _ensure_entry(self, f: RemoteFile, target: Path) -> None:
        if target.resolve() in self.manifest():
            return
        fmt, span = validate_file(target, f.format, f.symbol)
        entry = ManifestEntry(path=target, symbol=f.symbol, format=fmt, span=span,
                              notes=f"downloaded from {f.url.split('?')[0]}")
        upsert_entries(self.root, [entry])
        self.manifest()[target.resolve()] = entry


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _sha_or_none(path: Path) -> str | None:
    try:
        return sha256_file(path)
    except OSError:
        return None

