"""SweepResult: best, heatmap slices, selection, export and summary."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from backtest.sweep import Sweep, SweepResult
from strategies.bollinger_break import BollingerBreak


@pytest.fixture(scope="module")
def result(market: pd.DataFrame) -> SweepResult:
    grid = {"window": [21, 63], "num_std": [1.5, 2.0, 2.5], "holding_period": [None, 5, 21]}
    return Sweep(BollingerBreak, grid).run(market.loc["2000":], progress=False)


def test_best_is_the_maximum(result: SweepResult) -> None:
    t = result.to_frame()
    best = result.best("sharpe")
    assert best["sharpe"] == t["sharpe"].max()
    assert best.name == t["sharpe"].idxmax()
    assert best.attrs["params"] == dict(zip(["window", "num_std", "holding_period"],
                                            t["sharpe"].idxmax(), strict=True))
    # drawdowns are negative: the best is the shallowest; durations: the shortest
    assert result.best("max_drawdown")["max_drawdown"] == t["max_drawdown"].max()
    assert (result.best("max_drawdown_duration")["max_drawdown_duration"]
            == t["max_drawdown_duration"].min())
    assert result.best("sharpe", ascending=True)["sharpe"] == t["sharpe"].min()


def test_best_errors(result: SweepResult) -> None:
    with pytest.raises(ValueError, match="unknown metric 'sharp'"):
        result.best("sharp")


def test_heatmap_fixed_and_aggregated(result: SweepResult) -> None:
    t = result.to_frame()
    fixed = result.heatmap("window", "num_std", "sharpe", holding_period=5)
    assert list(fixed.columns) == [21, 63] and list(fixed.index) == [1.5, 2.0, 2.5]
    assert fixed.loc[2.0, 63] == t.loc[(63, 2.0, 5), "sharpe"]
    assert fixed.attrs["aggregated_over"] == []
    mean = result.heatmap("window", "num_std", "sharpe")
    expect = t.loc[(21, 1.5, slice(None)), "sharpe"].mean()
    assert mean.loc[1.5, 21] == pytest.approx(expect, rel=1e-15)
    assert mean.attrs["aggregated_over"] == ["holding_period"]
    best = result.heatmap("window", "num_std", "sharpe", agg="max")
    assert best.loc[1.5, 21] == t.loc[(21, 1.5, slice(None)), "sharpe"].max()


@pytest.mark.parametrize(("kwargs", "match"), [
    ({"x": "window", "y": "window"}, "two different parameters"),
    ({"x": "window", "y": "size"}, "'size' is not a swept parameter"),
    ({"x": "window", "y": "num_std", "holding_period": 7}, "holding_period=7 is not in the grid"),
    ({"x": "window", "y": "num_std", "window": 21}, "'window' is an axis"),
])
def test_heatmap_errors(result: SweepResult, kwargs: dict[str, object], match: str) -> None:
    with pytest.raises(ValueError, match=match):
        result.heatmap(**kwargs)  # type: ignore[arg-type]


def test_select_and_export(result: SweepResult) -> None:
    sel = result.select(window=63, holding_period=0)
    assert len(sel) == 3
    assert set(sel.index.get_level_values("num_std")) == {1.5, 2.0, 2.5}
    frame = result.to_frame()
    frame.iloc[0, 0] = np.nan  # a copy: the result is untouched
    assert not np.isnan(result.table.iloc[0, 0])
    with pytest.raises(ValueError, match="kept no daily returns"):
        result.returns()


def test_summary_names_the_sweep(result: SweepResult) -> None:
    text = result.summary()
    assert "Sweep of bollinger_break: 18 combinations" in text
    assert "Buy-and-hold SPX" in text
    assert str(result.period[0].date()) in text
    assert f"{result.best('sharpe')['sharpe']:.4g}" in text
