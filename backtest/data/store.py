"""The data directory: layout, importing a user's file, committing a downloaded file.

Layout
------
A data directory (``VIXBT_DATA_DIR`` or ``--data-dir``) is a folder::

    <root>/
      manifest.csv                 path,symbol,format,span,notes -- one row per data file
      spx/SPX_yahoo.csv            files, one folder per symbol (lower case)
      vix/VIX_History.csv
      vix3m/VIX3M_History.csv      (also vix9d/, vix6m/, vvix/, vxv/)
      vx/CFE_F08_VX.csv            VIX futures: one file per contract (archive layout)
      vx/VX_2018-02-14.csv         ... and current layout, named by expiry date
      <symbol>/superseded/         earlier versions of imported files (not in the manifest)
      .vixbt/                      downloader state: ETags, partial downloads (safe to delete)

Only files listed in ``manifest.csv`` are read; ``path`` is relative to the folder,
``format`` is a reader format name (see :mod:`backtest.data.readers`) and ``span`` is
``first..last`` date as found when the file was added.  A hand-made folder with its
own ``manifest.csv`` (such as the project's ``../shared/data``) works the same way.

Rules
-----
- Every file is validated by reading it with its reader *before* it is placed in the
  folder; a file that does not parse never enters the folder or the manifest.
- Every write is atomic (temporary file in the same folder, fsync, rename), the data
  file first and the manifest second, so the manifest never names a missing or
  half-written file.
- :func:`import_file` of identical content is a no-op.  Importing a *different* file
  under a name already present replaces it, and keeps the previous file as
  ``<symbol>/superseded/<UTC timestamp>-<name>`` (out of the manifest): nothing is lost.
"""

from __future__ import annotations

import difflib
import hashlib
import os
import warnings
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from backtest.data.manifest import (
    MANIFEST_NAME,
    ManifestEntry,
    atomic_write_bytes,
    read_manifest,
    write_manifest,
)
from backtest.errors import DataError, DataRepairWarning

__all__ = [
    "FUTURES_FORMATS",
    "KNOWN_SYMBOLS",
    "STATE_DIR",
    "SUPERSEDED_DIR",
    "commit_file",
    "ensure_data_dir",
    "file_span",
    "import_file",
    "sha256_file",
    "upsert_entries",
    "validate_file",
]

#: Symbols a data directory may hold (manifest ``symbol`` column).
KNOWN_SYMBOLS: tuple[str, ...] = ("SPX", "VIX", "VIX3M", "VXV", "VIX9D", "VIX6M", "VVIX", "VX",
                                  "VXO", "SKEW", "SPXTR", "DTB3", "NDX", "VXN")
#: Formats that hold VIX futures (symbol ``VX``); every other format holds an index.
FUTURES_FORMATS = frozenset({"cfe-contract", "cfe-contracts-archive", "continuous-wide"})
#: Folder (inside the data directory) of the downloader's state and partial files.
STATE_DIR = ".vixbt"
#: Sub-folder (inside a symbol folder) keeping replaced versions of imported files.
SUPERSEDED_DIR = "superseded"


def ensure_data_dir(root: str | Path) -> Path:
    """Create ``root`` and an empty ``manifest.csv`` if absent; return the resolved path.

    Raises
    ------
    DataError
        If ``root`` exists and is not a folder.
    """
    root = Path(root).expanduser()
    if root.exists() and not root.is_dir():
        raise DataError(f"data directory {root} exists and is not a folder")
    root.mkdir(parents=True, exist_ok=True)
    root = root.resolve()
    if not (root / MANIFEST_NAME).is_file():
        write_manifest(root, [])
    return root


def sha256_file(path: str | Path) -> str:
    """Hex SHA-256 of a file's bytes."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def normalise_symbol(symbol: str) -> str:
    """Upper-case ``symbol`` and check it is one of :data:`KNOWN_SYMBOLS`.

    Raises
    ------
    ValueError
        Naming the symbol, with a "did you mean" hint.
    """
    s = symbol.strip().upper()
    if s not in KNOWN_SYMBOLS:
        near = difflib.get_close_matches(s, KNOWN_SYMBOLS, n=1)
        hint = f"; did you mean {near[0]!r}?" if near else ""
        raise ValueError(f"unknown symbol {symbol!r} (known: {', '.join(KNOWN_SYMBOLS)}){hint}")
    return s


def file_span(frame: pd.DataFrame) -> str:
    """``first..last`` date (ISO) of a reader's frame, or ``""`` if it has no dates."""
    if isinstance(frame.index, pd.DatetimeIndex) and len(frame.index):
        idx = frame.index
    else:
        col = next((c for c in ("trade_date", "date", "Date") if c in frame.columns), None)
        if col is None or not len(frame):
            return ""
        idx = pd.DatetimeIndex(pd.to_datetime(frame[col]))
    return f"{idx.min():%Y-%m-%d}..{idx.max():%Y-%m-%d}"


