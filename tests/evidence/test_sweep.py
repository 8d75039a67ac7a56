"""All sweep checks at once: a genuinely superior set versus pure noise."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from backtest.evidence.snooping import spa_test
from backtest.evidence.sweep import evidence_of_sweep, sweep_evidence
from backtest.evidence.walkforward import split_is_oos, walk_forward


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


def test_equal_per_set_benchmarks_reproduce_the_shared_benchmark_tests_exactly() -> None:
    # arch's SPA and StepM use only the loss differentials benchmark - model, so
    # relative losses (model -(r - b), benchmark 0) give the same test as raw losses.
    r, b = _sweep(0, superior=True)
    same = pd.DataFrame(np.repeat(b.to_numpy()[:, None], r.shape[1], axis=1), index=r.index,
                        columns=r.columns)
    per_set = sweep_evidence(r, same, reps=200, seed=3, n_partitions=8, train=500, test=250)
    direct = spa_test(r, b, reps=200, seed=3)  # raw losses -r vs -b, same first draws
    pd.testing.assert_series_equal(per_set.spa.pvalues, direct.pvalues)
    assert per_set.spa.best == direct.best
    assert per_set.spa.best_excess == pytest.approx(direct.best_excess, rel=1e-12)
    shared = sweep_evidence(r, b, reps=200, seed=3, n_partitions=8, train=500, test=250)
    pd.testing.assert_series_equal(per_set.spa.pvalues, shared.spa.pvalues)
    assert per_set.stepm.superior == shared.stepm.superior == ["p4"]
    assert per_set.split == shared.split
    assert per_set.walk_forward is not None and shared.walk_forward is not None
    pd.testing.assert_series_equal(per_set.walk_forward.benchmark_returns,
                                   shared.walk_forward.benchmark_returns)


def _two_cost_variants() -> tuple[pd.DataFrame, pd.DataFrame, np.ndarray]:
    rng = np.random.default_rng(7)
    T = 1500
    idx = pd.bdate_range("2001-01-02", periods=T)
    cheap = rng.normal(0.0004, 0.01, T)
    costly = cheap - 0.003  # buy-and-hold of a dearer execution variant: 0.3 %/day worse
    noise = rng.normal(0.0, 0.001, (T, 2))
    # "cheap" trails its own buy-and-hold by 0.1 %/day; "costly" beats its own by 0.15 %/day
    # but trails the cheap variant's buy-and-hold by 0.15 %/day.
    r = pd.DataFrame({"cheap": cheap - 0.001 + noise[:, 0],
                      "costly": costly + 0.0015 + noise[:, 1]}, index=idx)
    bench = pd.DataFrame({"cheap": cheap, "costly": costly}, index=idx)
    return r, bench, noise


def test_each_set_is_compared_with_its_own_costs_buy_and_hold() -> None:
    r, bench, noise = _two_cost_variants()
    ev = sweep_evidence(r, bench, reps=300, n_partitions=8, train=500, test=250)
    assert ev.spa.best == "costly"
    assert ev.spa.best_excess == pytest.approx(0.0015 + noise[:, 1].mean(), abs=1e-12)
    assert ev.spa.pvalue < 0.01
    assert ev.stepm.superior == ["costly"]
    assert ev.notes == ()
    # Against the cheap variant's buy-and-hold alone, neither set beats buy-and-hold.
    first_only = sweep_evidence(r, bench["cheap"], reps=300, n_partitions=8, train=500,
                                test=250)
    assert first_only.stepm.superior == []
    assert first_only.spa.pvalue > 0.2


def test_split_and_walk_forward_use_the_chosen_sets_benchmark() -> None:
    idx = pd.bdate_range("2021-01-04", periods=10)
    r = pd.DataFrame({
        "a": [0.03, 0.02, 0.01, 0.02, -0.01, 0.00, 0.01, 0.00, 0.00, 0.00],
        "b": [0.00, 0.00, 0.00, 0.01, 0.02, 0.03, 0.01, 0.02, 0.02, 0.02],
    }, index=idx)
    ba = np.array([0.01, 0.00, 0.00, 0.00, 0.01, 0.01, 0.00, 0.00, 0.00, 0.02])
    bb = np.array([0.00, 0.00, 0.00, 0.00, -0.01, -0.01, -0.01, 0.01, 0.03, -0.02])
    bench = pd.DataFrame({"a": ba, "b": bb}, index=idx)
    # split at row 5: in-sample means a .014, b .002 -> a; its benchmark is column a
    sp = split_is_oos(r, bench, 0.5, "mean")
    assert sp.chosen == "a"
    assert sp.benchmark_is == pytest.approx(0.004)
    assert sp.benchmark_oos == pytest.approx(0.006)
    assert sp.is_return == pytest.approx(1.03 * 1.02 * 1.01 * 1.02 * 0.99 - 1)
    assert sp.oos_return == pytest.approx(1.01 - 1)
    assert sp.benchmark_is_return == pytest.approx(1.01 * 1.01 - 1)
    assert sp.benchmark_oos_return == pytest.approx(1.01 * 1.02 - 1)
    assert (sp.start, sp.split, sp.end) == (idx[0], idx[5], idx[9])
    # walk-forward train 4, test 3: window 0 trains rows 0-3 (a .02, b .0025) -> a, tests 4-6;
    # window 1 trains rows 3-6 (a .005, b .0175) -> b, tests 7-9
    wf = walk_forward(r, bench, train=4, test=3, metric="mean")
    assert wf.windows.chosen.tolist() == ["a", "b"]
    assert wf.benchmark_returns.tolist() == pytest.approx([0.01, 0.01, 0.00, 0.01, 0.03, -0.02])
    assert wf.windows.benchmark_return.tolist() == pytest.approx(
        [1.01 * 1.01 - 1, 1.01 * 1.03 * 0.98 - 1])
    with pytest.raises(ValueError, match="one column per parameter set: 1 columns for 2"):
        walk_forward(r, bench[["a"]], train=4, test=3)


def test_evidence_of_a_sweep_with_two_fee_variants() -> None:
    from backtest.data import load_embedded
    from backtest.sweep import Sweep
    from strategies.bollinger_break import BollingerBreak

    frame = load_embedded().frame
    res = Sweep(BollingerBreak, {"window": [21, 63], "fees": [0.0, 0.002]}).run(
        frame, keep_returns=True, progress=False)
    ev = evidence_of_sweep(res, reps=100, n_partitions=4, train=500, test=250)
    rets = res.returns().fillna(0.0)
    # independent: each column minus the buy-and-hold column of its own fee level
    fees = np.array([c[1] for c in rets.columns])
    own = res.benchmark_returns.reindex(rets.index).fillna(0.0)
    excess = pd.Series({c: float((rets[c] - own[0 if f == 0.0 else 1]).mean())
                        for c, f in zip(rets.columns, fees, strict=True)})
    assert res.benchmark_returns[1].sum() < res.benchmark_returns[0].sum()  # fees bite
    # secondary view: raw returns against the set's own buy-and-hold, as before
    assert ev.spa_buy_and_hold is not None
    assert ev.spa_buy_and_hold.best_excess == pytest.approx(excess.max(), rel=1e-10)
    assert ev.spa_buy_and_hold.best == ", ".join(map(str, excess.idxmax()))
    # primary: against each set's own average exposure to its own buy-and-hold; the
    # exposures read from the returns agree with the simulator's positions
    from backtest.execution import Execution, run

    assert ev.exposure is not None
    matched = {}
    for c in rets.columns:
        sim = run(BollingerBreak(window=c[0]), frame, Execution(fees=c[1]))
        e_sim = float(sim.exposure.reindex(rets.index).fillna(0.0).mean())
        e = float(ev.exposure[", ".join(map(str, c))])
        assert e == pytest.approx(e_sim, abs=0.01)
        b = own[0 if c[1] == 0.0 else 1]
        matched[c] = float((rets[c] - e * b).mean())
    best = max(matched, key=lambda k: matched[k])
    assert ev.spa.best == ", ".join(map(str, best))
    assert ev.spa.best_excess == pytest.approx(matched[best], rel=1e-10)
    assert "exposure-matched" in ev.spa.summary() and "exposure-matched" in ev.summary()
    assert ev.notes == ()
    assert ev.split is not None and ev.walk_forward is not None
    chosen = next(c for c in rets.columns if ", ".join(map(str, c)) == ev.split.chosen)
    k = int(rets.index.searchsorted(ev.split.split))
    e_ch = float(ev.exposure[ev.split.chosen])
    b_own = own[0 if chosen[1] == 0.0 else 1].to_numpy() * e_ch
    assert ev.split.benchmark_oos_return == pytest.approx(np.prod(1 + b_own[k:]) - 1)
    d = ev.to_dict()
    assert set(d) == {"spa", "stepm", "dsr", "pbo", "split", "walk_forward", "notes",
                      "benchmark", "capm_alpha", "buy_and_hold"}
    assert d["benchmark"]["primary"] == "exposure_matched" and d["benchmark"]["cash"] == "none"
    # 1257 days, train 500: test windows start on rows 500, 750, 1000 and 1250
    assert d["walk_forward"]["n_windows"] == len(d["walk_forward"]["windows"]) == 4
