"""In-sample/out-of-sample split and walk-forward: hand cases and no use of future data."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from backtest.evidence.walkforward import split_is_oos, walk_forward


def _tiny() -> tuple[pd.DataFrame, pd.Series]:
    idx = pd.bdate_range("2021-01-04", periods=10)
    r = pd.DataFrame({
        "a": [0.03, 0.02, 0.01, 0.02, -0.01, 0.00, 0.01, 0.00, 0.00, 0.00],
        "b": [0.00, 0.00, 0.00, 0.01, 0.02, 0.03, 0.01, 0.02, 0.02, 0.02],
        "c": [0.01, 0.01, 0.01, 0.01, 0.01, 0.01, 0.00, -0.01, 0.00, 0.01],
    }, index=idx)
    bench = pd.Series([0.001 * i for i in range(10)], index=idx)
    return r, bench


def test_walk_forward_by_hand() -> None:
    r, bench = _tiny()
    res = walk_forward(r, bench, train=4, test=3, metric="mean")
    w = res.to_frame()
    # window 0: train rows 0-3 (means a .02, b .0025, c .01) -> a; test rows 4-6
    # window 1: train rows 3-6 (a .005, b .0175, c .0075) -> b; test rows 7-9
    assert w.chosen.tolist() == ["a", "b"]
    assert w.train_start.tolist() == [r.index[0], r.index[3]]
    assert w.test_start.tolist() == [r.index[4], r.index[7]]
    assert w.test_end.tolist() == [r.index[6], r.index[9]]
    expect = [-0.01, 0.00, 0.01, 0.02, 0.02, 0.02]
    assert res.oos_returns.tolist() == pytest.approx(expect)
    assert res.oos_returns.index.equals(r.index[4:])
    assert res.oos_equity.iloc[-1] == pytest.approx(np.prod(1 + np.array(expect)))
    assert res.benchmark_equity.iloc[-1] == pytest.approx(np.prod(1 + bench.to_numpy()[4:]))
    assert w.oos_return[0] == pytest.approx(0.99 * 1.0 * 1.01 - 1)
    assert w.is_metric[1] == pytest.approx(0.0175)
    anchored = walk_forward(r, bench, train=4, test=3, metric="mean", anchored=True).windows
    # anchored window 1 trains on rows 0-6: a .01, b .01, c .0086 -> tie, first column wins
    assert anchored.train_start.tolist() == [r.index[0], r.index[0]]
    assert anchored.chosen.tolist() == ["a", "a"]


def test_short_last_window_and_summary() -> None:
    r, bench = _tiny()
    res = walk_forward(r, bench, train=5, test=3, metric="total")
    assert res.windows.test_end.tolist() == [r.index[7], r.index[9]]
    assert len(res.oos_returns) == 5
    assert "Walk-forward over 2 windows" in res.summary()


def test_walk_forward_never_uses_test_window_data() -> None:
    rng = np.random.default_rng(0)
    T, n = 1000, 12
    idx = pd.bdate_range("2000-01-03", periods=T)
    x = rng.normal(0.0002, 0.01, (T, n))
    x[:, 3] += np.where(np.arange(T) < 500, 0.001, -0.001)
    r = pd.DataFrame(x, index=idx)
    bench = pd.Series(rng.normal(0.0003, 0.01, T), index=idx)
    base = walk_forward(r, bench, train=200, test=100)
    cut = 600
    y = x.copy()
    y[cut:] = rng.normal(0.0, 0.05, (T - cut, n))
    y[cut:, 7] += 0.05  # column 7 becomes absurdly good after the cut
    corrupt = walk_forward(pd.DataFrame(y, index=idx), bench, train=200, test=100)
    before = base.windows.test_start <= idx[cut]  # trained only on rows < cut
    assert before.sum() == 5
    pd.testing.assert_series_equal(base.windows.chosen[before], corrupt.windows.chosen[before])
    pd.testing.assert_series_equal(base.oos_returns[:idx[cut - 1]],
                                   corrupt.oos_returns[:idx[cut - 1]])
    # the corruption is real: later windows do pick the column that became good
    assert (corrupt.windows.chosen[~before] == "7").any()


def test_split_is_oos_uses_only_in_sample_rows_to_choose() -> None:
    r, bench = _tiny()
    res = split_is_oos(r, bench, split=0.4, metric="mean")
    assert res.chosen == "a" and res.split == r.index[4]
    assert res.is_metric == pytest.approx(0.02)
    assert res.oos_metric == pytest.approx(0.0)
    assert res.oos_best == "b"
    # out of sample: a 0.0, b 0.02, c 0.0033 -> a is the worst of the three
    assert res.oos_percentile == 0.0
    by_date = split_is_oos(r, bench, split=str(r.index[4].date()), metric="mean")
    assert by_date.chosen == "a" and by_date.split == r.index[4]
    r2 = r.copy()
    r2.iloc[4:, 2] = 0.5
    assert split_is_oos(r2, bench, split=0.4, metric="mean").chosen == "a"


def test_bad_input_messages() -> None:
    r, bench = _tiny()
    with pytest.raises(ValueError, match="must share one index"):
        walk_forward(r, bench.iloc[1:], train=4, test=2)
    with pytest.raises(ValueError, match="train=10 leaves no test rows"):
        walk_forward(r, bench, train=10, test=2)
    with pytest.raises(ValueError, match="train must be >= 2 and test >= 1"):
        walk_forward(r, bench, train=1, test=2)
    r2 = r.copy()
    r2.iloc[2, 0] = np.nan
    with pytest.raises(ValueError, match="NaN/inf \\(first on 2021-01-06"):
        walk_forward(r2, bench, train=4, test=2)
    with pytest.raises(ValueError, match="metric must be one of"):
        walk_forward(r, bench, train=4, test=2, metric="sortino")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="fewer than 2 rows on one side"):
        split_is_oos(r, bench, split="2030-01-01")
