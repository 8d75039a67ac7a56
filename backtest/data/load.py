"""Load the aligned market table from a data directory (or the embedded sample).

Where the data come from, in order:

1. the ``data_dir`` argument;
2. the environment variable ``VIXBT_DATA_DIR``;
3. otherwise the embedded sample (:mod:`backtest.data.embedded`).

A data directory holds a ``manifest.csv`` (:mod:`backtest.data.manifest`) naming
each file, the symbol it holds and its layout.  Symbols map to columns:

=======  =====================================================================
SPX      ``spx_open, spx_high, spx_low, spx_close, spx_volume`` (defines the calendar)
VIX      ``vix_open, vix_high, vix_low, vix_close``
VIX3M    ``vix3m`` (close); ``VXV``, its old name, only before VIX3M's first day
VIX9D    ``vix9d``;  VIX6M ``vix6m``;  VVIX ``vvix`` (from 2007-01-01, see below)
VX       ``vx1, vx2, vx1_days, vx30`` (:mod:`backtest.data.futures`)
VXO      ``vxo`` (close; the CBOE's old VIX on S&P 100 options, 1986-2021)
SKEW     ``skew`` (close)
SPXTR    ``spxtr`` (S&P 500 total-return index close, :mod:`backtest.data.totalreturn`)
DTB3     ``dtb3`` (3-month T-bill, percent, discount basis, :mod:`backtest.data.rates`)
NDX      ``ndx_open, ndx_high, ndx_low, ndx_close`` (Nasdaq-100)
VXN      ``vxn_open, vxn_high, vxn_low, vxn_close`` (Nasdaq-100 volatility)
=======  =====================================================================

Stale and synthetic prices (:mod:`backtest.data.stale`): in every OHLC group
of the table (SPX, VIX, NDX, VXN) an open equal to the previous close is set
to NaN, and so are open, high and low of a flat (O=H=L=C) day, whose close is
kept; files of volatility indices (VIX, VXO, VXN) first lose flat rows that
repeat the previous close among real OHLC rows.  Every removal is counted per
column and year.

Precedence when several files hold one symbol (rule 5 of
:mod:`backtest.data.align`): the file reaching the latest date is primary and
the others fill only dates it has no value for; overlaps are compared and any
disagreement is written into the column's notes.  For VX futures the raw CFE
contract files take precedence on every day where they give both the front and
the second contract; continuous tables supply the other days, and the two are
compared where both exist.  VVIX values before 2007-01-01 are dropped: CBOE's
2006 VVIX history is sparse (gaps of three weeks) and holds isolated bad prints.

Loading a subset: ``load_market_data(data_dir, columns=[...])`` reads only the
files of the symbols that supply those columns, plus SPX (the calendar), and
builds the table with exactly the rules above.  Each column of such a table
equals the same column of the full table on every date (same calendar, same
splicing, same sources); its :attr:`~MarketTable.content_hash` is the hash of
the subset table (fewer columns, so a different hash from the full table's).
Reading only SPX and VIX skips, for instance, the VX futures archive.
"""

from __future__ import annotations

import dataclasses
import os
import warnings
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from backtest.data.align import SpliceInput, align_to_calendar, compare_overlap, splice
from backtest.data.embedded import load_embedded
from backtest.data.futures import (
    DERIVED_COLUMNS,
    curve_wide,
    derive_front_months,
    long_from_continuous,
    long_from_contracts,
)
from backtest.data.info import refresh_sources
from backtest.data.manifest import ManifestEntry, read_manifest
from backtest.data.rates import MAX_FILL_DAYS, fill_rate_gaps
from backtest.data.readers import RawFile, read_file
from backtest.data.stale import apply_stale_rules, by_year, drop_stale_rows
from backtest.data.table import KNOWN_COLUMNS, ColumnSource, MarketTable
from backtest.data.totalreturn import GLITCH_THRESHOLD, repair_glitches
from backtest.errors import DataError, DataRepairWarning

__all__ = ["ENV_VAR", "VVIX_START", "load_futures_curve", "load_market_data",
           "resolve_data_dir", "symbols_for_columns"]

