"""Markets: an underlying plus its volatility index, shown under the SPX/VIX names.

Every strategy reads ``spx_*`` (the underlying it trades) and ``vix_*`` (the
volatility index its signal watches).  :func:`market_table` returns the
aligned table with those columns replaced by the selected pair, so every
strategy runs unchanged on another market:

===========  ==========  =============================================================
``market``   ``vol``     ``spx_*`` / ``vix_*`` hold
===========  ==========  =============================================================
``spx``      ``vix``     SPX and VIX (the table as loaded; the default)
``spx``      ``vxo``     SPX and VXO (``vix_close`` := ``vxo``, 1986-2021; close only)
``spx``      ``vxo_vix`` SPX and "VXO before 1990, VIX after" (:data:`SPLICE_DAY`)
``ndx``      ``vxn``     Nasdaq-100 (``ndx_*``) and VXN (``vxn_*``); the default for ndx
===========  ==========  =============================================================

Columns that belong to another pair are dropped, with the reason recorded
(:attr:`MarketChoice.dropped`), so strategies that need them are skipped with
that reason (their ``MissingDataError`` names the columns):

* off the VIX (``vol`` other than ``vix``): the VIX term structure and its
  derivatives (``vix9d, vix3m, vix6m, vvix, vx1, vx2, vx1_days, vx30``) -- a
  ratio of VIX3M to VXO or VXN would mix two indices;
* off SPX (``market="ndx"``): also ``spx_volume`` (no NDX volume in the data),
  ``skew`` (an SPX options index) and ``spxtr`` (SPX's total return);
  ``dtb3`` (the T-bill) is kept.  The rows are cut to the span of the
  underlying's closes (NDX from 1985-10-01), as the SPX table is SPX's.

The replaced columns keep their values, stale-open removals included (stale
NDX opens are NaN like stale SPX opens).  Each replaced column's
:class:`~backtest.data.table.ColumnSource` is the source column's, renamed,
with a note saying what it holds.

**The VXO/VIX splice** (``vol="vxo_vix"``).  ``vix_close`` is the VXO before
:data:`SPLICE_DAY` (1990-01-02, the VIX's first day) and the VIX from that
day on; ``vix_open/high/low`` are the VIX's (NaN before).  A VIX day without a
value stays missing (VXO does not fill it: one source per side of the splice).
**No scaling**: VXO is used at its own level, with a stated level break.
Reasons: (1) there is no overlap before the splice day (the VIX starts on
it), so any scale factor would be estimated on later data -- a look-ahead in
every threshold applied before 1990; (2) the VXO/VIX ratio is not a constant:
its median is 1.001 over 1990-1992, 1.041 over 1990-2003 and 0.970 over
2004-2021, so the "about 4 %" difference is an average over a drifting ratio
and right at the splice the two agree to 0.1 % in median; (3) the extreme
rules of the commentary are stated for both indices alike.  A threshold on
the spliced series therefore means "VXO at that level" before 1990 and "VIX
at that level" after.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal, get_args

import pandas as pd

from backtest.data.info import refresh_sources
from backtest.data.table import ColumnSource, MarketTable
from backtest.errors import MissingDataError

__all__ = ["DEFAULT_VOL", "MARKETS", "SPLICE_DAY", "TERM_STRUCTURE_COLUMNS", "VOLS", "Market",
           "MarketChoice", "Vol", "market_choice", "market_frame", "market_table"]

Market = Literal["spx", "ndx"]
Vol = Literal["vix", "vxo", "vxo_vix", "vxn"]
MARKETS: tuple[str, ...] = get_args(Market)
VOLS: tuple[str, ...] = get_args(Vol)
#: Volatility indices each market may be paired with; the first is the default.
MARKET_VOLS: dict[str, tuple[str, ...]] = {"spx": ("vix", "vxo", "vxo_vix"), "ndx": ("vxn",)}
DEFAULT_VOL: dict[str, str] = {m: v[0] for m, v in MARKET_VOLS.items()}
#: First day of the VIX in the spliced ``vxo_vix`` series (the VIX's first day).
SPLICE_DAY = pd.Timestamp("1990-01-02")
#: Columns of the VIX term structure (dropped off the VIX).
TERM_STRUCTURE_COLUMNS: tuple[str, ...] = ("vix9d", "vix3m", "vix6m", "vvix", "vx1", "vx2",
                                           "vx1_days", "vx30")
_SPX_ONLY: tuple[str, ...] = ("spx_volume", "skew", "spxtr")
_OHLC = ("open", "high", "low", "close")
_VOL_COLUMNS = tuple(f"vix_{f}" for f in _OHLC)
_SPX_COLUMNS = tuple(f"spx_{f}" for f in _OHLC)
_NEW_COLUMNS = ("vxo", "ndx_open", "ndx_high", "ndx_low", "ndx_close", "vxn_open", "vxn_high",
                "vxn_low", "vxn_close")


@dataclass(frozen=True)
class MarketChoice:
    """A validated (market, vol) pair and what selecting it does.

    Parameters
    ----------
    market : {"spx", "ndx"}
    vol : {"vix", "vxo", "vxo_vix", "vxn"}
    """

    market: Market
    vol: Vol

    @property
    def label(self) -> str:
        """Human-readable name, e.g. ``"SPX with VIX"`` or ``"SPX with VXO before 1990, VIX
        after"``."""
        vol = {"vix": "VIX", "vxo": "VXO", "vxn": "VXN",
               "vxo_vix": f"VXO before {SPLICE_DAY.year}, VIX after"}[self.vol]
        return f"{self.market.upper()} with {vol}"

    @property
    def is_default(self) -> bool:
        """Whether this is the table as loaded (SPX with VIX)."""
        return self.market == "spx" and self.vol == "vix"

    @property
    def needs(self) -> tuple[str, ...]:
        """Table columns the choice is built from."""
        under = ("ndx_close",) if self.market == "ndx" else ("spx_close",)
        vol = {"vix": ("vix_close",), "vxo": ("vxo",), "vxo_vix": ("vxo", "vix_close"),
               "vxn": ("vxn_close",)}[self.vol]
        return (*under, *vol)

    @property
    def dropped(self) -> dict[str, str]:
        """Columns dropped by the choice, each with the reason."""
        out: dict[str, str] = {}
        if self.vol != "vix":
            for c in TERM_STRUCTURE_COLUMNS:
                out[c] = (f"{c} belongs to the VIX term structure; not available with "
                          f"{self.label}")
        if self.market != "spx":
            for c in _SPX_ONLY:
                out[c] = f"{c} is an SPX series; not available with {self.label}"
        if self.vol == "vxo":
            for c in _VOL_COLUMNS[:3]:
                out[c] = f"VXO is close-only in the data; no {c} with {self.label}"
        return out


