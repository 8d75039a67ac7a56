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


@pytest.mark.parametrize("metric", ["sharpe", "total"])
def test_evidence_spilled_to_disk_equals_the_in_memory_evidence(
        metric: str, tmp_path: pytest.TempPathFactory) -> None:
    """Per-set state in memory-mapped files (chunks in any order, PBO read in chunks):
    the same evidence to the bit, and the folder is gone afterwards."""
    r, b = _sweep()
    kw = {"reps": 150, "seed": 3, "n_partitions": 8, "train": 400, "test": 150}
    whole = sweep_evidence(r, b, metric=metric, **kw)  # type: ignore[arg-type]
    stream = EvidenceStream(r.index, metric=metric, top_k=r.shape[1],  # type: ignore[arg-type]
                            parallel=False, spill=tmp_path, n_sets=r.shape[1], **kw)
    assert stream._store is not None
    folder = stream._store.dir
    assert folder.parent == tmp_path and any(folder.iterdir())
    x, bm = r.to_numpy().T, b.to_numpy().T
    parts = [(lo, min(lo + 6, r.shape[1])) for lo in range(0, r.shape[1], 6)]
    for lo, hi in reversed(parts):
        stream.add(lo, x[lo:hi], bm[lo:hi], list(r.columns[lo:hi]), np.ones(hi - lo))
    spilled = stream.result()
    stream.close()
    assert not folder.exists()
    pd.testing.assert_frame_equal(whole.to_frame(), spilled.to_frame())
    assert whole.pbo is not None and spilled.pbo is not None
    np.testing.assert_array_equal(whole.pbo.logits, spilled.pbo.logits)
    np.testing.assert_array_equal(whole.pbo.oos_of_best, spilled.pbo.oos_of_best)
    pd.testing.assert_series_equal(whole.stepm.mean_excess, spilled.stepm.mean_excess)
    assert whole.exposure is not None and spilled.exposure is not None
    pd.testing.assert_series_equal(whole.exposure, spilled.exposure)
    assert whole.walk_forward is not None and spilled.walk_forward is not None
    pd.testing.assert_frame_equal(whole.walk_forward.windows, spilled.walk_forward.windows)


def test_pbo_read_in_chunks_equals_pbo_of_the_whole_matrix() -> None:
    from backtest.evidence.pbo import block_sums, pbo_from_block_sums, pbo_from_set_sums

    rng = np.random.default_rng(4)
    x = rng.normal(0.0002, 0.01, (23, 320))
    x[7] = x[2]  # ties: equal sets
    x[11] = 0.0  # a set that never trades
    s, q = block_sums(x, 8)
    for metric in ("sharpe", "mean"):
        ref = pbo_from_block_sums(s, q, 40, metric, parallel=False)  # type: ignore[arg-type]
        for chunk, parallel in ((5, False), (4, True), (100, True)):
            got = pbo_from_set_sums(s.T.copy(), q.T.copy(), 40, metric,  # type: ignore[arg-type]
                                    chunk=chunk, parallel=parallel)
            np.testing.assert_array_equal(got.logits, ref.logits)
            np.testing.assert_array_equal(got.is_best, ref.is_best)
            np.testing.assert_array_equal(got.oos_of_best, ref.oos_of_best)
            assert (got.pbo, got.prob_oos_loss) == (ref.pbo, ref.prob_oos_loss)


def test_spill_checks_the_free_disk_space(tmp_path: pytest.TempPathFactory,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    import shutil
    from collections import namedtuple

    usage = namedtuple("usage", "total used free")
    monkeypatch.setattr(shutil, "disk_usage", lambda _: usage(10**9, 10**9 - 1000, 1000))
    r, _ = _sweep()
    with pytest.raises(ValueError, match=r"spilling the per-set evidence of 2,000,000 sets "
                                         r"needs [\d,]+ MiB of disk in .* only 0 MiB"):
        EvidenceStream(r.index, reps=10, spill=tmp_path, n_sets=2_000_000)
    with pytest.raises(ValueError, match="needs n_sets"):
        EvidenceStream(r.index, reps=10, spill=tmp_path)


def test_compiled_mean_exposure_equals_the_mean_of_exposure_from_returns() -> None:
    from backtest.evidence.benchmarks import exposure_from_returns
    from backtest.evidence.stream import _mean_exposures

    rng = np.random.default_rng(0)
    for _ in range(40):
        T, c = int(rng.integers(2, 400)), int(rng.integers(1, 9))
        m = rng.normal(0.0, 0.01, (c, T))
        held = m * rng.choice([-1.0, 1.0], (c, T)) + rng.normal(0.0, 0.002, (c, T))
        x = np.where(rng.random((c, T)) < rng.random(), 0.0, held)
        ref = exposure_from_returns(pd.DataFrame(x.T), pd.DataFrame(m.T)).to_numpy().T
        out = np.empty(c)
        _mean_exposures(x, m, out)
        np.testing.assert_array_equal(out, ref.mean(axis=1))