#: Environment variable naming the data directory.
ENV_VAR = "VIXBT_DATA_DIR"
#: VVIX values before this day are dropped (sparse, noisy 2006 history).
VVIX_START = pd.Timestamp("2007-01-01")
VIX3M_OLD_NAME = "VXV"

_OHLC = ("open", "high", "low", "close")
_SYMBOL_FIELDS: dict[str, dict[str, str]] = {
    "SPX": {**{f: f"spx_{f}" for f in _OHLC}, "volume": "spx_volume"},
    "VIX": {f: f"vix_{f}" for f in _OHLC},
    "VIX3M": {"close": "vix3m"},
    "VXV": {"close": "vix3m"},
    "VIX9D": {"close": "vix9d"},
    "VIX6M": {"close": "vix6m"},
    "VVIX": {"close": "vvix"},
    "VXO": {"close": "vxo"},
    "SKEW": {"close": "skew"},
    "SPXTR": {"close": "spxtr"},
    "DTB3": {"close": "dtb3"},
    "NDX": {f: f"ndx_{f}" for f in _OHLC},
    "VXN": {f: f"vxn_{f}" for f in _OHLC},
}
#: Symbols whose files lose stale flat rows before splicing (rule 3 of backtest.data.stale).
STALE_ROW_SYMBOLS = frozenset({"VIX", "VXO", "VXN"})
_VX_SYMBOL = "VX"
_ALL_SYMBOLS = frozenset({*_SYMBOL_FIELDS, _VX_SYMBOL})
_COLUMN_SYMBOLS: dict[str, frozenset[str]] = {
    **{col: frozenset(sym for sym, fields in _SYMBOL_FIELDS.items() if col in fields.values())
       for fields in _SYMBOL_FIELDS.values() for col in fields.values()},
    **{col: frozenset({_VX_SYMBOL}) for col in DERIVED_COLUMNS},
}
_FORMAT_NAMES = {
    "cboe-index": "CBOE index history", "cboe-single": "CBOE index history",
    "yahoo-classic": "Yahoo", "yahoo-ohlcv-lowercase": "Yahoo (yfinance)",
    "ohlc-iso": "OHLC file", "fred": "FRED", "yahoo-ohlcv-short": "Yahoo (yfinance cache)",
    "nasdaq-com": "nasdaq.com export", "continuous-wide": "continuous VX table",
    "cfe-contract": "CBOE CFE contract file", "cfe-contracts-archive": "CBOE CFE contract files",
}


def resolve_data_dir(data_dir: str | Path | None) -> Path | None:
    """The data directory to use: the argument, else ``$VIXBT_DATA_DIR``, else None."""
    if data_dir is not None:
        return Path(data_dir).expanduser()
    env = os.environ.get(ENV_VAR, "").strip()
    return Path(env).expanduser() if env else None


def symbols_for_columns(columns: Iterable[str]) -> frozenset[str]:
    """The manifest symbols a table with ``columns`` is built from (always with SPX).

    Parameters
    ----------
    columns : iterable of str
        Column names from :data:`KNOWN_COLUMNS`.

    Returns
    -------
    frozenset of str
        ``SPX`` and every symbol supplying one of ``columns`` (``vix3m`` needs
        both ``VIX3M`` and its old name ``VXV``).

    Raises
    ------
    ValueError
        If a name is not a known column.
    """
    out = {"SPX"}
    for col in ((columns,) if isinstance(columns, str) else columns):
        syms = _COLUMN_SYMBOLS.get(col)
        if syms is None:
            raise ValueError(f"column {col!r} is not a market-data column; known columns: "
                             f"{', '.join(KNOWN_COLUMNS)}")
        out |= syms
    return frozenset(out)


def _contracts_label(raws: Sequence[RawFile]) -> str:
    if len(raws) <= 2:
        return " + ".join(_label(r) for r in raws)
    folders = sorted({r.path.parent.name for r in raws})
    return f"CBOE CFE contract files ({len(raws)} files in {', '.join(folders)})"


