"""``vixbt sweep STRATEGY``: a parameter grid with data-snooping corrections."""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import sys
from collections.abc import Iterator
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

#: Rows converted and written at a time by ``--format json|csv`` (a JSON record
#: is about 3 KB of Python objects while it is built).
_ROWS_PER_WRITE = 8192


def _selection_metric(metric: str) -> Literal["sharpe", "total"]:
    """The split's and walk-forward's selection metric for a ``--metric`` statistic.

    Total return and its annual rate select by compounded return; every other
    statistic by the Sharpe ratio of daily returns.
    """
    return "total" if metric in ("total_return", "annualized_return") else "sharpe"


def _plan(cls: Any, grid: Any, frame: Any, reps: int, spill: bool | None = None) -> Any:
    """The sweep's planned work, counted from the grid without building it.

    The per-combination arrays spill when the estimate with them in memory
    exceeds the memory target or the memory available (``spill`` forces it).
    """
    import os

    from backtest.execution.portfolio import run_span
    from backtest.sweep.plan import MEMORY_TARGET, plan_sweep

    span = run_span(frame, list(cls().columns_needed()))
    n_days = len(frame.index[span])
    free = _available_memory()
    target = MEMORY_TARGET if free is None else min(MEMORY_TARGET, free)
    return plan_sweep(cls, grid, n_days, n_rows=len(frame), reps=reps,
                      cores=len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity")
                      else (os.cpu_count() or 1), memory_target=target, spill=spill)


def _write_json(out: Any, doc: dict[str, Any], frames: Iterator[Any]) -> None:
    """``doc`` as ``--format json`` prints it, with its last entry ``"rows"`` written
    chunk by chunk from ``frames`` (the same text as printing the whole document)."""
    import json

    from backtest.jsonable import frame_records
    from backtest.report.metadata import dumps

    head = dumps({**doc, "rows": []})
    tail = '"rows": []\n}'
    if not head.endswith(tail):
        raise AssertionError("the JSON document must end with its rows")
    out.write(head[:-len(tail)] + '"rows": [')
    first = True
    for frame in frames:
        for rec in frame_records(frame):
            text = json.dumps(rec, indent=2, allow_nan=False, ensure_ascii=False)
            out.write(("\n" if first else ",\n") + "\n".join("    " + line
                                                             for line in text.split("\n")))
            first = False
    out.write("]\n}\n" if first else "\n  ]\n}\n")


def _write_csv(out: Any, frames: Iterator[Any]) -> None:
    """The rows as ``--format csv`` prints the whole table, chunk by chunk."""
    for i, frame in enumerate(frames):
        out.write(frame.to_csv(header=i == 0))


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
    from backtest.sweep import load_experiment, parse_grid

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
    plan = _plan(cls, grid, table.frame, args.n_boot,
                 spill=True if args.spill_dir is not None else None)
    spill = args.spill_dir
    if spill is None and plan.spills:
        import tempfile

        spill = tempfile.gettempdir()
    if spill is not None:
        from backtest.sweep.spill import check_spill_dir

        try:
            check_spill_dir(spill, plan.spill_bytes)
        except ValueError as exc:
            raise CliError(f"--spill-dir: {exc}") from None
    if args.dry_run:
        print(plan.summary() + (f" (in {spill})" if spill is not None else ""))
        return 0
    if not args.quiet:
        print(plan.summary(), file=sys.stderr, flush=True)
        if spill is not None and args.spill_dir is None:
            print(f"vixbt sweep: the statistics table and the per-set evidence go to a "
                  f"temporary folder in {spill} (--spill-dir to choose)",
                  file=sys.stderr, flush=True)
    with _exit_on_sigterm():
        return _sweep(args, cls, grid, execution, table, spill)


@contextlib.contextmanager
def _exit_on_sigterm() -> Iterator[None]:
    """A SIGTERM ends the run through ``SystemExit`` (exit status 143), so the
    temporary spill folders are deleted as on any other exit."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum: int, frame: Any) -> None:
        raise SystemExit(128 + signum)

    before = signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, before)


def _sweep(args: argparse.Namespace, cls: Any, grid: dict[str, list[Any]], execution: Any,
           table: Any, spill: str | None) -> int:
    """Run the planned sweep and its evidence, write the report, print the result."""
    from backtest.sweep import Sweep

    sweep = Sweep(cls, grid, execution)
    firsts = list(sweep.sets.distinct_columns().values())
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
        **evidence.to_dict(), "rows": result.table,
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

    fmt = getattr(args, "format", "table")
    if fmt in ("json", "csv"):
        # the rows a chunk at a time: a spilled table is never held whole
        if fmt == "json":
            _write_json(sys.stdout, doc, result.iter_frames(_ROWS_PER_WRITE))
        else:
            _write_csv(sys.stdout, result.iter_frames(_ROWS_PER_WRITE))
        if folder is not None:
            print(f"Report: {folder / 'index.html'}", file=sys.stderr)
        return 0
    lines = [basis, sweep_text(result, args.metric), "", evidence_text(evidence)]
    emit(args, doc, fit("\n".join(lines)), None, folder)
    return 0
