"""Probability of Backtest Overfitting by CSCV."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from backtest.evidence.pbo import pbo_cscv


def test_tiny_case_by_hand() -> None:
    # S = 4 blocks of 2 rows, 3 strategies, metric = mean; 6 splits enumerated by hand
    blocks = np.array([[[1, 0, 0], [1, 0, 0]],
                       [[0, 2, 0], [0, 2, 0]],
                       [[0, 0, 3], [0, 0, 3]],
                       [[0, 0, -3], [0, 0, -3]]], dtype=float)
    x = blocks.reshape(8, 3) / 100
    res = pbo_cscv(x, n_partitions=4, metric="mean")
    logits = []
    for is_blocks in itertools.combinations(range(4), 2):
        oos_blocks = [b for b in range(4) if b not in is_blocks]
        is_mean = blocks[list(is_blocks)].reshape(-1, 3).mean(axis=0)
        oos_mean = blocks[oos_blocks].reshape(-1, 3).mean(axis=0)
        star = int(np.argmax(is_mean))
        rank = (oos_mean < oos_mean[star]).sum() + ((oos_mean == oos_mean[star]).sum() + 1) / 2
        w = rank / 4
        logits.append(np.log(w / (1 - w)))
    assert res.n_splits == 6
    assert res.logits == pytest.approx(logits)
    assert res.pbo == pytest.approx(np.mean(np.array(logits) <= 0))


def test_pure_noise_overfits_and_superior_strategy_does_not() -> None:
    noise, good = [], []
    for seed in range(4):
        rng = np.random.default_rng(seed)
        x = rng.normal(0.0, 0.01, (1000, 40))
        noise.append(pbo_cscv(x, n_partitions=10).pbo)
        x[:, 5] += 0.003  # Sharpe 0.3 a day: genuinely better in every sub-period
        good.append(pbo_cscv(x, n_partitions=10).pbo)
    assert np.mean(noise) > 0.35
    assert max(good) < 0.05


def test_sharpe_metric_matches_direct_computation() -> None:
    rng = np.random.default_rng(9)
    x = rng.normal(0.0005, 0.01, (400, 6))
    res = pbo_cscv(x, n_partitions=4)
    first_is = np.concatenate([x[0:100], x[100:200]])
    sr = first_is.mean(axis=0) / first_is.std(axis=0, ddof=1)
    assert res.is_best[0] == pytest.approx(sr.max(), rel=1e-9)
    custom = pbo_cscv(x, n_partitions=4,
                      metric=lambda a: a.mean(axis=0) / a.std(axis=0, ddof=1))
    assert custom.logits == pytest.approx(res.logits)


def test_bad_input_messages() -> None:
    x = np.zeros((100, 3))
    with pytest.raises(ValueError, match="n_partitions must be an even integer"):
        pbo_cscv(x, n_partitions=5)
    with pytest.raises(ValueError, match=r"\(T, n\) matrix with n >= 2"):
        pbo_cscv(x[:, :1])
    x[4, 1] = np.nan
    with pytest.raises(ValueError, match="NaN/inf"):
        pbo_cscv(x)
