"""Bollinger-break sweep benchmark on the full real history (SPX and VIX since 1990).

Usage::

    VIXBT_DATA_DIR=../shared/data python benchmarks/bench_sweep.py [--grids 1k,10k]
        [--vbt-subset 100] [--loop-subset 20] [--repeat 3] [--json out.json]

For each grid (window x num_std x holding period) it measures, on the same
data and grid:

* **lean sweep, cold**: a fresh Python process imports vixbt, loads the data
  and runs the sweep once -- with numba's on-disk cache warm, and truly cold
  (an empty ``NUMBA_CACHE_DIR``, everything compiled in the process);
* **lean sweep, warm**: the best of ``--repeat`` runs in one process after a
  first run; peak memory of a fresh process running the sweep (``ru_maxrss``)
  and the sweep's own peak traced by ``tracemalloc``;
* **single numba kernel** written for this one strategy
  (:mod:`reference_kernel`), warm, best of ``--repeat``: the near-limit;
* **vectorbt's standard path**: ``backtest.execution.portfolio.run`` (signals
  -> ``Portfolio.from_signals`` -> statistics) on a subset of the grid,
  extrapolated linearly to the whole grid;
* **a Python loop of single runs** (one ``run`` per combination) on a smaller
  subset, extrapolated.

It prints the ratios.  Benchmarks are not tests: nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

HERE = Path(__file__).resolve().parent
GRIDS: dict[str, dict[str, list[Any]]] = {
    "1k": {
        "window": [10, 15, 20, 30, 40, 50, 63, 80, 100, 126],
        "num_std": [round(1.0 + 0.25 * i, 2) for i in range(10)],
        "holding_period": [1, 2, 3, 5, 8, 10, 15, 21, 42, 63],
    },
    "10k": {
        "window": list(range(5, 101, 5)),
        "num_std": [round(1.0 + 0.1 * i, 1) for i in range(25)],
        "holding_period": list(range(1, 21)),
    },
    "100k": {
        "window": list(range(5, 205, 2)),
        "num_std": [round(1.0 + 0.1 * i, 1) for i in range(25)],
        "holding_period": list(range(1, 41)),
    },
}


def _n(grid: dict[str, list[Any]]) -> int:
    return int(np.prod([len(v) for v in grid.values()]))


def _rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def _rss_now_mib() -> float:
    """Resident memory right now (Linux ``/proc/self/statm``)."""
    with open("/proc/self/statm", encoding="ascii") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def _load() -> Any:
    from backtest.data import load_market_data

    return load_market_data(os.environ.get("VIXBT_DATA_DIR", str(HERE.parent.parent / "shared"
                                                                 / "data"))).frame


# -- workers (run in a fresh process) ------------------------------------------------


def worker_lean(grid_name: str) -> dict[str, Any]:
    """Fresh process: import, load, sweep once; times and peak memory."""
    import tracemalloc

    t0 = time.perf_counter()
    from backtest.sweep import Sweep
    from strategies.bollinger_break import BollingerBreak

    t_import = time.perf_counter() - t0
    t1 = time.perf_counter()
    frame = _load()
    t_load = time.perf_counter() - t1
    rss_before = _rss_mib()
    rss_now = _rss_now_mib()
    sw = Sweep(BollingerBreak, GRIDS[grid_name])
    tracemalloc.start()
    t2 = time.perf_counter()
    res = sw.run(frame, progress=False)
    t_sweep = time.perf_counter() - t2
    _, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {"import_s": t_import, "load_s": t_load, "sweep_s": t_sweep,
            "rss_before_mib": rss_before, "rss_current_before_sweep_mib": rss_now,
            "peak_rss_mib": _rss_mib(), "rss_current_after_sweep_mib": _rss_now_mib(),
            "traced_peak_mib": traced_peak / 2**20, "rows": len(res),
            "chunk_size": res.chunk_size, "bars": res.n_bars}


def worker_vbt(grid_name: str, subset: int) -> dict[str, Any]:
    """Fresh process: vectorbt's standard path on the first ``subset`` combinations."""
    from backtest.execution.config import Execution
    from backtest.execution.portfolio import run
    from strategies.bollinger_break import BollingerBreak

    frame = _load()
    grid = GRIDS[grid_name]
    hps = grid["holding_period"]
    n_sets = max(1, subset // len(hps))
    sets = BollingerBreak.product(window=grid["window"], num_std=grid["num_std"])[:n_sets]
    # first call, same shapes: compiles vectorbt's simulator in this process (cold cost)
    t0 = time.perf_counter()
    r = run(sets, frame, Execution(), holding_period=hps)
    _ = r.stats_frame
    t_first = time.perf_counter() - t0
    rss0 = _rss_mib()
    t1 = time.perf_counter()
    r = run(sets, frame, Execution(), holding_period=hps)
    stats = r.stats_frame
    t_run = time.perf_counter() - t1
    return {"combos": len(stats), "first_call_s": t_first, "run_s": t_run,
            "rss_before_mib": rss0, "peak_rss_mib": _rss_mib()}


def worker_vbt_raw(grid_name: str, subset: int) -> dict[str, Any]:
    """Fresh process: plain vectorbt on the first ``subset`` combinations.

    Signals of the parameter sets (one computation), lagged, holding-period
    exits resolved, every combination a column of one ``Portfolio.from_signals``
    call, then vectorbt's own vectorised statistics accessors.
    """
    import vectorbt as vbt

    from backtest.execution.fills import fill_prices, lag_to_fill
    from backtest.execution.portfolio import run_span
    from backtest.execution.positions import resolve_positions
    from strategies.bollinger_break import BollingerBreak

    frame = _load()
    grid = GRIDS[grid_name]
    hps = grid["holding_period"]

    def once(sets: list[Any], hp_values: list[int]) -> int:
        rows = run_span(frame, ["vix_close"])
        g = BollingerBreak.grid(frame, sets)
        arrs = [lag_to_fill(f).to_numpy(bool)[rows] for f in
                (g.long_entries, g.long_exits, g.short_entries, g.short_exits)]
        k = len(hp_values)
        tiled = [np.tile(a, (1, k)) for a in arrs]
        hp = np.repeat(hp_values, len(sets))
        le, lx, se, sx, _ = resolve_positions(*tiled, holding_period=hp)
        close = frame["spx_close"].to_numpy(float)[rows]
        price = fill_prices(frame).to_numpy(float)[rows]
        pf = vbt.Portfolio.from_signals(
            close=np.broadcast_to(close[:, None], le.shape), entries=le, exits=lx,
            short_entries=se, short_exits=sx, price=np.broadcast_to(price[:, None], le.shape),
            size=np.inf, init_cash=100_000.0, accumulate=False, upon_long_conflict="ignore",
            upon_short_conflict="ignore", upon_dir_conflict="ignore",
            upon_opposite_entry="reverse", freq="1D")
        stats = [pf.total_return(), pf.annualized_return(), pf.annualized_volatility(),
                 pf.sharpe_ratio(), pf.sortino_ratio(), pf.max_drawdown(),
                 pf.trades.count(), pf.trades.win_rate(), pf.trades.profit_factor()]
        return len(stats[0])

    sets = BollingerBreak.product(window=grid["window"], num_std=grid["num_std"])
    n_sets = max(1, subset // len(hps))
    # first call, same shapes: compiles vectorbt's functions for these layouts (cold cost)
    t0 = time.perf_counter()
    once(sets[:n_sets], hps)
    t_first = time.perf_counter() - t0
    rss0 = _rss_mib()
    t1 = time.perf_counter()
    combos = once(sets[:n_sets], hps)
    t_run = time.perf_counter() - t1
    return {"combos": combos, "first_call_s": t_first, "run_s": t_run,
            "rss_before_mib": rss0, "peak_rss_mib": _rss_mib()}


def worker_cli() -> dict[str, Any]:
    """Fresh process: the import cost of the sweep package and of one run's modules."""
    t0 = time.perf_counter()
    import backtest.sweep

    t_sweep = time.perf_counter() - t0
    t1 = time.perf_counter()
    import backtest.execution.portfolio  # noqa: F401
    import strategies.registry  # noqa: F401

    t_run_mods = time.perf_counter() - t1
    return {"import_sweep_s": t_sweep, "import_run_modules_s": t_run_mods,
            "vectorbt_imported": "vectorbt" in sys.modules}


def _spawn(args: list[str], env: dict[str, str] | None = None) -> dict[str, Any]:
    out = subprocess.run([sys.executable, str(Path(__file__)), *args], capture_output=True,
                         text=True, env={**os.environ, **(env or {})}, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def _timed_cmd(cmd: list[str], env: dict[str, str] | None = None) -> float:
    t0 = time.perf_counter()
    subprocess.run(cmd, capture_output=True, text=True, env={**os.environ, **(env or {})},
                   check=True)
    return time.perf_counter() - t0


# -- in-process measurements ---------------------------------------------------------


def warm_lean(frame: Any, grid: dict[str, list[Any]], repeat: int,
              parallel: bool = True) -> tuple[float, Any]:
    from backtest.sweep import Sweep
    from strategies.bollinger_break import BollingerBreak

    sw = Sweep(BollingerBreak, grid)
    res = sw.run(frame, progress=False, parallel=parallel)
    best = np.inf
    for _ in range(repeat):
        t0 = time.perf_counter()
        res = sw.run(frame, progress=False, parallel=parallel)
        best = min(best, time.perf_counter() - t0)
    return best, res


def warm_reference(frame: Any, grid: dict[str, list[Any]], repeat: int,
                   parallel: bool = True) -> tuple[float, np.ndarray]:
    sys.path.insert(0, str(HERE))
    from reference_kernel import band_inputs, reference_kernel, reference_kernel_serial

    from backtest.execution.fills import fill_prices
    from backtest.execution.portfolio import run_span

    rows = run_span(frame, ["vix_close"])
    windows = np.asarray(grid["window"], dtype=np.int64)
    stds = np.asarray(grid["num_std"], dtype=np.float64)
    hps = np.asarray(grid["holding_period"], dtype=np.int64)
    wi, ks, hs = (a.ravel() for a in np.meshgrid(np.arange(len(windows)), stds, hps,
                                                  indexing="ij"))
    price = fill_prices(frame).to_numpy(np.float64)[rows].copy()
    close = frame["spx_close"].to_numpy(np.float64)[rows].copy()
    kern = reference_kernel if parallel else reference_kernel_serial
    best = np.inf
    out = np.empty(0)
    for _ in range(repeat + 1):
        t0 = time.perf_counter()
        v, mid, sd = band_inputs(frame, rows, windows)  # the per-window indicator work
        out = kern(v, mid, sd, wi.astype(np.int64), ks, hs.astype(np.int64), price, close,
                   0.0, 100_000.0)
        best = min(best, time.perf_counter() - t0)
    return best, out


def loop_single_runs(frame: Any, grid: dict[str, list[Any]], subset: int) -> float:
    from backtest.execution.config import Execution
    from backtest.execution.portfolio import run
    from strategies.bollinger_break import BollingerBreak

    combos = [(w, k, h) for w in grid["window"] for k in grid["num_std"]
              for h in grid["holding_period"]][:subset]
    _ = run(BollingerBreak(), frame, Execution(holding_period=5)).stats  # warm
    t0 = time.perf_counter()
    for w, k, h in combos:
        _ = run(BollingerBreak(window=w, num_std=k), frame, Execution(holding_period=h)).stats
    return (time.perf_counter() - t0) / len(combos)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--grids", default="1k,10k")
    ap.add_argument("--vbt-subset", type=int, default=200)
    ap.add_argument("--loop-subset", type=int, default=20)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--memory-grids", default="",
                    help="grids run only as a fresh-process lean sweep (peak memory), e.g. 100k")
    ap.add_argument("--json", type=Path, default=None)
    ap.add_argument("--worker", default=None, help=argparse.SUPPRESS)
    ap.add_argument("--grid", default="1k", help=argparse.SUPPRESS)
    args = ap.parse_args()

    if args.worker == "lean":
        print(json.dumps(worker_lean(args.grid)))
        return
    if args.worker == "vbt":
        print(json.dumps(worker_vbt(args.grid, args.vbt_subset)))
        return
    if args.worker == "vbt_raw":
        print(json.dumps(worker_vbt_raw(args.grid, args.vbt_subset)))
        return
    if args.worker == "cli":
        print(json.dumps(worker_cli()))
        return

    report: dict[str, Any] = {"python": sys.version.split()[0], "cpus": os.cpu_count()}
    print("== imports (fresh process) ==")
    report["imports"] = _spawn(["--worker", "cli"])
    print(json.dumps(report["imports"], indent=1))
    data_dir = os.environ.get("VIXBT_DATA_DIR", str(HERE.parent.parent / "shared" / "data"))
    vixbt = str(Path(sys.executable).with_name("vixbt"))
    cmd = [vixbt, "run", "bollinger_break", "--data-dir", data_dir, "--no-report", "--quiet"]
    report["vixbt_run_first_s"] = _timed_cmd(cmd)  # may fill numba caches
    report["vixbt_run_cold_s"] = min(_timed_cmd(cmd) for _ in range(2))
    print(f"cold `vixbt run bollinger_break --no-report` (warm numba cache): "
          f"{report['vixbt_run_cold_s']:.2f} s (first ever: {report['vixbt_run_first_s']:.2f} s)")
    frame = _load()
    for name in args.grids.split(","):
        grid = GRIDS[name]
        n = _n(grid)
        print(f"\n== grid {name}: {n:,} combinations "
              f"({' x '.join(f'{k} {len(v)}' for k, v in grid.items())}) ==")
        r: dict[str, Any] = {"combinations": n}
        r["cold_cache_warm"] = _spawn(["--worker", "lean", "--grid", name])
        with tempfile.TemporaryDirectory() as tmp:
            r["cold_truly"] = _spawn(["--worker", "lean", "--grid", name],
                                     {"NUMBA_CACHE_DIR": tmp})
        r["warm_s"], res = warm_lean(frame, grid, args.repeat)
        r["reference_s"], ref = warm_reference(frame, grid, args.repeat)
        r["warm_serial_s"], _ = warm_lean(frame, grid, args.repeat, parallel=False)
        r["reference_serial_s"], _ = warm_reference(frame, grid, args.repeat, parallel=False)
        # the reference computes the same numbers as the sweep
        t = res.to_frame()
        r["reference_max_abs_diff"] = {
            "total_return": float(np.max(np.abs(ref[:, 0] - t["total_return"].to_numpy()))),
            "sharpe": float(np.nanmax(np.abs(ref[:, 1] - t["sharpe"].to_numpy()))),
            "max_drawdown": float(np.max(np.abs(ref[:, 2] - t["max_drawdown"].to_numpy()))),
            "trades": float(np.max(np.abs(ref[:, 3] - t["trades"].to_numpy()))),
        }
        if name != "100k":
            vb = _spawn(["--worker", "vbt", "--grid", name, "--vbt-subset",
                         str(args.vbt_subset)])
            vb["extrapolated_s"] = vb["run_s"] / vb["combos"] * n
            r["vectorbt"] = vb
            raw = _spawn(["--worker", "vbt_raw", "--grid", name, "--vbt-subset",
                          str(args.vbt_subset)])
            raw["extrapolated_s"] = raw["run_s"] / raw["combos"] * n
            r["vectorbt_raw"] = raw
            r["ratio_vectorbt_raw_over_warm"] = raw["extrapolated_s"] / min(r["warm_s"],
                                                                             r["warm_serial_s"])
            per = loop_single_runs(frame, grid, args.loop_subset)
            r["loop_per_run_s"] = per
            r["loop_extrapolated_s"] = per * n
            best_lean = min(r["warm_s"], r["warm_serial_s"])
            r["ratio_vectorbt_over_warm"] = vb["extrapolated_s"] / best_lean
            r["ratio_loop_over_warm"] = r["loop_extrapolated_s"] / best_lean
        r["ratio_warm_over_reference"] = r["warm_s"] / r["reference_s"]
        r["ratio_warm_over_reference_serial"] = r["warm_serial_s"] / r["reference_serial_s"]
        # best of either mode against the best of either mode (a busy shared machine
        # can make the threaded builds slower than the serial ones)
        r["ratio_best_over_best_reference"] = (min(r["warm_s"], r["warm_serial_s"])
                                               / min(r["reference_s"], r["reference_serial_s"]))
        r["ns_per_bar_combination_warm"] = r["warm_s"] / (n * res.n_bars) * 1e9
        r["ns_per_bar_combination_reference"] = r["reference_s"] / (n * res.n_bars) * 1e9
        report[name] = r
        print(json.dumps(r, indent=1))
    for name in filter(None, args.memory_grids.split(",")):
        print(f"\n== grid {name}: {_n(GRIDS[name]):,} combinations, fresh process only ==")
        report[name] = {"combinations": _n(GRIDS[name]),
                        "cold_cache_warm": _spawn(["--worker", "lean", "--grid", name])}
        print(json.dumps(report[name], indent=1))
    if args.json:
        args.json.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
