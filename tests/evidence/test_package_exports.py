"""The evidence package's functions that share a submodule's name stay functions."""

from __future__ import annotations

import subprocess
import sys


def test_functions_named_like_submodules_survive_importing_the_submodules() -> None:
    # a fresh interpreter: importing the submodules first must not hide the functions
    code = (
        "import backtest.evidence.event_study, backtest.evidence.verdict, "
        "backtest.evidence.episodes\n"
        "from backtest.evidence import episodes, event_study, verdict\n"
        "import inspect\n"
        "print(all(inspect.isfunction(f) for f in (episodes, event_study, verdict)))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, timeout=120)
    assert out.stdout.strip() == "True", out.stderr
