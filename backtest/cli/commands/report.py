"""``vixbt report``: every registered strategy with its defaults, one combined report."""

from __future__ import annotations

import argparse
from typing import Any

from backtest.cli.common import (
    CliError,
    basis_line,
    data_doc,
    emit,
    load_table,
    make_execution,
    parse_horizons,
    progress,
    resolve_strategy,
    status,
    write_report,
)
from backtest.cli.schema import schema_id


def run(args: argparse.Namespace) -> int:
    """Build and write the headline report."""
    from strategies.registry import list_strategies

    if args.strategies:
        names = [n.strip() for n in args.strategies.split(",") if n.strip()]
        if not names:
            raise CliError("--strategies needs at least one name")
        classes = [resolve_strategy(n) for n in names]
    else:
        classes = list_strategies()
    strategies = [cls() for cls in classes]
    execution = make_execution(args)
    horizons = parse_horizons(args.horizons)
    table = load_table(args)

    from backtest.report.combined import headline_report
    from backtest.report.render import available_cores

    status(args, f"event studies of {len(strategies)} strategies on {len(table.frame):,} days "
                 f"({args.n_boot} bootstrap replications each) ...")
    rep, vt, evaluations = headline_report(
        table, strategies, execution, horizons=horizons, n_boot=args.n_boot, seed=args.seed,
        progress=lambda it: progress(it, args, desc="backtests", total=len(strategies)),
        charts=not args.no_report,
        jobs=args.jobs if args.jobs is not None else available_cores())
    basis = basis_line(table.frame, returns=execution.returns, fill=execution.fill,
                       fees=execution.fees, slippage=execution.slippage,
                       runs=[e.result for e in evaluations if e.result is not None])
    rep.basis = basis
    doc: dict[str, Any] = {"schema": schema_id("report"), "report": None,
                           "data": data_doc(table), "execution": execution, "basis": basis,
                           **rep.summary}
    rep.summary = doc
    folder = write_report(rep, args, {"strategies": [s.name for s in strategies],
                                      "execution": execution, "horizons": horizons,
                                      "n_boot": args.n_boot, "seed": args.seed}, table)
    doc["report"] = str(folder) if folder else None
    from backtest.cli.tables import fit, verdict_text
    from backtest.numbers import pct
    from backtest.report.answer import answer_frame, headline, strategy_samples

    samples = strategy_samples(strategies, table.frame)
    lines = [*(h.sentence for h in headline(answer_frame(vt))), basis]
    lines += ["", verdict_text(vt, samples), ""]
    lines += [f"skipped {sk['strategy']}: {sk['reason']}" for sk in doc["skipped"]
              if sk["strategy"] not in dict(vt.skipped)]
    for ev in evaluations:
        if ev.result is not None:
            st = ev.result.stats
            bh = ev.result.benchmark_stats
            lines.append(f"{ev.strategy.name:<18} total {pct(st['total_return']):>9}  Sharpe "
                         f"{st['sharpe']:5.2f}  trades {int(st['trades']):4d}  (buy-and-hold "
                         f"{pct(bh['total_return']):>9}, Sharpe {bh['sharpe']:.2f})")
    if any(ev.result is not None for ev in evaluations):
        lines.append("Sharpe ratios annualised (252 trading days), no risk-free rate.")
    emit(args, doc, fit("\n".join(lines)), vt.to_frame().set_index(["strategy", "side", "horizon"]),
         folder)
    return 0
