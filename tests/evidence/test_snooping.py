"""Hansen SPA and Romano-Wolf StepM on tiny hand-made sets of models."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from backtest.evidence.snooping import spa_test, stepm


def _models(seed: int, T: int = 1000, superior: bool = True) -> tuple[pd.DataFrame, pd.Series]:
    rng = np.random.default_rng(seed)
    idx = pd.bdate_range("2010-01-04", periods=T)
    bench = pd.Series(rng.normal(0.0003, 0.01, T), index=idx)
    cols = {f"noise{i}": bench + rng.normal(0.0, 0.005, T) for i in range(4)}
    cols["worse"] = bench - 0.002 + rng.normal(0.0, 0.002, T)
    if superior:
        cols["good"] = bench + 0.002 + rng.normal(0.0, 0.002, T)
    return pd.DataFrame(cols), bench


def test_clearly_superior_model_is_found() -> None:
    models, bench = _models(0)
    spa = spa_test(models, bench, reps=500, seed=1)
    assert spa.pvalue < 0.01
    assert spa.best == "good"
    p = spa.pvalues
    assert p["lower"] <= p["consistent"] <= p["upper"]
    sm = stepm(models, bench, reps=500, seed=1)
    assert sm.superior == ["good"]  # not the noise, and not the worse model (loss sign)
    assert sm.to_frame().loc["good", "superior"]
    assert "consistent" in spa.summary()


def test_pure_noise_models_are_not_found() -> None:
    found_spa = found_stepm = 0
    for seed in range(8):
        models, bench = _models(seed, T=600, superior=False)
        found_spa += spa_test(models, bench, reps=200, seed=seed).pvalue < 0.05
        found_stepm += bool(stepm(models, bench, reps=200, seed=seed).superior)
    assert found_spa <= 1 and found_stepm <= 1


def test_seeded_results_are_reproducible() -> None:
    models, bench = _models(3, T=400, superior=False)
    a = spa_test(models, bench, reps=200, seed=5).pvalues
    b = spa_test(models, bench, reps=200, seed=5).pvalues
    pd.testing.assert_series_equal(a, b)


def test_bad_input_messages() -> None:
    models, bench = _models(0, T=100)
    with pytest.raises(ValueError, match="must share one index"):
        spa_test(models.iloc[1:], bench)
    bad = models.copy()
    bad.iloc[3, 2] = np.nan
    with pytest.raises(ValueError, match=r"NaN/inf in column\(s\) \['noise2'\]"):
        stepm(bad, bench)
    with pytest.raises(TypeError, match="strategy_returns must be a DataFrame"):
        spa_test(bench, bench)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="size must lie in"):
        stepm(models, bench, size=1.5)
