"""The data directory's manifest: which file holds which symbol, in which layout.

A vixbt data directory is a folder holding data files and a ``manifest.csv``
with at least the columns ``path,symbol,format`` (``span`` and ``notes`` are
optional).  ``path`` is relative to the folder.  ``../shared/data`` of the
project's test data is such a folder; ``vixbt data import`` and
``vixbt data update`` add rows to a user's folder.

Paths
-----
Each ``path`` is relative to the folder, written with ``/``, and must stay inside
it: an absolute path, a ``..`` component, a backslash or a drive letter is refused
with an error naming the manifest line.  A path may be a **symbolic link** inside
the folder pointing elsewhere (a user's deliberate link, e.g. to a shared copy of
the data); what it names must be a regular file (or, for the
``cfe-contracts-archive`` layout, a folder), never a device, FIFO or socket.

Writers
-------
Every change to the manifest (and ``vixbt data update`` as a whole) holds one
lock, ``.vixbt/manifest.lock`` (:func:`manifest_lock`): a writer waits up to
:data:`LOCK_TIMEOUT` seconds for another one to finish, then fails with a message
naming the lock, so two imports at once never lose a row.
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
import re
import tempfile
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import filelock

from backtest.errors import DataError

__all__ = ["LOCK_TIMEOUT", "MANIFEST_NAME", "ManifestEntry", "atomic_write_bytes",
           "check_relpath", "manifest_lock", "read_manifest", "write_manifest"]

MANIFEST_NAME = "manifest.csv"
#: Seconds a manifest writer waits for another one before giving up.
LOCK_TIMEOUT = 120.0
_LOCK_NAME = "manifest.lock"
_STATE_DIR = ".vixbt"
_REQUIRED = ("path", "symbol", "format")
_MAX_MANIFEST_BYTES = 16 * 1024 * 1024
_DRIVE = re.compile(r"^[A-Za-z]:")
_LOCKS: dict[tuple[int, str], filelock.FileLock] = {}
_LOCKS_GUARD = threading.Lock()


@contextlib.contextmanager
def manifest_lock(root: str | Path, timeout: float | None = None) -> Iterator[None]:
    """Hold the data directory's writer lock (``root/.vixbt/manifest.lock``).

    Re-entrant within a process (an import holding it may rewrite the manifest).

    Parameters
    ----------
    root : str or pathlib.Path
        The data directory.
    timeout : float or None, default None
        Seconds to wait for another writer; ``None``: :data:`LOCK_TIMEOUT`.

    Raises
    ------
    DataError
        If another process holds the lock longer than ``timeout``, or the lock
        file cannot be created (a read-only folder, ``.vixbt`` being a file).
    """
    root = Path(root).resolve()
    state = root / _STATE_DIR
    if state.exists() and not state.is_dir():
        raise DataError(f"{state} is a file, but the data directory keeps its state and lock "
                        "in a folder of that name; move the file away")
    try:
        state.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DataError(f"data directory {root} is not writable ({exc.strerror or exc}); "
                        "nothing was changed") from None
    path = str(state / _LOCK_NAME)
    key = (os.getpid(), path)  # a lock object is not shared with a forked child
    with _LOCKS_GUARD:
        lock = _LOCKS.get(key)
        if lock is None:
            lock = _LOCKS[key] = filelock.FileLock(path)
    wait = LOCK_TIMEOUT if timeout is None else timeout
    try:
        lock.acquire(timeout=wait)
    except filelock.Timeout:
        raise DataError(f"{root}: another vixbt process is writing this data directory (lock "
                        f"{path} held for more than {wait:g} s); try again when it has "
                        "finished") from None
    except OSError as exc:
        raise DataError(f"data directory {root}: cannot take the lock {path} "
                        f"({exc.strerror or exc}); is the folder writable?") from None
    try:
        yield
    finally:
        lock.release()


def check_relpath(text: str, where: str) -> str:
    """Validate a manifest path string; return it normalised (``/`` separated).

    The path must be relative, with no ``..`` component, no backslash and no
    drive letter, so that it names something inside the data directory.

    Raises
    ------
    DataError
        Naming ``where`` (the manifest and line) and the rule broken.
    """
    t = text.strip()
    if not t:
        raise DataError(f"{where}: column 'path' is empty")
    if "\x00" in t or any(ord(c) < 32 for c in t):
        raise DataError(f"{where}: path contains control characters")
    if "\\" in t or _DRIVE.match(t):
        raise DataError(f"{where}: path {t!r} uses a backslash or a drive letter; write it "
                        "relative to the data directory with '/'")
    pp = PurePosixPath(t)
    if pp.is_absolute():
        raise DataError(f"{where}: path {t!r} is absolute; manifest paths must be relative "
                        "to the data directory")
    if ".." in pp.parts:
        raise DataError(f"{where}: path {t!r} leaves the data directory ('..'); manifest "
                        "paths must name files inside it")
    if pp == PurePosixPath("."):
        raise DataError(f"{where}: path {t!r} names the data directory itself")
    return pp.as_posix()


@dataclass(frozen=True)
class ManifestEntry:
    """One data file of a data directory.

    Parameters
    ----------
    path : pathlib.Path
        Absolute path of the file.
    symbol : str
        Upper-case index symbol it holds (``SPX``, ``VIX``, ``VIX3M``, ``VXV``,
        ``VIX9D``, ``VIX6M``, ``VVIX``, ``VX``, ``VXO``, ``SKEW``, ``SPXTR``, ``DTB3``,
        ``NDX``, ``VXN``).
    format : str
        Layout name understood by :func:`backtest.data.readers.read_file`.
    span : str, default ""
        ``first..last`` as recorded when the file was added.
    notes : str, default ""
        Free text.
    """

    path: Path
    symbol: str
    format: str
    span: str = ""
    notes: str = ""


def read_manifest(root: str | Path) -> list[ManifestEntry]:
    """Read ``root/manifest.csv``.

    Raises
    ------
    DataError
        If the folder or its manifest is missing or malformed; the message names
        the file and line.
    """
    root = Path(root)
    if not root.is_dir():
        raise DataError(f"data directory {root} does not exist or is not a folder")
    mpath = root / MANIFEST_NAME
    if not mpath.is_file():
        raise DataError(
            f"data directory {root} has no {MANIFEST_NAME}; create one with "
            "`vixbt data import FILE --data-dir DIR` or `vixbt data update --data-dir DIR`"
        )
    if not mpath.is_file():
        raise DataError(f"{mpath} is not a regular file")
    with open(mpath, "rb") as fh:
        data = fh.read(_MAX_MANIFEST_BYTES + 1)
    if len(data) > _MAX_MANIFEST_BYTES:
        raise DataError(f"{mpath}: larger than {_MAX_MANIFEST_BYTES >> 20} MiB; not a manifest")
    if b"\x00" in data:
        nul_line = data[: data.index(b"\x00")].count(b"\n") + 1
        raise DataError(f"{mpath}, line {nul_line}: binary "
                        "content (a NUL byte); a manifest is a UTF-8 CSV text file")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise DataError(f"{mpath}, line {line}: not UTF-8 text (byte {exc.start}); a manifest "
                        "is a UTF-8 CSV text file") from None
    reader = csv.DictReader(io.StringIO(text))
    header = reader.fieldnames or []
    missing = [c for c in _REQUIRED if c not in header]
    if missing:
        raise DataError(f"{mpath}: header lacks column(s) {', '.join(missing)} "
                        f"(found: {', '.join(header) or 'nothing'})")
    from backtest.data.readers import FORMATS

    entries = []
    base = root.resolve()
    try:
        rows = list(enumerate(reader, start=2))
    except csv.Error as exc:
        raise DataError(f"{mpath}, line {reader.line_num}: malformed CSV ({exc})") from None
    for lineno, row in rows:
        if not any(isinstance(v, str) and v.strip() for v in row.values()):
            continue
        for c in _REQUIRED:
            if not isinstance(row.get(c), str) or not row[c].strip():
                raise DataError(f"{mpath}, line {lineno}: column {c!r} is empty")
        rel = check_relpath(row["path"], f"{mpath}, line {lineno}")
        fmt = row["format"].strip()
        if fmt not in FORMATS:
            raise DataError(f"{mpath}, line {lineno}: unknown format {fmt[:40]!r}; expected "
                            f"one of {', '.join(FORMATS)}")
        entries.append(ManifestEntry(
            path=base / rel,
            symbol=row["symbol"].strip().upper(),
            format=fmt,
            span=(row.get("span") or "").strip(),
            notes=(row.get("notes") or "").strip(),
        ))
    return entries


def current_umask() -> int:
    """The process umask, read without changing it where the system allows."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)  # elsewhere: set and restore (not thread-safe, but brief)
    os.umask(mask)
    return mask


