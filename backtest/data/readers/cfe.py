"""Readers for raw CBOE Futures Exchange (CFE) VX per-contract files.

``cfe-contract``
    One contract's daily history as CBOE publishes it:
    ``Trade Date,Futures,Open,High,Low,Close,Settle,Change,Total Volume,EFP,Open Interest``.
    Two layouts exist and both are read: the old archive files (``MM/DD/YYYY``
    dates, ``F (Jan 08)`` contract names, 2-decimal prices, often with a one-line
    disclaimer before the header) and the current files (ISO dates,
    ``F (Jan 2018)``, 4-decimal prices).
``cfe-contracts-archive``
    Many such files together: a ``.tar.gz``/``.tgz``/``.tar``/``.zip`` archive or a
    folder; every ``*.csv`` member is read as ``cfe-contract``.

Conventions applied (each recorded in the file's repairs/notes):

* prices of trade dates before 2007-03-26 are divided by 10 (CFE quoted VX on
  a x10 scale until then);
* rows with a zero settle (the days after a listing, before any settlement)
  are dropped;
* zero Open/High/Low/Close (no trade that day) become NaN;
* the contract's expiry is its final settlement date by the exchange rule
  (:func:`backtest.data.expirations.vx_expiration`); the row dated on the expiry
  carries the special opening quotation (SOQ) as its settle and is flagged
  ``final=True`` -- it is kept here and excluded when building ``vx1``/``vx2``.

The result is a long frame with columns ``trade_date, contract, expiry, open,
high, low, close, settle, change, volume, efp, open_interest, final``.
"""

from __future__ import annotations

import io
import re
import tarfile
import warnings
import zipfile
import zlib
from pathlib import Path

import numpy as np
import pandas as pd

from backtest.data.expirations import vx_expiration, vx_expirations
from backtest.data.readers._text import (
    FIRST_YEAR,
    LAST_YEAR,
    MAX_EXPANDED_BYTES,
    MISSING_TOKENS,
    Repairs,
    _date_format,
    decode,
    find_header,
    parse_dates,
    parse_numbers,
    read_table,
    resolve_duplicates,
)
from backtest.errors import DataError, DataRepairWarning

__all__ = ["CFE_COLUMNS", "RESCALE_BEFORE", "is_cfe_header", "read_cfe_archive",
           "read_cfe_bytes", "read_cfe_text"]

#: Trade dates before this day carry prices on the x10 scale.
RESCALE_BEFORE = pd.Timestamp("2007-03-26")
CFE_COLUMNS = ("trade_date", "contract", "expiry", "open", "high", "low", "close", "settle",
               "change", "volume", "efp", "open_interest", "final")
_MONTH_CODES = "FGHJKMNQUVXZ"
_MONTH_NAMES = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov",
                "dec")
_NUMERIC = {"Open": "open", "High": "high", "Low": "low", "Close": "close", "Settle": "settle",
            "Change": "change", "Total Volume": "volume", "EFP": "efp",
            "Open Interest": "open_interest"}
_CONTRACT_RE = r"^\s*([A-Z])\s*\(\s*([A-Za-z]{3})\s*'?\s*(\d{2}|\d{4})\s*\)\s*$"


_EXPIRIES: dict[tuple[int, int], pd.Timestamp] = {}


def _fill_expiries() -> None:
    if not _EXPIRIES:
        for t in vx_expirations("2004-01-01", "2035-12-31"):
            month = (t + pd.Timedelta(days=30)).to_period("M") - 1
            _EXPIRIES[(month.year, month.month)] = pd.Timestamp(t)


def is_cfe_header(fields: list[str]) -> bool:
    """Whether a split line is the header of a CFE per-contract file."""
    return len(fields) >= 2 and fields[0].lower() == "trade date"


def _contract_expiries(table_contracts: pd.Series, name: str, lines: np.ndarray
                       ) -> pd.Series:
    _fill_expiries()
    uniq = pd.Series(table_contracts.unique())
    parts = uniq.str.extract(_CONTRACT_RE)
    out: dict[str, pd.Timestamp] = {}
    for raw, (code, mon, yy) in zip(uniq, parts.itertuples(index=False), strict=True):
        ok = isinstance(code, str) and code in _MONTH_CODES and isinstance(mon, str)
        if ok:
            month = _MONTH_CODES.index(code) + 1
            ok = _MONTH_NAMES[month - 1] == mon.lower()
        if not ok:
            i = int(np.flatnonzero((table_contracts == raw).to_numpy())[0])
            raise DataError(f"{name}, line {lines[i]}: column 'Futures': {raw!r} is not a "
                            "monthly VX contract name like 'F (Jan 08)' or 'F (Jan 2018)' "
                            "(weekly contracts are not supported)")
        year = int(yy)
        year = year + 2000 if year < 100 else year
        if not 2004 <= year <= 2099:
            i = int(np.flatnonzero((table_contracts == raw).to_numpy())[0])
            raise DataError(f"{name}, line {lines[i]}: column 'Futures': contract year {year} "
                            "is outside 2004..2099 (VX futures began in 2004)")
        out[raw] = _EXPIRIES.get((year, month)) or vx_expiration(year, month)
    return table_contracts.map(out)


