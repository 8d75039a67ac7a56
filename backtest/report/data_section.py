"""The "Data" section every report ends with: each column's source, file, span and repairs."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:
    from backtest.data.table import MarketTable
    from backtest.report.writer import Report

__all__ = ["add_data_section", "sources_frame"]


def sources_frame(table: MarketTable) -> pd.DataFrame:
    """One row per column: source, file, first, last, rows, gaps, repairs."""
    rows = [{"column": c, "source": s.source, "file": s.path or "", "first": s.first,
             "last": s.last, "rows": s.rows, "gaps": s.gaps, "repairs": s.repairs}
            for c, s in table.sources.items()]
    cols = ["column", "source", "file", "first", "last", "rows", "gaps", "repairs"]
    return pd.DataFrame(rows, columns=cols).set_index("column")


def add_data_section(report: Report, table: MarketTable, *,
                     term_structure_note: bool = True) -> None:
    """Append the data provenance section to ``report``.

    Parameters
    ----------
    report : Report
        The report.
    table : MarketTable
        The data it ran on.
    term_structure_note : bool, default True
        Say when no term-structure data is loaded.  A report that loaded only
        its strategy's columns (``vixbt run``, ``vixbt study STRATEGY``) passes
        ``False``: the absence of VIX3M there says nothing about the data
        directory.
    """
    page = report.page
    page.heading("Data")
    page.paragraph(f"The loaded table: {len(table.frame):,} trading days "
                   f"{table.start:%Y-%m-%d} .. {table.end:%Y-%m-%d} (the span of its longest "
                   f"file; each strategy's own sample is stated with its results); content "
                   f"hash {table.content_hash}.", css="note")
    page.table(sources_frame(table), caption="Where each column came from")
    if term_structure_note and not table.has("vix3m") and not table.has("vx1"):
        page.callout("No term-structure data (VIX3M or VIX futures) is loaded: term-structure "
                     "strategies are skipped and the futures curve is not shown. Point "
                     "--data-dir or VIXBT_DATA_DIR at a data directory that holds them (see "
                     "`vixbt data update`).")