def atomic_write_bytes(path: str | Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically (temporary file in the same folder,
    fsync, then rename), so readers see the old file or the new one, never a mix.

    The file gets the permissions of any newly created file (``0666`` less the
    process umask), not the private ``0600`` of a temporary file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        if hasattr(os, "fchmod"):
            os.fchmod(fd, 0o666 & ~current_umask())
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_manifest(root: str | Path, entries: Sequence[ManifestEntry]) -> None:
    """Write ``root/manifest.csv`` atomically; paths are stored relative to ``root``.

    Callers changing an existing manifest hold :func:`manifest_lock` around the
    read and the write.

    Raises
    ------
    DataError
        If an entry's path is not inside ``root``.
    """
    root = Path(root).resolve()
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["path", "symbol", "format", "span", "notes"])
    for e in entries:
        p = Path(os.path.normpath(Path(e.path).absolute()))
        if not p.is_relative_to(root):
            raise DataError(f"{root / MANIFEST_NAME}: refusing to record {p}, which is not "
                            "inside the data directory")
        rel = check_relpath(p.relative_to(root).as_posix(), str(root / MANIFEST_NAME))
        w.writerow([rel, e.symbol, e.format, e.span, e.notes])
    atomic_write_bytes(root / MANIFEST_NAME, buf.getvalue().encode("utf-8"))