def read_cfe_text(text: str, name: str, repairs: Repairs) -> pd.DataFrame:
    """Parse one CFE per-contract file (either layout)."""
    hidx, fields = find_header(text, is_cfe_header, name)
    if hidx:
        repairs.note(f"skipped {hidx} line(s) before the header (CBOE disclaimer)")
    table = read_table(text, hidx, name, text_columns=("Futures",))
    missing = [c for c in ("Futures", "Settle") if c not in table.cells.columns]
    if missing:
        raise DataError(f"{name}: layout 'cfe-contract' needs column(s) {', '.join(missing)}; "
                        f"header (line {hidx + 1}) has: {', '.join(fields)}")
    dates = parse_dates(table, table.cells.columns[0])
    frame = pd.DataFrame({"trade_date": dates, "contract": table.cells["Futures"].to_numpy()})
    frame["expiry"] = _contract_expiries(table.cells["Futures"], name, table.lines).to_numpy()
    for raw, new in _NUMERIC.items():
        frame[new] = parse_numbers(table, raw, dates) if raw in table.cells else np.nan
    lines = table.lines
    frame, lines = resolve_duplicates(frame, ["trade_date", "contract"], lines, name, repairs)
    late = (frame["trade_date"] > frame["expiry"]).to_numpy()
    if late.any():
        i = int(np.flatnonzero(late)[0])
        raise DataError(f"{name}, line {lines[i]}: trade date "
                        f"{frame['trade_date'].iloc[i].date()} is after the final settlement "
                        f"date {frame['expiry'].iloc[i].date()} of {frame['contract'].iloc[i]}")
    old = (frame["trade_date"] < RESCALE_BEFORE).to_numpy()
    if old.any():
        cols = ["open", "high", "low", "close", "settle", "change"]
        frame.loc[old, cols] = frame.loc[old, cols] / 10.0
        repairs.note(f"{int(old.sum())} row(s) before {RESCALE_BEFORE.date()} divided by 10 "
                     "(CFE's old x10 price scale)")
    for c in ("open", "high", "low", "close"):
        frame.loc[frame[c].to_numpy() == 0, c] = np.nan
    zero = ~(frame["settle"].to_numpy() > 0)
    if zero.any():
        n = int(zero.sum())
        first = frame["trade_date"].to_numpy()[zero][0]
        repairs.add("settle", n, f"{n} row(s) with a zero or missing settle dropped (first on "
                    f"{pd.Timestamp(first).date()})", warn=False)
        frame = frame.loc[~zero]
    frame = frame.sort_values(["expiry", "trade_date"], kind="stable").reset_index(drop=True)
    frame["final"] = (frame["trade_date"] == frame["expiry"]).to_numpy()
    return frame[list(CFE_COLUMNS)]


def _archive_members(path: Path) -> list[tuple[str, bytes]]:
    """``(name, bytes)`` of every ``.csv`` member; regular members only, sizes capped."""
    name = path.name.lower()
    total = 0

    def take(member: str, size: int) -> None:
        nonlocal total
        total += size
        if size > MAX_EXPANDED_BYTES or total > MAX_EXPANDED_BYTES:
            raise DataError(f"{member}: expands to more than {MAX_EXPANDED_BYTES >> 20} MiB "
                            "(alone or with the members before it); refused (a decompression "
                            "bomb?)")

    if path.is_dir():
        out = []
        for p in sorted(path.rglob("*.csv")):
            if not p.is_file():
                raise DataError(f"{p}: is not a regular file (a folder, device or FIFO); "
                                "refused")
            take(str(p), p.stat().st_size)
            out.append((str(p), p.read_bytes()))
        return out
    try:
        if name.endswith(".zip"):
            with zipfile.ZipFile(path) as zf:
                out = []
                for info in sorted(zf.infolist(), key=lambda i: i.filename):
                    if info.is_dir() or not info.filename.lower().endswith(".csv"):
                        continue
                    label = f"{path}:{info.filename}"
                    take(label, info.file_size)
                    with zf.open(info) as zfh:
                        data = zfh.read(MAX_EXPANDED_BYTES + 1)
                    take(label, len(data) - info.file_size)
                    out.append((label, data))
                return out
        with tarfile.open(path, "r:*") as tf:
            out = []
            for m in sorted(tf.getmembers(), key=lambda m: m.name):
                if m.isfile() and m.name.lower().endswith(".csv"):
                    label = f"{path}:{m.name}"
                    take(label, m.size)
                    fh = tf.extractfile(m)
                    if fh is not None:
                        out.append((label, fh.read(m.size)))
            return out
    except (tarfile.TarError, zipfile.BadZipFile, EOFError, OSError, zlib.error) as exc:
        raise DataError(f"{path}: cannot read the archive ({exc})") from None


