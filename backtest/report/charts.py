"""Report charts: matplotlib figures built from plain Series and DataFrames.

Every function takes plain pandas objects (so it can be tested with hand-made
inputs) and returns a :class:`matplotlib.figure.Figure` created without pyplot:
no global figure registry, no backend switching, nothing left open.  Render
with :func:`to_png`.  Each chart has a title, labelled axes with units, a
legend where more than one thing is drawn, and dates on the x axis.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache, partial
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.dates import date2num, get_epoch
from matplotlib.figure import Figure
from matplotlib.ticker import (
    Formatter,
    FuncFormatter,
    Locator,
    LogLocator,
    MaxNLocator,
    NullFormatter,
    PercentFormatter,
)

from backtest.report.html import VERDICT_COLORS

if TYPE_CHECKING:
    from backtest.payoff import PayoffResult

__all__ = [
    "VERDICT_COLORS",
    "DateLabels",
    "DateTicks",
    "FewestDecimalsPercent",
    "Pane",
    "date_ticks",
    "equity_chart",
    "event_path_chart",
    "forest_chart",
    "forward_returns_chart",
    "heatmap_chart",
    "metric_bars_chart",
    "payoff_chart",
    "png_bytes",
    "price_trades_chart",
    "ratio_chart",
    "signal_chart",
    "to_png",
]

_LONG = "#1a9850"
_SHORT = "#d73027"
_EXIT = "#4d4d4d"
_BENCH = "#7f7f7f"
_MAIN = "#1f4e9c"
_BAND_COLORS = ("#e08214", "#8073ac", "#35978f", "#b2182b", "#2166ac")
#: CSS pixels per inch of a figure on the page; PNGs are rendered at :data:`SCALE`
#: times this and shown at this size (sharp on high-density screens).

_DPI = 96
#: Rendering scale of the PNGs (the page sizes them back with CSS).
SCALE = 2


def png_bytes(rgba: np.ndarray, *, compress_level: int = 1) -> bytes:
    """Encode an RGBA image (``(height, width, 4)`` uint8) as PNG bytes.

    Every row unfiltered (filter type 0) and deflated at ``compress_level``
    (0-3) by ISA-L (``isal``: about six times faster than zlib at level 1 on a
    chart, files about 5 % larger; zlib at the same level where ``isal`` is
    not installed); an image without transparency is written as RGB.
    Pillow's PNG writer tries every row filter on every row, which takes about
    three times as long on a chart (mostly flat white) for files about 5 %
    smaller; the pixels are the same (tested against Pillow's decoder).

    The channels are copied one at a time: a copy whose innermost axis has three
    elements runs NumPy's loop once per pixel (about six times slower on a
    chart's 2.7 million pixels).
    """
    import struct
    import zlib

    try:
        from isal.isal_zlib import compress
    except ImportError:  # pragma: no cover - isal is a dependency; zlib reads the same
        compress = zlib.compress
    if not 0 <= compress_level <= 3:
        raise ValueError(f"compress_level must be 0 to 3, got {compress_level}")
    if rgba.ndim != 3 or rgba.shape[2] != 4 or rgba.dtype != np.uint8:
        raise ValueError(f"expects a (height, width, 4) uint8 array, got {rgba.shape} "
                         f"{rgba.dtype}")
    h, w = rgba.shape[:2]
    opaque = bool((rgba[:, :, 3] == 255).all())
    c = 3 if opaque else 4
    rows = np.empty((h, 1 + w * c), dtype=np.uint8)
    rows[:, 0] = 0  # filter type None
    pixels = rows[:, 1:].reshape(h, w, c)
    for k in range(c):  # into the rows, channel by channel
        pixels[:, :, k] = rgba[:, :, k]

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    header = struct.pack(">IIBBBBB", w, h, 8, 2 if opaque else 6, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", compress(rows.data, compress_level))
            + chunk(b"IEND", b""))


def to_png(fig: Figure, dpi: int = _DPI * SCALE, *, compress_level: int = 1) -> bytes:
    """Render a figure to PNG bytes at ``dpi`` (default twice the page's 96 dpi).

    One draw.  The report's charts have a fixed layout (:func:`_fixed_layout`);
    a figure with a layout engine (constrained layout) is laid out inside that
    draw, where ``Figure.savefig`` first draws every artist without output to lay
    the figure out and then draws it again for the pixels; the image is the same
    (tested).  Encoded by :func:`png_bytes` (ISA-L's level 1 by default).
    """
    canvas = _canvas_class()(fig)
    old, patch = fig.dpi, fig.patch.get_facecolor()
    fig.dpi = dpi
    fig.patch.set_facecolor("white")
    try:
        canvas.draw()
        rgba = np.asarray(canvas.buffer_rgba())
        return png_bytes(rgba, compress_level=compress_level)
    finally:
        fig.dpi = old
        fig.patch.set_facecolor(patch)


@cache
def _canvas_class() -> Any:
    """An Agg canvas drawing with the renderer of its size kept from the last figure
    (:func:`_renderer`): matplotlib keeps text extents per renderer, so tick labels,
    axis labels and the legends measured by :func:`_measured` are measured once, not
    again in every figure."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    class SharedRendererCanvas(FigureCanvasAgg):
        def get_renderer(self) -> Any:
            return _renderer(self.figure)

    return SharedRendererCanvas


#: Agg renderers by (width, height, dpi) in pixels, the most recently used last.
_RENDERERS: dict[tuple[int, int, float], Any] = {}
#: Renderers kept (a 2112 x 1267 pixel one holds 10.7 MB).
_KEEP_RENDERERS = 4


def _renderer(fig: Figure) -> Any:
    """The Agg renderer for ``fig`` at its current dpi, reused across figures of one
    size (drawing clears it first); matplotlib caches text extents per renderer."""
    from matplotlib.backends.backend_agg import RendererAgg

    w, h = fig.bbox.size
    key = (int(w), int(h), float(fig.dpi))
    r = _RENDERERS.pop(key, None)
    if r is None:
        r = RendererAgg(key[0], key[1], key[2])  # type: ignore[no-untyped-call]
    _RENDERERS[key] = r
    while len(_RENDERERS) > _KEEP_RENDERERS:
        del _RENDERERS[next(iter(_RENDERERS))]
    return r


#: Tick steps of :class:`DateTicks`, finest first: (unit, step).
_DATE_STEPS: tuple[tuple[str, int], ...] = (
    ("D", 1), ("D", 2), ("D", 7), ("D", 14),
    ("M", 1), ("M", 2), ("M", 3), ("M", 6),
    ("Y", 1), ("Y", 2), ("Y", 4), ("Y", 5), ("Y", 10), ("Y", 20), ("Y", 50), ("Y", 100),
)


def date_ticks(start: np.datetime64, end: np.datetime64,
               max_ticks: int = 10) -> tuple[np.ndarray, str]:
    """Calendar-aligned ticks between two days: the finest step with at most ``max_ticks``.

    Steps (finest first): 1, 2, 7 or 14 days (on those days of each month: the
    1st, 8th, 15th, 22nd for weekly steps), 1, 2, 3 or 6 months (on the 1st of
    January, and of the months that step from it), 1, 2, 4, 5, 10, 20, 50 or
    100 years (on the 1st of January of years divisible by the step).

    Parameters
    ----------
    start, end : numpy.datetime64
        The span (``end >= start``; any unit, read as days).
    max_ticks : int, default 10
        Most ticks.

    Returns
    -------
    (numpy.ndarray of datetime64[D], str)
        The tick days inside ``[start, end]`` and their unit: ``"D"``, ``"M"`` or ``"Y"``.
    """
    d0, d1 = start.astype("datetime64[D]"), end.astype("datetime64[D]")
    for unit, step in _DATE_STEPS:
        if unit == "Y":
            y0 = int(d0.astype("datetime64[Y]").astype(int)) + 1970
            y1 = int(d1.astype("datetime64[Y]").astype(int)) + 1970
            if (y1 - y0) // step > max_ticks:
                continue
            years = np.arange(y0 - y0 % step, y1 + 1, step)
            ticks = (years - 1970).astype("datetime64[Y]").astype("datetime64[D]")
        elif unit == "M":
            m0 = int(d0.astype("datetime64[M]").astype(int))
            m1 = int(d1.astype("datetime64[M]").astype(int))
            if (m1 - m0) // step > max_ticks:
                continue
            months = np.arange(m0 - m0 % step, m1 + 1, step)
            ticks = months.astype("datetime64[M]").astype("datetime64[D]")
        else:
            if int((d1 - d0).astype(int)) // step > max_ticks + 2:
                continue
            days = np.arange(d0, d1 + 1, dtype="datetime64[D]")
            dom = (days - days.astype("datetime64[M]")).astype(int)  # 0 on the 1st
            ticks = days[(dom % step == 0) & (dom < 28)] if step > 1 else days
        ticks = ticks[(ticks >= d0) & (ticks <= d1)]
        if len(ticks) <= max_ticks:
            return ticks, unit
    return np.array([d0], dtype="datetime64[D]"), "Y"  # pragma: no cover - 1,000+ years


def _day(num: float) -> np.datetime64:
    """The day of a matplotlib date number (days since matplotlib's epoch)."""
    epoch: str = get_epoch()  # type: ignore[no-untyped-call]
    return np.datetime64(epoch[:10], "D") + np.timedelta64(int(np.floor(num)), "D")


class DateTicks(Locator):
    """Major ticks of a date axis from :func:`date_ticks`, computed once per view.

    matplotlib's ``AutoDateLocator`` iterates calendar rules (dateutil) each time the
    axis asks for its ticks, several times per drawing; the view of a report chart is
    fixed, so the ticks are computed once.
    """

    def __init__(self, max_ticks: int = 10) -> None:
        self.max_ticks = max_ticks
        self._cache: tuple[tuple[float, float], np.ndarray] | None = None

    def __call__(self) -> Any:
        vmin, vmax = self.axis.get_view_interval()  # type: ignore[union-attr]
        return self.tick_values(vmin, vmax)

    def tick_values(self, vmin: float, vmax: float) -> Any:
        lo, hi = sorted((float(vmin), float(vmax)))
        if self._cache is None or self._cache[0] != (lo, hi):
            ticks, _ = date_ticks(_day(lo), _day(hi), self.max_ticks)
            values: np.ndarray = np.asarray(date2num(ticks), dtype=float)  # type: ignore[no-untyped-call]
            self._cache = ((lo, hi), values[(values >= lo) & (values <= hi)])
        return self._cache[1]


class DateLabels(Formatter):
    """Tick labels of :class:`DateTicks`: ``2008`` on whole years; ``Jul`` on months
    (the year on January and on the first tick, ``Jul 2023``); ``2024-03-15`` on days."""

    def __call__(self, x: float, pos: int | None = None) -> str:
        return self.format_ticks([x])[0]

    def format_ticks(self, values: Any) -> list[str]:
        days = [_day(float(v) + 1e-6) for v in values]
        if not days:
            return []
        month_start = [d == d.astype("datetime64[M]") for d in days]
        year_start = [d == d.astype("datetime64[Y]") for d in days]
        stamps = [pd.Timestamp(d) for d in days]
        if all(year_start):
            return [f"{t:%Y}" for t in stamps]
        if all(month_start):
            return [f"{t:%Y}" if y else (f"{t:%b %Y}" if i == 0 else f"{t:%b}")
                    for i, (t, y) in enumerate(zip(stamps, year_start, strict=True))]
        return [f"{t:%Y-%m-%d}" for t in stamps]


class FewestDecimalsPercent(Formatter):
    """Fractions as percentages with the fewest decimals (0 to 3) that label every tick
    differently: ``-40%`` over decades of drawdowns, ``-0.5%`` over a few days (whole
    percents would label -0.5 % and -1 % both ``-1%``)."""

    def __call__(self, x: float, pos: int | None = None) -> str:
        return self.format_ticks([x])[0]

    def format_ticks(self, values: Any) -> list[str]:
        labels: list[str] = []
        for decimals in range(4):
            pct = [round(float(v) * 100, decimals) for v in values]
            # a value that rounds to zero is "0", never "-0"
            labels = [f"{p if p != 0 else 0.0:.{decimals}f}%".replace("-", "\N{MINUS SIGN}")
                      for p in pct]
            if len(set(labels)) == len(labels):
                break
        return labels


def _date_axis(ax: Axes) -> None:
    ax.xaxis.set_major_locator(DateTicks())
    ax.xaxis.set_major_formatter(DateLabels())
    ax.grid(True, alpha=0.3)


# -- fixed layout --------------------------------------------------------------------
# Margins in inches for the report's charts (text in points, so the same at any dpi).
# Constrained layout measured every axis's tick labels twice per drawing -- about half
# of a chart's drawing time; the report's charts have predictable content, so their
# margins are fixed, and only the legends beside the axes are measured (once).

#: Left of the axes: y tick labels up to "10,000" at 10 pt, the tick, the y label.
_LEFT = 0.85
#: Right of the axes when no legend sits there.
_RIGHT = 0.2
#: Above the axes: one line of title (12 pt) and its padding.
_TITLE = 0.34
#: Above the axes (or their titles): a figure title (12 pt) 0.06 inch below the top edge.
_SUPTITLE = 0.28
#: Below the axes: x tick labels (10 pt), the tick, the x label.
_BOTTOM = 0.58
#: Between two panes stacked with a title over the lower one.
_GAP_TITLED = 0.45


def _measured(fig: Figure, artists: Sequence[Any]) -> list[float]:
    """Widths in inches of ``artists`` (legends, texts) drawn at the PNGs' resolution
    (text extents do not scale exactly with the dpi: hinting, whole pixels), with the
    renderer :func:`to_png` draws the figure with (its text extents then cached)."""
    dpi = _DPI * SCALE
    old = fig.dpi
    fig.dpi = dpi
    try:
        r = _renderer(fig)
        return [float(a.get_window_extent(r).width) / dpi for a in artists]
    finally:
        fig.dpi = old


def _legend_width(ax: Axes) -> float:
    """Width in inches of the legend of ``ax`` (0 without one), measured once."""
    leg = ax.get_legend()
    if leg is None or ax.figure is None:
        return 0.0
    return _measured(ax.get_figure(root=True), [leg])[0]  # type: ignore[arg-type]


def _outside_right(fig: Figure, axes: Sequence[Axes], left: float) -> float:
    """Right margin (inches) that holds the legends placed by :func:`_legend_outside`
    (anchored 1 % of the axes width right of the axes) with a small spare."""
    w = float(fig.get_size_inches()[0])
    legend = max((_legend_width(ax) for ax in axes), default=0.0)
    if legend == 0.0:
        return _RIGHT
    # right = 0.01 * (w - left - right) + legend + spare, solved for right
    return (0.01 * (w - left) + legend + 0.12) / 1.01


def _fixed_layout(fig: Figure, *, left: float = _LEFT, right: float = _RIGHT,
                  top: float = _TITLE, bottom: float = _BOTTOM, gap: float = 0.0,
                  wgap: float = 0.0, rows: int = 1, cols: int = 1) -> None:
    """Place the figure's subplot grid with margins in inches (no layout engine).

    ``gap`` / ``wgap``: inches between rows / columns of a ``rows`` x ``cols`` grid.
    """
    w, h = (float(v) for v in fig.get_size_inches())
    fig.set_layout_engine("none")
    inner_h = h - top - bottom - (rows - 1) * gap
    inner_w = w - left - right - (cols - 1) * wgap
    fig.subplots_adjust(left=left / w, right=1 - right / w, bottom=bottom / h, top=1 - top / h,
                        hspace=gap / (inner_h / rows) if rows > 1 else None,
                        wspace=wgap / (inner_w / cols) if cols > 1 else None)


def _title(ax: Axes, text: str, **kw: Any) -> None:
    """An axes title at a fixed height over the axes (matplotlib otherwise measures
    the x axis's tick labels to find whether they reach above it -- they never do
    here, the ticks are at the bottom)."""
    ax.set_title(text, y=1.0, **kw)


def _suptitle(fig: Figure, text: str, **kw: Any) -> None:
    """The figure title, its top a fixed 0.06 inch below the figure's edge."""
    fig.suptitle(text, y=1 - 0.06 / float(fig.get_size_inches()[1]), va="top", **kw)


Marks = pd.Series | pd.Index | Sequence[Any] | None


def _plain(v: float, fmt: str) -> str:
    """A tick label without powers of ten: ``2,000``, ``0.5``, never ``2x10^3``."""
    if v >= 10:
        return f"{v:,.0f}"
    return fmt.format(v) if fmt != "{:g}" else f"{v:.10g}"


def _plain_tick(v: float, _pos: int | None = None, *, fmt: str) -> str:
    """:func:`_plain` as a tick formatter (a module-level function: figures pickle)."""
    return _plain(v, fmt)


def _log_axis(ax: Axes, fmt: str) -> None:
    """Log y scale with ticks at 1, 2 and 5 times each power of ten, labelled plainly."""
    ax.set_yscale("log")
    ax.yaxis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
    ax.yaxis.set_major_formatter(FuncFormatter(partial(_plain_tick, fmt=fmt)))
    ax.yaxis.set_minor_formatter(NullFormatter())


def _as_dates(marks: Marks,
              index: pd.Index) -> pd.DatetimeIndex:
    """Dates from a boolean Series (True days) or a list of dates, kept within index."""
    if marks is None:
        return pd.DatetimeIndex([])
    if isinstance(marks, pd.Series) and marks.dtype == bool:
        dates = pd.DatetimeIndex(marks.index[marks.to_numpy()])
    else:
        dates = pd.DatetimeIndex(pd.to_datetime(list(marks)))
    return dates[dates.isin(index)]


def _x(index: pd.Index) -> Any:
    """X values for matplotlib: a tz-naive DatetimeIndex as ``datetime64`` values.

    Handed a DatetimeIndex, matplotlib converts it element by element through
    Python ``datetime`` objects (pandas' ``DatetimeArray.__iter__``); the numpy
    values convert in one vectorised step to the same day numbers.
    """
    if isinstance(index, pd.DatetimeIndex) and index.tz is None:
        return index.to_numpy()
    return index


def _values_at(series: pd.Series, dates: pd.DatetimeIndex) -> np.ndarray:
    return series.reindex(dates).to_numpy(dtype=float)


def _marker_size(n: int) -> tuple[float, bool]:
    """Marker area and whether to outline: full markers up to 120 marks, then
    smaller, unoutlined ones so hundreds of trades over decades stay dots, not a band."""
    if n <= 120:
        return 28.0, True
    return max(3.0, 28.0 * 120 / n), False


def _legend_outside(ax: Axes, fontsize: float = 8) -> None:
    """The legend to the right of the axes, where it can never cover the data."""
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=fontsize,
              framealpha=0.9, borderaxespad=0.0)


def _fit_x(ax: Axes, index: pd.Index) -> None:
    """The x axis ends at the data (no margin running into years without data)."""
    if len(index):
        ax.set_xlim(date2num(pd.Timestamp(index[0]).to_pydatetime()),  # type: ignore[no-untyped-call]
                    date2num(pd.Timestamp(index[-1]).to_pydatetime()))  # type: ignore[no-untyped-call]


def _clip_to_series(ax: Axes, series: pd.Series, levels: Sequence[float] = ()) -> None:
    """Y limits from the main series (and thresholds), padded 5 %: a band that dips
    below zero or runs far outside the data does not stretch the axis."""
    v = series.to_numpy(dtype=float)
    v = np.r_[v[np.isfinite(v)], np.asarray(list(levels), dtype=float)]
    if not v.size:
        return
    lo, hi = float(v.min()), float(v.max())
    pad = 0.05 * (hi - lo) if hi > lo else max(abs(hi) * 0.05, 1e-9)
    ax.set_ylim(lo - pad, hi + pad)


def price_trades_chart(
    close: pd.Series,
    *,
    long_entries: Marks = None,
    long_exits: Marks = None,
    short_entries: Marks = None,
    short_exits: Marks = None,
    title: str = "S&P 500 with trades",
    ylabel: str = "SPX close (index points, log scale)",
    log: bool = True,
) -> Figure:
    """SPX close with entries and exits marked.

    Parameters
    ----------
    close : pandas.Series
        Price series with a DatetimeIndex.
    long_entries, long_exits, short_entries, short_exits : bool Series or dates, optional
        Days to mark (the fill days of trades, or signal days).
    title, ylabel : str
        Labels.
    log : bool, default True
        Log price scale (decades of history).
    """
    fig = Figure(figsize=(11, 4.2))
    ax = fig.add_subplot(1, 1, 1)
    ax.plot(_x(close.index), close.to_numpy(dtype=float), color=_MAIN, lw=0.9, label="SPX close")
    marks = (
        (long_entries, "^", _LONG, "long entry"),
        (long_exits, "v", _EXIT, "long exit"),
        (short_entries, "v", _SHORT, "short entry"),
        (short_exits, "^", _EXIT, "short exit"),
    )
    found = [(_as_dates(d, close.index), m, c, lab) for d, m, c, lab in marks]
    total = sum(len(d) for d, *_ in found)
    size, edge = _marker_size(total)
    for dates, marker, color, label in found:
        if len(dates):
            ax.scatter(_x(dates), _values_at(close, dates), marker=marker, s=size, color=color,
                       edgecolors="black" if edge else "none", linewidths=0.3 if edge else 0,
                       alpha=1.0 if edge else 0.7, zorder=3, label=f"{label} ({len(dates)})")
    if log and (close.dropna() > 0).all():
        _log_axis(ax, "{:,.0f}")
    _title(ax, title)
    ax.set_xlabel("date")
    ax.set_ylabel(ylabel)
    _date_axis(ax)
    _fit_x(ax, close.index)
    _legend_outside(ax)
    _fixed_layout(fig, right=_outside_right(fig, [ax], _LEFT))
    return fig


@dataclass
class Pane:
    """One pane of a :func:`signal_chart`.

    Parameters
    ----------
    series : pandas.Series
        The main line (e.g. the VIX close).
    label : str
        Legend label of the main line.
    ylabel : str
        Y-axis label with units.
    lines : Mapping[str, pandas.Series], optional
        Bands or moving averages drawn as lines (label -> series).
    levels : Mapping[str, float], optional
        Horizontal thresholds (label -> level).
    marks : Mapping[str, bool Series or dates], optional
        Signal days marked on the main line (label -> days); labels containing
        "fear" or "long" are green, "complacency" or "short" red.
    shade_above : float or None, default None
        Shade the area where the main line is above this level (backwardation).
    shade_label : str, default "above"
        Legend label of the shaded area.
    title : str, default ""
        Pane title.
    log : bool, default False
        Log y scale.
    """

    series: pd.Series
    label: str
    ylabel: str
    lines: Mapping[str, pd.Series] = field(default_factory=dict)
    levels: Mapping[str, float] = field(default_factory=dict)
    marks: Mapping[str, pd.Series | Sequence[Any]] = field(default_factory=dict)
    shade_above: float | None = None
    shade_label: str = "above"
    title: str = ""
    log: bool = False


def _mark_color(label: str, i: int) -> tuple[str, str]:
    low = label.lower()
    if "fear" in low or "long" in low or ("entry" in low and "short" not in low):
        return _LONG, "^"
    if "complacen" in low or "short" in low:
        return _SHORT, "v"
    if "exit" in low:
        return _EXIT, "x"
    return _BAND_COLORS[i % len(_BAND_COLORS)], "o"


def _draw_pane(ax: Axes, pane: Pane) -> None:
    s = pane.series.astype(float)
    ax.plot(_x(s.index), s.to_numpy(), color=_MAIN, lw=0.8, label=pane.label, zorder=2)
    for i, (label, line) in enumerate(pane.lines.items()):
        ax.plot(_x(line.index), line.to_numpy(dtype=float), lw=0.8,
                color=_BAND_COLORS[i % len(_BAND_COLORS)], alpha=0.9, label=label, zorder=1,
                ls="--" if "mid" in label.lower() or "mean" in label.lower() else "-")
    for i, (label, level) in enumerate(pane.levels.items()):
        ax.axhline(level, color=_BAND_COLORS[(i + 3) % len(_BAND_COLORS)], lw=1.0, ls=":",
                   label=label, zorder=1)
    if pane.shade_above is not None:
        above = (s > pane.shade_above).to_numpy()
        ax.fill_between(_x(s.index), pane.shade_above, s.to_numpy(), where=above,
                        color=_SHORT, alpha=0.25, interpolate=True, label=pane.shade_label,
                        zorder=0)
    found = [(_as_dates(days, s.index), *_mark_color(label, i), label)
             for i, (label, days) in enumerate(pane.marks.items())]
    size, edge = _marker_size(sum(len(d) for d, *_ in found))
    for dates, color, marker, label in found:
        if len(dates):
            ax.scatter(_x(dates), _values_at(s, dates), marker=marker, s=size * 0.8, color=color,
                       edgecolors="black" if edge else "none", linewidths=0.3 if edge else 0,
                       alpha=1.0 if edge else 0.7, zorder=3,
                       label=f"{label} ({len(dates)} days)")
        else:
            ax.plot([], [], ls="", marker=marker, color=color, label=f"{label} (0 days)")
    if pane.log:
        _log_axis(ax, "{:,.0f}")
    elif not pane.log:
        _clip_to_series(ax, s, list(pane.levels.values()))
    ax.set_ylabel(pane.ylabel)
    if pane.title:
        _title(ax, pane.title)
    _date_axis(ax)
    _fit_x(ax, s.index)
    _legend_outside(ax, 7.5)


def signal_chart(main: Pane, lower: Pane | None = None, *, title: str = "") -> Figure:
    """The VIX (or a ratio) with bands, thresholds and signal days; optional lower pane.

    Parameters
    ----------
    main : Pane
        Upper pane (e.g. the VIX close with its bands).
    lower : Pane or None, default None
        Lower pane sharing the date axis (e.g. the VIX's 21-day historical
        volatility with its Bollinger bands, as practitioners chart vol-of-vol).
    title : str, default ""
        Figure title.
    """
    if lower is None:
        fig = Figure(figsize=(11, 4.2))
        ax = fig.add_subplot(1, 1, 1)
        _draw_pane(ax, main)
        ax.set_xlabel("date")
        axes = [ax]
    else:
        fig = Figure(figsize=(11, 6.6))
        gs = fig.add_gridspec(2, 1, height_ratios=(3, 2))
        ax = fig.add_subplot(gs[0])
        ax2 = fig.add_subplot(gs[1], sharex=ax)
        _draw_pane(ax, main)
        _draw_pane(ax2, lower)
        ax2.set_xlabel("date")
        ax.tick_params(axis="x", labelbottom=False)
        axes = [ax, ax2]
    if title:
        _suptitle(fig, title)
    elif not main.title:
        _title(ax, main.label)
    top = (_SUPTITLE if title else 0.0) + (_TITLE if ax.get_title() else 0.0)
    _fixed_layout(fig, right=_outside_right(fig, axes, _LEFT), top=max(top, 0.15),
                  rows=len(axes), gap=_GAP_TITLED if lower is not None and lower.title else 0.15)
    return fig


def ratio_chart(ratio: pd.Series, *, name: str, band: float = 0.0,
                marks: Mapping[str, pd.Series | Sequence[Any]] | None = None,
                title: str = "") -> Figure:
    """A term-structure ratio with the 1.0 line and backwardation shaded.

    Parameters
    ----------
    ratio : pandas.Series
        Near leg / far leg (e.g. VIX / VIX3M).
    name : str
        What the ratio is, e.g. ``"VIX / VIX3M"``.
    band : float, default 0.0
        Hysteresis half-width around 1 drawn as two dotted lines when > 0.
    marks : mapping, optional
        Signal days (label -> days).
    title : str, default ""
        Chart title.
    """
    levels = {"1.0 (spot = future)": 1.0}
    if band > 0:
        levels[f"1 + band ({1 + band:g})"] = 1 + band
        levels[f"1 - band ({1 - band:g})"] = 1 - band
    pane = Pane(ratio, label=name, ylabel=f"{name} (ratio)", levels=levels,
                marks=marks or {}, shade_above=1.0,
                shade_label="backwardation (ratio > 1)")
    return signal_chart(pane, title=title or f"Term structure: {name}")


def equity_chart(equity: pd.Series, benchmark: pd.Series, *, title: str = "",
                 label: str = "strategy", bench_label: str = "buy-and-hold SPX") -> Figure:
    """Equity (growth of $1) and drawdown against buy-and-hold.

    Parameters
    ----------
    equity, benchmark : pandas.Series
        Portfolio values (any starting level; both are rebased to 1).
    title : str, default ""
        Figure title.
    label, bench_label : str
        Legend labels.
    """
    fig = Figure(figsize=(11, 5.6))
    gs = fig.add_gridspec(2, 1, height_ratios=(3, 1.4))
    ax = fig.add_subplot(gs[0])
    ax2 = fig.add_subplot(gs[1], sharex=ax)
    for s, lab, color, lw in ((benchmark, bench_label, _BENCH, 0.9), (equity, label, _MAIN, 1.0)):
        s = s.astype(float).dropna()
        if s.empty:
            continue
        growth = s / s.iloc[0]
        ax.plot(_x(growth.index), growth.to_numpy(), color=color, lw=lw, label=lab)
        dd = growth / growth.cummax() - 1.0
        ax2.plot(_x(dd.index), dd.to_numpy(), color=color, lw=lw, label=lab)
        ax2.fill_between(_x(dd.index), dd.to_numpy(), 0.0, color=color, alpha=0.15)
    lines = [np.asarray(ln.get_ydata(), dtype=float) for ln in ax.get_lines()]
    top = max((float(np.nanmax(y)) for y in lines if len(y)), default=1.0)
    low = min((float(np.nanmin(y)) for y in lines if len(y)), default=1.0)
    if low > 0 and top / low > 4:
        _log_axis(ax, "{:g}")
        ax.set_ylabel("growth of $1 (log scale)")
    else:
        ax.set_ylabel("growth of $1")
    _title(ax, title or "Equity and drawdown against buy-and-hold")
    _legend_outside(ax)
    ax2.set_ylabel("drawdown (%)")
    ax2.yaxis.set_major_formatter(FewestDecimalsPercent())
    ax2.set_xlabel("date")
    _date_axis(ax)
    _date_axis(ax2)
    both = [x.dropna().index for x in (equity, benchmark) if len(x.dropna())]
    if both:
        _fit_x(ax, pd.DatetimeIndex([min(i[0] for i in both), max(i[-1] for i in both)]))
    ax.tick_params(axis="x", labelbottom=False)
    _fixed_layout(fig, right=_outside_right(fig, [ax], _LEFT), rows=2, gap=0.15)
    return fig


def forward_returns_chart(table: pd.DataFrame, *, title: str = "") -> Figure:
    """The effect after signal days by horizon: a point with its interval around zero.

    The effect is the mean forward return after signal days minus the
    unconditional mean; the whisker is the interval *of that difference*, so
    a whisker crossing the zero line is a difference the data cannot tell from
    none.  Each horizon's label gives the signal days and the independent
    episodes behind it.

    Parameters
    ----------
    table : pandas.DataFrame
        One row per (side, horizon) with columns ``horizon`` (trading days),
        ``effect``, ``ci_low``, ``ci_high`` (fractions) and optionally
        ``side``, ``n_signal``, ``n_episodes`` and ``verdict`` (colours the
        point).  Rows with no signal days may have NaN effects.
    title : str, default ""
        Chart title.
    """
    sides = list(dict.fromkeys(table["side"])) if "side" in table.columns else [""]
    fig = Figure(figsize=(4.6 * len(sides) + 1.2, 4.2))
    axes = fig.subplots(1, len(sides), sharey=False, squeeze=False)[0]
    for ax, side in zip(axes, sides, strict=True):
        t = table[table["side"] == side] if side else table
        t = t.sort_values("horizon")
        x = np.arange(len(t))
        eff = t["effect"].to_numpy(dtype=float) * 100
        lo = t["ci_low"].to_numpy(dtype=float) * 100
        hi = t["ci_high"].to_numpy(dtype=float) * 100
        verdicts = (t["verdict"].astype(str).tolist() if "verdict" in t.columns
                    else [""] * len(t))
        ax.axhline(0, color="black", lw=0.9, zorder=1)
        for xi, e, a, b, v in zip(x, eff, lo, hi, verdicts, strict=True):
            c = VERDICT_COLORS.get(v, _MAIN)
            if np.isfinite(a) and np.isfinite(b):
                ax.plot([xi, xi], [a, b], color=c, lw=2.2, zorder=2)
            if np.isfinite(e):
                ax.plot([xi], [e], marker="o", ms=7, color=c, zorder=3)
        labels = [f"{int(h)}d" for h in t["horizon"]]
        if "n_signal" in t.columns:
            ep = (t["n_episodes"].to_numpy(dtype=float) if "n_episodes" in t.columns
                  else np.full(len(t), np.nan))
            labels = [f"{lab}\n{int(n):,} days" + (f"\n{int(k):,} ep." if np.isfinite(k) else "")
                      if np.isfinite(n) else lab
                      for lab, n, k in zip(labels, t["n_signal"].to_numpy(dtype=float), ep,
                                           strict=True)]
        ax.set_xticks(x, labels, fontsize=8)
        ax.set_xlim(-0.6, len(t) - 0.4)
        ax.yaxis.set_major_formatter(PercentFormatter(100, decimals=1))
        ax.set_xlabel("horizon (trading days after the fill)")
        ax.set_ylabel("after signals minus the other days (%)")
        word = {"long": "fear side (expect above zero)",
                "short": "complacency side (expect below zero)"}
        _title(ax, word.get(str(side), f"{side} side" if side else "effect"), fontsize=10)
        ax.grid(True, axis="y", alpha=0.3)
    from matplotlib.lines import Line2D

    present = [v for v in VERDICT_COLORS
               if "verdict" in table.columns and v in set(table["verdict"].astype(str))]
    if present:
        fig.legend(handles=[Line2D([], [], color=VERDICT_COLORS[v], marker="o", lw=2, label=v)
                            for v in present],
                   loc="lower center", ncol=len(present), fontsize=8, frameon=False)
    _suptitle(fig, title or "SPX after signal days minus the other days, with its interval")
    # three lines of 8 pt tick labels, the x label, the verdict legend
    _fixed_layout(fig, top=_SUPTITLE + 0.3, bottom=1.05 if present else 0.8, cols=len(sides),
                  wgap=_LEFT)
    return fig


def heatmap_chart(table: pd.DataFrame, *, metric: str, title: str = "",
                  fmt: str = "{:.2f}", center: float | None = None) -> Figure:
    """Heatmap of a statistic over two parameters.

    Parameters
    ----------
    table : pandas.DataFrame
        Rows: values of the y parameter (index name = its name); columns:
        values of the x parameter (columns name = its name); cells: the
        statistic.
    metric : str
        Name of the statistic (colour-bar label).
    title : str, default ""
        Chart title.
    fmt : str, default "{:.2f}"
        Cell annotation format (annotations are drawn up to 20 x 20 cells).
    center : float or None, default None
        Centre a diverging colour map on this value (e.g. buy-and-hold's value of
        the statistic: blue cells beat it, red cells lose to it, so a grid that
        loses everywhere is all red and no "best cell" glows).
    """
    vals = table.to_numpy(dtype=float)
    ny, nx = vals.shape
    # at least 7.6 in (730 px on the page) wide, so labels stay legible
    fig = Figure(figsize=(max(7.6, min(2.6 + 0.85 * nx, 13)), max(4.0, min(2.0 + 0.5 * ny, 10))),
                 layout="constrained")
    ax = fig.add_subplot(1, 1, 1)
    finite = vals[np.isfinite(vals)]
    span = 1.0
    kw: dict[str, Any] = {"cmap": "viridis"}
    if center is not None and finite.size:
        span = max(abs(finite.max() - center), abs(finite.min() - center)) or 1.0
        kw = {"cmap": "RdBu", "vmin": center - span, "vmax": center + span}
    im = ax.imshow(np.ma.masked_invalid(vals), aspect="auto", origin="lower", **kw)
    ax.set_xticks(np.arange(nx), [f"{v:g}" if isinstance(v, int | float) else str(v)
                                  for v in table.columns], fontsize=8)
    ax.set_yticks(np.arange(ny), [f"{v:g}" if isinstance(v, int | float) else str(v)
                                  for v in table.index], fontsize=8)
    ax.set_xlabel(str(table.columns.name or "x"))
    ax.set_ylabel(str(table.index.name or "y"))
    if nx <= 20 and ny <= 20 and finite.size:
        mid = (np.nanmax(vals) + np.nanmin(vals)) / 2
        for i in range(ny):
            for j in range(nx):
                v = vals[i, j]
                if np.isfinite(v):
                    dark = (v < mid) if center is None else abs(v - center) > 0.6 * span
                    ax.text(j, i, fmt.format(v), ha="center", va="center",
                            fontsize=8 if nx <= 12 else 7, color="white" if dark else "black")
    cb = fig.colorbar(im, ax=ax)
    cb.set_label(metric)
    if center is not None:
        cb.ax.axhline(center, color="black", lw=1.0)
    ax.set_title(title or f"{metric} by {table.index.name} and {table.columns.name}")
    return fig


def metric_bars_chart(values: pd.Series, *, metric: str, title: str = "") -> Figure:
    """A statistic over the values of one swept parameter (bars).

    Parameters
    ----------
    values : pandas.Series
        Index: the parameter's values (index name = its name); values: the statistic.
    metric : str
        Name of the statistic (y label).
    title : str, default ""
        Chart title.
    """
    fig = Figure(figsize=(min(3.0 + 0.6 * len(values), 12), 4.0), layout="constrained")
    ax = fig.add_subplot(1, 1, 1)
    v = values.to_numpy(dtype=float)
    x = np.arange(len(v))
    ax.bar(x, np.nan_to_num(v), color=np.where(v >= 0, _LONG, _SHORT), alpha=0.8)
    for xi, vi in zip(x, v, strict=True):
        if np.isfinite(vi):
            ax.annotate(f"{vi:.3g}", (xi, vi), textcoords="offset points",
                        xytext=(0, 3 if vi >= 0 else -10), ha="center", fontsize=8)
    ax.set_xticks(x, [f"{k:g}" if isinstance(k, int | float) else str(k)
                      for k in values.index], fontsize=8)
    ax.axhline(0, color="black", lw=0.6)
    ax.set_xlabel(str(values.index.name or "parameter"))
    ax.set_ylabel(metric)
    ax.grid(True, axis="y", alpha=0.3)
    ax.set_title(title or f"{metric} by {values.index.name}")
    return fig


def payoff_chart(result: PayoffResult) -> Figure:
    """Payoff at expiration of an option position, breakevens marked."""
    s, p = result.settlement, result.profit
    fig = Figure(figsize=(9, 4.6), layout="constrained")
    ax = fig.add_subplot(1, 1, 1)
    ax.plot(s, p, color=_MAIN, lw=1.6, label="profit at expiration")
    ax.fill_between(s, p, 0, where=p >= 0, color=_LONG, alpha=0.2, interpolate=True,
                    label="gain")
    ax.fill_between(s, p, 0, where=p < 0, color=_SHORT, alpha=0.2, interpolate=True,
                    label="loss")
    ax.axhline(0, color="black", lw=0.7)
    labelled: set[float] = set()
    for leg in result.position.legs:
        ax.axvline(leg.strike, color=_BENCH, lw=0.8, ls=":")
        if float(leg.strike) in labelled:
            continue
        labelled.add(float(leg.strike))
        ax.annotate(f"{leg.side} {leg.kind} {leg.strike:g}", (leg.strike, 0.0),
                    xycoords=("data", "axes fraction"), xytext=(3, 6),
                    textcoords="offset points", fontsize=8, color="#333333", rotation=90,
                    va="bottom")
    for i, b in enumerate(result.breakevens):
        ax.axvline(b, color=_SHORT, lw=0.9, ls="--",
                   label="breakeven" if i == 0 else None)
        ax.annotate(f"breakeven {b:g}", (b, 0), textcoords="offset points", xytext=(4, 6),
                    fontsize=8, color=_SHORT)
    net = result.net_premium
    kind = "credit" if net >= 0 else "debit"
    ax.set_title(f"VIX option position at expiration (net {kind} {abs(net):.2f} points)")
    ax.set_xlabel("VIX settlement value at expiration (index points)")
    ax.set_ylabel(f"profit (VIX points per option; x{result.multiplier:g} = $)")
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=8, loc="upper right")
    return fig


def walk_forward_chart(oos_equity: pd.Series, benchmark_equity: pd.Series,
                       test_starts: pd.DatetimeIndex | None = None, *,
                       title: str = "") -> Figure:
    """Stitched out-of-sample equity of a walk-forward against buy-and-hold.

    The equity and drawdown panes of :func:`equity_chart` (log scale when the
    curves span more than a factor of 4), with a faint vertical line where each
    test window starts (a new parameter set may be chosen there).

    Parameters
    ----------
    oos_equity, benchmark_equity : pandas.Series
        Growth of 1 of the stitched out-of-sample returns and of buy-and-hold
        over the same days.
    test_starts : pandas.DatetimeIndex or None
        First day of each test window.
    title : str, default ""
        Figure title.
    """
    fig = equity_chart(oos_equity, benchmark_equity,
                       title=title or "Walk-forward: stitched out-of-sample equity vs "
                                      "buy-and-hold",
                       label="walk-forward (out of sample)")
    if test_starts is not None and len(test_starts):
        ax = fig.axes[0]
        # a short tick at the bottom per test window (a full-height line each would
        # hide the curves when there are dozens of windows)
        for i, d in enumerate(date2num(pd.DatetimeIndex(test_starts).to_pydatetime())):  # type: ignore[no-untyped-call]
            ax.axvline(float(d), ymin=0.0, ymax=0.04, color="black", lw=0.8, zorder=3,
                       label=f"test window starts ({len(test_starts)})" if i == 0 else None)
        _legend_outside(ax)
        _fixed_layout(fig, right=_outside_right(fig, [ax], _LEFT), rows=2, gap=0.15)
    return fig


def forest_chart(answer: pd.DataFrame, side: str, *, title: str = "") -> Figure:
    """Forest plot of one side: every strategy x horizon as an effect with its interval.

    One column per horizon (each with its own x scale, since a 63-day effect is
    naturally larger than a 1-day one), one row per strategy; the point is the
    effect (mean forward return after signals minus the mean on the other days),
    the line its interval, both coloured by the verdict; the primary horizon's
    point is a larger diamond; the zero line is "no difference".

    Parameters
    ----------
    answer : pandas.DataFrame
        :func:`backtest.report.answer.answer_frame` (columns ``strategy``,
        ``side``, ``horizon``, ``effect``, ``ci_low``, ``ci_high``,
        ``verdict``, ``primary``).
    side : str
        ``"long"`` or ``"short"``.
    title : str, default ""
        Figure title.
    """
    t = answer[answer["side"] == side]
    strategies = list(dict.fromkeys(t["strategy"]))
    horizons = sorted({int(h) for h in t["horizon"]})
    ny = max(1, len(strategies))
    fig = Figure(figsize=(11, 1.3 + 0.36 * ny))
    axes = fig.subplots(1, max(1, len(horizons)), sharey=True, squeeze=False)[0]
    y_of = {s: ny - 1 - i for i, s in enumerate(strategies)}
    for ax, h in zip(axes, horizons, strict=False):
        rows = t[t["horizon"] == h]
        ax.axvline(0, color="black", lw=0.8)
        for r in rows.to_dict(orient="records"):
            y = y_of[str(r["strategy"])]
            c = VERDICT_COLORS.get(str(r["verdict"]), "#7f7f7f")
            lo, hi = float(r["ci_low"]) * 100, float(r["ci_high"]) * 100
            e = float(r["effect"]) * 100
            if np.isfinite(lo) and np.isfinite(hi):
                ax.plot([lo, hi], [y, y], color=c, lw=2.0, solid_capstyle="butt")
            if np.isfinite(e):
                prim = bool(r["primary"])
                ax.plot([e], [y], marker="D" if prim else "o", ms=8 if prim else 5,
                        color=c, markeredgecolor="black" if prim else c, mew=0.8)
        _title(ax, f"{h} day{'s' if h != 1 else ''}", fontsize=9)
        # at most five labels such as "-1.5%" side by side in a panel about 1.8 in wide,
        # at steps of 1, 2 or 5 units of one decimal (never 0.15: it would read "0.2%")
        ax.xaxis.set_major_locator(MaxNLocator(nbins=4, steps=[1, 2, 5, 10]))
        ax.xaxis.set_major_formatter(PercentFormatter(100, decimals=1))
        ax.tick_params(axis="x", labelsize=7)
        ax.grid(True, axis="x", alpha=0.3)
        ax.set_ylim(-0.7, ny - 0.3)
    axes[0].set_yticks(range(ny), list(reversed(strategies)), fontsize=8)
    axes[len(axes) // 2].set_xlabel("effect: after signals minus the other days (%)", fontsize=9)
    from matplotlib.lines import Line2D

    seen = [v for v in VERDICT_COLORS if v in set(t["verdict"])]
    handles = [Line2D([], [], color=VERDICT_COLORS[v], marker="o", lw=2, label=v) for v in seen]
    handles.append(Line2D([], [], color="white", marker="D", markeredgecolor="black", ms=8,
                          label="primary horizon"))
    fig.legend(handles=handles, loc="lower center", ncol=len(handles), fontsize=8,
               frameon=False)
    word = {"long": "fear (expect SPX higher)", "short": "complacency (expect SPX lower)"}
    _suptitle(fig, title or f"After {word.get(side, side)}: effect by strategy and horizon",
              fontsize=11)
    # the strategy names (8 pt) measured; 7 pt x tick labels, the x label, the legend
    names = max(_measured(fig, axes[0].get_yticklabels()), default=0.0)
    _fixed_layout(fig, left=names + 0.2, top=0.56, bottom=0.75, cols=len(axes), wgap=0.15)
    return fig


def event_path_chart(paths: pd.DataFrame, *, title: str = "") -> Figure:
    """Mean cumulative SPX return around the fill, after signals vs all days.

    Parameters
    ----------
    paths : pandas.DataFrame
        :func:`backtest.report.event_paths.event_paths` of one side: index
        ``day`` (trading days from the fill, negative before it), columns
        ``events``, ``events_low``, ``events_high`` (mean over episode starts
        with its 95 % band), ``days`` (mean over every signal day) and
        ``unconditional`` (mean over every day of the sample); attributes
        ``n_events`` and ``n_days``.
    title : str, default ""
        Chart title.
    """
    fig = Figure(figsize=(7.6, 4.2))
    ax = fig.add_subplot(1, 1, 1)
    x = paths.index.to_numpy(dtype=float)
    ne, nd = paths.attrs.get("n_events", 0), paths.attrs.get("n_days", 0)
    ax.fill_between(x, paths["events_low"] * 100, paths["events_high"] * 100,
                    color=_MAIN, alpha=0.15, lw=0, label="95% band (events)")
    ax.plot(x, paths["events"] * 100, color=_MAIN, lw=1.6,
            label=f"event-weighted: {ne:,} episode start{'s' if ne != 1 else ''}")
    ax.plot(x, paths["days"] * 100, color=_MAIN, lw=1.0, ls="--",
            label=f"day-weighted: {nd:,} signal day{'s' if nd != 1 else ''}")
    ax.plot(x, paths["unconditional"] * 100, color=_BENCH, lw=1.2,
            label="all days (unconditional)")
    ax.axvline(0, color="black", lw=0.7)
    ax.axhline(0, color="black", lw=0.5)
    ax.yaxis.set_major_formatter(PercentFormatter(100, decimals=1))
    ax.set_xlabel("trading days from the fill (0 = fill day; the signal closed the day before)")
    ax.set_ylabel("cumulative SPX return from the fill price (%)")
    ax.set_xlim(float(x.min()), float(x.max()))
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=8, loc="best", framealpha=0.9)
    _title(ax, title or "SPX around the fill")
    _fixed_layout(fig)
    return fig
