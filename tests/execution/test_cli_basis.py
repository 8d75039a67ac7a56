"""The command line: default costs in --help, the basis line first, frictionless on request."""

from __future__ import annotations

import json

import pytest

from backtest.cli.main import main
from backtest.data import load_market_data
from backtest.execution import Execution, run
from strategies.spike_reversal import SpikeReversal


@pytest.mark.parametrize("command", ["run", "sweep", "report"])
def test_help_states_default_costs_and_modes(command: str,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    assert main([command, "--help"]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "0.5 bp fees + 1 bp slippage per side" in out
    assert "--returns {price,total}" in out and "--market {spx,ndx}" in out
    assert "(default: 5e-05)" in out and "(default: 0.0001)" in out


def test_frictionless_price_run_reproduces_the_library(data_dir: object,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    args = ["run", "spike_reversal", "--data-dir", str(data_dir), "--start", "2008-01-01",
            "--end", "2012-12-31", "--no-report", "--n-boot", "0", "--quiet"]
    assert main([*args, "--fees", "0", "--slippage", "0", "--returns", "price",
                 "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["basis"].startswith("Basis: price mode: price return (no dividends)")
    assert "no costs (frictionless)" in doc["basis"]
    frame = load_market_data(str(data_dir)).frame.loc["2008-01-01":"2012-12-31"]
    lib = run(SpikeReversal(), frame, Execution(fees=0.0, slippage=0.0, returns="price"))
    stats = doc["strategy"]["stats"]
    assert stats["total_return"] == pytest.approx(lib.stats["total_return"], rel=1e-12)
    assert stats["sharpe"] == pytest.approx(lib.stats["sharpe"], rel=1e-12)
    assert doc["fallback_share"] == pytest.approx(lib.fallback_share)
    # the default costs cost something, and the text output starts with the basis line
    assert main(args) == 0
    text = capsys.readouterr().out
    assert text.startswith("Basis: total mode:")
    # the basis line, wrapped to the terminal's width, ends at the first blank line
    basis = " ".join(text.split("\n\n", 1)[0].split())
    assert "costs 0.5 bp fees + 1 bp slippage per side" in basis
