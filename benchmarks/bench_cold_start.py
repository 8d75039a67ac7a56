"""Cold start of the ``vixbt`` command: wall time of fresh processes.

Usage::

    VIXBT_DATA_DIR=../shared/data python benchmarks/bench_cold_start.py
        [--repeat 5] [--report-repeat 2] [--commands run,report]
        [--strategies spike_reversal,bollinger_break] [--datasets embedded,full]
        [--record] [--json out.json]

Each measurement is one new process running the installed ``vixbt`` command
(``python -m backtest.cli.main`` if the script is not found next to the Python
executable), timed from spawn to exit (wall clock) and by the CPU time the
process used (user + system, from ``os.wait4``):

* ``vixbt run STRATEGY --no-report --quiet`` for each of ``--strategies``,
  ``--repeat`` times;
* ``vixbt report --quiet --out <temporary folder>``, ``--report-repeat`` times
  (every registered strategy, 1,000 bootstrap draws, charts and HTML written);

on the embedded sample (``VIXBT_DATA_DIR`` removed from the environment) and,
when a data directory is given (``--data-dir`` or ``$VIXBT_DATA_DIR``), on the
full data.  One untimed run of each command and data set comes first, so
numba's on-disk cache is warm (the "cold start" measured is a fresh process
with a warm cache, the case a user meets after the first run).  The one-minute
load average is recorded next to each time: the machine may be shared, and on
a busy machine the CPU time is the better guide (the wall time then includes
waiting for a core).

``--record`` writes the table into ``benchmarks/README.md`` between the markers
``<!-- cold-start:begin -->`` and ``<!-- cold-start:end -->`` (appending the
section at the end the first time); the rest of the file is kept.  Benchmarks
are not tests: nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
README = HERE / "README.md"
BEGIN, END = "<!-- cold-start:begin -->", "<!-- cold-start:end -->"
TARGET_S = 2.5  # a cold `vixbt run` (issue: fast end to end)


def _command() -> list[str]:
    script = Path(sys.executable).parent / "vixbt"
    return [str(script)] if script.is_file() else [sys.executable, "-m", "backtest.cli.main"]


def _env(data_dir: Path | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "VIXBT_DATA_DIR"}
    if data_dir is not None:
        env["VIXBT_DATA_DIR"] = str(data_dir)
    return env


def _time_once(argv: list[str], env: dict[str, str], cwd: Path) -> tuple[float, float]:
    """Wall and CPU (user + system) seconds of one process running ``argv``."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(argv, env=env, cwd=cwd, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    assert proc.stderr is not None
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed ({proc.returncode}):\n"
                         f"{err.decode(errors='replace')}")
    return elapsed, usage.ru_utime + usage.ru_stime


def measure(name: str, args: list[str], data_name: str, data_dir: Path | None, repeat: int,
            workdir: Path) -> dict[str, Any]:
    """Time ``repeat`` fresh processes of ``vixbt args`` after one untimed warm-up."""
    argv = [*_command(), *args]
    env = _env(data_dir)
    _time_once(argv, env, workdir)  # numba cache warm, files in the page cache
    times, cpus, loads = [], [], []
    for _ in range(repeat):
        loads.append(os.getloadavg()[0])
        wall, cpu = _time_once(argv, env, workdir)
        times.append(wall)
        cpus.append(cpu)
        print(f"  {' '.join(args[:2]):<24} {data_name:<9} {wall:6.2f} s wall {cpu:6.2f} s CPU"
              f"  (load {loads[-1]:.1f})", flush=True)
    return {"command": name, "data": data_name, "argv": ["vixbt", *args], "times_s": times,
            "cpu_s": cpus, "load_avg_1min": loads, "min_s": min(times),
            "median_s": statistics.median(times), "max_s": max(times),
            "median_cpu_s": statistics.median(cpus)}


def markdown(rows: list[dict[str, Any]], meta: dict[str, Any]) -> str:
    """The README section: one table row per (command, data)."""
    lines = [
        "## Cold start of the command (`bench_cold_start.py`)",
        "",
        f"Recorded {meta['date']} by `python benchmarks/bench_cold_start.py --record` "
        f"on {meta['machine']}, {meta['cpus']} cores shared with other jobs (one-minute load "
        "average at each run in the last column). Each time is a fresh process from spawn "
        "to exit with numba's on-disk cache warm (one untimed run first); CPU is the "
        "process's user + system time. Target: a cold "
        f"`vixbt run` under {TARGET_S:g} s.",
        "",
        "| command | data | runs | min | median | max | median CPU | load average |",
        "|---|---|---:|---:|---:|---:|---:|---|",
    ]
    for r in rows:
        load = f"{min(r['load_avg_1min']):.1f}-{max(r['load_avg_1min']):.1f}"
        lines.append(f"| `{' '.join(r['argv'])}` | {r['data']} | {len(r['times_s'])} | "
                     f"{r['min_s']:.2f} s | **{r['median_s']:.2f} s** | {r['max_s']:.2f} s | "
                     f"{r['median_cpu_s']:.2f} s | {load} |")
    lines += ["", *meta.get("notes", [])]
    return "\n".join(lines).rstrip() + "\n"


