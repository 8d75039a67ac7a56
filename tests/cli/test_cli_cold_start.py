"""What a command does not do: no charts without a report, no unneeded data files read."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from backtest.report.writer import Report


@pytest.fixture
def no_charts(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make drawing any report chart fail loudly."""
    def refuse(self: Report, *args: Any, **kwargs: Any) -> str:
        raise RuntimeError("a chart was drawn")

    monkeypatch.setattr(Report, "add_chart", refuse)


RUN = ("run", "spike_reversal", "--n-boot", "50", "--format", "json", "--quiet")


def test_run_without_report_draws_no_chart(vixbt, no_charts) -> None:  # type: ignore[no-untyped-def]
    res = vixbt(*RUN, "--no-report")
    assert res.code == 0, res.err
    assert res.json()["report"] is None
    # the same run with a report does draw (so the check above can fail)
    res = vixbt(*RUN, "--out", "res")
    assert res.code == 1 and "a chart was drawn" in res.err


def test_run_without_report_prints_the_same_results(vixbt) -> None:  # type: ignore[no-untyped-def]
    plain = vixbt(*RUN, "--no-report")
    full = vixbt(*RUN, "--out", "res")
    assert plain.code == 0 and full.code == 0, (plain.err, full.err)
    a, b = plain.json(), full.json()
    assert a["report"] is None and b["report"] is not None
    assert {k: v for k, v in a.items() if k != "report"} == \
        {k: v for k, v in b.items() if k != "report"}
    assert {r["side"] for r in a["strategy"]["event_study"]} == {"long"}


def test_report_without_report_draws_no_chart(vixbt, no_charts) -> None:  # type: ignore[no-untyped-def]
    res = vixbt("report", "--strategies", "spike_reversal,vol_of_vol", "--n-boot", "20",
                "--format", "json", "--quiet", "--no-report")
    assert res.code == 0, res.err
    doc = res.json()
    assert doc["report"] is None
    assert [s["strategy"] for s in doc["strategies"]] == ["spike_reversal", "vol_of_vol"]
    assert all("stats" in s for s in doc["strategies"])


def _small_dir(root: Path, shared_data: Path) -> Path:
    """SPX and VIX from the shared data (linked, not copied) and a broken VX file."""
    root.mkdir()
    for name in ("spx_daily.csv", "vix_daily.csv"):
        (root / name).symlink_to(shared_data / name)
    (root / "vx.csv").write_text("<html><body>not a futures table</body></html>")
    (root / "manifest.csv").write_text(
        "path,symbol,format\nspx_daily.csv,SPX,yahoo-ohlcv-lowercase\n"
        "vix_daily.csv,VIX,ohlc-iso\nvx.csv,VX,continuous-wide\n")
    return root


def _failed_on(res: Any, path: Path) -> bool:
    """Exit 1, no traceback, the error line names ``path`` (repair warnings may precede it)."""
    last = res.err.strip().splitlines()[-1]
    return bool(res.code == 1 and "Traceback" not in res.err
                and last.startswith("vixbt ") and f"error: {path}: is an HTML page" in last)


def test_run_reads_only_the_files_it_needs(vixbt, shared_data: Path,  # type: ignore[no-untyped-def]
                                           tmp_path: Path) -> None:
    root = _small_dir(tmp_path / "data", shared_data)
    common = ("--data-dir", str(root), "--start", "2015-01-01", "--end", "2016-12-31",
              "--n-boot", "20", "--no-report", "--quiet", "--format", "json")
    res = vixbt("run", "spike_reversal", *common)  # SPX and VIX only: the VX file is not read
    assert res.code == 0, res.err
    doc = res.json()
    assert {c["column"] for c in doc["data"]["sources"]} == {
        "spx_open", "spx_high", "spx_low", "spx_close", "spx_volume",
        "vix_open", "vix_high", "vix_low", "vix_close"}
    res = vixbt("study", "spike_reversal", *common[:-2], "--format", "json")
    assert res.code == 0, res.err
    # a strategy on the futures needs the VX file, and its error names it
    assert _failed_on(vixbt("run", "contango_flip", "--param", "pair=vx1_vx2", *common),
                      root / "vx.csv")
    assert _failed_on(vixbt("data", "info", "--data-dir", str(root)), root / "vx.csv")


