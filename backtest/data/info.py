"""What a market table holds: per-column source, span, rows, gaps and repairs.

:func:`data_info` turns a :class:`~backtest.data.table.MarketTable` into a
:class:`DataInfo` result (``to_frame()`` for a table, ``summary()`` for text);
``vixbt data info`` prints it.  :func:`refresh_sources` recomputes the span
statistics of every :class:`~backtest.data.table.ColumnSource` from a frame
(after loading or slicing).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from backtest.data.table import ColumnSource, MarketTable

__all__ = ["DataInfo", "data_info", "refresh_sources"]


def refresh_sources(frame: pd.DataFrame, sources: Mapping[str, ColumnSource]
                    ) -> dict[str, ColumnSource]:
    """Sources with ``first``, ``last``, ``rows`` and ``gaps`` recomputed from ``frame``.

    ``gaps`` counts table days between the column's first and last value that
    have no value.
    """
    out: dict[str, ColumnSource] = {}
    for col in frame.columns:
        src = sources.get(col) or ColumnSource(column=str(col), source="unknown")
        mask = frame[col].notna().to_numpy()
        first: pd.Timestamp | None = None
        last: pd.Timestamp | None = None
        if mask.any():
            pos = np.flatnonzero(mask)
            first, last = pd.Timestamp(frame.index[pos[0]]), pd.Timestamp(frame.index[pos[-1]])
            rows = int(mask.sum())
            gaps = int(pos[-1] - pos[0] + 1 - rows)
        else:
            rows = gaps = 0
        out[str(col)] = dataclasses.replace(src, first=first, last=last, rows=rows, gaps=gaps)
    return out


@dataclass(frozen=True)
class DataInfo:
    """Summary of a market table's columns and where they came from.

    Parameters
    ----------
    sources : tuple of ColumnSource
        One per column, in table order.
    start, end : pandas.Timestamp or None
        First and last table date.
    rows : int
        Number of table rows (SPX trading days).
    content_hash : str
        The table's :attr:`~backtest.data.table.MarketTable.content_hash`.
    """

    sources: tuple[ColumnSource, ...]
    start: pd.Timestamp | None
    end: pd.Timestamp | None
    rows: int
    content_hash: str

    def to_frame(self) -> pd.DataFrame:
        """One row per column: source, path, first, last, rows, gaps, repairs,
        repairs_by_year (``{"1990": 253, ...}``: the stale or synthetic values removed,
        per year; part of ``repairs``), notes."""
        recs = [{
            "column": s.column, "source": s.source, "path": s.path,
            "first": s.first, "last": s.last, "rows": s.rows, "gaps": s.gaps,
            "repairs": s.repairs,
            "repairs_by_year": {str(y): n for y, n in s.repairs_by_year},
            "notes": "; ".join(s.notes),
        } for s in self.sources]
        cols = ["column", "source", "path", "first", "last", "rows", "gaps", "repairs",
                "repairs_by_year", "notes"]
        return pd.DataFrame(recs, columns=cols).set_index("column")

    def summary(self) -> str:
        """Human-readable text: a line per column, then the notes per column."""
        def day(t: pd.Timestamp | None) -> str:
            return "-" if t is None else str(t.date())

        head = (f"Market table: {self.rows} SPX trading days, {day(self.start)} .. "
                f"{day(self.end)}; content hash {self.content_hash[:16]}")
        lines = [head, "",
                 f"{'column':<11} {'first':<10} {'last':<10} {'rows':>6} {'gaps':>5} "
                 f"{'repairs':>7}  source"]
        for s in self.sources:
            lines.append(f"{s.column:<11} {day(s.first):<10} {day(s.last):<10} {s.rows:>6} "
                         f"{s.gaps:>5} {s.repairs:>7}  {s.source}")
        lines.append("")
        for s in self.sources:
            for n in s.notes:
                lines.append(f"{s.column}: {n}")
        return "\n".join(lines).rstrip() + "\n"

    def __str__(self) -> str:
        return self.summary()


def data_info(table: MarketTable) -> DataInfo:
    """Describe a market table: every column's source, span, rows, gaps and repairs.

    Parameters
    ----------
    table : MarketTable

    Returns
    -------
    DataInfo
    """
    fresh = refresh_sources(table.frame, table.sources)
    frame = table.frame
    return DataInfo(
        sources=tuple(fresh[c] for c in table.columns),
        start=pd.Timestamp(frame.index[0]) if len(frame) else None,
        end=pd.Timestamp(frame.index[-1]) if len(frame) else None,
        rows=len(frame), content_hash=table.content_hash)