_ODD_TEXT = re.compile(r'["\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]')


def _read_members_at_once(texts: list[tuple[str, str]]
                          ) -> tuple[pd.DataFrame, int] | None:
    """Every member in one CSV parse, or None where a member needs the file-by-file path.

    The rows of all members sharing a header line are parsed by one ``read_csv``
    call, each row tagged with its member and physical line; dates, contracts
    and numbers then get exactly the conversions of :func:`read_cfe_text`.  Any
    member that would need a repair message or an error (a line that does not
    parse, a bad date or contract, a non-numeric cell, a duplicate row, a trade
    after expiry, an unusual line ending or quoting) makes this return None, and
    the caller reads member by member, so messages and warnings are the same.
    Returns the concatenated frame (members in order, each sorted as
    :func:`read_cfe_text` sorts it) and the number of zero-settle rows dropped.
    """
    groups: dict[str, list[str]] = {}
    for mid, (name, text) in enumerate(texts):
        if _ODD_TEXT.search(text.replace("\r\n", "\n")):
            return None
        try:
            hidx, _ = find_header(text, is_cfe_header, name)
        except DataError:
            return None
        lines = text.replace("\r\n", "\n").split("\n")
        if lines and lines[-1] == "":
            lines.pop()
        head = lines[hidx]
        body = [f"{mid},{hidx + 2 + i},{ln}" for i, ln in enumerate(lines[hidx + 1:])]
        if not body:
            return None
        groups.setdefault(head, []).extend(body)
    parts = []
    for head, body in groups.items():
        first = head.split(",")[0].strip().strip('"').strip()
        try:
            df = pd.read_csv(io.StringIO("__member,__line," + head + "\n" + "\n".join(body)),
                             dtype={first: str, "Futures": str}, keep_default_na=False,
                             na_values=sorted(MISSING_TOKENS), skip_blank_lines=False,
                             skipinitialspace=True)
        except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError):
            return None
        df.columns = [str(c).strip() for c in df.columns]
        if list(df.columns[:2]) != ["__member", "__line"] or len(set(df.columns)) != len(
                df.columns) or "Futures" not in df.columns or "Settle" not in df.columns:
            return None
        cells = df.columns[2:]
        df = df.loc[~df[cells].isna().all(axis=1).to_numpy()]
        member = df["__member"].to_numpy(dtype=np.int64)
        out = {"member": member, "line": df["__line"].to_numpy(dtype=np.int64)}
        raw_dates = df[cells[0]].fillna("").astype(str).str.strip()
        dates = np.empty(len(df), dtype="datetime64[ns]")
        firsts = pd.Series(raw_dates.to_numpy()).groupby(member).first()
        for fmt_ in sorted({_date_format(str(v)) for v in firsts}):
            ids = [int(m) for m, v in firsts.items()  # type: ignore[call-overload]
                   if _date_format(str(v)) == fmt_]
            if fmt_ == "ISO8601":
                return None
            rows = np.isin(member, ids)
            parsed = pd.to_datetime(raw_dates.loc[rows], format=fmt_, errors="coerce")
            if parsed.isna().any():
                return None
            yr = pd.DatetimeIndex(parsed).year
            if not ((yr >= FIRST_YEAR) & (yr <= LAST_YEAR)).all():
                return None
            dates[rows] = pd.DatetimeIndex(parsed).astype("datetime64[ns]").to_numpy()
        out["trade_date"] = dates
        out["contract"] = df["Futures"].fillna("").astype(str).str.strip().to_numpy()
        for raw, new in _NUMERIC.items():
            if raw not in df.columns:
                out[new] = np.full(len(df), np.nan)
                continue
            col = df[raw]
            if not pd.api.types.is_numeric_dtype(col.dtype) or pd.api.types.is_bool_dtype(
                    col.dtype):
                return None
            out[new] = col.to_numpy(dtype=np.float64, na_value=np.nan)
        parts.append(pd.DataFrame(out))
    frame = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
    if np.unique(frame["member"].to_numpy()).size != len(texts):
        return None  # a member with blank lines only
    expiry = _expiries_of(frame["contract"])
    if expiry is None:
        return None
    frame["expiry"] = expiry
    key = pd.DataFrame({"m": frame["member"], "t": frame["trade_date"],
                        "c": frame["contract"]})
    if key.duplicated().any() or (frame["trade_date"] > frame["expiry"]).any():
        return None
    old = (frame["trade_date"] < RESCALE_BEFORE).to_numpy()
    for c in ("open", "high", "low", "close", "settle", "change"):
        v = frame[c].to_numpy(dtype=np.float64).copy()
        v[old] = v[old] / 10.0
        if c in ("open", "high", "low", "close"):
            v[v == 0] = np.nan
        frame[c] = v
    zero = ~(frame["settle"].to_numpy() > 0)
    frame = frame.loc[~zero]
    # each member sorted by expiry and trade date (stable), members in order
    order = np.lexsort((np.arange(len(frame)), frame["trade_date"].to_numpy(),
                        frame["expiry"].to_numpy(), frame["member"].to_numpy()))
    frame = frame.iloc[order].reset_index(drop=True)
    frame["final"] = (frame["trade_date"] == frame["expiry"]).to_numpy()
    return frame[list(CFE_COLUMNS)], int(zero.sum())