def _empty_long() -> pd.DataFrame:
    return pd.DataFrame({"date": pd.Series(dtype="datetime64[ns]"),
                         "expiry": pd.Series(dtype="datetime64[ns]"),
                         "settle": pd.Series(dtype="float64")})


def _label(raw: RawFile) -> str:
    return f"{_FORMAT_NAMES.get(raw.format, raw.format)} ({raw.path.name})"


def _read_entries(entries: Sequence[ManifestEntry]) -> list[RawFile]:
    return [read_file(e.path, e.format, e.symbol) for e in entries]


def _index_columns(raws: list[RawFile], calendar: pd.DatetimeIndex | None
                   ) -> tuple[dict[str, pd.Series], dict[str, ColumnSource]]:
    """Splice and align every index column; ``calendar`` None means build SPX first."""
    by_col: dict[str, list[tuple[RawFile, str]]] = {}
    for raw in raws:
        fields = _SYMBOL_FIELDS.get(raw.symbol or "", {})
        for field, col in fields.items():
            if field in raw.frame.columns:
                by_col.setdefault(col, []).append((raw, field))
    values: dict[str, pd.Series] = {}
    sources: dict[str, ColumnSource] = {}
    spx_cols = [c for c in by_col if c.startswith("spx_")]
    other = [c for c in by_col if not c.startswith("spx_")]
    for col in [*spx_cols, *other]:
        cands = by_col[col]
        if col == "vix3m":
            new = [(r, f) for r, f in cands if r.symbol != VIX3M_OLD_NAME]
            old = [(r, f) for r, f in cands if r.symbol == VIX3M_OLD_NAME]
            res_new = splice([SpliceInput(r.frame[f], _label(r)) for r, f in new]) if new else None
            first_new = (pd.Timestamp(res_new.series.index[0])
                         if res_new is not None and len(res_new.series) else None)
            inputs = ([SpliceInput(res_new.series, " + ".join(res_new.used))] if res_new else [])
            inputs += [SpliceInput(r.frame[f], _label(r), before=first_new) for r, f in old]
            res = splice(inputs, order_by_reach=False)
            notes = list(res_new.notes if res_new else ()) + list(res.notes)
            if first_new is not None and old:
                notes.append(f"VXV (VIX3M's name before 2009-09-18) used only before "
                             f"{first_new.date()}, VIX3M's first day")
        else:
            res = splice([SpliceInput(r.frame[f], _label(r)) for r, f in cands])
            notes = list(res.notes)
        series = res.series
        repairs = 0
        used = [(r, f) for r, f in cands if any(u in _label(r) or _label(r) in u
                                               for u in res.used)]
        for r, f in used:
            repairs += int(r.repair_counts.get(f, 0)) + int(r.repair_counts.get("rows", 0))
            keys = (f"{f}:", "rows:", "file:", *(("high/low:",) if f in ("high", "low") else ()))
            notes.extend(f"{r.path.name}: {m}" for m in r.repairs if m.startswith(keys))
        if col == "vvix":
            early = series.loc[series.index < VVIX_START]
            if len(early):
                series = series.loc[series.index >= VVIX_START]
                repairs += len(early)
                notes.append(f"{len(early)} VVIX value(s) before {VVIX_START.date()} dropped: "
                             "the 2006 history is sparse (gaps up to three weeks) with "
                             "isolated bad prints")
        if col == "spx_open":
            notes.append("many Yahoo SPX opens are not real opens: the previous close "
                         "(1962-1982, most days 1989-2006) or 0 (removed when read); opens "
                         "equal to the previous close are removed below")
        values[col] = series
        primary = used[0][0] if used else cands[0][0]
        sources[col] = ColumnSource(column=col, source=" + ".join(res.used),
                                    path=str(primary.path), repairs=repairs,
                                    notes=tuple(dict.fromkeys(notes)))
    return values, sources


