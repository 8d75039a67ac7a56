"""``vixbt run STRATEGY``: one parameter set -- backtest, event study, report."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from backtest.cli.common import (
    data_doc,
    emit,
    load_family_table,
    make_execution,
    parse_horizons,
    parse_params,
    require_columns,
    resolve_strategy,
    write_report,
)
from backtest.cli.schema import schema_id

if TYPE_CHECKING:
    import pandas as pd

    from backtest.report.strategy_report import StrategyEvaluation


def run(args: argparse.Namespace) -> int:
    """Run one strategy and write its report."""
    cls = resolve_strategy(args.strategy)
    own, ex_over = parse_params(cls, args.param)
    strategy = cls.from_params(**own)
    execution = make_execution(args, ex_over)
    horizons = parse_horizons(args.horizons)
    table = load_family_table(args, strategy)
    require_columns(args, table, strategy)

    from backtest.report.strategy_report import (
        add_strategy_section,
        evaluate,
        stats_table,
        strategy_summary,
    )

    ev = evaluate(strategy, table.frame, execution, n_boot=args.n_boot, seed=args.seed,
                  horizons=horizons)
    if ev.skipped is not None:  # require() passed, so this is a narrower data problem
        from backtest.errors import MissingDataError

        raise MissingDataError(ev.skipped)
    assert ev.result is not None
    doc: dict[str, Any] = {"schema": schema_id("run"), "report": None, "data": data_doc(table),
                           "execution": execution, "basis": ev.result.basis_line,
                           "fallback_share": ev.result.fallback_share, "strategy": None}
    stats = stats_table(ev.result)
    folder = None
    if args.no_report:  # no folder: no charts either
        doc["strategy"] = strategy_summary(ev)
        return _emit(args, doc, ev, stats, folder)
    from backtest.report.answer import (
        EMBEDDED_WARNING,
        is_embedded,
        sample_text,
        strategy_samples,
    )
    from backtest.report.writer import Report

    rep = Report(title=f"vixbt run: {strategy.title or strategy.name}",
                 name=f"run-{strategy.name}",
                 subtitle=f"Sample {sample_text(strategy_samples([strategy], table.frame))} "
                          "(first and last signal-eligible day); signals at the close, fills "
                          f"at the {execution.fill.replace('_', ' ')}.",
                 basis=ev.result.basis_line)
    if is_embedded(table):
        rep.page.callout(EMBEDDED_WARNING)
    section = add_strategy_section(rep, ev, table.frame)
    from backtest.report.data_section import add_data_section

    add_data_section(rep, table, term_structure_note=False)
    doc["strategy"] = section
    rep.stats = stats
    rep.summary = doc
    folder = write_report(rep, args, {"strategy": strategy.name, "params": strategy.params(),
                                      "execution": execution, "horizons": horizons,
                                      "n_boot": args.n_boot, "seed": args.seed}, table)
    return _emit(args, doc, ev, stats, folder)


def _emit(args: argparse.Namespace, doc: dict[str, Any], ev: StrategyEvaluation,
          stats: pd.DataFrame, folder: Path | None) -> int:
    assert ev.result is not None
    doc["report"] = str(folder) if folder else None
    from backtest.cli.tables import fit, study_text

    text = ev.result.summary()
    if ev.study is not None:
        text += "\n\n" + study_text(ev.study)
    emit(args, doc, fit(text), stats, folder)
    return 0
