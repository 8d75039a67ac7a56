"""Cost of the per-set path against the vectorised path: Bollinger break, 1k grids.

Usage::

    VIXBT_DATA_DIR=../shared/data python benchmarks/bench_per_set.py [--repeat 3]
        [--json out.json]

The per-set strategy is ``tests/strategies/per_set_bollinger.py``: Bollinger
break written with plain pandas over one parameter set (``entries``,
``exits``, ``short_entries``, ``short_exits``), which the base class loops over
the grid.  The tests hold its signals equal to the vectorised
:class:`strategies.bollinger_break.BollingerBreak`.  On the full history it
measures, warm (after a first call), best of ``--repeat`` for the vectorised
path and one run for the per-set path:

* **signals, 1,000 parameter sets** (window 20 x num_std 25 x exit style 2):
  ``cls.grid(data, sets)``, the step the two paths differ in;
* **sweep, the 1k grid of ``bench_sweep.py``** (window 10 x num_std 10 x
  holding period 10: 100 signal sets, 1,000 combinations):
  ``Sweep(cls, grid).run(data)`` end to end.

The machine load (1-minute load average) is printed with the figures: on a
shared machine the wall-clock times scale with it.  Benchmarks are not tests:
nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests" / "strategies"))

SIGNAL_GRID: dict[str, list[Any]] = {
    "window": list(range(10, 201, 10)),
    "num_std": [round(1.0 + 0.1 * i, 1) for i in range(25)],
    "exit_style": ["inside", "middle"],
}
SWEEP_GRID: dict[str, list[Any]] = {  # the 1k grid of bench_sweep.py
    "window": [10, 15, 20, 30, 40, 50, 63, 80, 100, 126],
    "num_std": [round(1.0 + 0.25 * i, 2) for i in range(10)],
    "holding_period": [1, 2, 3, 5, 8, 10, 15, 21, 42, 63],
}


def _best(fn: Callable[[], Any], repeat: int) -> tuple[float, float]:
    """Best wall-clock time of ``repeat`` warm runs, and that run's CPU time."""
    fn()  # warm: numba compilation, caches
    times = []
    for _ in range(repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        fn()
        times.append((time.perf_counter() - t0, time.process_time() - c0))
    return min(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args()
    warnings.simplefilter("ignore")

    from per_set_bollinger import PerSetBollinger

    from backtest.data import load_market_data
    from backtest.sweep import Sweep
    from strategies.bollinger_break import BollingerBreak

    data_dir = os.environ.get("VIXBT_DATA_DIR", str(HERE.parent.parent / "shared" / "data"))
    frame = load_market_data(data_dir, columns=["vix_close"]).frame.loc["1990":]
    out: dict[str, Any] = {"days": len(frame), "load_average": os.getloadavg()[0]}
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; "
          f"data: {len(frame):,} days {frame.index[0]:%Y-%m-%d} .. {frame.index[-1]:%Y-%m-%d}")

    vec_sets = BollingerBreak.product(**SIGNAL_GRID)
    per_sets = PerSetBollinger.product(**SIGNAL_GRID)
    n = len(vec_sets)
    vec, vec_cpu = _best(lambda: BollingerBreak.grid(frame, vec_sets), args.repeat)
    PerSetBollinger.grid(frame, per_sets[:5])  # warm the pandas paths
    t0, c0 = time.perf_counter(), time.process_time()
    a = PerSetBollinger.grid(frame, per_sets)
    per, per_cpu = time.perf_counter() - t0, time.process_time() - c0
    b = BollingerBreak.grid(frame, vec_sets)
    same = all((getattr(a, f).to_numpy() == getattr(b, f).to_numpy()).all()
               for f in ("long_entries", "long_exits", "short_entries", "short_exits"))
    out["signals"] = {"sets": n, "vectorised_s": vec, "vectorised_cpu_s": vec_cpu,
                      "per_set_s": per, "per_set_cpu_s": per_cpu, "ratio": per / vec,
                      "ratio_cpu": per_cpu / vec_cpu,
                      "per_set_ms_per_set": 1e3 * per / n, "identical": bool(same)}
    print(f"signals of {n:,} sets: vectorised {vec:.3f} s (CPU {vec_cpu:.3f} s), per-set "
          f"{per:.2f} s (CPU {per_cpu:.2f} s, {1e3 * per_cpu / n:.1f} ms per set), "
          f"{per / vec:.0f}x wall, {per_cpu / vec_cpu:.0f}x CPU; identical: {same}")

    sweep_vec, sweep_vec_cpu = _best(
        lambda: Sweep(BollingerBreak, SWEEP_GRID).run(frame, progress=False), args.repeat)
    t0, c0 = time.perf_counter(), time.process_time()
    ra = Sweep(PerSetBollinger, SWEEP_GRID).run(frame, progress=False).to_frame()
    sweep_per, sweep_per_cpu = time.perf_counter() - t0, time.process_time() - c0
    rb = Sweep(BollingerBreak, SWEEP_GRID).run(frame, progress=False).to_frame()
    same_rows = bool(ra.equals(rb))
    out["sweep"] = {"combinations": 1000, "signal_sets": 100, "vectorised_s": sweep_vec,
                    "vectorised_cpu_s": sweep_vec_cpu, "per_set_s": sweep_per,
                    "per_set_cpu_s": sweep_per_cpu, "ratio": sweep_per / sweep_vec,
                    "identical": same_rows}
    print(f"sweep, 1k grid (100 signal sets x 10 holding periods): vectorised "
          f"{sweep_vec:.3f} s (CPU {sweep_vec_cpu:.2f} s), per-set {sweep_per:.2f} s "
          f"(CPU {sweep_per_cpu:.2f} s), {sweep_per / sweep_vec:.1f}x wall; "
          f"identical rows: {same_rows}")
    if args.json is not None:
        args.json.write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
