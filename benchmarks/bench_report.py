"""``vixbt report`` end to end: wall time, CPU time and where the time goes.

Usage::

    VIXBT_DATA_DIR=../shared/data python benchmarks/bench_report.py
        [--jobs 1,2] [--repeat 2] [--phases] [--charts [--profile N]] [--json out.json]

For each ``--jobs`` value, ``--repeat`` fresh processes run
``vixbt report --quiet --jobs N --out <temporary folder>`` (every registered
strategy, 1,000 bootstrap draws, every chart and the HTML written; one untimed
run first so numba's on-disk cache is warm).  Recorded per run: wall time from
spawn to exit, CPU time (user + system of the command and of the chart
processes it forked, from ``RUSAGE_CHILDREN``) and the one-minute load average
before and after (the machine may be shared: with both cores taken by other
work, charts drawn in parallel cannot shorten the wall time).

``--phases`` also runs the command once in this process (serial charts,
``--jobs 1``) with timers around its parts: imports, data loading, the event
studies (verdict table), the backtests, building and drawing the charts, and
writing the folder.  ``--charts`` collects the report's charts (one ``--jobs 1``
run that draws nothing) and then builds and draws every one of them twice in
this process, timing the second round chart by chart (CPU); ``--profile N``
profiles that round with cProfile and prints the N functions with the most
time of their own and the N with the most cumulative time.  Benchmarks are not
tests: nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

TARGET_S = 8.0


def _command() -> list[str]:
    script = Path(sys.executable).parent / "vixbt"
    return [str(script)] if script.is_file() else [sys.executable, "-m", "backtest.cli.main"]


def _children_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def run_once(jobs: int, data_dir: str | None) -> dict[str, float]:
    """One fresh ``vixbt report`` process: wall, CPU (its forks included), load."""
    env = dict(os.environ)
    if data_dir:
        env["VIXBT_DATA_DIR"] = data_dir
    with tempfile.TemporaryDirectory() as out:
        load0 = os.getloadavg()[0]
        cpu0, t0 = _children_cpu(), time.perf_counter()
        subprocess.run([*_command(), "report", "--quiet", "--jobs", str(jobs), "--out", out],
                       env=env, check=True, stdout=subprocess.DEVNULL)
        wall = time.perf_counter() - t0
        cpu = _children_cpu() - cpu0
    return {"jobs": jobs, "wall_s": round(wall, 2), "cpu_s": round(cpu, 2),
            "load_before": round(load0, 2), "load_after": round(os.getloadavg()[0], 2)}


def phases(data_dir: str | None) -> dict[str, dict[str, float]]:
    """Wall and CPU of the parts of one serial run in this process."""
    if data_dir:
        os.environ["VIXBT_DATA_DIR"] = data_dir
    timings: dict[str, list[float]] = {}

    def clock(label: str, since: tuple[float, float]) -> None:
        t = timings.setdefault(label, [0.0, 0.0])
        t[0] += time.perf_counter() - since[0]
        t[1] += time.process_time() - since[1]

    def wrap(module: Any, name: str, label: str) -> None:
        f: Callable[..., Any] = getattr(module, name)

        def timed(*a: Any, **k: Any) -> Any:
            since = (time.perf_counter(), time.process_time())
            try:
                return f(*a, **k)
            finally:
                clock(label, since)

        setattr(module, name, timed)

    start = (time.perf_counter(), time.process_time())
    main = importlib.import_module("backtest.cli.main")
    report_cmd = importlib.import_module("backtest.cli.commands.report")
    combined = importlib.import_module("backtest.report.combined")
    strategy_report = importlib.import_module("backtest.report.strategy_report")
    charts = importlib.import_module("backtest.report.charts")
    writer = importlib.import_module("backtest.report.writer")
    verdict = importlib.import_module("backtest.evidence.verdict")
    clock("imports", start)
    wrap(report_cmd, "load_table", "load data")
    wrap(verdict, "verdict_table", "event studies (verdict table)")
    if hasattr(combined, "backtest"):  # the backtests run before the event studies
        wrap(combined, "backtest", "backtests (backtest)")
    wrap(combined, "evaluate", "backtests (evaluate)")
    wrap(strategy_report, "_add_charts", "strategy charts: build + draw")
    wrap(combined, "add_answer_section", "answer section: build + draw")
    wrap(charts, "to_png", "of which drawing PNGs")
    wrap(writer.Report, "write", "write the folder")
    with tempfile.TemporaryDirectory() as out:
        argv = sys.argv
        sys.argv = ["vixbt", "report", "--quiet", "--jobs", "1", "--out", out]
        start = (time.perf_counter(), time.process_time())
        try:
            main.main()
        except SystemExit:
            pass
        finally:
            sys.argv = argv
        clock("command (after imports)", start)
    return {k: {"wall_s": round(w, 2), "cpu_s": round(c, 2)} for k, (w, c) in timings.items()}


def chart_times(data_dir: str | None, profile: int = 0) -> dict[str, Any]:
    """Build and draw each of the report's charts in this process (CPU seconds)."""
    if data_dir:
        os.environ["VIXBT_DATA_DIR"] = data_dir
    main = importlib.import_module("backtest.cli.main")
    writer = importlib.import_module("backtest.report.writer")
    charts = importlib.import_module("backtest.report.charts")
    figure = importlib.import_module("matplotlib.figure")
    collected: list[tuple[str, Any]] = []
    add_chart, to_png = writer.Report.add_chart, charts.to_png
    blank = to_png(figure.Figure(figsize=(0.1, 0.1)), 10)

    def keep(self: Any, fig: Any, filename: str, **kw: Any) -> Any:
        if not self._prefetching:
            collected.append((filename, fig))
        return add_chart(self, fig, filename, **kw)

    writer.Report.add_chart = keep
    setattr(charts, "to_png", lambda *a, **k: blank)  # noqa: B010 - the module's attribute
    try:
        with tempfile.TemporaryDirectory() as out:
            argv, sys.argv = sys.argv, ["vixbt", "report", "--quiet", "--jobs", "1", "--out", out]
            try:
                main.main()
            except SystemExit:
                pass
            finally:
                sys.argv = argv
    finally:
        writer.Report.add_chart = add_chart
        setattr(charts, "to_png", to_png)  # noqa: B010
    rows: list[dict[str, Any]] = []

    def draw_all() -> None:
        rows.clear()
        for name, f in collected:
            t0 = time.process_time()
            fig = f() if callable(f) else f
            t1 = time.process_time()
            png = to_png(fig)
            rows.append({"chart": name, "build_s": round(t1 - t0, 4),
                         "draw_s": round(time.process_time() - t1, 4), "bytes": len(png)})

    draw_all()  # caches warm, as in the report's processes
    if profile:
        import cProfile
        import pstats

        prof = cProfile.Profile()
        prof.runcall(draw_all)
        stats = pstats.Stats(prof)
        stats.sort_stats("tottime").print_stats(profile)
        stats.sort_stats("cumtime").print_stats(profile)
    else:
        draw_all()
    return {"charts": rows, "build_s": round(sum(r["build_s"] for r in rows), 2),
            "draw_s": round(sum(r["draw_s"] for r in rows), 2),
            "bytes": sum(r["bytes"] for r in rows)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--jobs", default="1,2", help="comma-separated --jobs values")
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--data-dir", default=os.environ.get("VIXBT_DATA_DIR"))
    ap.add_argument("--phases", action="store_true", help="also the in-process phase split")
    ap.add_argument("--charts", action="store_true",
                    help="also build and draw each chart in this process, timed one by one")
    ap.add_argument("--profile", type=int, default=0, metavar="N",
                    help="with --charts: profile the drawing, print the top N functions")
    ap.add_argument("--json", type=Path, help="write the results here")
    args = ap.parse_args()
    jobs = [int(j) for j in args.jobs.split(",")]
    result: dict[str, Any] = {"cores": os.cpu_count(), "target_s": TARGET_S, "runs": []}
    run_once(jobs[0], args.data_dir)  # untimed: numba's cache warm
    for _ in range(args.repeat):
        for j in jobs:  # alternating, so a change of load hits every setting
            r = run_once(j, args.data_dir)
            result["runs"].append(r)
            print(f"--jobs {j}: wall {r['wall_s']:6.2f} s  CPU {r['cpu_s']:6.2f} s  "
                  f"load {r['load_before']:.1f} -> {r['load_after']:.1f}", flush=True)
    if args.phases:
        result["phases"] = phases(args.data_dir)
        for k, v in result["phases"].items():
            print(f"{k:34s} wall {v['wall_s']:6.2f} s  CPU {v['cpu_s']:6.2f} s")
    if args.charts:
        result["charts"] = ct = chart_times(args.data_dir, args.profile)
        for r in sorted(ct["charts"], key=lambda r: -(r["build_s"] + r["draw_s"])):
            print(f"{r['chart']:40s} build {r['build_s']:6.3f} s  draw {r['draw_s']:6.3f} s  "
                  f"{r['bytes'] / 1024:6.0f} KiB")
        print(f"{len(ct['charts'])} charts{' (profiled)' if args.profile else ''}: build "
              f"{ct['build_s']:.2f} s, draw {ct['draw_s']:.2f} s CPU, "
              f"{ct['bytes'] / 2**20:.1f} MiB")
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
