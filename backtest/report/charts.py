"""Report charts: matplotlib figures built from plain Series and DataFrames.

Every function takes plain pandas objects (so it can be tested with hand-made
inputs) and returns a :class:`matplotlib.figure.Figure` created without pyplot:
no global figure registry, no backend switching, nothing left open.  Render
with :func:`to_png`.  Each chart has a title, labelled axes with units, a
legend where more than one thing is drawn, and dates on the x axis.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.dates import AutoDateLocator, ConciseDateFormatter, date2num
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter, PercentFormatter

if TYPE_CHECKING:
    from backtest.payoff import PayoffResult

__all__ = [
    "Pane",
    "equity_chart",
    "forward_returns_chart",
    "heatmap_chart",
    "metric_bars_chart",
    "payoff_chart",
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
_DPI = 110


def to_png(fig: Figure, dpi: int = _DPI) -> bytes:
    """Render a figure to PNG bytes."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, bbox_inches="tight", facecolor="white")
    return buf.getvalue()


def _date_axis(ax: Axes) -> None:
    loc = AutoDateLocator(minticks=4, maxticks=10)  # type: ignore[no-untyped-call]
    ax.xaxis.set_major_locator(loc)
    ax.xaxis.set_major_formatter(ConciseDateFormatter(loc))  # type: ignore[no-untyped-call]
    ax.grid(True, alpha=0.3)


Marks = pd.Series | pd.Index | Sequence[Any] | None


def _log_axis(ax: Axes, fmt: str) -> None:
    """Log y scale with ticks at 1, 2 and 5 times each power of ten, labelled plainly."""
    ax.set_yscale("log")
    ax.yaxis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: fmt.format(v)))
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


def _values_at(series: pd.Series, dates: pd.DatetimeIndex) -> np.ndarray:
    return series.reindex(dates).to_numpy(dtype=float)


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
    fig = Figure(figsize=(11, 4.2), layout="constrained")
    ax = fig.add_subplot(1, 1, 1)
    ax.plot(close.index, close.to_numpy(dtype=float), color=_MAIN, lw=0.9, label="SPX close")
    marks = (
        (long_entries, "^", _LONG, "long entry"),
        (long_exits, "v", _EXIT, "long exit"),
        (short_entries, "v", _SHORT, "short entry"),
        (short_exits, "^", _EXIT, "short exit"),
    )
    for dates_in, marker, color, label in marks:
        dates = _as_dates(dates_in, close.index)
        if len(dates):
            ax.scatter(dates, _values_at(close, dates), marker=marker, s=28, color=color,
                       edgecolors="black", linewidths=0.3, zorder=3,
                       label=f"{label} ({len(dates)})")
    if log and (close.dropna() > 0).all():
        _log_axis(ax, "{:,.0f}")
    ax.set_title(title)
    ax.set_xlabel("date")
    ax.set_ylabel(ylabel)
    _date_axis(ax)
    ax.legend(loc="upper left", fontsize=8, framealpha=0.85)
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
    ax.plot(s.index, s.to_numpy(), color=_MAIN, lw=0.8, label=pane.label, zorder=2)
    for i, (label, line) in enumerate(pane.lines.items()):
        ax.plot(line.index, line.to_numpy(dtype=float), lw=0.8,
                color=_BAND_COLORS[i % len(_BAND_COLORS)], alpha=0.9, label=label, zorder=1,
                ls="--" if "mid" in label.lower() or "mean" in label.lower() else "-")
    for i, (label, level) in enumerate(pane.levels.items()):
        ax.axhline(level, color=_BAND_COLORS[(i + 3) % len(_BAND_COLORS)], lw=1.0, ls=":",
                   label=label, zorder=1)
    if pane.shade_above is not None:
        above = (s > pane.shade_above).to_numpy()
        ax.fill_between(s.index, pane.shade_above, s.to_numpy(), where=above,
                        color=_SHORT, alpha=0.25, interpolate=True, label=pane.shade_label,
                        zorder=0)
    for i, (label, days) in enumerate(pane.marks.items()):
        dates = _as_dates(days, s.index)
        color, marker = _mark_color(label, i)
        if len(dates):
            ax.scatter(dates, _values_at(s, dates), marker=marker, s=22, color=color,
                       edgecolors="black", linewidths=0.3, zorder=3,
                       label=f"{label} ({len(dates)} days)")
        else:
            ax.plot([], [], ls="", marker=marker, color=color, label=f"{label} (0 days)")
    if pane.log:
        ax.set_yscale("log")
    ax.set_ylabel(pane.ylabel)
    if pane.title:
        ax.set_title(pane.title)
    _date_axis(ax)
    ax.legend(loc="upper left", fontsize=7.5, framealpha=0.85, ncol=2)


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
        fig = Figure(figsize=(11, 4.2), layout="constrained")
        ax = fig.add_subplot(1, 1, 1)
        _draw_pane(ax, main)
        ax.set_xlabel("date")
    else:
        fig = Figure(figsize=(11, 6.6), layout="constrained")
        gs = fig.add_gridspec(2, 1, height_ratios=(3, 2))
        ax = fig.add_subplot(gs[0])
        ax2 = fig.add_subplot(gs[1], sharex=ax)
        _draw_pane(ax, main)
        _draw_pane(ax2, lower)
        ax2.set_xlabel("date")
        ax.tick_params(axis="x", labelbottom=False)
    if title:
        fig.suptitle(title)
    elif not main.title:
        ax.set_title(main.label)
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
    fig = Figure(figsize=(11, 5.6), layout="constrained")
    gs = fig.add_gridspec(2, 1, height_ratios=(3, 1.4))
    ax = fig.add_subplot(gs[0])
    ax2 = fig.add_subplot(gs[1], sharex=ax)
    for s, lab, color, lw in ((benchmark, bench_label, _BENCH, 0.9), (equity, label, _MAIN, 1.0)):
        s = s.astype(float).dropna()
        if s.empty:
            continue
        growth = s / s.iloc[0]
        ax.plot(growth.index, growth.to_numpy(), color=color, lw=lw, label=lab)
        dd = growth / growth.cummax() - 1.0
        ax2.plot(dd.index, dd.to_numpy(), color=color, lw=lw, label=lab)
        ax2.fill_between(dd.index, dd.to_numpy(), 0.0, color=color, alpha=0.15)
    lines = [np.asarray(ln.get_ydata(), dtype=float) for ln in ax.get_lines()]
    top = max((float(np.nanmax(y)) for y in lines if len(y)), default=1.0)
    low = min((float(np.nanmin(y)) for y in lines if len(y)), default=1.0)
    if low > 0 and top / low > 4:
        _log_axis(ax, "{:g}")
        ax.set_ylabel("growth of $1 (log scale)")
    else:
        ax.set_ylabel("growth of $1")
    ax.set_title(title or "Equity and drawdown against buy-and-hold")
    ax.legend(loc="upper left", fontsize=8)
    ax2.set_ylabel("drawdown (%)")
    ax2.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    ax2.set_xlabel("date")
    _date_axis(ax)
    _date_axis(ax2)
    ax.tick_params(axis="x", labelbottom=False)
    return fig


