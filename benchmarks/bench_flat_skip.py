"""Kernel CPU: jumping over flat stretches against today's kernel, in one run.

Builds a grid's signals once (price mode, 1990-2026), then times the kernel
alone: ``benchmarks/baseline_kernel.py`` (the kernel before the flat skip)
against ``backtest.sweep.kernel`` with and without the skip, single-threaded
builds (CPU time, best of 3), and checks that the outputs are equal.

Usage::

    python benchmarks/bench_flat_skip.py [--json out.json]
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

sys.path.insert(0, str(Path(__file__).resolve().parent))

import baseline_kernel

from backtest.data import load_market_data
from backtest.execution.config import Execution
from backtest.execution.fills import lag_to_fill
from backtest.sweep import Sweep
from backtest.sweep.kernel import sweep_kernel_serial
from backtest.sweep.sweep import _kernel_layout
from strategies.registry import get_strategy

GRIDS: dict[str, dict[str, list[Any]]] = {
    "bollinger_break 10k": {"window": list(range(10, 110)),
                            "num_std": [round(0.05 * i, 2) for i in range(1, 101)]},
    "spike_reversal": {"holding_period": list(range(1, 41)), "fees": [0.0, 0.0005, 0.001]},
    "contango_flip": {"holding_period": [None, *range(1, 30)]},
    "vol_of_vol": {"holding_period": [None, *range(1, 30)]},
}


def _best(f: Any, n: int = 3) -> float:
    out = []
    for _ in range(n):
        t0 = time.process_time()
        f()
        out.append(time.process_time() - t0)
    return min(out)


def one(name: str, grid: dict[str, list[Any]], frame: Any) -> dict[str, Any]:
    cls = get_strategy(name.split()[0])
    sw = Sweep(cls, grid, Execution(returns="price"))
    prep = sw._prepare(frame)
    sets = sw.parameter_sets
    g = cls.grid(prep.frame, sets)
    arrays = [_kernel_layout(lag_to_fill(f, sw.execution.fill).to_numpy(dtype=np.bool_)[prep.rows])
              for f in (g.long_entries, g.long_exits, g.short_entries, g.short_exits)]
    m, n_var = len(sets), len(prep.side)
    defaults = np.asarray([s.default_holding_period or 0 for s in sets], dtype=np.int64)
    holding = np.where(prep.holding[None, :] < 0, defaults[:, None], prep.holding[None, :])
    common = (prep.price, prep.close, prep.basis.cash_index, prep.basis.cash_return,
              np.repeat(np.arange(m, dtype=np.int64), n_var), np.tile(prep.side, m),
              np.tile(prep.exit_on_signal, m), holding.ravel(), np.tile(prep.fees, m),
              np.tile(prep.slippage, m), float(sw.execution.init_cash),
              np.empty((0, len(prep.index))), False)

    def base() -> Any:
        return baseline_kernel.sweep_kernel_serial(*arrays, *common)

    def skip() -> Any:
        return sweep_kernel_serial(*arrays, *common, True)

    def walk() -> Any:
        return sweep_kernel_serial(*arrays, *common, False)

    a, b, c = base(), skip(), walk()  # compile / load, and check
    same = bool(np.array_equal(a, b, equal_nan=True) and np.array_equal(a, c, equal_nan=True))
    t_base, t_skip, t_walk = _best(base), _best(skip), _best(walk)
    t_index = 0.0
    return {"grid": name, "combinations": m * n_var, "days": len(prep.index),
            "baseline_cpu_s": round(t_base, 4), "skip_cpu_s": round(t_skip, 4),
            "walk_cpu_s": round(t_walk, 4), "index_cpu_s": round(t_index, 4),
            "ratio_baseline_over_skip": round(t_base / (t_skip + t_index), 2),
            "identical_outputs": same, "load": round(os.getloadavg()[0], 2)}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--json", type=Path)
    args = p.parse_args()
    warnings.simplefilter("ignore")
    frame = load_market_data().frame
    rows = []
    for name, grid in GRIDS.items():
        row = one(name, grid, frame)
        print(json.dumps(row), flush=True)
        rows.append(row)
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1) + "\n")


if __name__ == "__main__":
    main()
