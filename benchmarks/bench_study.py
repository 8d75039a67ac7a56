"""``vixbt study`` (the verdict table of every strategy): warm in process, and fresh processes.

Usage::

    VIXBT_DATA_DIR=../shared/data python benchmarks/bench_study.py
        [--repeat 3] [--fresh 3] [--json out.json]

* **warm**: in one process, the command's work after a first run (imports done,
  numba compiled, the data loaded once): ``vixbt study --quiet --no-report``
  run in process with the loaded market table handed to it (data loading is
  timed apart), best of ``--repeat``; wall and CPU (``time.process_time``), and
  the split between the verdict table (event studies, judge, Romano-Wolf), the
  information table and the rest (text, JSON document).
* **load**: :func:`backtest.data.load.load_market_data` of the data directory in
  the warm process (every file, the 96-file VX archive included).
* **fresh**: ``vixbt study --quiet --no-report`` as a new process, ``--fresh``
  times after one untimed run (numba's on-disk cache warm): wall time and the
  child's CPU time (user + system).

The one-minute load average is recorded with every figure (the machine may be
shared).  Benchmarks are not tests: nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import platform
import resource
import subprocess
import sys
import time
import warnings
from pathlib import Path
from typing import Any


def _load() -> float:
    return os.getloadavg()[0]


def _timed(fn: Any) -> tuple[float, float, Any]:
    w, c = time.perf_counter(), time.process_time()
    out = fn()
    return time.perf_counter() - w, time.process_time() - c, out


def warm(data_dir: Path, repeat: int) -> dict[str, Any]:
    """Load once, run the command once untimed, then ``repeat`` timed runs."""
    import importlib

    import backtest.cli.commands.study as study_cmd
    from backtest.cli.main import main
    from backtest.data.load import load_market_data

    # the modules (``backtest.evidence`` binds a function under the submodule's name)
    verdict_mod = importlib.import_module("backtest.evidence.verdict")
    answer_mod = importlib.import_module("backtest.information.answer")

    warnings.simplefilter("ignore")
    lw, lc, table = _timed(lambda: load_market_data(data_dir))
    lw2, lc2, _ = _timed(lambda: load_market_data(data_dir))
    split: dict[str, float] = {}

    def timed_part(name: str, fn: Any) -> Any:
        def wrapper(*a: Any, **k: Any) -> Any:
            c = time.process_time()
            try:
                return fn(*a, **k)
            finally:
                split[name] = split.get(name, 0.0) + time.process_time() - c
        return wrapper

    # patched through the modules' namespaces: the command takes the loaded table, and
    # the two tables are timed apart
    study_cmd.__dict__["load_table"] = lambda *a, **k: table
    verdict_mod_fn = verdict_mod.__dict__["verdict_table"]
    info_fn = answer_mod.__dict__["information_table"]
    runs = []
    for i in range(repeat + 1):
        split.clear()
        verdict_mod.__dict__["verdict_table"] = timed_part("verdict_table", verdict_mod_fn)
        answer_mod.__dict__["information_table"] = timed_part("information_table", info_fn)
        load = _load()
        with contextlib.redirect_stdout(io.StringIO()) as out:
            w, c, code = _timed(lambda: main(["study", "--quiet", "--no-report"], exit=False))
        if code != 0 or "verdict" not in out.getvalue():
            raise RuntimeError(f"vixbt study failed (exit {code})")
        if i:  # the first run warms up
            runs.append({"wall_s": w, "cpu_s": c, "load": load, **{f"{k}_cpu_s": v
                                                                   for k, v in split.items()}})
    verdict_mod.__dict__["verdict_table"] = verdict_mod_fn
    answer_mod.__dict__["information_table"] = info_fn
    best = min(runs, key=lambda r: r["cpu_s"])
    return {"runs": runs, "best": best,
            "load_data": {"first_wall_s": lw, "first_cpu_s": lc, "again_wall_s": lw2,
                          "again_cpu_s": lc2}}


def fresh(data_dir: Path, n: int) -> list[dict[str, float]]:
    """``n`` timed fresh processes after one untimed one."""
    script = Path(sys.executable).parent / "vixbt"
    cmd = ([str(script)] if script.is_file() else [sys.executable, "-m", "backtest.cli.main"])
    cmd += ["study", "--quiet", "--no-report"]
    env = {**os.environ, "VIXBT_DATA_DIR": str(data_dir)}
    out = []
    for i in range(n + 1):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        load = _load()
        t = time.perf_counter()
        subprocess.run(cmd, env=env, check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
        wall = time.perf_counter() - t
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        if i:
            out.append({"wall_s": wall, "cpu_s": cpu, "load": load})
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data-dir", type=Path, default=os.environ.get("VIXBT_DATA_DIR"))
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--fresh", type=int, default=3)
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args()
    if args.data_dir is None:
        sys.exit("give --data-dir or set VIXBT_DATA_DIR")
    res: dict[str, Any] = {"machine": f"{platform.machine()}, {os.cpu_count()} cores",
                           "python": platform.python_version()}
    if args.fresh:
        res["fresh"] = fresh(args.data_dir, args.fresh)
        for r in res["fresh"]:
            print(f"fresh process: {r['wall_s']:.2f} s wall, {r['cpu_s']:.2f} s CPU "
                  f"(load {r['load']:.1f})")
    if args.repeat:
        res["warm"] = warm(args.data_dir, args.repeat)
        for r in res["warm"]["runs"]:
            parts = ", ".join(f"{k[:-6]} {v:.2f}" for k, v in r.items() if k.endswith("_cpu_s"))
            print(f"warm: {r['wall_s']:.2f} s wall, {r['cpu_s']:.2f} s CPU ({parts}; "
                  f"load {r['load']:.1f})")
        ld = res["warm"]["load_data"]
        print(f"load data: first {ld['first_wall_s']:.2f} s wall / {ld['first_cpu_s']:.2f} s "
              f"CPU, again {ld['again_wall_s']:.2f} / {ld['again_cpu_s']:.2f}")
    if args.json:
        args.json.write_text(json.dumps(res, indent=2))


if __name__ == "__main__":
    main()