def market_choice(market: str = "spx", vol: str | None = None) -> MarketChoice:
    """Validate a market and volatility index (``vol`` None: the market's default).

    Raises
    ------
    ValueError
        For an unknown market, an unknown vol, or a vol that does not belong to
        the market (e.g. ``ndx`` with ``vix``); the message lists the choices.
    """
    if market not in MARKET_VOLS:
        raise ValueError(f"market must be one of {', '.join(MARKETS)}, got {market!r}")
    v = DEFAULT_VOL[market] if vol is None else vol
    if v not in VOLS:
        raise ValueError(f"vol must be one of {', '.join(VOLS)}, got {v!r}")
    if v not in MARKET_VOLS[market]:
        raise ValueError(f"vol {v!r} does not go with market {market!r}; choose one of "
                         f"{', '.join(MARKET_VOLS[market])}")
    return MarketChoice(market=market, vol=v)  # type: ignore[arg-type]


def _renamed(src: ColumnSource | None, col: str, from_col: str, what: str) -> ColumnSource:
    base = src or ColumnSource(column=from_col, source="unknown")
    return dataclasses.replace(base, column=col,
                               notes=(f"{col} holds {from_col} ({what})", *base.notes))


def market_table(table: MarketTable, market: str = "spx", vol: str | None = None
                 ) -> MarketTable:
    """The table with ``spx_*``/``vix_*`` holding the selected market and volatility index.

    Parameters
    ----------
    table : MarketTable
        The aligned table as loaded.
    market : {"spx", "ndx"}, default "spx"
        The underlying.
    vol : {"vix", "vxo", "vxo_vix", "vxn"} or None, default None
        The volatility index; None is the market's default (``vix`` for spx,
        ``vxn`` for ndx).

    Returns
    -------
    MarketTable
        Same calendar (cut to the underlying's span for ``ndx``), the columns
        replaced and dropped as in the module docstring; the source columns
        (``vxo``, ``ndx_*``, ``vxn_*``) are removed, so nothing reads the
        wrong pair by accident.

    Raises
    ------
    ValueError
        For an invalid choice (:func:`market_choice`).
    MissingDataError
        If the table lacks a column the choice needs; names them.
    """
    choice = market_choice(market, vol)
    if choice.is_default:
        return table
    missing = tuple(c for c in choice.needs if not table.has(c))
    if missing:
        raise MissingDataError(
            f"{choice.label} needs column(s) {', '.join(missing)}, which the loaded data does "
            f"not have (it has: {', '.join(table.columns)}). Point VIXBT_DATA_DIR or "
            "--data-dir at a data directory that holds them (see `vixbt data info`).", missing)
    frame = table.frame
    sources: dict[str, ColumnSource] = dict(table.sources)
    out = frame.copy()
    what = choice.label
    if choice.market == "ndx":
        close = frame["ndx_close"]
        first, last = close.first_valid_index(), close.last_valid_index()
        out = out.loc[first:last].copy()  # type: ignore[misc]
        for f in _OHLC:
            src_col, col = f"ndx_{f}", f"spx_{f}"
            if src_col in out.columns:
                out[col] = out[src_col]
                sources[col] = _renamed(table.sources.get(src_col), col, src_col, what)
            elif col in out.columns:
                out = out.drop(columns=col)
    if choice.vol == "vxn":
        for f in _OHLC:
            src_col, col = f"vxn_{f}", f"vix_{f}"
            if src_col in out.columns:
                out[col] = out[src_col]
                sources[col] = _renamed(table.sources.get(src_col), col, src_col, what)
            elif col in out.columns:
                out = out.drop(columns=col)
    elif choice.vol == "vxo":
        out["vix_close"] = out["vxo"]
        sources["vix_close"] = _renamed(table.sources.get("vxo"), "vix_close", "vxo", what)
    elif choice.vol == "vxo_vix":
        before = pd.DatetimeIndex(out.index) < SPLICE_DAY
        out["vix_close"] = out["vix_close"].where(~before, out["vxo"])
        for c in _VOL_COLUMNS[:3]:
            if c in out.columns:
                out.loc[before, c] = float("nan")
        vix_src = table.sources.get("vix_close") or ColumnSource("vix_close", "unknown")
        vxo_src = table.sources.get("vxo") or ColumnSource("vxo", "unknown")
        sources["vix_close"] = dataclasses.replace(
            vix_src, source=f"{vxo_src.source} before {SPLICE_DAY.date()}; {vix_src.source}",
            notes=(f"vix_close holds VXO before {SPLICE_DAY.date()} and VIX from then on, "
                   "unscaled (a stated level break; see backtest.data.market)",
                   *(f"VXO: {n}" for n in vxo_src.notes), *vix_src.notes))
    drop = [c for c in (*choice.dropped, *_NEW_COLUMNS)
            if c in out.columns and c not in _SPX_COLUMNS and c not in _VOL_COLUMNS]
    drop += [c for c in choice.dropped if c in _VOL_COLUMNS and c in out.columns]
    out = out.drop(columns=list(dict.fromkeys(drop)))
    kept = {c: sources[c] for c in out.columns if c in sources}
    return MarketTable(frame=out, sources=refresh_sources(out, kept))


def market_frame(frame: pd.DataFrame, market: str = "spx", vol: str | None = None,
                 sources: Mapping[str, ColumnSource] | None = None) -> pd.DataFrame:
    """:func:`market_table` on a bare frame: the frame of the selected market.

    Parameters
    ----------
    frame : pandas.DataFrame
        An aligned table's frame.
    market, vol : str
        As for :func:`market_table`.
    sources : Mapping[str, ColumnSource] or None, default None
        The frame's column sources, if known (only the result's frame is returned;
        use :func:`market_table` to keep the sources).
    """
    table = MarketTable(frame=frame, sources=dict(sources or {}))
    return market_table(table, market, vol).frame