def validate_file(path: str | Path, format: str | None, symbol: str,
                  *, name: str | None = None) -> tuple[str, str]:
    """Read ``path`` completely with its reader; return ``(format, span)``.

    ``format`` is detected from the header when None, and checked against the
    detected one when given.  ``name`` is how the file is called in messages
    (defaults to the path).

    Raises
    ------
    DataError
        If the layout is unknown, does not match ``format``, does not fit ``symbol``,
        or the file does not parse (the reader names file, line and column).
    """
    from backtest.data.readers import detect_format, read_file

    path = Path(path)
    label = name or str(path)
    detected = detect_format(path)
    if format is not None and format != detected:
        raise DataError(f"{label}: format given as {format!r} but the header is {detected!r}")
    fmt = format or detected
    if (fmt in FUTURES_FORMATS) != (symbol == "VX"):
        what = "VIX futures (symbol VX)" if fmt in FUTURES_FORMATS else "an index, not VX"
        raise DataError(f"{label}: layout {fmt!r} holds {what}; symbol {symbol!r} does not fit")
    with warnings.catch_warnings():
        # repairs are reported when the data are loaded, not once per validation
        warnings.simplefilter("ignore", DataRepairWarning)
        raw = read_file(path, format=fmt, symbol=symbol)
    return fmt, file_span(raw.frame)


def upsert_entries(root: str | Path, new: Iterable[ManifestEntry]) -> None:
    """Add ``new`` rows to ``root/manifest.csv``, replacing rows with the same path.

    The manifest is rewritten atomically; rows keep their order, new paths go last.
    """
    root = Path(root).resolve()
    entries = read_manifest(root)
    by_path = {Path(e.path).resolve(): e for e in new}
    out = []
    for e in entries:
        p = Path(e.path).resolve()
        out.append(by_path.pop(p, e))
    out.extend(by_path.values())
    write_manifest(root, out)


def commit_file(root: str | Path, src: str | Path, relpath: str, symbol: str, format: str,
                span: str, notes: str = "") -> ManifestEntry:
    """Move a validated file ``src`` into ``root/relpath`` atomically and record it.

    ``src`` must be on the same file system as ``root`` (e.g. in ``root/.vixbt``);
    it is fsynced, renamed over the target, then the manifest row is updated.
    """
    root = Path(root).resolve()
    target = root / relpath
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(src, "rb+") as fh:
        os.fsync(fh.fileno())
    os.replace(src, target)
    entry = ManifestEntry(path=target, symbol=symbol, format=format, span=span, notes=notes)
    upsert_entries(root, [entry])
    return entry


def import_file(root: str | Path, path: str | Path, symbol: str | None = None,
                format: str | None = None) -> ManifestEntry:
    """Bring a user's data file into the data directory ``root``.

    The file is validated completely by its reader, then copied atomically to
    ``root/<symbol lower>/<file name>`` and its manifest row is added or updated.
    The folder and its manifest are created if absent.

    Parameters
    ----------
    root : str or pathlib.Path
        The data directory.
    path : str or pathlib.Path
        The file to import (any layout :func:`backtest.data.readers.detect_format`
        recognises).
    symbol : str, optional
        What it holds (``SPX``, ``VIX``, ``VIX3M``, ``VXV``, ``VIX9D``, ``VIX6M``,
        ``VVIX``, ``VX``).  Taken from the file name when omitted.
    format : str, optional
        Reader format; detected from the header when omitted (and checked against
        the header when given).

    Returns
    -------
    ManifestEntry
        The file's manifest row (``path`` inside ``root``).  Its ``notes`` say where
        it was imported from and, if it replaced a different file of the same name,
        where that previous file was kept.

    Raises
    ------
    DataError
        If the file is missing, empty, of unknown layout or does not parse; the
        message names the file.
    ValueError
        If no symbol is given and none can be taken from the file name, or the
        symbol is unknown.

    Notes
    -----
    Importing identical content again changes nothing.  Importing a different file
    with the same name and symbol replaces the copy in ``root`` and keeps the
    previous one as ``root/<symbol>/superseded/<UTC timestamp>-<name>``, outside
    the manifest.
    """
    from backtest.data.readers import guess_symbol

    src = Path(path).expanduser()
    if not src.is_file():
        raise DataError(f"{src}: no such file")
    if symbol is None:
        symbol = guess_symbol(src)
        if symbol is None:
            raise ValueError(
                f"cannot tell which symbol {src.name} holds from its name; give it "
                f"explicitly (one of {', '.join(KNOWN_SYMBOLS)}), "
                "e.g. `vixbt data import FILE --symbol VIX`")
    sym = normalise_symbol(symbol)
    fmt, span = validate_file(src, format, sym)
    root = ensure_data_dir(root)
    rel = f"{sym.lower()}/{src.name}"
    target = root / rel
    digest = sha256_file(src)
    notes = f"imported from {src.resolve()} (sha256 {digest[:12]})"
    if target.is_file():
        if sha256_file(target) == digest:
            existing = {Path(e.path).resolve(): e for e in read_manifest(root)}
            entry = existing.get(target.resolve())
            if entry is not None and entry.symbol == sym and entry.format == fmt:
                return entry
            entry = ManifestEntry(path=target, symbol=sym, format=fmt, span=span, notes=notes)
            upsert_entries(root, [entry])
            return entry
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
        kept = target.parent / SUPERSEDED_DIR / f"{stamp}-{src.name}"
        atomic_write_bytes(kept, target.read_bytes())
        notes += f"; previous file kept as {kept.relative_to(root).as_posix()}"
    atomic_write_bytes(target, src.read_bytes())
    entry = ManifestEntry(path=target, symbol=sym, format=fmt, span=span, notes=notes)
    upsert_entries(root, [entry])
    return entry
