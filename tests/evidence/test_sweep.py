"""All sweep checks at once: a genuinely superior set versus pure noise."""

from __future__ import annotations

import numpy as np
import pandas as pd

from backtest.evidence.sweep import sweep_evidence


def _sweep(seed: int, superior: bool) -> tuple[pd.DataFrame, pd.Series]:
    rng = np.random.default_rng(seed)
    T = 2000
    idx = pd.bdate_range("2005-01-03", periods=T)
    bench = pd.Series(rng.normal(0.0003, 0.01, T), index=idx)
    x = bench.to_numpy()[:, None] * 0.5 + rng.normal(0.0, 0.007, (T, 20))
    if superior:
        x[:, 4] = bench.to_numpy() + 0.0015 + rng.normal(0.0, 0.002, T)
    return pd.DataFrame(x, index=idx, columns=[f"p{i}" for i in range(20)]), bench


def test_superior_set_passes_every_check() -> None:
    r, b = _sweep(0, superior=True)
    ev = sweep_evidence(r, b, reps=300, n_partitions=8, train=500, test=250)
    assert ev.spa.pvalue < 0.05 and ev.spa.best == "p4"
    assert ev.stepm.superior == ["p4"]
    assert ev.dsr.best == "p4" and ev.dsr.dsr > 0.95
    assert ev.pbo is not None and ev.pbo.pbo < 0.05
    assert ev.split.chosen == "p4"
    assert ev.walk_forward is not None
    assert (ev.walk_forward.windows.chosen == "p4").all()
    f = ev.to_frame()
    assert f.set_index(["test", "figure"]).loc[("stepm", "n_superior"), "value"] == 1
    assert "Hansen SPA" in ev.summary()


def test_noise_sweep_finds_nothing() -> None:
    r, b = _sweep(1, superior=False)
    ev = sweep_evidence(r, b, reps=300, n_partitions=8, train=500, test=250)
    assert ev.spa.pvalue > 0.05
    assert ev.stepm.superior == []
    assert ev.dsr.dsr < 0.95