def _vx_columns(raws: list[RawFile], calendar: pd.DatetimeIndex
                ) -> tuple[pd.DataFrame, dict[str, ColumnSource], pd.DataFrame]:
    """Derived VX columns on ``calendar``, their sources, and the long curve used."""
    contract_raws = [r for r in raws if r.format in ("cfe-contract", "cfe-contracts-archive")]
    cont_raws = [r for r in raws if r.format == "continuous-wide"]
    notes: list[str] = []
    repairs = 0
    longs_raw = [long_from_contracts(r.frame) for r in contract_raws]
    longs_cont = [long_from_continuous(r.frame) for r in cont_raws]
    cols = list(DERIVED_COLUMNS)
    empty_long = _empty_long()
    raw_all = pd.concat(longs_raw, ignore_index=True) if longs_raw else empty_long
    dup_mask = raw_all.duplicated(["date", "expiry"], keep="first")
    raw_dups = raw_all.loc[dup_mask.to_numpy()]
    raw_long = raw_all.loc[~dup_mask.to_numpy()]
    cont_long = (pd.concat(longs_cont, ignore_index=True).drop_duplicates(["date", "expiry"])
                 if longs_cont else empty_long)
    d_raw = derive_front_months(raw_long)
    d_cont = derive_front_months(cont_long)
    use_raw = d_raw.index[(d_raw["vx1"].notna() & d_raw["vx2"].notna()).to_numpy()]
    derived = pd.concat([d_raw.loc[use_raw],
                         d_cont.loc[~d_cont.index.isin(use_raw)]]).sort_index()
    labels = []
    if len(use_raw):
        labels.append(_contracts_label(contract_raws))
        notes.append(f"raw CFE contracts give vx1/vx2 on {len(use_raw)} day(s) "
                     f"({use_raw[0].date()}..{use_raw[-1].date()}); they take precedence")
    n_cont = int((~d_cont.index.isin(use_raw)).sum())
    if n_cont:
        labels.append(" + ".join(_label(r) for r in cont_raws))
        notes.append(f"continuous table(s) give the other {n_cont} day(s)")
    if len(use_raw) and len(d_cont):
        for c in ("vx1", "vx2"):
            n, bad, worst, diff = compare_overlap(d_raw.loc[use_raw, c], d_cont[c])
            if n:
                notes.append(f"{c}: raw contracts and continuous table agree on {n - bad} of "
                             f"{n} common day(s)" + (
                                 f" (largest difference {diff:.6g} on {worst.date()})"
                                 if bad and worst is not None else ""))
    for r in [*contract_raws, *cont_raws]:
        repairs += sum(int(v) for k, v in r.repair_counts.items() if k != "volume")
    singles = [r for r in contract_raws if r.format == "cfe-contract"]
    for r in [*(r for r in contract_raws if r not in singles), *cont_raws]:
        notes.extend(f"{r.path.name}: {m}" for m in r.repairs)
    if singles:
        zero = sum(int(r.repair_counts.get("settle", 0)) for r in singles)
        notes.append(f"{len(singles)} single contract file(s): {zero} zero-settle row(s) "
                     "dropped; prices before 2007-03-26 divided by 10")
    n_dup = len(raw_dups)
    if n_dup:
        notes.append(f"{n_dup} (day, contract) settle(s) appear in more than one contract file; "
                     "the first file's value is used")
    aligned = {}
    dropped_total = 0
    for c in cols:
        a, dropped = align_to_calendar(derived[c], calendar)
        aligned[c] = a
        dropped_total = max(dropped_total, len(dropped))
    if dropped_total:
        notes.append(f"{dropped_total} futures day(s) not on the SPX calendar dropped")
    frame = pd.DataFrame(aligned, index=calendar)
    paths = [str(r.path) for r in [*contract_raws, *cont_raws]]
    definitions = {
        "vx1": "front monthly VX settle (first contract expiring strictly after the day; "
               "rolls on the expiration day)",
        "vx2": "second monthly VX settle",
        "vx1_days": "calendar days from the day to the front contract's final settlement date",
        "vx30": "30-calendar-day constant-maturity VX: linear in calendar days between the "
                "two contracts straddling 30 days (front settle when it is >= 30 days out)",
    }
    pre2008 = ("continuous-table values before 2008 are partly interpolated by its author "
               "(months not yet listed); treat them as approximate") if cont_raws else None
    sources = {c: ColumnSource(column=c, source=" + ".join(labels) or "none",
                               path=paths[0] if paths else None, repairs=repairs,
                               notes=tuple(n for n in (definitions[c], *notes, pre2008) if n))
               for c in cols}
    curve = pd.concat([raw_long.loc[raw_long["date"].isin(use_raw)],
                       cont_long.loc[~cont_long["date"].isin(use_raw)]], ignore_index=True)
    return frame, sources, curve


