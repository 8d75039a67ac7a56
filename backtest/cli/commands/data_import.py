"""``vixbt data import``: bring a data file into a data directory."""

from __future__ import annotations

import argparse
import os

import pandas as pd

from backtest.cli.common import CliError, emit
from backtest.cli.schema import schema_id


def data_dir_of(args: argparse.Namespace) -> str:
    """``--data-dir`` or ``$VIXBT_DATA_DIR``; a CliError when neither is set."""
    root = args.data_dir or os.environ.get("VIXBT_DATA_DIR")
    if not root:
        raise CliError("no data directory: give --data-dir DIR or set VIXBT_DATA_DIR")
    return str(root)


def run(args: argparse.Namespace) -> int:
    """Import the file and print its manifest row."""
    from backtest.data.store import import_file

    root = data_dir_of(args)
    entry = import_file(root, args.path, symbol=args.symbol, format=args.file_format)
    row = {"path": str(entry.path), "symbol": entry.symbol, "format": entry.format,
           "span": entry.span, "notes": entry.notes}
    doc = {"schema": schema_id("data-import"), "data_dir": root, "entry": row}
    text = (f"imported {args.path} as {entry.symbol} ({entry.format}, {entry.span}) "
            f"into {root}\n  -> {entry.path}" + (f"\n  {entry.notes}" if entry.notes else ""))
    emit(args, doc, text, pd.DataFrame([row]).set_index("path"))
    return 0
