"""The aligned daily market table and the provenance of each of its columns.

Every loader returns a :class:`MarketTable`: one daily frame on the SPX trading
calendar with snake_case float columns (see :data:`KNOWN_COLUMNS`), plus, for
each column, a :class:`ColumnSource` saying where it came from, its span and
what was repaired.  The table's :attr:`MarketTable.content_hash` identifies the
exact numbers a report was computed from.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd

from backtest.errors import MissingDataError

__all__ = ["KNOWN_COLUMNS", "ColumnSource", "MarketTable"]

#: Every column a market table may carry, in display order.
KNOWN_COLUMNS: tuple[str, ...] = (
    "spx_open",
    "spx_high",
    "spx_low",
    "spx_close",
    "spx_volume",
    "vix_open",
    "vix_high",
    "vix_low",
    "vix_close",
    "vix9d",
    "vix3m",
    "vix6m",
    "vvix",
    "vx1",
    "vx2",
    "vx1_days",
    "vx30",
    "vxo",
    "skew",
    "spxtr",
    "dtb3",
    "ndx_open",
    "ndx_high",
    "ndx_low",
    "ndx_close",
    "vxn_open",
    "vxn_high",
    "vxn_low",
    "vxn_close",
)


@dataclass(frozen=True)
class ColumnSource:
    """Where one column of a market table came from.

    Parameters
    ----------
    column : str
        Column name in the table, e.g. ``"vix_close"``.
    source : str
        Human-readable source, e.g. ``"CBOE index history (VIX_History.csv)"`` or
        ``"arch.data.vix (embedded sample)"``.
    path : str or None, default None
        File the values were read from, if any.
    first, last : pandas.Timestamp or None, default None
        First and last dates with a value in the aligned table.
    rows : int, default 0
        Number of non-missing values in the aligned table.
    gaps : int, default 0
        SPX trading days inside ``[first, last]`` with no value.
    repairs : int, default 0
        Values repaired or dropped while loading (bad prints, zero settles ...).
    notes : tuple of str, default ()
        Free-text notes: splices, repairs, dropped holiday rows.
    repairs_by_year : tuple of (int, int), default ()
        ``(year, count)`` pairs of the values removed from the aligned column
        as stale or synthetic (:mod:`backtest.data.stale`); included in
        ``repairs``.
    """

    column: str
    source: str
    path: str | None = None
    first: pd.Timestamp | None = None
    last: pd.Timestamp | None = None
    rows: int = 0
    gaps: int = 0
    repairs: int = 0
    notes: tuple[str, ...] = field(default_factory=tuple)
    repairs_by_year: tuple[tuple[int, int], ...] = field(default_factory=tuple)


@dataclass(frozen=True, eq=False)
class MarketTable:
    """An aligned daily market table with per-column provenance.

    Parameters
    ----------
    frame : pandas.DataFrame
        Daily rows on the SPX trading calendar, a sorted unique ``DatetimeIndex``
        named ``"date"``, float64 columns named as in :data:`KNOWN_COLUMNS`.
        A value dated ``t`` is known at the close of day ``t``.
    sources : Mapping[str, ColumnSource]
        Provenance of every column of ``frame``.
    """

    frame: pd.DataFrame
    sources: Mapping[str, ColumnSource]

    @cached_property
    def content_hash(self) -> str:
        """SHA-256 of the dates, column names and values (hex, 64 characters)."""
        h = hashlib.sha256()
        h.update(np.asarray(pd.DatetimeIndex(self.frame.index).asi8, dtype=np.int64).tobytes())
        for col in self.frame.columns:
            h.update(str(col).encode())
            h.update(np.ascontiguousarray(self.frame[col].to_numpy(dtype=np.float64)).tobytes())
        return h.hexdigest()

    @property
    def columns(self) -> tuple[str, ...]:
        """Column names present in the table."""
        return tuple(str(c) for c in self.frame.columns)

    @property
    def start(self) -> pd.Timestamp:
        """First date of the table."""
        return pd.Timestamp(self.frame.index[0])

    @property
    def end(self) -> pd.Timestamp:
        """Last date of the table."""
        return pd.Timestamp(self.frame.index[-1])

    def has(self, *columns: str) -> bool:
        """Whether every named column is present with at least one value."""
        return all(c in self.frame.columns and self.frame[c].notna().any() for c in columns)

    def require(self, columns: Iterable[str], *, purpose: str = "this computation") -> None:
        """Raise :class:`~backtest.errors.MissingDataError` if columns are absent.

        Parameters
        ----------
        columns : iterable of str
            Columns needed.
        purpose : str, default "this computation"
            What needs them, for the message.
        """
        missing = tuple(c for c in columns if not self.has(c))
        if missing:
            raise MissingDataError(
                f"{purpose} needs column(s) {', '.join(missing)}, which the loaded data "
                f"does not have (it has: {', '.join(self.columns)}). Point VIXBT_DATA_DIR or "
                "--data-dir at a data directory that holds them (see `vixbt data info`).",
                missing,
            )

    def slice(self, start: str | pd.Timestamp | None = None,
              end: str | pd.Timestamp | None = None) -> MarketTable:
        """Return the rows between ``start`` and ``end`` (inclusive) as a new table."""
        frame = self.frame.loc[start:end]  # type: ignore[misc]
        return MarketTable(frame=frame, sources=self.sources)