_CACHE: dict[tuple[tuple[object, ...], frozenset[str]], tuple[MarketTable, pd.DataFrame]] = {}
_CACHE_SIZE = 4


def _fingerprint(root: Path, entries: Sequence[ManifestEntry]) -> tuple[object, ...]:
    def stat(p: Path) -> tuple[str, int, int]:
        try:
            st = p.stat()
        except OSError:
            return (str(p), -1, -1)
        return (str(p), st.st_mtime_ns, st.st_size)

    return (str(root.resolve()), stat(root / "manifest.csv"),
            *(stat(e.path) for e in entries), *((e.symbol, e.format) for e in entries))


def _load_directory(root: Path, symbols: frozenset[str] | None = None
                    ) -> tuple[MarketTable, pd.DataFrame]:
    """The table and long futures curve of a data directory (memoised per process).

    ``symbols`` (None: all) restricts the files read to those holding these
    symbols.  The result is cached while the manifest and every listed file
    (read or not) keep their modification time and size; a load of fewer
    symbols is served from a cached load of more (its columns are the same,
    see :func:`load_market_data`).  A cache hit returns copies, so callers may
    modify what they get.  Repair warnings are emitted on the first load only;
    ``data_info`` lists the repairs every time.
    """
    entries = read_manifest(root)
    unknown = [e for e in entries if e.symbol not in _ALL_SYMBOLS]
    if unknown:
        e = unknown[0]
        raise DataError(f"{root / 'manifest.csv'}: symbol {e.symbol!r} of {e.path.name} is not "
                        f"known; expected one of {', '.join([*_SYMBOL_FIELDS, _VX_SYMBOL])}")
    present = frozenset(e.symbol for e in entries)
    wanted = present if symbols is None else present & symbols
    key = _fingerprint(root, entries)  # every listed file: any change invalidates
    hit = next((v for (k, syms), v in _CACHE.items() if k == key and syms >= wanted), None)
    if hit is None:
        hit = _build_directory(root, [e for e in entries if e.symbol in wanted])
        if len(_CACHE) >= _CACHE_SIZE:
            _CACHE.pop(next(iter(_CACHE)))
        _CACHE[(key, wanted)] = hit
    table, curve = hit
    cols = [c for c in table.frame.columns if _COLUMN_SYMBOLS[str(c)] & wanted]
    return (MarketTable(frame=table.frame[cols].copy(),
                        sources={c: table.sources[c] for c in cols}),
            curve.copy() if _VX_SYMBOL in wanted else _empty_long())