NOTES = [
    "What the command does not do any more, and why it was slow before (6.5-7.0 s for "
    "`vixbt run spike_reversal --no-report` on the full data, 4.5-5.3 s on the embedded "
    "sample, measured on the same machine before the change):",
    "",
    "- `vixbt run` and `vixbt study STRATEGY` read only the data files of the symbols "
    "whose columns the strategy needs, plus VIX and SPX (`load_market_data(columns=...)`): "
    "on the full data 0.2 s instead of 0.9-1.9 s; the 96-file VX futures archive is no "
    "longer read for a VIX-only strategy. The table's values, calendar and sources are "
    "the full table's (tested); its content hash is the hash of that smaller table.",
    "- `--no-report` draws no chart (`run`, `report`, `study`): 1.2-1.9 s of matplotlib "
    "rendering saved per run.",
    "- Run as the program, `vixbt` ends as soon as the command is done (exit handlers run, "
    "output flushed, then `os._exit`) instead of letting the interpreter tear down every "
    "module of vectorbt, numba, scipy and statsmodels one by one: about 0.8 s.",
    "- The run's orders are simulated by the project's numba simulator "
    "(`backtest/execution/simulator.py`, vectorbt's order arithmetic, tested identical to "
    "vectorbt), so vectorbt is not imported (1.9-3.3 s); the strategy registry imports a "
    "strategy's module when it is first looked up; the comparisons of `strategies.compare` "
    "load one cached numba function instead of four ufuncs (about 0.6 s).",
    "- The family's p-values are adjusted in NumPy (Holm, Benjamini-Yekutieli; statsmodels' "
    "`multipletests` the reference in the tests) and the event study's bootstrap and "
    "placebos run in compiled loops, so the run path imports neither statsmodels nor "
    "scipy.stats (a fresh-interpreter test holds it).",
    "- What remains of a cold `vixbt run`: pandas/numpy, numba's initialisation, the data "
    "and evidence packages, loading the strategy's files, the backtest and the family "
    "study of every strategy (about 2 s of CPU in all).",
    "- `vixbt report` still reads every data file (the report shows every column's "
    "provenance) and draws every chart: its time is dominated by the event studies and "
    "charts of all strategies, not by start-up.",
]


def record(section: str, path: Path = README) -> None:
    """Replace (or append) the marked section of ``path``, keeping everything else."""
    text = path.read_text(encoding="utf-8")
    block = f"{BEGIN}\n{section}{END}\n"
    if BEGIN in text and END in text:
        head, rest = text.split(BEGIN, 1)
        tail = rest.split(END, 1)[1].lstrip("\n")
        text = head + block + (("\n" + tail) if tail else "")
    else:
        text = text.rstrip("\n") + "\n\n" + block
    path.write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; returns the exit status."""
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--repeat", type=int, default=5, help="timed runs of `vixbt run`")
    p.add_argument("--report-repeat", type=int, default=2, help="timed runs of `vixbt report`")
    p.add_argument("--commands", default="run,report", help="subset of run,report")
    p.add_argument("--strategies", default="spike_reversal,bollinger_break",
                   help="strategies timed with `vixbt run` (comma-separated)")
    p.add_argument("--datasets", default="embedded,full",
                   help="subset of embedded,full (full needs a data directory)")
    p.add_argument("--data-dir", default=os.environ.get("VIXBT_DATA_DIR") or None,
                   help="full data directory (default: $VIXBT_DATA_DIR; none: embedded only)")
    p.add_argument("--record", action="store_true", help="write the table into README.md")
    p.add_argument("--json", metavar="FILE", help="also write the raw times as JSON")
    args = p.parse_args(argv)
    commands = [c.strip() for c in args.commands.split(",") if c.strip()]
    unknown = set(commands) - {"run", "report"}
    if unknown:
        p.error(f"--commands: unknown {', '.join(sorted(unknown))} (use run,report)")
    wanted = {d.strip() for d in args.datasets.split(",") if d.strip()}
    datasets: list[tuple[str, Path | None]] = [("embedded", None)] if "embedded" in wanted else []
    if args.data_dir and "full" in wanted:
        datasets.append(("full", Path(args.data_dir).expanduser().resolve()))
    rows = []
    with tempfile.TemporaryDirectory(prefix="vixbt-cold-") as tmp:
        work = Path(tmp)
        for name in commands:
            for data_name, data_dir in datasets:
                if name == "run":
                    for strategy in args.strategies.split(","):
                        cmd = ["run", strategy.strip(), "--no-report", "--quiet"]
                        rows.append(measure(name, cmd, data_name, data_dir, args.repeat,
                                            work))
                else:
                    cmd = ["report", "--quiet", "--out", str(work / "results")]
                    rows.append(measure(name, cmd, data_name, data_dir, args.report_repeat,
                                        work))
    for r in rows:
        if r["command"] == "report":
            r["argv"] = ["vixbt", "report", "--quiet", "--out", "TMP"]
    meta = {"date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
            "machine": platform.machine(), "cpus": os.cpu_count(),
            "python": platform.python_version(), "notes": NOTES}
    section = markdown(rows, meta)
    print()
    print(section)
    if args.json:
        Path(args.json).write_text(json.dumps({"meta": meta, "rows": rows}, indent=2) + "\n")
    if args.record:
        record(section)
        print(f"recorded in {README}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
