"""``vixbt data info``: every column's source, span, rows, gaps and repairs."""

from __future__ import annotations

import argparse

from backtest.cli.common import emit, load_table
from backtest.cli.schema import schema_id


def run(args: argparse.Namespace) -> int:
    """Print the data summary."""
    from backtest.data.info import data_info
    from backtest.report.metadata import frame_records, to_jsonable

    table = load_table(args)
    info = data_info(table)
    frame = info.to_frame()
    doc = {"schema": schema_id("data-info"), "start": to_jsonable(info.start),
           "end": to_jsonable(info.end), "rows": info.rows, "content_hash": info.content_hash,
           "columns": frame_records(frame)}
    emit(args, doc, info.summary(), frame)
    return 0
