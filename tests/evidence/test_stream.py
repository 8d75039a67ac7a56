"""The streamed sweep evidence: chunked equals unchunked, and equals the matrix functions."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from backtest.evidence.dsr import deflated_sharpe
from backtest.evidence.pbo import pbo_cscv
from backtest.evidence.stream import EvidenceStream
from backtest.evidence.sweep import sweep_evidence
from backtest.evidence.walkforward import split_is_oos, walk_forward


def _sweep(seed: int = 0, T: int = 1300, n: int = 37) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    idx = pd.bdate_range("2003-01-02", periods=T)
    bench = rng.normal(0.0003, 0.01, (T, 2))
    x = 0.5 * bench[:, [0]] + rng.normal(0.0, 0.007, (T, n))
    x[:, 5] = bench[:, 1] + 0.001 + rng.normal(0.0, 0.003, T)
    x[:, n - 1] = 0.0  # a set that never trades
    cols = [f"s{i}" for i in range(n)]
    per_set = pd.DataFrame(bench[:, np.arange(n) % 2], index=idx, columns=cols)
    return pd.DataFrame(x, index=idx, columns=cols), per_set


@pytest.mark.parametrize("metric", ["sharpe", "total"])
def test_chunked_stream_equals_the_in_memory_evidence_bit_for_bit(metric: str) -> None:
    r, b = _sweep()
    kw = {"reps": 150, "seed": 3, "n_partitions": 8, "train": 400, "test": 150}
    whole = sweep_evidence(r, b, metric=metric, **kw)  # type: ignore[arg-type]
    stream = EvidenceStream(r.index, metric=metric, top_k=r.shape[1],  # type: ignore[arg-type]
                            parallel=False, **kw)
    x, bm = r.to_numpy().T, b.to_numpy().T
    parts = [(lo, min(lo + 6, r.shape[1])) for lo in range(0, r.shape[1], 6)]
    for lo, hi in reversed(parts):  # any order
        stream.add(lo, x[lo:hi], bm[lo:hi], list(r.columns[lo:hi]), np.ones(hi - lo))
    chunked = stream.result()
    pd.testing.assert_frame_equal(whole.to_frame(), chunked.to_frame())
    assert whole.pbo is not None and chunked.pbo is not None
    np.testing.assert_array_equal(whole.pbo.logits, chunked.pbo.logits)
    assert whole.walk_forward is not None and chunked.walk_forward is not None
    pd.testing.assert_frame_equal(whole.walk_forward.windows, chunked.walk_forward.windows)
    pd.testing.assert_series_equal(whole.walk_forward.oos_returns,
                                   chunked.walk_forward.oos_returns)


def test_stream_equals_the_matrix_functions() -> None:
    r, b = _sweep(1)
    # with exposure 1 and no cash, the primary excess is r - b
    ev = sweep_evidence(r, b, reps=100, n_partitions=8, train=400, test=150)
    ref_pbo = pbo_cscv(r - b.to_numpy(), 8)
    assert ev.pbo is not None
    np.testing.assert_allclose(ev.pbo.logits, ref_pbo.logits, rtol=1e-12)
    assert ev.pbo.pbo == ref_pbo.pbo
    np.testing.assert_allclose(ev.pbo.is_best, ref_pbo.is_best, rtol=1e-10)
    sp = split_is_oos(r, b, 0.5, select_on="excess")
    assert ev.split is not None and ev.split.chosen == sp.chosen
    assert ev.split.oos_metric == pytest.approx(sp.oos_metric, rel=1e-9)
    assert ev.split.oos_percentile == sp.oos_percentile
    assert ev.split.benchmark_oos_return == pytest.approx(sp.benchmark_oos_return, rel=1e-12)
    wf = walk_forward(r, b, train=400, test=150, select_on="excess")
    assert ev.walk_forward is not None
    assert ev.walk_forward.windows.chosen.tolist() == wf.windows.chosen.tolist()
    np.testing.assert_allclose(ev.walk_forward.oos_returns, wf.oos_returns, rtol=0, atol=0)
    np.testing.assert_allclose(ev.walk_forward.windows.is_metric, wf.windows.is_metric,
                               rtol=1e-9)
    dsr = deflated_sharpe(r - b.to_numpy())
    assert ev.dsr.best == dsr.best
    assert ev.dsr.dsr == pytest.approx(dsr.dsr, rel=1e-9)
    assert ev.dsr.var_sharpe == pytest.approx(dsr.var_sharpe, rel=1e-12)


def test_pbo_parallel_equals_serial_and_custom_metric_path_is_kept() -> None:
    from backtest.evidence.pbo import block_sums, pbo_from_block_sums

    r, _ = _sweep(2, n=25)
    s, q = block_sums(r.to_numpy().T, 10)
    a = pbo_from_block_sums(s, q, len(r) // 10, parallel=True)
    b = pbo_from_block_sums(s, q, len(r) // 10, parallel=False)
    np.testing.assert_array_equal(a.logits, b.logits)
    custom = pbo_cscv(r, 10, lambda m: m.mean(axis=0))
    np.testing.assert_allclose(custom.logits, pbo_cscv(r, 10, "mean").logits, rtol=1e-9)


def test_stream_rejects_gaps_and_bad_chunks() -> None:
    r, b = _sweep(n=8)
    stream = EvidenceStream(r.index, reps=20, n_partitions=8, train=400, test=150)
    with pytest.raises(ValueError, match="labels for"):
        stream.add(0, r.to_numpy().T, b.to_numpy().T, ["a"])
    bad = r.to_numpy().T.copy()
    bad[2, 7] = np.nan
    with pytest.raises(ValueError, match="returns of s2 have NaN/inf"):
        stream.add(0, bad, b.to_numpy().T, list(r.columns))
    stream.add(4, r.to_numpy().T[4:], b.to_numpy().T[4:], list(r.columns[4:]))
    with pytest.raises(ValueError, match="chunks do not tile the sweep: expected a chunk at "
                                         "set 0, got 4"):
        stream.result()
