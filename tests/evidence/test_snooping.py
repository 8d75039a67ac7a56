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


# -- the fast arithmetic against arch, given the same indices -----------------------------

def _graded(seed: int, T: int = 400, n: int = 30) -> tuple[np.ndarray, np.ndarray]:
    """Benchmark losses and model losses with graded true edges (some StepM steps)."""
    rng = np.random.default_rng(seed)
    bench = rng.normal(0.0, 0.01, T)
    edge = np.linspace(-0.0015, 0.0025, n)
    noise = rng.normal(0.0, 0.004, (T, n))
    noise[1:] += 0.4 * noise[:-1]  # serial correlation: the long-run variance matters
    return bench, bench[:, None] - edge - noise


@pytest.mark.parametrize("kind", ["stationary", "circular", "moving block"])
@pytest.mark.parametrize("block", [1, 5, 23])
def test_spa_and_stepm_equal_arch_given_the_same_indices(kind: str, block: int) -> None:
    from arch.bootstrap import SPA, StationaryBootstrap, StepM

    from backtest.evidence.snoop_stats import (
        BootstrapPlan,
        merge_summaries,
        snoop_outcome,
        summarise_chunk,
    )

    bench, models = _graded(block)
    T, n = models.shape
    plan = BootstrapPlan.draw(T, block, 300, np.random.default_rng(11), kind)  # type: ignore[arg-type]
    spa = SPA(bench, models, block_size=block, reps=300, bootstrap=kind,  # type: ignore[arg-type]
              seed=np.random.default_rng(11))
    spa.compute()
    diffs = (bench[:, None] - models).T
    whole = summarise_chunk(diffs, plan, top_k=n)
    np.testing.assert_allclose(whole.variances, spa._loss_diff_var, rtol=1e-10, atol=1e-14)
    np.testing.assert_allclose(whole.max_sim, spa._simulated_vals.max(axis=0), rtol=0,
                               atol=1e-12)
    out = snoop_outcome(whole, 0.05)
    assert out.pvalues == pytest.approx(dict(spa.pvalues), abs=1e-10)
    sm = StepM(bench, models, size=0.05, block_size=block, reps=300,
               bootstrap=kind, seed=np.random.default_rng(11))  # type: ignore[arg-type]
    sm.compute()
    assert out.superior.tolist() == sorted(int(i) for i in sm.superior_models)
    # chunks of sets (and a small top-k that still covers the rejections) change nothing
    parts = [summarise_chunk(diffs[lo:lo + 7], plan, lo, top_k=n, parallel=False)
             for lo in range(0, n, 7)]
    merged = merge_summaries(parts, top_k=n)
    np.testing.assert_array_equal(merged.max_sim, whole.max_sim)
    np.testing.assert_array_equal(merged.variances, whole.variances)
    chunked = snoop_outcome(merged, 0.05)
    assert chunked.pvalues == out.pvalues
    np.testing.assert_array_equal(chunked.superior, out.superior)
    if kind == "stationary":
        bs = StationaryBootstrap(block, np.zeros(T), seed=np.random.default_rng(11))
        for r in range(5):
            np.testing.assert_array_equal(plan.indices(r), bs.update_indices())


def test_stepm_takes_several_steps_and_flags_a_short_top_list() -> None:
    from arch.bootstrap import StepM

    from backtest.evidence.snoop_stats import BootstrapPlan, snoop_outcome, summarise_chunk

    rng = np.random.default_rng(3)
    T, n = 500, 40
    bench = rng.normal(0.0, 0.01, T)
    models = bench[:, None] - np.linspace(0.0, 0.004, n) - rng.normal(0.0, 0.01, (T, n))
    sm = StepM(bench, models, block_size=8, reps=400, seed=np.random.default_rng(2))
    sm.compute()
    sm.spa.subset(np.ones(n, dtype=bool))
    sm.spa.compute()
    first_step = set(sm.spa.better_models(0.05).tolist())
    assert len(sm.superior_models) > len(first_step) > 3  # StepM went beyond its first step
    plan = BootstrapPlan.draw(T, 8, 400, np.random.default_rng(2))
    diffs = (bench[:, None] - models).T
    out = snoop_outcome(summarise_chunk(diffs, plan, top_k=n))
    assert out.exact and out.superior.tolist() == sorted(sm.superior_models)
    short = snoop_outcome(summarise_chunk(diffs, plan, top_k=2))
    assert not short.exact


def test_serial_and_parallel_bootstrap_sums_are_bit_identical() -> None:
    from backtest.evidence.snoop_stats import BootstrapPlan, summarise_chunk

    bench, models = _graded(4, T=300, n=50)
    plan = BootstrapPlan.draw(300, 6, 200, np.random.default_rng(0))
    diffs = (bench[:, None] - models).T
    a = summarise_chunk(diffs, plan, parallel=True)
    b = summarise_chunk(diffs, plan, parallel=False)
    np.testing.assert_array_equal(a.max_sim, b.max_sim)
    np.testing.assert_array_equal(a.top_values, b.top_values)


def test_one_pass_spa_stepm_equals_the_separate_calls() -> None:
    from backtest.evidence.snooping import spa_stepm

    models, bench = _models(0)
    spa, sm = spa_stepm(models, bench, reps=300, seed=4)
    alone = spa_test(models, bench, reps=300, seed=4)
    pd.testing.assert_series_equal(spa.pvalues, alone.pvalues)
    assert sm.superior == stepm(models, bench, reps=300, seed=4).superior == ["good"]


def test_views_from_one_bootstrap_pass_equal_each_views_own_pass() -> None:
    """Returns minus a mix of market and cash: the views' bootstrap sums come from the
    returns' sums once (summarise_mixtures) and equal each view summarised alone."""
    from backtest.evidence.snoop_stats import (
        BootstrapPlan,
        summarise_chunk,
        summarise_mixtures,
    )
    from backtest.evidence.stream import _distinct_rows

    rng = np.random.default_rng(5)
    T, n = 400, 12
    markets = rng.normal(0.0004, 0.01, (2, T))
    per_set = markets[np.arange(n) % 2]  # two execution variants, interleaved
    cash = np.full(T, 0.0001)
    r = 0.6 * per_set + rng.normal(0.0, 0.004, (n, T))
    r[3] = 0.0  # never trades
    rows, row_of = _distinct_rows(per_set, n)
    assert rows.shape == (2, T) and row_of.tolist() == [0, 1] * (n // 2)
    np.testing.assert_array_equal(rows[row_of], per_set)
    weights = {"a": rng.uniform(0, 1, n), "b": rng.normal(0.5, 0.3, n), "c": np.ones(n)}
    diffs = {v: r - w[:, None] * per_set - (1.0 - w[:, None]) * cash[None, :]
             for v, w in weights.items()}
    plan = BootstrapPlan.draw(T, 7, 300, np.random.default_rng(1))
    mixed = summarise_mixtures(r, rows, row_of, cash, weights, diffs, plan, 20, top_k=5,
                               parallel=False)
    for v, d in diffs.items():
        alone = summarise_chunk(d, plan, 20, top_k=5, parallel=False)
        np.testing.assert_array_equal(mixed[v].means, alone.means)
        np.testing.assert_array_equal(mixed[v].variances, alone.variances)
        np.testing.assert_allclose(mixed[v].max_sim, alone.max_sim, rtol=0, atol=1e-15)
        np.testing.assert_allclose(np.sort(mixed[v].top_values, axis=1),
                                   np.sort(alone.top_values, axis=1), rtol=0, atol=1e-15)
        assert (mixed[v].top_sets.min(), mixed[v].top_sets.max()) == (20, 20 + n - 1)
