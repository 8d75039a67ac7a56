"""The charts' fixed layout, date ticks and PNG encoding; charts started before their place."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.dates import date2num
from matplotlib.figure import Figure
from matplotlib.legend import Legend
from matplotlib.text import Text
from matplotlib.transforms import Bbox, BboxBase
from PIL import Image

from backtest.report import Report
from backtest.report.charts import (
    SCALE,
    DateLabels,
    FewestDecimalsPercent,
    Pane,
    date_ticks,
    equity_chart,
    event_path_chart,
    forest_chart,
    forward_returns_chart,
    png_bytes,
    price_trades_chart,
    ratio_chart,
    signal_chart,
    to_png,
)
from backtest.report.render import can_fork

DPI = 96 * SCALE  # the PNGs' resolution: text extents are checked where they are drawn


def _days(a: str, b: str) -> tuple[list[str], str]:
    ticks, unit = date_ticks(np.datetime64(a), np.datetime64(b))
    return [str(t) for t in ticks], unit


def test_date_ticks_over_three_days_and_thirty_six_years() -> None:
    assert _days("2024-03-04", "2024-03-06") == (
        ["2024-03-04", "2024-03-05", "2024-03-06"], "D")
    years, unit = _days("1990-01-02", "2026-07-23")
    assert unit == "Y"
    assert years == [f"{y}-01-01" for y in range(1992, 2025, 4)]
    # three years: every six months, on the 1st of January and July
    assert _days("2023-07-24", "2026-07-23") == (
        ["2024-01-01", "2024-07-01", "2025-01-01", "2025-07-01", "2026-01-01",
         "2026-07-01"], "M")
    # ten weeks: weekly, on the 1st, 8th, 15th and 22nd of each month
    weeks, unit = _days("2025-12-01", "2026-02-10")
    assert unit == "D" and weeks[:5] == ["2025-12-01", "2025-12-08", "2025-12-15",
                                         "2025-12-22", "2026-01-01"]
    for a, b in (("2024-03-04", "2024-03-04"), ("1927-12-30", "2026-07-23"),
                 ("2000-01-01", "2000-04-01")):
        ticks, _ = date_ticks(np.datetime64(a), np.datetime64(b))
        assert 1 <= len(ticks) <= 10 and ticks[0] >= np.datetime64(a)
        assert ticks[-1] <= np.datetime64(b)


def test_date_labels_name_the_year_once_per_year() -> None:
    def labels(*days: str) -> list[str]:
        nums = date2num(np.array(days, dtype="datetime64[D]"))  # type: ignore[no-untyped-call]
        return DateLabels().format_ticks(nums)

    assert labels("2000-01-01", "2004-01-01") == ["2000", "2004"]
    assert labels("2024-07-01", "2025-01-01", "2025-07-01") == ["Jul 2024", "2025", "Jul"]
    assert labels("2024-03-04", "2024-03-05") == ["2024-03-04", "2024-03-05"]


def test_drawdown_percentages_take_the_decimals_they_need() -> None:
    f = FewestDecimalsPercent()
    assert f.format_ticks([-0.4, -0.2, 0.0]) == ["\N{MINUS SIGN}40%", "\N{MINUS SIGN}20%", "0%"]
    assert f.format_ticks([-0.015, -0.01, -0.005, -1e-18]) == [
        "\N{MINUS SIGN}1.5%", "\N{MINUS SIGN}1.0%", "\N{MINUS SIGN}0.5%", "0.0%"]


def test_png_bytes_decode_to_the_pixels_given() -> None:
    rng = np.random.default_rng(0)
    opaque = rng.integers(0, 256, size=(7, 5, 4), dtype=np.uint8)
    opaque[:, :, 3] = 255
    clear = opaque.copy()
    clear[2, 3, 3] = 17
    for rgba, mode in ((opaque, "RGB"), (clear, "RGBA")):
        png = png_bytes(rgba)
        img = Image.open(io.BytesIO(png))
        assert img.mode == mode and img.size == (5, 7)
        np.testing.assert_array_equal(np.asarray(img.convert("RGBA")), rgba)
    with pytest.raises(ValueError, match=r"\(height, width, 4\) uint8"):
        png_bytes(opaque[:, :, :3])


def test_png_bytes_every_level_decodes_by_zlib_to_the_same_rows() -> None:
    """The IDAT stream is plain deflate (zlib reads it) at every level, the rows unfiltered."""
    import struct
    import zlib

    rng = np.random.default_rng(1)
    rgba = np.full((40, 30, 4), 255, dtype=np.uint8)
    rgba[5:20, 3:9, :3] = rng.integers(0, 256, size=(15, 6, 3), dtype=np.uint8)
    for level in range(4):
        png = png_bytes(rgba, compress_level=level)
        n = struct.unpack(">I", png[33:37])[0]
        assert png[37:41] == b"IDAT"
        rows = np.frombuffer(zlib.decompress(png[41:41 + n]), dtype=np.uint8).reshape(40, -1)
        assert (rows[:, 0] == 0).all()
        np.testing.assert_array_equal(rows[:, 1:].reshape(40, 30, 3), rgba[:, :, :3])
    with pytest.raises(ValueError, match="compress_level must be 0 to 3, got 9"):
        png_bytes(rgba, compress_level=9)


def _inside(box: BboxBase, outer: BboxBase, tol: float = 1.0) -> bool:
    return bool(box.x0 >= outer.x0 - tol and box.y0 >= outer.y0 - tol
                and box.x1 <= outer.x1 + tol and box.y1 <= outer.y1 + tol)


def _overlap(a: BboxBase, b: BboxBase, tol: float = 0.5) -> bool:
    return bool(a.x0 < b.x1 - tol and b.x0 < a.x1 - tol and a.y0 < b.y1 - tol
                and b.y0 < a.y1 - tol)


def check_layout(fig: Figure) -> None:
    """Drawn at the PNGs' resolution: every text inside the figure; titles, axis labels
    and tick labels clear of each other; a legend beside its axes clear of every axes."""
    fig.dpi = DPI
    canvas = FigureCanvasAgg(fig)
    canvas.draw()  # type: ignore[no-untyped-call]
    r = canvas.get_renderer()  # type: ignore[no-untyped-call]
    page = fig.bbox
    frame: list[tuple[str, Bbox]] = []
    sup: Text | None = getattr(fig, "_suptitle", None)
    if sup is not None:
        frame.append((sup.get_text(), sup.get_window_extent(r)))
    for ax in fig.axes:
        for t in (ax.title, ax.xaxis.label, ax.yaxis.label):
            if t.get_visible() and t.get_text():
                frame.append((t.get_text(), t.get_window_extent(r)))
        for axis in (ax.xaxis, ax.yaxis):  # the labels drawn: the ticks inside the view
            ticks = [(t.get_text(), t.get_window_extent(r))
                     for tick in getattr(axis, "_update_ticks")()  # noqa: B009
                     for t in (tick.label1, tick.label2)
                     if t.get_visible() and t.get_text()]
            labels = [text for text, _ in ticks]  # numbers rounded alike mislead ("Jul" may
            if not isinstance(axis.get_major_formatter(), DateLabels):  # recur, each year)
                assert len(set(labels)) == len(labels), f"ticks labelled alike: {labels}"
            frame += ticks
    legends = [*fig.legends, *(leg for ax in fig.axes if (leg := ax.get_legend()))]
    other = [t for t in (*fig.texts, *(t for ax in fig.axes for t in ax.texts),
                         *(t for leg in legends for t in leg.get_texts()))
             if isinstance(t, Text) and t.get_visible() and t.get_text().strip()]
    for text, box in [*frame, *((t.get_text(), t.get_window_extent(r)) for t in other)]:
        assert _inside(box, page), f"outside the figure: {text!r}"
    for i, (ta, a) in enumerate(frame):
        for tb, b in frame[i + 1:]:
            assert not _overlap(a, b), f"{ta!r} overlaps {tb!r}"
    for ax in fig.axes:
        leg = ax.get_legend()
        if leg is not None and leg.get_bbox_to_anchor().x0 > ax.bbox.x1 - 1:  # beside
            box = leg.get_window_extent(r)
            assert _inside(box, page), "legend beside the axes cut off"
            for axes in fig.axes:
                assert not _overlap(box, axes.bbox), "legend beside the axes covers axes"
    for leg in fig.legends:
        box = leg.get_window_extent(r)
        assert isinstance(leg, Legend) and _inside(box, page)
        for ax in fig.axes:
            assert not _overlap(box, ax.bbox), "figure legend over the axes"
            assert not _overlap(box, ax.xaxis.label.get_window_extent(r))


def _charts() -> list[Figure]:
    """Every chart with a fixed layout, on hand-made data with long labels and wide
    numbers (index levels in the thousands, negative percentages)."""
    idx = pd.bdate_range("1990-01-02", "2026-07-23")
    rng = np.random.default_rng(5)
    close = pd.Series(300 * np.exp(np.cumsum(rng.normal(0.0003, 0.011, len(idx)))), idx)
    vix = pd.Series(np.clip(18 + np.cumsum(rng.normal(0, 0.6, len(idx))), 9, 85), idx)
    ratio = pd.Series(0.9 + 0.08 * np.sin(np.arange(len(idx)) / 40), idx)
    marks = {"complacency signal (short entry)": vix < vix.quantile(0.03),
             "fear signal (long entry)": vix > vix.quantile(0.97)}
    fwd = pd.DataFrame({
        "side": ["long"] * 3 + ["short"] * 3, "horizon": [1, 21, 63] * 2,
        "effect": [0.001, -0.02, 0.03, 0.0, 0.01, -0.04],
        "ci_low": [-0.01, -0.05, -0.01, -0.01, -0.02, -0.09],
        "ci_high": [0.01, 0.01, 0.07, 0.01, 0.04, 0.01],
        "n_signal": [1085, 1085, 1079, 20, 20, 20], "n_episodes": [264, 264, 262, 17, 17, 17],
        "verdict": ["supports", "no effect", "inconclusive", "too few", "contradicts",
                    "inconclusive"]})
    answer = pd.DataFrame({
        "strategy": ["residual_surprise", "residual_surprise", "bollinger_break",
                     "bollinger_break"], "side": ["short"] * 4, "horizon": [5, 21] * 2,
        "effect": [0.01, -0.02, -0.005, 0.0], "ci_low": [0.0, -0.05, -0.02, -0.01],
        "ci_high": [0.02, 0.01, 0.01, 0.01],
        "verdict": ["supports", "inconclusive", "no effect", "too few"],
        "primary": [False, True, False, True]})
    day = pd.Index(np.arange(-10, 64), name="day")
    path = np.cumsum(rng.normal(0.0005, 0.01, len(day)))
    paths = pd.DataFrame({"events": path, "events_low": path - 0.02,
                          "events_high": path + 0.02, "days": path * 0.8,
                          "unconditional": np.linspace(-0.003, 0.024, len(day))}, index=day)
    paths.attrs.update(n_events=1041, n_days=12108)
    vol = vix.rolling(21).std() * 16
    lower = Pane(vol, "21-day historical volatility of the VIX", "vol of VIX (% per year)",
                 lines={"upper band (+2 sd)": vol * 1.5, "middle band (63-day mean)": vol},
                 marks=marks, title="21-day historical volatility of the VIX with its bands")
    recent = vix.iloc[-750:]
    return [
        price_trades_chart(close, long_entries=idx[::37], long_exits=idx[5::37],
                           short_entries=idx[9::91], short_exits=idx[12::91]),
        signal_chart(Pane(vix, "VIX close", "VIX close (index points)", marks=marks,
                          title="VIX with the signal days"), lower,
                     title="Vol-of-vol compression: signal days"),
        signal_chart(Pane(recent, "VIX close", "VIX close (index points)"), title=""),
        ratio_chart(ratio, name="VIX / VIX3M", band=0.02,
                    marks={"flip into backwardation (short entry)": ratio > 0.97}),
        equity_chart(close, close.rolling(50, min_periods=1).mean(), title="equity"),
        equity_chart(close.iloc[:3], close.iloc[:3] * 1.01, title="three days"),
        forward_returns_chart(fwd, title="SPX after signal days minus the other days"),
        forest_chart(answer, "short"),
        event_path_chart(paths, title="residual_surprise, complacency side (short): SPX "
                                      "around the fill"),
    ]


def test_fixed_layout_keeps_text_inside_and_clear() -> None:
    for fig in _charts():
        assert fig.get_layout_engine() is None
        check_layout(fig)


def test_the_check_finds_a_legend_beside_the_axes_that_is_cut_off() -> None:
    fig = _charts()[0]
    fig.subplots_adjust(right=0.99)  # no room left for the legend
    with pytest.raises(AssertionError, match=r"legend|outside the figure"):
        check_layout(fig)


@pytest.mark.slow
def test_fixed_layout_on_the_full_reports_charts(full_table: Any,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """Every chart of ``vixbt report`` on the full data (figures built, not drawn to PNG)."""
    from backtest.execution.config import Execution
    from backtest.report.combined import headline_report
    from strategies.registry import list_strategies

    built: list[Callable[[], Figure] | Figure] = []

    def collect(self: Report, fig: Any, filename: str, **kw: Any) -> str:
        built.append(fig)
        return filename

    monkeypatch.setattr(Report, "add_chart", collect)
    headline_report(full_table, [cls() for cls in list_strategies()], Execution(), n_boot=20,
                    jobs=1)
    assert len(built) >= 40
    for fig in built:
        check_layout(fig() if callable(fig) else fig)


def _report(jobs: int, *, prefetch: bool) -> Report:
    rep = Report("charts", "charts", jobs=jobs)
    figs = _charts()

    def never() -> Figure:
        raise AssertionError("a prefetched chart was built again")

    if prefetch:
        with rep.prefetch():
            rep.page.heading("dropped")
            rep.add_chart(lambda: figs[4], "equity", alt="x")
            rep.add_chart(lambda: figs[8], "never-added", alt="x")
    rep.page.heading("dropped")
    rep.add_chart(lambda: figs[7], "forest", alt="forest")
    rep.add_chart(never if prefetch and rep.parallel else (lambda: figs[4]), "equity",
                  alt="equity", caption="c")
    return rep


@pytest.mark.skipif(not can_fork(), reason="charts are forked on Linux only")
def test_prefetched_charts_are_taken_and_the_page_unchanged(tmp_path: Path) -> None:
    plain = _report(1, prefetch=False)
    for rep in (_report(2, prefetch=True), _report(1, prefetch=True)):
        assert rep.html() == plain.html()  # the heading's id is "dropped", not "dropped-2"
        assert list(rep.charts) == ["forest.png", "equity.png"]
        assert rep.charts == plain.charts
    assert 'id="dropped"' in plain.html()
    assert to_png(_charts()[4]) == plain.charts["equity.png"]
