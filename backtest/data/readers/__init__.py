"""Readers, one per file layout, behind one entry point :func:`read_file`.

>>> raw = read_file("VIX_History.csv")          # layout from the header  # doctest: +SKIP
>>> raw.format, raw.symbol
('cboe-index', 'VIX')

Layouts (:data:`FORMATS`):

========================  ==========================================================
``cboe-index``            CBOE index history ``DATE,OPEN,HIGH,LOW,CLOSE``, MM/DD/YYYY
``cboe-single``           CBOE single-value history ``DATE,VVIX``, MM/DD/YYYY
``yahoo-classic``         Yahoo ``Date,Open,High,Low,Close,Adj Close,Volume``
``yahoo-ohlcv-lowercase`` yfinance ``date,open,high,low,close,volume``
``yahoo-ohlcv-short``     yfinance cache ``date,o,h,l,c,v``
``nasdaq-com``            nasdaq.com export ``Date,Close/Last,Open,High,Low``, newest first
``ohlc-iso``              ``DATE,OPEN,HIGH,LOW,CLOSE`` with ISO dates
``fred``                  FRED ``DATE,<SERIES>`` with ``.`` for missing, or
                          ``observation_date,<SERIES>`` with empty fields for missing
``continuous-wide``       ``Date,M1..Mn,days_to_expiration`` VX settles
``cfe-contract``          one raw CFE VX per-contract file (old or current layout)
``cfe-contracts-archive`` a .tar.gz/.zip/folder of ``cfe-contract`` files
========================  ==========================================================

Symbols in :data:`RATE_SYMBOLS` (interest rates) are read without the
"non-positive price" repair: a rate may be zero or negative.

Index layouts give a frame indexed by ``date`` with float columns among
``open, high, low, close, volume, adj_close``; the futures layouts are described
in :mod:`~backtest.data.readers.cfe` and :mod:`~backtest.data.readers.continuous`.
"""

from __future__ import annotations

import gzip
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from backtest.data.readers._text import Repairs, decode
from backtest.data.readers.cfe import is_cfe_header, read_cfe_archive, read_cfe_bytes
from backtest.data.readers.continuous import is_continuous_header, read_continuous_text
from backtest.data.readers.index import (
    INDEX_FORMATS,
    canonical_name,
    is_index_header,
    read_index_text,
)
from backtest.data.readers.nasdaq import is_nasdaq_header, read_nasdaq_text
from backtest.data.readers.short import is_short_header, read_short_text
from backtest.errors import DataError

__all__ = ["FORMATS", "RATE_SYMBOLS", "RawFile", "detect_format", "guess_symbol", "read_file"]

FORMATS: tuple[str, ...] = (*INDEX_FORMATS, "yahoo-ohlcv-short", "nasdaq-com",
                            "continuous-wide", "cfe-contract", "cfe-contracts-archive")
#: Symbols holding rates (percent), not prices: zero and negative values are kept.
RATE_SYMBOLS = frozenset({"DTB3"})
_ARCHIVE_SUFFIXES = (".tar.gz", ".tgz", ".tar", ".zip", ".tar.bz2", ".tar.xz")


@dataclass(frozen=True)
class RawFile:
    """One data file as read, before alignment.

    Parameters
    ----------
    path : pathlib.Path
        The file (or archive / folder) read.
    format : str
        Its layout, one of :data:`FORMATS`.
    symbol : str or None
        Upper-case symbol it holds (``SPX``, ``VIX``, ``VX`` ...), if known.
    frame : pandas.DataFrame
        The parsed data (see the module docstring for the shape per layout).
    repairs : tuple of str
        What was repaired, dropped or converted while reading, one message each.
    repair_counts : Mapping[str, int], default {}
        Number of repaired or dropped values per column (``"rows"`` for whole
        rows).
    """

    path: Path
    format: str
    symbol: str | None
    frame: pd.DataFrame
    repairs: tuple[str, ...]
    repair_counts: Mapping[str, int] = field(default_factory=dict)


def _is_archive(path: Path) -> bool:
    return path.is_dir() or path.name.lower().endswith(_ARCHIVE_SUFFIXES)


def _read_bytes(path: Path) -> bytes:
    """The file's bytes; a ``.gz`` file (not ``.tar.gz``) is decompressed."""
    if not path.exists():
        raise DataError(f"{path}: file not found")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise DataError(f"{path}: cannot read ({exc.strerror or exc})") from None
    if path.name.lower().endswith(".gz"):
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError) as exc:
            raise DataError(f"{path}: cannot decompress ({exc})") from None
    return data


def _detect_text(text: str, name: str) -> str:
    lines = text.splitlines()
    for line in lines[:11]:
        fields = [f.strip().strip('"').strip() for f in line.split(",")]
        if is_cfe_header(fields):
            return "cfe-contract"
        if is_continuous_header(fields):
            return "continuous-wide"
        if is_nasdaq_header(fields):
            return "nasdaq-com"
        if is_short_header(fields):
            return "yahoo-ohlcv-short"
        if not is_index_header(fields):
            continue
        return _index_layout(fields, lines[lines.index(line) + 1:], name)
    first = lines[0][:120] if lines else ""
    raise DataError(f"{name}: unknown layout; no known header in the first lines (line 1 is "
                    f"{first!r}). Known layouts: {', '.join(FORMATS)}")


