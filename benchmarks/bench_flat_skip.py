"""Kernel CPU: jumping over flat stretches against the kernel before it, in one run.

For each grid (1990-2026), builds the signals once, then times

* the kernel alone: ``benchmarks/baseline_kernel.py`` (the kernel before the
  flat skip: walks every day) against ``backtest.sweep.kernel`` jumping over
  flat stretches (holding-period variants of a signal set sharing their common
  start) and walking every day, single-threaded builds, on the same
  lagged signal columns; price mode, and total mode when ``--total-data-dir``
  names a data directory with ``spxtr`` and ``dtb3``;
* the signals: the strategy on every row of the data against the rows the
  sweep computes them on (the run span plus the rows before it they need);
* the whole path from the data to the statistics of the 10k Bollinger grid:
  before (signals on every row, pandas ``lag_to_fill``, baseline kernel)
  against the sweep's (``Sweep._lagged_signals``, kernel layout, kernel).

CPU time (``time.process_time``), best of 3, with the one-minute load average;
outputs are checked equal (price mode: identical; total mode: to 1e-12).

Usage::

    python benchmarks/bench_flat_skip.py [--total-data-dir DIR] [--json out.json]
        [--grid NAME ...] [--no-path] [--path-only]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))

import baseline_kernel

from backtest.data import load_market_data
from backtest.execution.config import Execution
from backtest.execution.fills import lag_to_fill
from backtest.sweep import Sweep
from backtest.sweep.chunks import DEFAULT_MEMORY_BUDGET
from backtest.sweep.kernel import sweep_kernel_serial
from backtest.sweep.sweep import _kernel_layout
from strategies.registry import get_strategy

GRIDS: dict[str, dict[str, list[Any]]] = {
    # the project's 10k benchmark grid (bench_sweep.py): 500 signal sets x 20 holding periods
    "bollinger_break 10k (issue grid)": {"window": list(range(5, 101, 5)),
                                         "num_std": [round(1.0 + 0.1 * i, 1) for i in range(25)],
                                         "holding_period": list(range(1, 21))},
    # 10,000 signal sets, one variant each (no holding-period variants to share a start)
    "bollinger_break 10k": {"window": list(range(10, 110)),
                            "num_std": [round(0.05 * i, 2) for i in range(1, 101)]},
    "spike_reversal": {"holding_period": list(range(1, 41)), "fees": [0.0, 0.0005, 0.001]},
    "contango_flip": {"holding_period": [None, *range(1, 30)]},
    "vol_of_vol": {"holding_period": [None, *range(1, 30)]},
}

_KERNEL_NEW: Any = sweep_kernel_serial
_KERNEL_OLD: Any = baseline_kernel.sweep_kernel_serial


def _best(f: Any, n: int = 3) -> float:
    out = []
    for _ in range(n):
        t0 = time.process_time()
        f()
        out.append(time.process_time() - t0)
    return min(out)


def _setup(name: str, grid: dict[str, list[Any]], frame: pd.DataFrame, mode: str
           ) -> tuple[Sweep, Any, list[Any], tuple[Any, ...]]:
    cls = get_strategy(name.split()[0])
    sw = Sweep(cls, grid, Execution(returns=mode))  # type: ignore[arg-type]
    prep = sw._prepare(frame)
    sets = sw.parameter_sets
    m, n_var = len(sets), len(prep.side)
    defaults = np.asarray([s.default_holding_period or 0 for s in sets], dtype=np.int64)
    holding = np.where(prep.holding[None, :] < 0, defaults[:, None], prep.holding[None, :])
    common = (prep.price, prep.close, prep.basis.cash_index, prep.basis.cash_return,
              np.repeat(np.arange(m, dtype=np.int64), n_var), np.tile(prep.side, m),
              np.tile(prep.exit_on_signal, m), holding.ravel(), np.tile(prep.fees, m),
              np.tile(prep.slippage, m), float(sw.execution.init_cash),
              np.empty((0, len(prep.index))), False)
    return sw, prep, sets, common


def kernel_row(name: str, grid: dict[str, list[Any]], frame: pd.DataFrame,
               mode: str) -> dict[str, Any]:
    """The kernel alone, on the same lagged signal columns."""
    sw, prep, sets, common = _setup(name, grid, frame, mode)
    lagged = sw._lagged_signals(prep, sets)
    layout = [_kernel_layout(a) for a in lagged]  # the baseline reads the first T rows

    def base() -> Any:
        return _KERNEL_OLD(*layout, *common)

    def skip() -> Any:
        return _KERNEL_NEW(*layout, *common, True)

    def walk() -> Any:
        return _KERNEL_NEW(*layout, *common, False)

    a, b, c = base(), skip(), walk()  # compile / load, and check
    same_walk = bool(np.array_equal(a, c, equal_nan=True))
    if mode == "price":
        same_skip = bool(np.array_equal(a, b, equal_nan=True))
    else:
        with np.errstate(invalid="ignore"):
            close = np.isnan(a) | (a == b) | (np.abs(a - b) <= 1e-12 * np.maximum(1.0, np.abs(a)))
        same_skip = bool(close.all())
    t_base, t_skip, t_walk = _best(base), _best(skip), _best(walk)
    return {"what": "kernel", "grid": name, "mode": mode, "combinations": len(common[4]),
            "days": len(prep.index), "baseline_cpu_s": round(t_base, 4),
            "skip_cpu_s": round(t_skip, 4), "walk_cpu_s": round(t_walk, 4),
            "ratio": round(t_base / t_skip, 2), "walk_identical": same_walk,
            "skip_equal": same_skip, "load": round(os.getloadavg()[0], 2)}


def path_row(name: str, grid: dict[str, list[Any]], frame: pd.DataFrame,
             mode: str) -> dict[str, Any]:
    """Signals alone, and data -> statistics, before and after, in the sweep's chunks."""
    sw, prep, sets, _ = _setup(name, grid, frame, mode)
    cls = sw.strategy
    fill = sw.execution.fill
    width = sw._chunk_width(prep, None, DEFAULT_MEMORY_BUDGET, False)
    chunks = [sets[a:a + width] for a in range(0, len(sets), width)]

    def common(m: int) -> tuple[Any, ...]:
        zero = np.zeros(m, dtype=np.int64)
        return (prep.price, prep.close, prep.basis.cash_index, prep.basis.cash_return,
                np.arange(m, dtype=np.int64), np.tile(prep.side, m),
                np.tile(prep.exit_on_signal, m), zero, np.tile(prep.fees, m),
                np.tile(prep.slippage, m), float(sw.execution.init_cash),
                np.empty((0, len(prep.index))), False)

    def signals_all_rows() -> Any:
        return [cls.grid(frame, c) for c in chunks]

    def signals_span() -> Any:
        return [cls.grid(prep.signal_frame, c) for c in chunks]

    def before() -> Any:
        out = []
        for c in chunks:
            g = cls.grid(frame, c)
            arrays = [_kernel_layout(lag_to_fill(f, fill).to_numpy(dtype=np.bool_)[prep.rows])
                      for f in (g.long_entries, g.long_exits, g.short_entries, g.short_exits)]
            out.append(_KERNEL_OLD(*arrays, *common(len(c))))
        return np.concatenate(out)

    def after() -> Any:
        out = []
        for c in chunks:
            arrays = [_kernel_layout(a) for a in sw._lagged_signals(prep, c)]
            out.append(_KERNEL_NEW(*arrays, *common(len(c)), True))
        return np.concatenate(out)

    same = bool(np.array_equal(before(), after(), equal_nan=True))
    t_all, t_span = _best(signals_all_rows), _best(signals_span)
    t_before, t_after = _best(before), _best(after)
    return {"what": "path", "grid": name, "mode": mode, "chunk": width,
            "rows_all": len(frame), "rows_span": len(prep.signal_frame),
            "signals_all_rows_cpu_s": round(t_all, 4), "signals_span_cpu_s": round(t_span, 4),
            "signals_ratio": round(t_all / t_span, 2), "before_cpu_s": round(t_before, 4),
            "after_cpu_s": round(t_after, 4), "ratio": round(t_before / t_after, 2),
            "identical_outputs": same, "load": round(os.getloadavg()[0], 2)}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--total-data-dir", type=Path,
                   help="data directory with spxtr and dtb3 (total-mode rows)")
    p.add_argument("--json", type=Path)
    p.add_argument("--path-only", action="store_true", help="only the data -> statistics row")
    p.add_argument("--grid", action="append", choices=list(GRIDS),
                   help="kernel rows of this grid only (repeatable; default: every grid)")
    p.add_argument("--no-path", action="store_true", help="without the data -> statistics row")
    args = p.parse_args()
    grids = {g: GRIDS[g] for g in args.grid} if args.grid else GRIDS
    warnings.simplefilter("ignore")
    frames = {"price": load_market_data().frame}
    if args.total_data_dir is not None:
        frames["total"] = load_market_data(args.total_data_dir).frame
    rows = []
    for mode, frame in frames.items():
        for name, grid in grids.items() if not args.path_only else ():
            row = kernel_row(name, grid, frame, mode)
            print(json.dumps(row), flush=True)
            rows.append(row)
    if not args.no_path:
        row = path_row("bollinger_break 10k", GRIDS["bollinger_break 10k"], frames["price"],
                       "price")
        print(json.dumps(row), flush=True)
        rows.append(row)
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1) + "\n")


if __name__ == "__main__":
    main()
