"""The sweep report page: corrections, the in-sample/out-of-sample split, the walk-forward."""

from __future__ import annotations

import html

import numpy as np
import pandas as pd
import pytest

from backtest.data import load_embedded
from backtest.evidence.sweep import evidence_of_sweep
from backtest.report.charts import walk_forward_chart
from backtest.report.sweep_report import _windows_table, sweep_report
from backtest.sweep import Sweep
from strategies.bollinger_break import BollingerBreak


@pytest.fixture(scope="module")
def swept():  # type: ignore[no-untyped-def]
    res = Sweep(BollingerBreak, {"window": [21, 63], "num_std": [1.5, 2.5],
                                 "holding_period": [5, 21]}).run(
        load_embedded().frame, keep_returns=True, progress=False)
    return res, evidence_of_sweep(res, reps=50, n_partitions=4)


def test_page_shows_split_and_walk_forward(swept) -> None:  # type: ignore[no-untyped-def]
    res, ev = swept
    rep = sweep_report(res, ev)
    page = html.unescape(rep.html())
    for heading in ("Data-snooping corrections", "In-sample / out-of-sample split",
                    "Walk-forward"):
        assert f">{heading}<" in page
    sp = ev.split
    assert f"<dt>Chosen in sample</dt><dd>{sp.chosen}</dd>" in page
    assert f"{sp.split:%Y-%m-%d} .. {sp.end:%Y-%m-%d}" in page
    rows = _windows_table(ev.walk_forward)
    starts = ev.walk_forward.windows.test_start
    assert rows["test from"].tolist() == [f"{d:%Y-%m-%d}" for d in starts]
    assert rows["chosen set"].tolist() == ev.walk_forward.windows.chosen.tolist()
    for w in ev.walk_forward.windows.itertuples():
        assert f"<td class=\"t\">{w.test_end:%Y-%m-%d}</td>" in page
    assert "walk-forward-equity.png" in rep.charts
    # one fee level, a holding-period axis: no remark about cost variants
    assert "cost variant" not in page


def test_split_table_annualises_the_daily_sharpe(swept) -> None:  # type: ignore[no-untyped-def]
    from backtest.report.sweep_report import _split_table

    _, ev = swept
    t = _split_table(ev.split, "sharpe")
    assert t.iloc[0, 2] == pytest.approx(ev.split.is_metric * np.sqrt(252))
    assert t.iloc[1, 3] == pytest.approx(ev.split.benchmark_oos * np.sqrt(252))
    assert t.iloc[1, 1] == pytest.approx(ev.split.benchmark_oos_return)


def test_walk_forward_chart_is_labelled_and_log_scaled_when_long() -> None:
    idx = pd.bdate_range("1990-01-01", periods=5000)
    bench = pd.Series(np.exp(np.linspace(0.0, 2.5, 5000)), index=idx)
    oos = pd.Series(np.linspace(1.0, 1.3, 5000), index=idx)
    starts = idx[::1000]
    fig = walk_forward_chart(oos, bench, starts, title="wf")
    ax = fig.axes[0]
    assert ax.get_title() == "wf" and ax.get_yscale() == "log"
    assert "log scale" in ax.get_ylabel()
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == ["buy-and-hold SPX", "walk-forward (out of sample)",
                      "test window starts (5)"]
    assert fig.axes[1].get_xlabel() == "date"
    # the x axis ends where the data end (no empty years after them)
    from matplotlib.dates import num2date

    assert num2date(ax.get_xlim()[1]).date() == idx[-1].date()
    # window starts are short ticks at the bottom, not full-height lines over the curves
    ticks = [ln for ln in ax.get_lines() if ln.get_xydata()[0][0] == ln.get_xydata()[1][0]]
    assert ticks and all(max(ln.get_ydata()) <= 0.05 for ln in ticks)
    assert len([ln for ln in ax.get_lines() if ln.get_label() != "_nolegend_"]) >= 2
    short = walk_forward_chart(oos.iloc[:300], bench.iloc[:300] * 0 + 1.0, None)
    assert short.axes[0].get_yscale() == "linear"
