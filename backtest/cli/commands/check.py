"""``vixbt check``: the strategy contract (:mod:`strategies.check`) on any strategy.

Exit status 0 when every check of every strategy passes, 1 when one fails, 2
for bad input (unknown strategy, a file that does not import, data missing).
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from backtest.cli.common import CliError, data_doc, emit, load_table, status
from backtest.cli.schema import schema_id

if TYPE_CHECKING:
    from strategies.base import Strategy


def _targets(args: argparse.Namespace) -> list[type[Strategy]]:
    from pathlib import Path

    from strategies.registry import get_strategy, list_strategies, load_strategy_file

    target = args.target
    if target is None:
        return list(list_strategies())
    if target.endswith(".py") or Path(target).is_file():
        return list(load_strategy_file(target))
    return [get_strategy(target)]


def run(args: argparse.Namespace) -> int:
    """Check the strategies and print the short report."""
    from strategies.registry import restored

    with restored():  # a FILE's strategies are registered for this command only
        return _run(args)


def _run(args: argparse.Namespace) -> int:
    from backtest.errors import MissingDataError
    from strategies.check import CHECKS, check_strategy, example_sets

    only = None
    if args.only:
        only = [c.strip() for c in args.only.split(",") if c.strip()]
        unknown = [c for c in only if c not in CHECKS]
        if unknown:
            raise CliError(f"--only: unknown check(s) {', '.join(unknown)}; checks: "
                           f"{', '.join(CHECKS)}")
    classes = _targets(args)
    columns = sorted({c for cls in classes for s in example_sets(cls) for c in s.columns_needed()})
    table = load_table(args, columns=columns)
    reports = []
    skipped: list[dict[str, str]] = []
    for cls in classes:
        status(args, f"checking {cls.name} ...")
        try:
            rep = check_strategy(cls, table.frame, only=only)
        except MissingDataError as exc:
            if args.target is not None:
                raise
            skipped.append({"strategy": cls.name, "reason": str(exc)})
            continue
        reports.append(rep)
    passed = all(r.passed for r in reports)
    text = "\n\n".join(r.summary() for r in reports)
    for s in skipped:
        text += f"\n{s['strategy']}: skipped: {s['reason']}"
    if len(reports) > 1:
        bad = [r.strategy for r in reports if not r.passed]
        text += ("\n\nevery strategy passed" if not bad
                 else f"\n\nfailed: {', '.join(bad)}")
    doc = {"schema": schema_id("check"), "passed": passed,
           "strategies": [r.to_dict() for r in reports], "skipped": skipped,
           "data": data_doc(table)}
    import pandas as pd

    frame = (pd.concat({r.strategy: r.to_frame() for r in reports}, names=["strategy"])
             if reports else None)
    emit(args, doc, text, frame)
    return 0 if passed else 1