def _build_directory(root: Path, entries: Sequence[ManifestEntry]
                     ) -> tuple[MarketTable, pd.DataFrame]:
    raws = [_without_stale_rows(r) for r in _read_entries(entries)]
    spx_raws = [r for r in raws if r.symbol == "SPX"]
    if not spx_raws:
        raise DataError(f"data directory {root} has no SPX file: the table is built on the "
                        "SPX trading calendar (add one with `vixbt data import FILE --symbol "
                        "SPX`)")
    values, sources = _index_columns([r for r in raws if r.symbol != "VX"], None)
    calendar = pd.DatetimeIndex(pd.DatetimeIndex(values["spx_close"].dropna().index)
                                .astype("datetime64[ns]"), name="date")
    cols: dict[str, np.ndarray] = {}
    for col, series in values.items():
        aligned, dropped = align_to_calendar(series, calendar)
        cols[col] = aligned.to_numpy(dtype=np.float64)
        if len(dropped) and not col.startswith("spx_"):
            src = sources[col]
            sample = ", ".join(str(d.date()) for d in dropped[:3])
            extra = [f"{len(dropped)} row(s) on days SPX did not trade dropped (e.g. {sample})"]
            weekend = dropped[dropped.day_of_week >= 5]
            if len(weekend):
                extra.append(
                    f"{len(weekend)} value(s) dated on a weekend ("
                    f"{', '.join(str(d.date()) for d in weekend[:3])}) dropped, not moved: "
                    "the day it belongs to cannot be verified, so neither the Friday before "
                    "nor the Monday after takes it (a missing Friday stays missing)")
            sources[col] = dataclasses.replace(src, notes=(*src.notes, *extra))
    frame = pd.DataFrame(cols, index=calendar)
    frame, sources, _ = apply_stale_rules(frame, sources)
    if "dtb3" in frame.columns:
        frame["dtb3"], sources["dtb3"] = _fill_rate(frame["dtb3"], sources["dtb3"])
    if "spxtr" in frame.columns:
        frame["spxtr"], sources["spxtr"] = _repair_total_return(
            frame["spxtr"], frame["spx_close"], sources["spxtr"])
    vx_raws = [r for r in raws if r.symbol == "VX"]
    curve = _empty_long()
    if vx_raws:
        vx, vx_sources, curve = _vx_columns(vx_raws, calendar)
        for c in vx.columns:
            frame[c] = vx[c].to_numpy(dtype=np.float64)
        sources.update(vx_sources)
    frame = frame[[c for c in KNOWN_COLUMNS if c in frame.columns]]
    return MarketTable(frame=frame, sources=refresh_sources(frame, sources)), curve


def _without_stale_rows(raw: RawFile) -> RawFile:
    """Rule 3 of :mod:`backtest.data.stale` on a file of a volatility index."""
    if raw.symbol not in STALE_ROW_SYMBOLS:
        return raw
    frame, dropped = drop_stale_rows(raw.frame)
    if not len(dropped):
        return raw
    n = len(dropped)
    days = ", ".join(str(d.date()) for d in dropped[:7]) + (", ..." if n > 7 else "")
    msg = (f"dropped {n} stale flat row(s) (O=H=L=C repeating the previous close among real "
           f"OHLC rows: {days})")
    years = by_year(dropped, np.ones(len(dropped), dtype=bool))
    warnings.warn(DataRepairWarning(f"{raw.path}: rows: {msg}", source=str(raw.path),
                                    column="rows", count=n, by_year=years), stacklevel=3)
    counts = dict(raw.repair_counts)
    counts["rows"] = counts.get("rows", 0) + n
    return dataclasses.replace(raw, frame=frame, repairs=(*raw.repairs, f"rows: {msg}"),
                               repair_counts=counts)


def _fill_rate(rate: pd.Series, src: ColumnSource) -> tuple[np.ndarray, ColumnSource]:
    filled, days = fill_rate_gaps(rate)
    notes = [
        "percent per year, discount basis, as published (not converted to a daily return)",
        f"SPX days without a published rate take the last rate of an earlier SPX day "
        f"(runs of up to {MAX_FILL_DAYS} days, between two published values): "
        f"{len(days)} day(s) filled" + (f", e.g. {', '.join(str(d.date()) for d in days[:3])}"
                                        if len(days) else ""),
        "rates published on days SPX did not trade are dropped, never carried to a later day",
    ]
    return (filled.to_numpy(dtype=np.float64),
            dataclasses.replace(src, notes=(*src.notes, *notes)))


def _repair_total_return(tr: pd.Series, price: pd.Series, src: ColumnSource
                         ) -> tuple[np.ndarray, ColumnSource]:
    fixed, days = repair_glitches(tr, price)
    note = (f"one-day glitches (|TR return - SPX return| > {GLITCH_THRESHOLD:.1%}, reversed the "
            f"next day) repaired to the SPX return of the day: {len(days)} day(s)"
            + (f" ({', '.join(str(d.date()) for d in days)})" if len(days) else ""))
    if len(days):
        years = by_year(days, np.ones(len(days), dtype=bool))
        warnings.warn(DataRepairWarning(f"{src.path}: spxtr: {note}", source=src.path or "spxtr",
                                        column="spxtr", count=len(days)), stacklevel=3)
        merged = dict(src.repairs_by_year)
        for y, k in years.items():
            merged[y] = merged.get(y, 0) + k
        src = dataclasses.replace(src, repairs=src.repairs + len(days),
                                  repairs_by_year=tuple(sorted(merged.items())))
    noise = "Yahoo's float32 values (relative noise about 1e-7) are kept as read"
    return (fixed.to_numpy(dtype=np.float64),
            dataclasses.replace(src, notes=(*src.notes, note, noise)))


