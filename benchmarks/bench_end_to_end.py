"""End-to-end `vixbt sweep` benchmark: kernel + SPA + StepM + PBO + walk-forward.

Runs ``vixbt sweep bollinger_break ... --no-report`` (1,000 bootstrap replicates,
1990-2026) as a child process at 1k, 10k and 100k parameter sets and records
its wall time, CPU time and peak memory (``ru_maxrss`` of the child), then
times arch's SPA + StepM against this package's on the same losses of a subset
of sets (arch is too slow for the full grids: its time is extrapolated linearly
in the number of sets, which is how both its variance loop and its bootstrap
scale), the 2-core speed-up of the streamed evidence, and the same grid on a
2-worker Dask ``LocalCluster`` (``--cluster local:2``) against the local run.

Usage::

    python benchmarks/bench_end_to_end.py [--sizes 1000,10000,100000] [--json out.json]

Peak memory against the grid size (the rows streamed to ``/dev/null``, nothing
parsed, so a grid of millions of sets costs the parent nothing)::

    python benchmarks/bench_end_to_end.py --memory --sizes 10000,100000,1000000 \
        --reps 20 --threads 1 --format json

The machine's load average is recorded with the figures: on a shared machine
wall times vary with it; CPU times much less.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
VIXBT = str(Path(sys.executable).with_name("vixbt"))

GRIDS: dict[int, list[str]] = {
    1_000: ["window=10:109:1", "num_std=0.5:5:0.5"],
    10_000: ["window=10:109:1", "num_std=0.05:5:0.05"],
    100_000: ["window=10:259:1", "num_std=0.0125:5:0.0125"],
    250_000: ["window=10:259:1", "num_std=0.005:5:0.005"],
    500_000: ["window=10:509:1", "num_std=0.005:5:0.005"],
    1_000_000: ["window=10:1009:1", "num_std=0.005:5:0.005"],
    2_519_000: ["window=2:2520:1", "num_std=0.01:10:0.01"],
}


def peak_memory(n_sets: int, reps: int, threads: int | None, fmt: str) -> dict[str, Any]:
    """One `vixbt sweep` child with its output thrown away: wall, CPU, peak RSS.

    ``threads`` caps numba's (and the BLAS) threads of the child: on a shared
    machine one core keeps the figures comparable.
    """
    args = [VIXBT, "sweep", "bollinger_break", "--n-boot", str(reps), "--no-report",
            "--quiet", "--format", fmt]
    for g in GRIDS[n_sets]:
        args += ["--grid", g]
    env = dict(os.environ)
    if threads is not None:
        for var in ("NUMBA_NUM_THREADS", "OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS",
                    "MKL_NUM_THREADS"):
            env[var] = str(threads)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    load = _load()
    t0 = time.perf_counter()
    proc = subprocess.run(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                          check=False, env=env)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise RuntimeError(f"vixbt sweep failed: {proc.stderr[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"n_sets": n_sets, "reps": reps, "threads": threads, "format": fmt,
            "wall_s": round(wall, 1), "cpu_s": round(cpu, 1),
            "peak_mib": round(after.ru_maxrss / 1024, 1), "load_before": round(load, 2)}


def _load() -> float:
    return os.getloadavg()[0]


def end_to_end(n_sets: int, reps: int = 1000, extra: tuple[str, ...] = ()) -> dict[str, Any]:
    """One `vixbt sweep` child process: wall, CPU (user + system of it and of its
    children, e.g. Dask workers) and peak RSS (of the largest process)."""
    args = [VIXBT, "sweep", "bollinger_break", "--n-boot", str(reps), "--no-report",
            "--quiet", "--format", "json", *extra]
    for g in GRIDS[n_sets]:
        args += ["--grid", g]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    load = _load()
    t0 = time.perf_counter()
    proc = subprocess.run(args, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise RuntimeError(f"vixbt sweep failed: {proc.stderr[-2000:]}")
    doc = json.loads(proc.stdout)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"n_sets": n_sets, "reps": reps, "args": list(extra), "wall_s": round(wall, 2),
            "cpu_s": round(cpu, 2),
            "peak_mib": round(after.ru_maxrss / 1024, 1), "load_before": round(load, 2),
            "n_combinations": doc["n_combinations"],
            "spa_consistent": doc["spa"]["pvalue_consistent"],
            "stepm_superior": len(doc["stepm"]["superior"]), "pbo": (doc["pbo"] or {}).get("pbo")}


def arch_reference(n_subset: int = 40, reps: int = 1000) -> dict[str, Any]:
    """arch's SPA + StepM against ours on the same losses of ``n_subset`` sets."""
    import warnings

    import numpy as np
    from arch.bootstrap import SPA, StepM

    from backtest.data import load_market_data
    from backtest.evidence.snooping import spa_stepm
    from backtest.sweep import Sweep
    from strategies.bollinger_break import BollingerBreak

    warnings.simplefilter("ignore")
    frame = load_market_data().frame
    grid: dict[str, list[Any]] = {"window": list(range(10, 10 + n_subset // 4 * 4, 4)),
                                  "num_std": [1.0, 1.5, 2.0, 2.5]}
    res = Sweep(BollingerBreak, grid).run(frame, keep_returns=True, progress=False)
    r = res.returns().fillna(0.0)
    b = res.benchmark_returns.iloc[:, 0].reindex(r.index).fillna(0.0)
    T, n = r.shape
    block = max(1, round(T ** (1 / 3)))
    rel = r.sub(b, axis=0)
    zero = b * 0.0
    spa_stepm(rel.iloc[:, :4], zero, reps=20, seed=0)  # compile / load the cache
    t0 = time.process_time()
    w0 = time.perf_counter()
    spa, sm = spa_stepm(rel, zero, reps=reps, seed=0)
    ours = (time.process_time() - t0, time.perf_counter() - w0)
    t0 = time.process_time()
    w0 = time.perf_counter()
    a_spa = SPA(-zero.to_numpy(), -rel.to_numpy(), block_size=block, reps=reps,
                seed=np.random.default_rng(0))
    a_spa.compute()
    a_sm = StepM(-zero.to_numpy(), -rel.to_numpy(), block_size=block, reps=reps,
                 seed=np.random.default_rng(0))
    a_sm.compute()
    arch = (time.process_time() - t0, time.perf_counter() - w0)
    same = (np.allclose(list(a_spa.pvalues), list(spa.pvalues), atol=1e-10)
            and sorted(map(str, a_sm.superior_models)) == sorted(sm.superior))
    return {"n_sets": n, "n_days": T, "reps": reps, "ours_cpu_s": round(ours[0], 3),
            "ours_wall_s": round(ours[1], 3), "arch_cpu_s": round(arch[0], 2),
            "arch_wall_s": round(arch[1], 2), "same_pvalues_and_superior_sets": bool(same),
            "arch_extrapolated_s": {str(k): round(arch[1] / n * k, 0)
                                    for k in (1_000, 10_000, 100_000)},
            "load_before": round(_load(), 2)}


def two_cores(n_sets: int = 10_000, reps: int = 1000) -> dict[str, Any]:
    """Streamed sweep + evidence in-process, warm: all cores vs one."""
    import warnings

    import numpy as np

    from backtest.data import load_market_data
    from backtest.evidence.runner import stream_sweep
    from backtest.sweep import Sweep
    from strategies.bollinger_break import BollingerBreak

    warnings.simplefilter("ignore")
    frame = load_market_data().frame
    k = int(np.sqrt(n_sets))
    sw = Sweep(BollingerBreak, {"window": list(range(10, 10 + k)),
                                "num_std": [round(0.05 * (i + 1), 4) for i in range(n_sets // k)]})
    out: dict[str, Any] = {"n_sets": sw.n_sets, "reps": reps}
    for parallel in (True, False):  # warm both builds
        stream_sweep(sw.with_grid(window=[10, 11]), frame.loc["2020":], progress=False,
                     reps=20, parallel=parallel)
    for parallel in (False, True):
        t0 = time.process_time()
        w0 = time.perf_counter()
        stream_sweep(sw, frame, progress=False, reps=reps, parallel=parallel)
        out["parallel" if parallel else "serial"] = {
            "cpu_s": round(time.process_time() - t0, 2),
            "wall_s": round(time.perf_counter() - w0, 2), "load_before": round(_load(), 2)}
    out["speed_up"] = round(out["serial"]["wall_s"] / out["parallel"]["wall_s"], 2)
    return out


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sizes", default="1000,10000,100000")
    p.add_argument("--reps", type=int, default=1000)
    p.add_argument("--skip", default="", help="comma list of: e2e, arch, cores, cluster")
    p.add_argument("--repeat", type=int, default=1, help="runs of each end-to-end size")
    p.add_argument("--cluster-size", type=int, default=10_000,
                   help="grid of the Dask comparison (local run, then --cluster local:2)")
    p.add_argument("--json", type=Path, help="write the figures here")
    p.add_argument("--memory", action="store_true",
                   help="only the peak memory of each size (one child process per size: "
                        "ru_maxrss only grows)")
    p.add_argument("--threads", type=int, help="threads of the child (--memory)")
    p.add_argument("--format", default="json", choices=("json", "csv", "table"),
                   help="output of the child (--memory; thrown away)")
    args = p.parse_args()
    skip = set(filter(None, args.skip.split(",")))
    doc: dict[str, Any] = {"cores": os.cpu_count(), "started": time.strftime("%Y-%m-%d %H:%M")}
    if args.memory:
        # a fresh interpreter per size: RUSAGE_CHILDREN's maximum covers every child
        # so far, so each size is measured by its own python process
        if len(args.sizes.split(",")) > 1:
            for n in args.sizes.split(","):
                cmd = [sys.executable, __file__, "--memory", "--sizes", n, "--reps",
                       str(args.reps), "--format", args.format]
                if args.threads is not None:
                    cmd += ["--threads", str(args.threads)]
                subprocess.run(cmd, check=True)
            return
        row = peak_memory(int(args.sizes), args.reps, args.threads, args.format)
        print(json.dumps(row), flush=True)
        if args.json:
            args.json.write_text(json.dumps(row, indent=1) + "\n")
        return
    if "e2e" not in skip:
        doc["end_to_end"] = []
        for n in map(int, args.sizes.split(",")):
            for _ in range(args.repeat):
                row = end_to_end(n, args.reps)
                print(json.dumps(row), flush=True)
                doc["end_to_end"].append(row)
    if "cluster" not in skip:
        doc["cluster"] = [end_to_end(args.cluster_size, args.reps, extra)
                          for extra in ((), ("--cluster", "local:2"))]
        print(json.dumps(doc["cluster"]), flush=True)
    if "arch" not in skip:
        doc["arch"] = arch_reference(reps=args.reps)
        print(json.dumps(doc["arch"]), flush=True)
    if "cores" not in skip:
        doc["two_cores"] = two_cores(reps=args.reps)
        print(json.dumps(doc["two_cores"]), flush=True)
    if args.json:
        args.json.write_text(json.dumps(doc, indent=1) + "\n")


if __name__ == "__main__":
    main()