def _expiries_of(contracts: pd.Series) -> np.ndarray | None:
    """Expiry of every contract name (as :func:`_contract_expiries`); None if one is bad."""
    _fill_expiries()
    uniq = pd.unique(contracts.to_numpy())
    out: dict[str, pd.Timestamp] = {}
    for raw in uniq:
        m = re.match(_CONTRACT_RE, str(raw))
        if m is None:
            return None
        code, mon, yy = m.groups()
        if code not in _MONTH_CODES:
            return None
        month = _MONTH_CODES.index(code) + 1
        if _MONTH_NAMES[month - 1] != mon.lower():
            return None
        year = int(yy)
        year = year + 2000 if year < 100 else year
        if not 2004 <= year <= 2099:
            return None
        out[str(raw)] = _EXPIRIES.get((year, month)) or vx_expiration(year, month)
    return np.asarray(contracts.map(out).to_numpy(), dtype="datetime64[ns]")


def read_cfe_archive(path: Path, repairs: Repairs) -> pd.DataFrame:
    """Read every CFE per-contract CSV in an archive or folder into one long frame."""
    members = _archive_members(path)
    if not members:
        what = (" (a folder is read as an archive of CFE contract files, not as a data "
                "file)") if path.is_dir() else ""
        raise DataError(f"{path}: archive holds no .csv files{what}")
    texts = [(member, decode(data, member)) for member, data in members]
    fast = _read_members_at_once(texts)
    if fast is not None:
        frame, n_zero_settle = fast
        repairs.count("settle", n_zero_settle)
    else:  # something to repair or report: file by file, for messages naming file and line
        frames = []
        for member, text in texts:
            sub = Repairs(member)
            frames.append(read_cfe_text(text, member, sub))
            for col, n in sub.counts.items():
                repairs.count(col, n)
        frame = pd.concat(frames, ignore_index=True)
    dup = frame.duplicated(subset=["trade_date", "expiry"], keep=False).to_numpy()
    if dup.any():
        exact = frame.duplicated(keep="first").to_numpy()
        rest = frame.loc[~exact]
        clash = rest.duplicated(subset=["trade_date", "expiry"], keep=False).to_numpy()
        if clash.any():
            row = rest.loc[clash].iloc[0]
            raise DataError(f"{path}: trade date {row['trade_date'].date()} of contract "
                            f"{row['contract']} appears in two members with different values "
                            "(column 'settle' or another)")
        repairs.add("rows", int(exact.sum()), f"dropped {int(exact.sum())} identical "
                    "duplicate row(s) found in two members")
        frame = rest
    n_zero = repairs.counts.get("settle", 0)
    repairs.note(f"{len(members)} contract file(s); prices before {RESCALE_BEFORE.date()} "
                 "divided by 10")
    if n_zero:
        msg = f"{n_zero} row(s) with a zero settle dropped (no settlement yet)"
        repairs.messages.append(f"settle: {msg}")
        warnings.warn(DataRepairWarning(f"{path}: settle: {msg}", source=str(path),
                                        column="settle", count=n_zero), stacklevel=3)
    frame = frame.sort_values(["expiry", "trade_date"], kind="stable").reset_index(drop=True)
    return frame[list(CFE_COLUMNS)]


def read_cfe_bytes(data: bytes, name: str, repairs: Repairs) -> pd.DataFrame:
    """Read one CFE per-contract file from its bytes; warns once about zero settles."""
    frame = read_cfe_text(decode(data, name), name, repairs)
    n_zero = repairs.counts.get("settle", 0)
    if n_zero:
        warnings.warn(DataRepairWarning(f"{name}: settle: {n_zero} row(s) with a zero settle "
                                        "dropped", source=name, column="settle", count=n_zero),
                      stacklevel=3)
    return frame