def _program(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=300, env={k: v for k, v in os.environ.items()
                                            if k != "VIXBT_DATA_DIR"})


def test_program_mode_runs_exit_handlers_and_flushes_output() -> None:
    res = _program(
        "import atexit; from backtest.cli.main import main\n"
        "atexit.register(lambda: print('exit handler ran'))\n"
        "main(['list', '--format', 'json'], exit=True)\n"
        "print('not reached')\n")
    assert res.returncode == 0, res.stderr
    body, _, tail = res.stdout.rpartition("exit handler ran")
    assert tail.strip() == "" and "not reached" not in res.stdout
    names = [s["name"] for s in json.loads(body)["strategies"]]
    assert "spike_reversal" in names and "contango_flip" in names


def test_program_mode_exit_status_of_bad_input() -> None:
    res = _program("from backtest.cli.main import main\nmain(['run', 'spike_reversl'], "
                   "exit=True)\nprint('not reached')\n")
    assert res.returncode == 2 and res.stdout == ""
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("vixbt run: error: ")
    assert "spike_reversal" in lines[0]  # the "did you mean"


def test_in_process_call_returns(vixbt) -> None:  # type: ignore[no-untyped-def]
    from backtest.cli.main import main

    assert main(["list", "--format", "json"]) == 0  # argv given: returns, no exit
    assert vixbt("run", "spike_reversl").code == 2


#: Libraries `vixbt run --no-report` must not import: the backtest runs on the
#: project's numba simulator (vectorbt is its reference in the tests only), and
#: no chart is drawn.
NOT_ON_THE_RUN_PATH = ("vectorbt", "arch", "matplotlib")

_RUN_AND_LIST_MODULES = """
import contextlib, io, sys
from backtest.cli.main import main
with contextlib.redirect_stdout(io.StringIO()):
    code = main(sys.argv[1:], exit=False)
print(code)
print("\\n".join(sys.modules))
"""


@pytest.fixture(scope="module")
def run_path_modules(shared_data: Path) -> set[str]:
    """The modules a fresh interpreter imported to run ``vixbt run bollinger_break
    --no-report`` on the full data."""
    env = {**os.environ, "VIXBT_DATA_DIR": str(shared_data), "MPLBACKEND": "Agg"}
    args = ("run", "bollinger_break", "--no-report", "--quiet", "--n-boot", "20")
    out = subprocess.run([sys.executable, "-c", _RUN_AND_LIST_MODULES, *args], env=env,
                         capture_output=True, text=True, check=True, timeout=300)
    code, *mods = out.stdout.split()
    assert code == "0", out.stderr
    return set(mods)


def _imported(mods: set[str], package: str) -> bool:
    return any(m == package or m.startswith(package + ".") for m in mods)


def test_run_without_report_imports_no_vectorbt_arch_or_matplotlib(
        run_path_modules: set[str]) -> None:
    mods = run_path_modules
    assert "backtest.execution.simulator" in mods  # the run did run
    assert [p for p in NOT_ON_THE_RUN_PATH if _imported(mods, p)] == []
    assert not _imported(mods, "backtest.sweep")
    # the same check sees vectorbt when the reference engine runs
    code = "import backtest.execution.portfolio as p, numpy as np, pandas as pd\n" \
           "ix = pd.RangeIndex(3); c = np.ones(3); z = np.zeros((3, 1), bool)\n" \
           "p.simulate(z, z, z, z, index=ix, columns=pd.RangeIndex(1), close=c, price=c, " \
           "fees=np.zeros((1, 1)), slippage=np.zeros((1, 1)), init_cash=1.0, engine='orders')\n" \
           "import sys; print('\\n'.join(sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, timeout=300)
    assert _imported(set(out.stdout.split()), "vectorbt")


def test_run_without_report_imports_no_statsmodels_or_scipy_stats(
        run_path_modules: set[str]) -> None:
    mods = run_path_modules
    assert not _imported(mods, "statsmodels") and not _imported(mods, "scipy.stats")
