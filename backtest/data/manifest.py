"""The data directory's manifest: which file holds which symbol, in which layout.

A vixbt data directory is a folder holding data files and a ``manifest.csv``
with at least the columns ``path,symbol,format`` (``span`` and ``notes`` are
optional).  ``path`` is relative to the folder.  ``../shared/data`` of the
project's test data is such a folder; ``vixbt data import`` and
``vixbt data update`` add rows to a user's folder.
"""

from __future__ import annotations

import csv
import io
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from backtest.errors import DataError

__all__ = ["MANIFEST_NAME", "ManifestEntry", "atomic_write_bytes", "read_manifest",
           "write_manifest"]

MANIFEST_NAME = "manifest.csv"
_REQUIRED = ("path", "symbol", "format")


@dataclass(frozen=True)
class ManifestEntry:
    """One data file of a data directory.

    Parameters
    ----------
    path : pathlib.Path
        Absolute path of the file.
    symbol : str
        Upper-case index symbol it holds (``SPX``, ``VIX``, ``VIX3M``, ``VXV``,
        ``VIX9D``, ``VIX6M``, ``VVIX``, ``VX``).
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
    text = mpath.read_text(encoding="utf-8-sig")
    reader = csv.DictReader(io.StringIO(text))
    header = reader.fieldnames or []
    missing = [c for c in _REQUIRED if c not in header]
    if missing:
        raise DataError(f"{mpath}: header lacks column(s) {', '.join(missing)} "
                        f"(found: {', '.join(header) or 'nothing'})")
    entries = []
    for lineno, row in enumerate(reader, start=2):
        if not any((v or "").strip() for v in row.values()):
            continue
        for c in _REQUIRED:
            if not (row.get(c) or "").strip():
                raise DataError(f"{mpath}, line {lineno}: column {c!r} is empty")
        entries.append(ManifestEntry(
            path=(root / row["path"].strip()).resolve(),
            symbol=row["symbol"].strip().upper(),
            format=row["format"].strip(),
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
    """Write ``root/manifest.csv`` atomically; paths are stored relative to ``root``."""
    root = Path(root).resolve()
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["path", "symbol", "format", "span", "notes"])
    for e in entries:
        p = Path(e.path).resolve()
        rel = p.relative_to(root) if p.is_relative_to(root) else p
        w.writerow([rel.as_posix(), e.symbol, e.format, e.span, e.notes])
    atomic_write_bytes(root / MANIFEST_NAME, buf.getvalue().encode("utf-8"))