def forward_returns_chart(table: pd.DataFrame, *, title: str = "") -> Figure:
    """Mean forward SPX return after signal days by horizon, with intervals.

    Parameters
    ----------
    table : pandas.DataFrame
        One row per (side, horizon) with columns ``horizon`` (trading days),
        ``mean`` (mean forward return after signals, fraction), ``ci_low``,
        ``ci_high`` (its interval), ``unconditional`` (mean over the other days)
        and optionally ``side`` and ``n`` (episodes).  Rows with no signal days
        may have NaN means.
    title : str, default ""
        Chart title.
    """
    sides = list(dict.fromkeys(table["side"])) if "side" in table.columns else [""]
    fig = Figure(figsize=(5.2 * len(sides) + 1, 4.2), layout="constrained")
    for j, side in enumerate(sides):
        ax = fig.add_subplot(1, len(sides), j + 1)
        t = table[table["side"] == side] if side else table
        t = t.sort_values("horizon")
        x = np.arange(len(t))
        w = 0.38
        mean = t["mean"].to_numpy(dtype=float)
        lo = t["ci_low"].to_numpy(dtype=float)
        hi = t["ci_high"].to_numpy(dtype=float)
        color = _SHORT if "short" in str(side) or "complacen" in str(side) else _LONG
        err = np.vstack([np.clip(mean - lo, 0, None), np.clip(hi - mean, 0, None)])
        err = np.where(np.isfinite(err), err, 0.0)
        ax.bar(x - w / 2, np.nan_to_num(mean), w, color=color, alpha=0.8,
               label="after signal (mean, 95% interval)", yerr=err, capsize=3,
               error_kw={"lw": 0.9})
        ax.bar(x + w / 2, t["unconditional"].to_numpy(dtype=float), w, color=_BENCH,
               alpha=0.7, label="other days (no signal)")
        labels = [f"{int(h)}d" for h in t["horizon"]]
        if "n" in t.columns:
            labels = [f"{lab}\n{int(n)} ep" if np.isfinite(n) else lab
                      for lab, n in zip(labels, t["n"].to_numpy(dtype=float), strict=True)]
        ax.set_xticks(x, labels, fontsize=8)
        ax.axhline(0, color="black", lw=0.6)
        ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=1))
        ax.set_xlabel("horizon (trading days after the fill)")
        ax.set_ylabel("mean SPX forward return (%)")
        ax.set_title(f"{side} side" if side else "forward returns", fontsize=10)
        ax.grid(True, axis="y", alpha=0.3)
        ax.legend(fontsize=7.5, loc="upper left")
    fig.suptitle(title or "SPX forward returns after signal days vs all days")
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
        Centre a diverging colour map on this value.
    """
    vals = table.to_numpy(dtype=float)
    ny, nx = vals.shape
    fig = Figure(figsize=(min(2.6 + 0.75 * nx, 13), min(2.0 + 0.45 * ny, 10)),
                 layout="constrained")
    ax = fig.add_subplot(1, 1, 1)
    finite = vals[np.isfinite(vals)]
    kw: dict[str, Any] = {"cmap": "viridis"}
    if center is not None and finite.size:
        span = max(abs(finite.max() - center), abs(finite.min() - center)) or 1.0
        kw = {"cmap": "RdYlGn", "vmin": center - span, "vmax": center + span}
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
                    ax.text(j, i, fmt.format(v), ha="center", va="center", fontsize=7,
                            color="white" if (center is None and v < mid) else "black")
    cb = fig.colorbar(im, ax=ax)
    cb.set_label(metric)
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
    for leg in result.position.legs:
        ax.axvline(leg.strike, color=_BENCH, lw=0.6, ls=":")
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
    ax.legend(fontsize=8, loc="lower left")
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
        for i, d in enumerate(date2num(pd.DatetimeIndex(test_starts).to_pydatetime())):  # type: ignore[no-untyped-call]
            ax.axvline(float(d), color="grey", lw=0.5, alpha=0.45, zorder=0,
                       label="test window start" if i == 0 else None)
        ax.legend(loc="upper left", fontsize=8)
    return fig
