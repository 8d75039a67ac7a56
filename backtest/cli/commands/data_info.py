"""``vixbt data info``: every column's source, span, rows, gaps and repairs.

The table output ends with the repairs made while loading, one line per file
and field as the loader reported them: these include files whose values are
not used for a column (a second file of the same symbol, a field the table
does not keep), which the per-column ``repairs`` count leaves out.
"""

from __future__ import annotations

import argparse

from backtest.cli.common import emit, load_table
from backtest.cli.schema import schema_id


def run(args: argparse.Namespace) -> int:
    """Print the data summary."""
    from backtest.data.info import data_info
    from backtest.report.metadata import frame_records, to_jsonable

    table = load_table(args, summarise_repairs=False)
    info = data_info(table)
    frame = info.to_frame()
    doc = {"schema": schema_id("data-info"), "start": to_jsonable(info.start),
           "end": to_jsonable(info.end), "rows": info.rows, "content_hash": info.content_hash,
           "columns": frame_records(frame)}
    text = info.summary()
    log = getattr(args, "repair_log", None)
    if log is not None and getattr(args, "format", "table") == "table" and not log.verbose:
        repairs = log.take()
        if repairs:
            lines = "\n".join(f"  {r.text}" for r in repairs)
            text = (f"{text.rstrip()}\n\nRepaired or dropped while loading, per file "
                    f"(including files and fields the table does not use):\n{lines}")
    emit(args, doc, text, frame)
    return 0
