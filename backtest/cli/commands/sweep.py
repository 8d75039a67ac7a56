"""``vixbt sweep STRATEGY``: a parameter grid with data-snooping corrections."""

from __future__ import annotations

import argparse
import dataclasses
import sys
from typing import Any, Literal

from backtest.cli.common import (
    CliError,
    basis_line,
    data_doc,
    emit,
    load_table,
    make_execution,
    require_columns,
    resolve_strategy,
    write_report,
)
from backtest.cli.schema import schema_id


def _selection_metric(metric: str) -> Literal["sharpe", "total"]:
    """The split's and walk-forward's selection metric for a ``--metric`` statistic.

    Total return and its annual rate select by compounded return; every other
    statistic by the Sharpe ratio of daily returns.
    """
    return "total" if metric in ("total_return", "annualized_return") else "sharpe"


def _plan(cls: Any, grid: Any, frame: Any, reps: int) -> Any:
    """The sweep's planned work, counted from the grid without building it."""
    import os

    from backtest.execution.portfolio import run_span
    from backtest.sweep.plan import plan_sweep

    span = run_span(frame, list(cls().columns_needed()))
    n_days = len(frame.index[span])
    return plan_sweep(cls, grid, n_days, n_rows=len(frame), reps=reps,
                      cores=len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity")
                      else (os.cpu_count() or 1))


def _load_columns(needs: list[tuple[str, ...]]) -> list[str]:
    """The columns to load: those the sets read, the VIX (charts) and the T-bill rate
    (the evidence's cash return)."""
    return list(dict.fromkeys([c for cols in needs for c in cols] + ["vix_close", "dtb3"]))


def _available_memory() -> int | None:
    """Bytes of memory available to a new allocation (Linux ``MemAvailable``), or None."""
    try:
        with open("/proc/meminfo", encoding="ascii") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        return None
    return None


def run(args: argparse.Namespace) -> int:
    """Run the sweep, test it, report."""
    from backtest.sweep import Sweep, load_experiment, parse_grid

    if args.experiment:
        if args.grid:
            raise CliError("give either --grid or --experiment, not both")
        exp = load_experiment(args.experiment)
        if args.strategy and resolve_strategy(args.strategy) is not exp.strategy:
            raise CliError(f"{args.experiment} sweeps {exp.strategy.name!r}, "
                           f"not {args.strategy!r}")
        cls, grid, execution = exp.strategy, exp.grid, exp.execution
    else:
        if not args.strategy:
            raise CliError("name a STRATEGY (with --grid name=values) or give --experiment")
        cls = resolve_strategy(args.strategy)
        if not args.grid:
            raise CliError("give at least one --grid name=v1,v2,... or name=start:stop:step")
        grid = parse_grid(cls, args.grid)
        execution = make_execution(args)
    for axis in (args.x, args.y):
        if axis is not None and axis not in grid:
            raise CliError(f"--x/--y {axis!r} is not a swept parameter; swept: {', '.join(grid)}")
    # only the files the sweep reads: the strategy's columns, the VIX (charts) and
    # the T-bill (the evidence's cash return, in every returns mode)
    table = load_table(args, _load_columns([cls.required_columns]))
    plan = _plan(cls, grid, table.frame, args.n_boot)
    if args.dry_run:
        print(plan.summary())
        return 0
    if not args.quiet:
        print(plan.summary(), file=sys.stderr, flush=True)
    spill = args.spill_dir
    free = _available_memory()
    if spill is None and free is not None and plan.peak_bytes > free:
        import tempfile

        spill = tempfile.gettempdir()
        if not args.quiet:
            print(f"vixbt sweep: about {plan.peak_bytes / 2**20:,.0f} MiB planned, "
                  f"{free / 2**20:,.0f} MiB available: the per-set evidence goes to a "
                  f"temporary folder in {spill} (--spill-dir to choose)",
                  file=sys.stderr, flush=True)
    sweep = Sweep(cls, grid, execution)
    firsts = list({tuple(p.columns_needed()): p for p in sweep.parameter_sets}.values())
    needs = [first.columns_needed() for first in firsts]
    if any(c not in table.frame.columns for cols in needs for c in cols):
        # a parameter picks another source (e.g. a term-structure pair): load those too
        table = load_table(args, _load_columns([cls.required_columns, *needs]))
    for first in firsts:
        require_columns(args, table, first)
    from backtest.sweep.stats import STAT_NAMES

    if args.metric not in STAT_NAMES:
        raise CliError(f"--metric {args.metric!r} is not a statistic; choose one of "
                       f"{', '.join(STAT_NAMES)}")
    from backtest.evidence.runner import stream_sweep

    if args.cluster is not None:
        from backtest.evidence.cluster import parse_cluster

        try:
            parse_cluster(args.cluster)
        except ValueError as exc:
            raise CliError(f"--cluster: {exc}") from None
    from backtest.evidence.benchmarks import cash_from_dtb3

    # cash at the T-bill rate where the data have it, else 0
    has_cash = "dtb3" in table.frame.columns and table.frame["dtb3"].notna().any()
    cash = cash_from_dtb3(table.frame["dtb3"]) if has_cash else None
    result, evidence = stream_sweep(sweep, table.frame, progress=not args.quiet,
                                    reps=args.n_boot, seed=args.seed,
                                    metric=_selection_metric(args.metric),
                                    cluster=args.cluster, cash=cash, spill=spill,
                                    cash_label="dtb3" if has_cash else "none")

    best = result.best(args.metric)
    period = table.frame.loc[result.period[0]:result.period[1]]
    basis = basis_line(period, returns=execution.returns, fill=execution.fill,
                       fees=execution.fees, slippage=execution.slippage)
    doc: dict[str, Any] = {
        "schema": schema_id("sweep"), "report": None, "data": data_doc(table), "basis": basis,
        "strategy": cls.name, "grid": dict(grid), "execution": dataclasses.asdict(execution),
        "metric": args.metric, "n_combinations": len(result),
        "period": [result.period[0], result.period[1]],
        "best": {"params": best.attrs["params"], "stats": best.to_dict()},
        **evidence.to_dict(), "rows": result.to_frame(),
    }
    folder = None
    if not args.no_report:
        from backtest.report.sweep_report import sweep_report

        rep = sweep_report(result, evidence, metric=args.metric, x=args.x, y=args.y)
        rep.basis = basis
        from backtest.report.data_section import add_data_section

        add_data_section(rep, table)
        rep.summary = doc
        folder = write_report(rep, args, {"strategy": cls.name, "grid": grid,
                                          "execution": execution, "metric": args.metric,
                                          "experiment": args.experiment,
                                          "n_boot": args.n_boot, "seed": args.seed}, table)
        doc["report"] = str(folder) if folder else None
    from backtest.cli.tables import evidence_text, fit, sweep_text

    lines = [basis, sweep_text(result, args.metric), "", evidence_text(evidence)]
    emit(args, doc, fit("\n".join(lines)), result.to_frame(), folder)
    return 0
