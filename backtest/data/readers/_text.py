"""Shared parsing helpers for the readers: text, header search, dates, numbers.

Every failure raises :class:`~backtest.errors.DataError` naming the file and,
where known, the line, the date and the column.  Line numbers are 1-based
physical lines of the file (the header is line ``header_line``).
"""

from __future__ import annotations

import io
import re
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from backtest.errors import DataError, DataRepairWarning

__all__ = [
    "FIRST_YEAR",
    "LAST_YEAR",
    "MAX_EXPANDED_BYTES",
    "MAX_FILE_BYTES",
    "MISSING_TOKENS",
    "Repairs",
    "Table",
    "decode",
    "describe_line",
    "find_header",
    "parse_dates",
    "parse_numbers",
    "read_table",
    "resolve_duplicates",
]

#: Cell values read as "no value" (FRED writes ".", Yahoo writes "null").
MISSING_TOKENS = frozenset({"", ".", "null", "NULL", "NaN", "nan", "NA", "N/A", "#N/A", "-"})

#: Largest data file read (bytes); the real files are below 10 MB.
MAX_FILE_BYTES = 512 << 20
#: Largest size a compressed file or archive member may expand to (bytes).
MAX_EXPANDED_BYTES = 512 << 20
#: Dates must fall in these years (pandas' nanosecond dates end in 2262).
FIRST_YEAR, LAST_YEAR = 1800, 2200
#: A number with thousands separators: 1,234 or -12,345,678.25 (nothing else has a comma).
_THOUSANDS = r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d*)?"
_HTML = re.compile(rb"^\s*(<!doctype\s+html|<html|<\?xml|<head|<body|<!--|<)", re.IGNORECASE)


@dataclass
class Repairs:
    """Accumulates repair messages and per-column counts while reading a file.

    Messages start with the column they concern (``"open: ..."``; ``"rows: ..."``
    for whole rows, ``"file: ..."`` for the file as a whole).
    """

    source: str
    messages: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    def add(self, column: str, n: int, message: str, *, warn: bool = True,
            count: bool = True, values: int | None = None) -> None:
        """Record ``n`` repaired values of ``column`` (no-op when ``n`` is 0).

        ``warn`` emits a :class:`~backtest.errors.DataRepairWarning`; ``count``
        False records the message without counting it under ``column``.
        ``values`` is the number of repaired values the warning reports (default:
        ``n`` when counted, else none -- e.g. re-sorting the dates repairs no value).
        """
        if n <= 0:
            return
        if count:
            self.counts[column] = self.counts.get(column, 0) + n
        self.messages.append(f"{column}: {message}")
        if warn:
            warnings.warn(DataRepairWarning(f"{self.source}: {column}: {message}",
                                            source=self.source, column=column,
                                            count=values if values is not None
                                            else (n if count else None)),
                          stacklevel=3)

    def count(self, column: str, n: int) -> None:
        """Count ``n`` repaired values of ``column`` without a message."""
        if n > 0:
            self.counts[column] = self.counts.get(column, 0) + n

    def note(self, message: str) -> None:
        """Record a conversion of the whole file that is not a repair (e.g. a rescale)."""
        self.messages.append(f"file: {message}")


def decode(data: bytes, name: str) -> str:
    """Bytes of a data file to text; rejects empty files and HTML pages."""
    if not data.strip():
        raise DataError(f"{name}: file is empty (no header, no data)")
    if data[:2] in (b"\xff\xfe", b"\xfe\xff") or (b"\x00" in data[:4096]
                                                   and data[:4096].count(b"\x00") > 16):
        raise DataError(f"{name}: is UTF-16 (or other two-byte) encoded text; save it as "
                        "UTF-8 (or Latin-1) CSV")
    if data[:2] == b"\x1f\x8b":
        raise DataError(f"{name}: is gzip-compressed data, not CSV text; decompress it or "
                        "name it .csv.gz")
    if b"\x00" in data:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        raise DataError(f"{name}, line {line}: binary content (a NUL byte); not a CSV text "
                        "file")
    if _HTML.match(data[:512]) and b"," not in data[:512].split(b"\n", 1)[0]:
        raise DataError(f"{name}: is an HTML page, not a CSV data file "
                        "(an error page or a failed download?)")
    if re.search(rb"<html|<!doctype html", data[:2048], re.IGNORECASE):
        raise DataError(f"{name}: is an HTML page, not a CSV data file "
                        "(an error page or a failed download?)")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def find_header(text: str, is_header: Callable[[list[str]], bool], name: str,
                max_skip: int = 10) -> tuple[int, list[str]]:
    """Index (0-based) and fields of the first line that ``is_header`` accepts.

    Up to ``max_skip`` leading lines (CBOE disclaimers, titles) are skipped.
    """
    lines = text.splitlines()
    for i, line in enumerate(lines[: max_skip + 1]):
        fields = [f.strip().strip('"').strip() for f in line.split(",")]
        if is_header(fields):
            return i, fields
    raise DataError(f"{name}: no recognisable header line in the first {max_skip + 1} lines "
                    f"({describe_line(lines[0] if lines else '')})")


