"""Chart rendering: one draw per PNG, and forked rendering equal to serial rendering."""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from matplotlib.artist import Artist
from matplotlib.figure import Figure
from PIL import Image

from backtest.report import Report
from backtest.report.charts import (
    Pane,
    equity_chart,
    forest_chart,
    heatmap_chart,
    price_trades_chart,
    signal_chart,
    to_png,
)
from backtest.report.render import ChartPool, can_fork

needs_fork = pytest.mark.skipif(not can_fork(), reason="charts are forked on Linux only")


def _few() -> list[Figure]:
    """Three of them (one pane, two panes, small panes with a figure legend)."""
    figs = _figures()
    return [figs[0], figs[1], figs[4]]


def _figures() -> list[Figure]:
    """Charts of every layout the report uses: one pane with an outside legend and a
    log axis, two panes, a colour bar, a grid of small panes with a figure legend."""
    idx = pd.bdate_range("2000-01-03", periods=1500)
    rng = np.random.default_rng(3)
    close = pd.Series(1000 * np.exp(np.cumsum(rng.normal(0, 0.01, len(idx)))), idx)
    vix = pd.Series(20 + np.cumsum(rng.normal(0, 0.5, len(idx))).clip(-8, 40), idx)
    marks = vix > vix.quantile(0.95)
    answer = pd.DataFrame({
        "strategy": ["a", "a", "b", "b"], "side": ["long"] * 4, "horizon": [5, 21, 5, 21],
        "effect": [0.01, 0.02, -0.005, 0.0], "ci_low": [0.0, 0.005, -0.02, -0.01],
        "ci_high": [0.02, 0.035, 0.01, 0.01],
        "verdict": ["supports", "inconclusive", "no effect", "too few"],
        "primary": [True, False, True, False]})
    grid = pd.DataFrame(rng.normal(size=(4, 5)), index=pd.Index([10, 20, 30, 40], name="w"),
                        columns=pd.Index([1.0, 1.5, 2.0, 2.5, 3.0], name="k"))
    return [
        price_trades_chart(close, long_entries=idx[::97], long_exits=idx[5::97]),
        signal_chart(Pane(vix, "VIX", "VIX (points)", marks={"fear": marks}),
                     Pane(vix.rolling(21).std(), "vol of VIX", "points"), title="two panes"),
        equity_chart(close, close.rolling(5, min_periods=1).mean(), title="equity"),
        heatmap_chart(grid, metric="Sharpe", center=0.0),
        forest_chart(answer, "long"),
    ]


DPI = 48  # small images: the same code paths, a fraction of the time


def _savefig(fig: Figure) -> bytes:
    """What ``to_png`` replaced: ``savefig`` (a layout pre-draw, then the draw)."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI, facecolor="white")
    return buf.getvalue()


def _pixels(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGBA"))


def test_one_draw_gives_the_pixels_of_savefig() -> None:
    for a, b in zip(_figures(), _figures(), strict=True):
        fast, slow = to_png(a, DPI), _savefig(b)
        assert fast.startswith(b"\x89PNG")
        np.testing.assert_array_equal(_pixels(fast), _pixels(slow))
    # as with savefig, a second rendering starts the layout from the first one's
    # positions; the figure's dpi and face colour are left as they were
    a, b = _figures()[1], _figures()[1]
    to_png(a, DPI), _savefig(b)
    np.testing.assert_array_equal(_pixels(to_png(a, DPI)), _pixels(_savefig(b)))
    assert a.dpi == Figure().dpi and a.patch.get_facecolor() == b.patch.get_facecolor()


class _FailsInChild(Artist):
    """Raises when drawn in any process but the one that made it."""

    def __init__(self) -> None:
        super().__init__()
        self.pid = os.getpid()

    def draw(self, renderer: Any) -> None:
        if os.getpid() != self.pid:
            raise RuntimeError("drawn in a child")


@needs_fork
@pytest.mark.parametrize(("jobs", "batch", "ahead"), [(3, 2, 2), (2, 1, 3)])
def test_forked_rendering_gives_the_serial_bytes(jobs: int, batch: int, ahead: int) -> None:
    serial = [to_png(f, DPI) for f in _few()]
    pool = ChartPool(jobs, batch=batch, ahead=ahead, dpi=DPI)
    assert pool.parallel
    keys = [pool.submit(f) for f in _few()]
    assert keys == list(range(len(serial)))
    assert pool.results() == serial


@needs_fork
def test_a_failed_child_is_rendered_again_here() -> None:
    serial = [to_png(f, DPI) for f in _few()]  # drawn once each: fresh figures below
    figs = _few()
    figs[1].add_artist(_FailsInChild())
    pool = ChartPool(2, batch=1, dpi=DPI)
    for f in figs:
        pool.submit(f)
    assert pool.results() == serial


@needs_fork
def test_an_error_in_a_chart_surfaces_in_this_process() -> None:
    class Broken(Artist):
        def draw(self, renderer: Any) -> None:
            raise ValueError("broken chart")

    figs = _few()
    figs[0].add_artist(Broken())
    pool = ChartPool(2, batch=1, dpi=DPI)
    for f in figs:
        pool.submit(f)
    with pytest.raises(ValueError, match="broken chart"):
        pool.results()
    assert pool._folder is None and not pool._running  # children ended, folder removed


def test_jobs_must_be_positive() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        ChartPool(0)
    with pytest.raises(ValueError, match=r"ahead must be at least batch \(4\), got 3"):
        ChartPool(2, ahead=3)
    with pytest.raises(ValueError, match="at least 1"):
        Report("t", "t", jobs=0)


def _report(jobs: int) -> Report:
    rep = Report("charts", "charts", jobs=jobs)
    for i, fig in enumerate(_few()[:2]):
        rep.page.heading(f"chart {i}")
        rep.add_chart(fig, "chart", alt=f"chart {i}", caption=f"n {i}")
    # a function building the figure: called where the chart is drawn
    rep.add_chart(lambda: _few()[2], "c2", alt="chart 2", caption="n 2")
    return rep


@needs_fork
def test_report_pages_are_the_same_serial_and_forked(tmp_path: Path) -> None:
    one, two = _report(1), _report(2)
    assert list(two.charts) == ["chart.png", "chart-2.png", "c2.png"]
    assert two.html() == one.html()
    assert two.charts == one.charts
    meta = {"command": ["vixbt", "test"]}
    a = one.write(meta, tmp_path / "a")
    b = _report(2).write(meta, tmp_path / "b")
    names = sorted(p.name for p in a.iterdir())
    assert names == sorted(p.name for p in b.iterdir())
    assert sum(n.endswith(".png") for n in names) == 3
    for n in names:
        assert (a / n).read_bytes() == (b / n).read_bytes(), n
