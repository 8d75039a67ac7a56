"""Compiled loops of the event study: block sums, placebo sums, Newey-West, each
against the plain computation it replaces."""

from __future__ import annotations

import numpy as np
import pytest

from backtest.evidence.episodes import episodes
from backtest.evidence.inference import (
    BootstrapKind,
    block_plan,
    bootstrap_day_and_event,
    bootstrap_effects,
)
from backtest.evidence.longrun import newey_west
from backtest.evidence.placebo import _Plan
from backtest.evidence.resample_kernels import placebo_sums


def _signal(rng: np.random.Generator, n: int) -> np.ndarray:
    s = np.zeros(n, dtype=bool)
    u = rng.random(n)
    for t in range(1, n):
        s[t] = u[t] < (0.7 if s[t - 1] else 0.02)
    return s


@pytest.mark.parametrize("kind", ["circular", "stationary"])
def test_day_and_event_draws_equal_two_separate_bootstraps_on_one_plan(
        kind: BootstrapKind) -> None:
    """One plan for both effects: each equals bootstrap_effects drawn from the same seed."""
    rng = np.random.default_rng(3)
    n = 700
    y = rng.normal(0, 0.01, n)
    d = _signal(rng, n)
    first = episodes(d, 10).first_days(n)
    day, event = bootstrap_day_and_event(y, d, first, block_size=21, reps=300,
                                         rng=np.random.default_rng(9), kind=kind)
    want_day = bootstrap_effects(y, d, block_size=21, reps=300, rng=np.random.default_rng(9),
                                 kind=kind)
    want_event = bootstrap_effects(y, first, block_size=21, reps=300,
                                   rng=np.random.default_rng(9), kind=kind,
                                   valid=first | ~d)
    np.testing.assert_allclose(day, want_day, rtol=1e-9, atol=1e-15)
    np.testing.assert_allclose(event, want_event, rtol=1e-9, atol=1e-15)
    assert np.isfinite(day).sum() > 250 and not np.allclose(day, event)


def test_blockreplicate_sums_equal_explicit_replicates() -> None:
    """The compiled sums equal the sums over each replicate's rows (both schemes)."""
    rng = np.random.default_rng(5)
    x = rng.normal(size=(97, 3))
    from backtest.evidence.inference import block_sums

    kinds: tuple[BootstrapKind, ...] = ("circular", "stationary")
    for kind in kinds:
        starts, lengths = block_plan(97, 8, 20, rng, kind)
        got = block_sums(x, starts, lengths)
        for r in range(20):
            rows = np.concatenate([(s + np.arange(ln)) % 97
                                   for s, ln in zip(starts[r], lengths[r], strict=True)])
            assert rows.size == 97
            np.testing.assert_allclose(got[r], x[rows].sum(axis=0), rtol=1e-12, atol=1e-12)


def test_placebo_sums_equal_the_placebos_drawn_one_by_one() -> None:
    """placebo_sums lays the episodes out exactly as _Plan.draw does, given the same
    order, gaps and lead."""
    rng = np.random.default_rng(11)
    n = 900
    y = rng.normal(size=n)
    d = _signal(rng, n)
    plan = _Plan(d, 10)
    reps = 50
    order = np.array([rng.permutation(plan.k) for _ in range(reps)], dtype=np.int64)
    gaps = np.array([rng.permutation(plan.gaps) for _ in range(reps)], dtype=np.int64)
    lead = rng.integers(0, plan.slack + 1, size=reps)
    got = placebo_sums(y, d, plan.start, plan.span, order, gaps, lead)
    for b in range(reps):
        sp = plan.span[order[b]]
        new_start = lead[b] + np.concatenate([[0], np.cumsum(sp[:-1] + gaps[b])])
        placebo = np.zeros(n, dtype=bool)
        for e, s0 in zip(order[b], new_start, strict=True):
            src = plan.start[e] + np.arange(plan.span[e])
            placebo[s0 + np.arange(plan.span[e])[d[src]]] = True
        assert placebo.sum() == d.sum()
        assert got[b] == pytest.approx(y[placebo].sum(), rel=1e-12, abs=1e-12)


@pytest.mark.parametrize("lags", [0, 1, 2, 5, 63, 499, 700])
def test_newey_west_equals_statsmodels(lags: int) -> None:
    from statsmodels.stats.sandwich_covariance import S_hac_simple

    rng = np.random.default_rng(lags)
    # autocorrelated scores of different scales (lags past the sample: statsmodels adds 0)
    e = np.convolve(rng.normal(size=520), np.ones(21), "valid")[:500]
    u = np.column_stack([e, 0.01 * e * (rng.uniform(size=500) < 0.1), 30.0 * rng.normal(
        size=500)])
    np.testing.assert_allclose(newey_west(u, lags), S_hac_simple(u, nlags=lags), rtol=1e-12,
                               atol=1e-14)


@pytest.mark.parametrize("n, b", [(1000, 21), (1000, 1000), (1000, 1), (7, 3), (5, 21)])
def test_circular_sums_without_lengths_equal_the_plan(n: int, b: int) -> None:
    """The circular shortcut draws the same starts as block_plan and sums the same."""
    from backtest.evidence.inference import block_sums, replicate_sums

    x = np.random.default_rng(n + b).normal(size=(n, 3))
    got = replicate_sums(x, b, 50, np.random.default_rng(1), "circular")
    want = block_sums(x, *block_plan(n, b, 50, np.random.default_rng(1), "circular"))
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)


def test_normal_cdf_and_inverse_equal_scipy() -> None:
    """The standard-library normal cdf and inverse equal scipy.special's (the reference)."""
    from scipy import special

    from backtest.evidence.normal import ndtr, ndtri

    x = np.concatenate([np.linspace(-37, 37, 7401),
                        np.random.default_rng(0).normal(0, 3, 2000)])
    want = special.ndtr(x)
    np.testing.assert_allclose(ndtr(x), want, rtol=1e-13, atol=0)
    edge = np.array([np.nan, np.inf, -np.inf, 0.0])
    np.testing.assert_array_equal(ndtr(edge), special.ndtr(edge))
    assert isinstance(ndtr(0.3), float) and ndtr(0.3) == pytest.approx(special.ndtr(0.3),
                                                                      rel=1e-15)
    p = np.concatenate([10.0 ** -np.linspace(1, 300, 600), 1 - 10.0 ** -np.linspace(1, 15, 60),
                        np.random.default_rng(1).uniform(size=2000)])
    np.testing.assert_allclose(ndtri(p), special.ndtri(p), rtol=1e-13, atol=0)
    edge = np.array([0.0, 1.0, np.nan, -0.1, 1.1, 0.5])
    np.testing.assert_array_equal(ndtri(edge), special.ndtri(edge))