@dataclass(frozen=True)
class Table:
    """Raw string cells of a CSV body with physical line numbers."""

    name: str
    cells: pd.DataFrame  # string cells, original header names
    lines: np.ndarray  # physical 1-based line number of each row


def read_table(text: str, header_idx: int, name: str,
               text_columns: Sequence[str] = ()) -> Table:
    """Read the CSV body below the header at ``header_idx``.

    The first column and ``text_columns`` are read as stripped strings; other
    columns are parsed as numbers by the C parser where they are clean, and
    left as strings otherwise (for :func:`parse_numbers` to report the bad
    cell).  Blank lines are dropped but keep their place in the line count.
    """
    first = text.splitlines()[header_idx].split(",")[0].strip().strip('"').strip()
    dtypes = {c: str for c in (first, *text_columns)}
    try:
        df = pd.read_csv(io.StringIO(text), skiprows=header_idx, dtype=dtypes,
                         keep_default_na=False, na_values=sorted(MISSING_TOKENS),
                         skip_blank_lines=False, skipinitialspace=True)
    except pd.errors.ParserError as exc:
        m = re.search(r"line (\d+)", str(exc))
        where = f", line {int(m.group(1)) + header_idx}" if m else ""
        raise DataError(f"{name}{where}: malformed CSV ({exc})") from None
    except pd.errors.EmptyDataError:
        raise DataError(f"{name}: file is empty (no header, no data)") from None
    df.columns = [str(c).strip() for c in df.columns]
    lines = np.arange(len(df)) + header_idx + 2
    blank = df.isna().all(axis=1).to_numpy()
    if blank.any():
        df = df.loc[~blank]
        lines = lines[~blank]
    if len(df) == 0:
        raise DataError(f"{name}: has a header but no data rows")
    df = df.reset_index(drop=True)
    for c in (df.columns[0], *text_columns):
        if c in df.columns:
            df[c] = df[c].fillna("").astype(str).str.strip()
    return Table(name=name, cells=df, lines=lines)


def _date_format(sample: str) -> str:
    if re.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}", sample):
        return "%Y-%m-%d"
    if re.fullmatch(r"\d{1,2}/\d{1,2}/\d{4}", sample):
        return "%m/%d/%Y"
    if re.fullmatch(r"\d{1,2}/\d{1,2}/\d{2}", sample):
        return "%m/%d/%y"
    if re.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}[ T]\d{1,2}:\d{2}(:\d{2})?.*", sample):
        return "ISO8601"
    return "%Y-%m-%d"


def parse_dates(table: Table, column: str, fmt: str | None = None) -> pd.DatetimeIndex:
    """Parse a date column; ``fmt`` None means "as the first row is written"."""
    raw = table.cells[column]
    if fmt is None:
        fmt = _date_format(str(raw.iloc[0]))
    if fmt != "ISO8601":
        # Fast path: a strict format parses a cell only when the whole cell matches it, so a
        # parsed cell's first 4-digit group is its year.  Anything unusual (a cell that does
        # not parse, a year outside FIRST_YEAR..LAST_YEAR) goes through the checks below,
        # which name the first bad cell.
        try:
            quick = pd.to_datetime(raw, format=fmt, errors="coerce")
        except (pd.errors.OutOfBoundsDatetime, OverflowError, ValueError):
            quick = None
        if quick is not None and not quick.isna().any():
            yr = pd.DatetimeIndex(quick).year
            if ((yr >= FIRST_YEAR) & (yr <= LAST_YEAR)).all():
                return pd.DatetimeIndex(pd.DatetimeIndex(quick).astype("datetime64[ns]"))
    years = pd.to_numeric(raw.astype(str).str.extract(r"(?<!\d)(\d{4})(?!\d)")[0],
                          errors="coerce").to_numpy(dtype=np.float64)
    far = (years < FIRST_YEAR) | (years > LAST_YEAR)
    if far.any():
        i = int(np.flatnonzero(far)[0])
        raise DataError(f"{table.name}, line {table.lines[i]}: column {column!r}: date "
                        f"{_clip(raw.iloc[i])!r} is outside the years {FIRST_YEAR}..{LAST_YEAR} "
                        f"vixbt reads; {int(far.sum())} such date(s) in all")
    try:
        if fmt == "ISO8601":
            parsed = pd.to_datetime(raw, format="ISO8601", errors="coerce", utc=True)
            parsed = parsed.dt.tz_localize(None).dt.normalize()
        else:
            parsed = pd.to_datetime(raw, format=fmt, errors="coerce")
    except (pd.errors.OutOfBoundsDatetime, OverflowError, ValueError) as exc:
        raise DataError(f"{table.name}: column {column!r}: dates cannot be read "
                        f"({type(exc).__name__}); expected one date per row between "
                        f"{FIRST_YEAR} and {LAST_YEAR}") from None
    bad = parsed.isna().to_numpy()
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        shown = fmt.replace("%Y", "YYYY").replace("%m", "MM").replace("%d", "DD").replace(
            "%y", "YY")
        raise DataError(f"{table.name}, line {table.lines[i]}: column {column!r}: cannot "
                        f"parse date {_clip(raw.iloc[i])!r} (expected {shown}); "
                        f"{int(bad.sum())} bad date(s) in all")
    return pd.DatetimeIndex(pd.DatetimeIndex(parsed).astype("datetime64[ns]"))


