"""Fixtures of the information tests: synthetic markets and the command line."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from backtest.cli.main import main


def random_market(seed: int = 0, T: int = 800, with_skew: bool = True) -> pd.DataFrame:
    """A random market frame with every column a predictor or control reads."""
    rng = np.random.default_rng(seed)
    idx = pd.bdate_range("2001-01-02", periods=T)
    spx = 1000.0 * np.exp(np.cumsum(rng.normal(0.0002, 0.01, T)))
    vix = 20.0 * np.exp(np.cumsum(rng.normal(0.0, 0.05, T)) * 0.3)
    frame = pd.DataFrame({
        "spx_open": spx * (1 + rng.normal(0, 0.001, T)), "spx_close": spx,
        "vix_close": vix, "vix3m": vix * rng.uniform(0.9, 1.2, T),
        "vx1": vix * rng.uniform(0.9, 1.1, T), "vx2": vix * rng.uniform(0.95, 1.15, T),
        "vvix": 90.0 + rng.normal(0, 5, T),
    }, index=idx)
    if with_skew:
        frame["skew"] = 120.0 + rng.normal(0, 3, T)
    gaps = [t for t in (100, 300) if t < T]
    frame.loc[frame.index[gaps], "vix_close"] = np.nan  # missing days are skipped
    return frame


@dataclass
class Outcome:
    """Exit status and captured output of one ``vixbt`` call."""

    code: int
    out: str
    err: str


@pytest.fixture
def vixbt(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
          tmp_path: Path) -> Callable[..., Outcome]:
    """``vixbt(*args)`` -> Outcome, on the embedded sample, results under tmp_path."""
    monkeypatch.delenv("VIXBT_DATA_DIR", raising=False)
    monkeypatch.chdir(tmp_path)

    def call(*args: str) -> Outcome:
        capsys.readouterr()
        code = main(list(args))
        got = capsys.readouterr()
        return Outcome(code, got.out, got.err)

    return call