def _index_layout(fields: list[str], body: list[str], name: str) -> str:
    sample = next((ln.split(",")[0].strip().strip('"') for ln in body if ln.strip()), "")
    slash = "/" in sample
    canon = [canonical_name(f) for f in fields]
    header = ",".join(fields)
    if len(fields) == 2:
        return "cboe-single" if slash else "fred"
    if "adj_close" in canon:
        return "yahoo-classic"
    if header == header.lower() and "volume" in canon:
        return "yahoo-ohlcv-lowercase"
    if any(c in canon for c in ("open", "high", "low", "close")):
        return "cboe-index" if slash else "ohlc-iso"
    raise DataError(f"{name}: unknown layout; header {header!r} has a date column but none of "
                    f"open/high/low/close. Known layouts: {', '.join(FORMATS)}")


def detect_format(path: str | Path) -> str:
    """The layout of a data file, from its header (and the first date's style).

    Parameters
    ----------
    path : str or pathlib.Path
        A CSV file, or an archive/folder of CFE contract files.

    Returns
    -------
    str
        One of :data:`FORMATS`.

    Raises
    ------
    DataError
        If the file is missing, empty, an HTML page or has no known header;
        the message names the file.
    """
    p = Path(path)
    if _is_archive(p):
        if not p.exists():
            raise DataError(f"{p}: file not found")
        return "cfe-contracts-archive"
    return _detect_text(decode(_read_bytes(p), str(p)), str(p))


_SYMBOL_TOKENS: dict[str, str] = {
    "spx": "SPX", "gspc": "SPX", "sp500": "SPX", "sp": "SPX", "spy": "SPX", "inx": "SPX",
    "vix": "VIX", "vixcls": "VIX",
    "vix3m": "VIX3M", "vxv": "VXV", "vxvcls": "VXV",
    "vix9d": "VIX9D", "vxst": "VIX9D",
    "vix6m": "VIX6M", "vxmt": "VIX6M",
    "vvix": "VVIX",
    "vxo": "VXO", "vxocls": "VXO",
    "skew": "SKEW",
    "sp500tr": "SPXTR", "spxtr": "SPXTR",
    "dtb3": "DTB3",
    "ndx": "NDX",
    "vxn": "VXN", "vxncls": "VXN",
    "vx": "VX",
}
_FUTURES_TOKENS = frozenset({"vx", "cfe", "futures", "future", "contracts", "continuous"})


def guess_symbol(path: str | Path) -> str | None:
    """The symbol a file holds, guessed from its name, or None.

    ``VIX_History.csv`` -> ``VIX``, ``vix3m_daily.csv`` -> ``VIX3M``,
    ``^GSPC.csv`` -> ``SPX``, ``CFE_F08_VX.csv`` and ``VX_2018-02.csv`` -> ``VX``,
    ``VIXCLS.csv`` (FRED) -> ``VIX``.
    """
    name = Path(path).name.lower()
    for suf in (*_ARCHIVE_SUFFIXES, ".csv.gz", ".csv", ".txt"):
        if name.endswith(suf):
            name = name[: -len(suf)]
            break
    tokens = [t for t in re.split(r"[^a-z0-9]+", name) if t]
    if any(t in _FUTURES_TOKENS for t in tokens):
        return "VX"
    for t in tokens:
        if t in _SYMBOL_TOKENS:
            return _SYMBOL_TOKENS[t]
    return None


def read_file(path: str | Path, format: str | None = None, symbol: str | None = None
              ) -> RawFile:
    """Read one data file.

    Parameters
    ----------
    path : str or pathlib.Path
        The file, or for ``cfe-contracts-archive`` an archive or folder.
    format : str or None, default None
        One of :data:`FORMATS`; None detects it from the header.
    symbol : str or None, default None
        Symbol held; None guesses it from the file name.

    Returns
    -------
    RawFile

    Raises
    ------
    DataError
        On an unreadable file; the message names the file, and where known the
        line, date and column.
    ValueError
        If ``format`` is not one of :data:`FORMATS`.
    """
    p = Path(path)
    if format is not None and format not in FORMATS:
        raise ValueError(f"unknown format {format!r}; expected one of {', '.join(FORMATS)}")
    name = str(p)
    repairs = Repairs(name)
    sym = symbol.upper() if symbol else guess_symbol(p)
    prices = sym not in RATE_SYMBOLS
    fmt = format
    if fmt == "cfe-contracts-archive" or (fmt is None and _is_archive(p)):
        if not p.exists():
            raise DataError(f"{p}: file not found")
        fmt = "cfe-contracts-archive"
        frame = read_cfe_archive(p, repairs)
    else:
        text = decode(_read_bytes(p), name)
        if fmt is None:
            fmt = _detect_text(text, name)
        if fmt == "cfe-contract":
            frame = read_cfe_bytes(text.encode("utf-8"), name, repairs)
        elif fmt == "continuous-wide":
            frame = read_continuous_text(text, name, repairs)
        elif fmt == "yahoo-ohlcv-short":
            frame = read_short_text(text, name, repairs, prices=prices)
        elif fmt == "nasdaq-com":
            frame = read_nasdaq_text(text, name, repairs)
        else:
            frame = read_index_text(text, name, fmt, repairs, prices=prices)
    return RawFile(path=p, format=fmt, symbol=sym, frame=frame,
                   repairs=tuple(m for m in repairs.messages if m),
                   repair_counts=dict(repairs.counts))
