"""``vixbt deciles PREDICTOR``: forward SPX returns by real-time decile of a VIX measure."""

from __future__ import annotations

import argparse
from typing import Any

from backtest.cli.common import CliError, data_doc, emit, load_table, parse_horizons, write_report
from backtest.cli.schema import schema_id


def run(args: argparse.Namespace) -> int:
    """Compute, print and report the decile analysis of one predictor."""
    from strategies.predictors import get_predictor

    pred = get_predictor(args.predictor, args.window)
    horizons = parse_horizons(args.horizons)
    if args.bins < 2:
        raise CliError(f"--bins {args.bins} is not allowed (at least 2 buckets)")
    if args.min_history < 1:
        raise CliError(f"--min-history {args.min_history} is not allowed (at least 1 day)")
    if args.n_boot < 0:
        raise CliError(f"--n-boot {args.n_boot} is not allowed (0 or more)")
    table = load_table(args, pred.columns)
    table.require(list(pred.columns), purpose=f"predictor {pred.name!r}")

    from backtest.information.deciles import decile_analysis

    res = decile_analysis(pred, table.frame, horizons, n_bins=args.bins,
                          min_history=args.min_history, fill=args.fill,
                          scale="vol" if args.vol_scaled else "raw", n_boot=args.n_boot,
                          seed=args.seed)
    doc: dict[str, Any] = {"schema": schema_id("deciles"), "report": None,
                           "data": data_doc(table), **res.to_dict()}
    folder = None
    if not args.no_report:
        from backtest.report.writer import Report

        rep = Report(title=f"Deciles: {pred.title}", name=f"deciles-{pred.name}",
                     subtitle=f"{pred.doc}. Forward SPX returns from the "
                              f"{args.fill.replace('_', ' ')} fill by the day's real-time "
                              f"bucket (percentile among all values so far).")
        rep.add_chart(res.plot(), f"deciles-{pred.name}", alt="forward returns by bucket")
        rep.page.table(res.spread, caption="Top minus bottom bucket per horizon: HAC t and "
                                           "raw one-sided p; Patton-Timmermann monotonicity "
                                           "test (raw p, expected direction and opposite)")
        rep.page.table(res.buckets, caption="Each bucket: days, predictor range, mean "
                                            "forward return and HAC interval")
        from backtest.report.data_section import add_data_section

        add_data_section(rep, table)
        rep.stats = res.buckets
        rep.summary = doc
        folder = write_report(rep, args, {"predictor": pred.name, "window": pred.window,
                                          "horizons": horizons, "bins": args.bins,
                                          "min_history": args.min_history,
                                          "fill": args.fill, "vol_scaled": args.vol_scaled,
                                          "n_boot": args.n_boot, "seed": args.seed}, table)
        doc["report"] = str(folder) if folder else None
    emit(args, doc, res.summary(), res.buckets.join(res.spread.add_prefix("spread_")), folder)
    return 0
