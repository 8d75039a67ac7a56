"""``vixbt data update``: download or refresh the public data files."""

from __future__ import annotations

import argparse

from backtest.cli.commands.data_import import data_dir_of
from backtest.cli.common import emit
from backtest.cli.schema import schema_id


def run(args: argparse.Namespace) -> int:
    """Download, print the outcome; exit 1 if a file failed."""
    from backtest.data.download import UpdateError, update
    from backtest.report.metadata import frame_records

    root = data_dir_of(args)
    symbols = [s.strip() for s in args.symbols.split(",") if s.strip()] if args.symbols else None
    from backtest.data.sources import BaseUrls

    base = BaseUrls.on_host(args.mirror) if args.mirror else None
    try:
        report = update(root, symbols=symbols, progress=not args.quiet, force=args.force,
                        strict=False, base_urls=base, timeout=args.timeout,
                        deadline=args.deadline, max_bytes=args.max_size)
    except UpdateError as exc:
        report = exc.report
    frame = report.to_frame().set_index("relpath")
    doc = {"schema": schema_id("data-update"), "data_dir": str(root), "ok": report.ok,
           "files": frame_records(frame)}
    emit(args, doc, report.summary(), frame)
    return 0 if report.ok else 1