def parse_numbers(table: Table, column: str, dates: pd.DatetimeIndex | None = None
                  ) -> np.ndarray:
    """Parse a numeric column to float64; missing tokens become NaN."""
    col = table.cells[column]
    if pd.api.types.is_numeric_dtype(col.dtype) and not pd.api.types.is_bool_dtype(col.dtype):
        return col.to_numpy(dtype=np.float64, na_value=np.nan)
    raw = col.astype(str).str.strip()
    missing = (col.isna() | raw.isin(MISSING_TOKENS)).to_numpy()
    comma = raw.str.contains(",", regex=False).to_numpy() & ~missing
    if comma.any():
        odd = comma & ~raw.str.fullmatch(_THOUSANDS).fillna(False).to_numpy(dtype=bool)
        if odd.any():
            i = int(np.flatnonzero(odd)[0])
            when = f" (date {dates[i].date()})" if dates is not None else ""
            raise DataError(
                f"{table.name}, line {table.lines[i]}{when}: column {column!r}: "
                f"{_clip(raw.iloc[i])!r} has a comma that is not a thousands separator (a "
                "decimal comma?); vixbt reads '.' as the decimal point and ',' only between "
                f"groups of three digits (1,234.5); {int(odd.sum())} such value(s) in all -- "
                "convert the file to '.' decimals")
    cleaned = raw.str.replace(",", "", regex=False)
    vals = pd.to_numeric(cleaned.where(~missing), errors="coerce").to_numpy(dtype=np.float64)
    bad = np.isnan(vals) & ~missing
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        when = f" (date {dates[i].date()})" if dates is not None else ""
        raise DataError(f"{table.name}, line {table.lines[i]}{when}: column {column!r}: "
                        f"cannot parse number {_clip(raw.iloc[i])!r}; {int(bad.sum())} "
                        "bad value(s) "                        "in all")
    return vals


def describe_line(line: str) -> str:
    """What line 1 looks like, without quoting it (it may be a foreign file's content)."""
    n = len(line.split(","))
    return f"line 1 has {n} comma-separated field(s) and {len(line)} character(s)"


def _clip(v: object, n: int = 40) -> str:
    """A cell value for a message, at most ``n`` characters."""
    t = str(v)
    return t if len(t) <= n else t[:n] + "..."


def _show(v: object) -> str:
    if isinstance(v, (float, np.floating)):
        return repr(float(v))
    if isinstance(v, (int, np.integer)):
        return repr(int(v))
    return repr(v)


def resolve_duplicates(frame: pd.DataFrame, keys: Sequence[str], lines: np.ndarray,
                       name: str, repairs: Repairs) -> tuple[pd.DataFrame, np.ndarray]:
    """Drop identical duplicate rows (with a warning); raise on conflicting ones.

    ``frame`` has a default RangeIndex aligned with ``lines``; ``keys`` are the
    columns identifying a row (the date, or trade date and contract).
    """
    dup_any = frame.duplicated(subset=list(keys), keep=False).to_numpy()
    if not dup_any.any():
        return frame, lines
    exact_dup = frame.duplicated(keep="first").to_numpy()
    remaining = frame.loc[~exact_dup]
    still = remaining.duplicated(subset=list(keys), keep=False)
    if still.any():
        clash = remaining.loc[still.to_numpy()]
        first_key = clash.iloc[0][list(keys)]
        same = clash.loc[(clash[list(keys)] == first_key).all(axis=1)]
        a, b = same.iloc[0], same.iloc[1]
        cols = [c for c in frame.columns if c not in keys
                and not (pd.isna(a[c]) and pd.isna(b[c])) and a[c] != b[c]]
        col = cols[0] if cols else "?"
        la, lb = lines[same.index[0]], lines[same.index[1]]
        key_txt = ", ".join(
            f"{pd.Timestamp(v).date() if isinstance(v, pd.Timestamp) else v}" for v in first_key)
        raise DataError(f"{name}, lines {la} and {lb}: date {key_txt} appears twice with "
                        f"different values in column {col!r} ({_show(a[col])} vs {_show(b[col])})")
    n = int(exact_dup.sum())
    first_dup = frame.loc[exact_dup].iloc[0][keys[0]]
    repairs.add("rows", n, f"dropped {n} identical duplicate row(s) (first on "
                f"{pd.Timestamp(first_dup).date()})")
    return remaining.reset_index(drop=True), lines[~exact_dup]