def load_market_data(data_dir: str | Path | None = None, *,
                     start: str | pd.Timestamp | None = None,
                     end: str | pd.Timestamp | None = None,
                     columns: Iterable[str] | None = None) -> MarketTable:
    """The aligned daily market table.

    Parameters
    ----------
    data_dir : str, pathlib.Path or None, default None
        A data directory (with ``manifest.csv``).  None uses ``$VIXBT_DATA_DIR``,
        and if that is unset the embedded sample (:func:`load_embedded`).
    start, end : str or pandas.Timestamp or None, default None
        Keep only dates in ``[start, end]``.
    columns : iterable of str or None, default None
        The columns the caller needs (None: everything).  From a data
        directory only the files of the symbols supplying them are read, plus
        SPX (:func:`symbols_for_columns`); the table then holds every column
        of those symbols that the data have (a column absent from the data
        stays absent, as in the full table).  Values, calendar and sources are
        those of the full table.  The embedded sample is returned whole.

    Returns
    -------
    MarketTable
        Daily rows on the SPX trading calendar, columns from :data:`KNOWN_COLUMNS`
        where the data have them, with a :class:`ColumnSource` per column.

    Raises
    ------
    DataError
        If the directory, its manifest or one of the files read is unusable.
    ValueError
        If ``start`` is after ``end``, or ``columns`` names an unknown column.
    """
    s = pd.Timestamp(start) if start is not None else None
    e = pd.Timestamp(end) if end is not None else None
    if s is not None and e is not None and s > e:
        raise ValueError(f"start {s.date()} is after end {e.date()}")
    symbols = symbols_for_columns(columns) if columns is not None else None
    root = resolve_data_dir(data_dir)
    table = load_embedded() if root is None else _load_directory(root, symbols)[0]
    if s is None and e is None:
        return table
    frame = table.frame.loc[s:e]  # type: ignore[misc]
    if frame.empty:
        raise DataError(f"no market data between {s.date() if s else 'the start'} and "
                        f"{e.date() if e else 'the end'} (the data span "
                        f"{table.start.date()}..{table.end.date()})")
    return MarketTable(frame=frame, sources=refresh_sources(frame, table.sources))


def load_futures_curve(data_dir: str | Path | None = None) -> pd.DataFrame:
    """The VIX futures curve: settles by date (rows) and contract expiry (columns).

    Raw CFE contract settles are used on the days they cover (every listed
    contract, expiration-day SOQ rows excluded); elsewhere the continuous
    table's ``M1..Mn`` are mapped to their expiries.

    Parameters
    ----------
    data_dir : str, pathlib.Path or None, default None
        As for :func:`load_market_data`.

    Returns
    -------
    pandas.DataFrame
        Index ``date``, columns the expiries (``Timestamp``), values settles;
        empty if there are no futures data (e.g. the embedded sample).
    """
    root = resolve_data_dir(data_dir)
    empty = _empty_long()
    if root is None:
        return curve_wide(empty)
    entries = read_manifest(root)
    if not any(e.symbol == "VX" for e in entries):
        return curve_wide(empty)
    if any(e.symbol == "SPX" for e in entries):
        table, curve = _load_directory(root, frozenset({"SPX", _VX_SYMBOL}))
        curve = curve.loc[curve["date"].isin(table.frame.index)]
    else:
        raws = _read_entries([e for e in entries if e.symbol == "VX"])
        _, _, curve = _vx_columns(raws, pd.DatetimeIndex([], name="date"))
    return curve_wide(curve)
