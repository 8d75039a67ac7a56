"""Plotly versions of the dense time-series charts (the interactive report).

Decades of daily data are too dense for a static image: these figures zoom,
pan and show the date and values on hover.  Each function takes the same plain
pandas inputs as its matplotlib twin in :mod:`backtest.report.charts` and
returns a :class:`plotly.graph_objects.Figure`; :func:`to_div` turns one into
page markup without plotly.js (the page carries it once).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from plotly.graph_objects import Figure

    from backtest.report.charts import Pane

__all__ = ["equity_figure", "price_trades_figure", "signal_figure", "to_div"]

_LONG = "#1a9850"
_SHORT = "#d73027"
_EXIT = "#4d4d4d"
_BENCH = "#7f7f7f"
_MAIN = "#1f4e9c"
_BANDS = ("#e08214", "#8073ac", "#35978f", "#b2182b", "#2166ac")


def to_div(fig: Figure, div_id: str) -> str:
    """The figure as a ``<div>`` with its script, without plotly.js, responsive width."""
    import plotly.io as pio

    return str(pio.to_html(fig, full_html=False, include_plotlyjs=False, div_id=div_id,
                           config={"responsive": True, "displaylogo": False}))


def _x(index: pd.Index) -> list[str]:
    return [f"{d:%Y-%m-%d}" for d in pd.DatetimeIndex(index)]


def _y(values: pd.Series | np.ndarray, decimals: int = 4) -> np.ndarray:
    return np.round(np.asarray(values, dtype=float), decimals)


def _dates(marks: pd.Series | pd.Index | Sequence[Any] | None,
           index: pd.Index) -> pd.DatetimeIndex:
    if marks is None:
        return pd.DatetimeIndex([])
    if isinstance(marks, pd.Series) and marks.dtype == bool:
        d = pd.DatetimeIndex(marks.index[marks.to_numpy()])
    else:
        d = pd.DatetimeIndex(pd.to_datetime(list(marks)))
    return d[d.isin(index)]


def _layout(fig: Figure, title: str, height: int) -> None:
    fig.update_layout(title={"text": title, "x": 0.01}, height=height, hovermode="x unified",
                      margin={"l": 60, "r": 20, "t": 50, "b": 40},
                      legend={"orientation": "h", "y": -0.12}, template="plotly_white")


def price_trades_figure(close: pd.Series, *, long_entries: Any = None, long_exits: Any = None,
                        short_entries: Any = None, short_exits: Any = None,
                        title: str = "S&P 500 with trades") -> Figure:
    """SPX close (log scale) with the trades' fills marked."""
    import plotly.graph_objects as go

    fig = go.Figure()
    fig.add_trace(go.Scatter(x=_x(close.index), y=_y(close, 2), name="SPX close",
                             line={"color": _MAIN, "width": 1}))
    for marks, symbol, color, label in ((long_entries, "triangle-up", _LONG, "long entry"),
                                        (long_exits, "triangle-down", _EXIT, "long exit"),
                                        (short_entries, "triangle-down", _SHORT, "short entry"),
                                        (short_exits, "triangle-up", _EXIT, "short exit")):
        d = _dates(marks, close.index)
        if len(d):
            fig.add_trace(go.Scatter(x=_x(d), y=_y(close.reindex(d), 2), mode="markers",
                                     name=f"{label} ({len(d)})",
                                     marker={"symbol": symbol, "color": color, "size": 7}))
    fig.update_yaxes(type="log", title="SPX (index points, log scale)")
    _layout(fig, title, 460)
    return fig


def _pane_traces(fig: Figure, pane: Pane, row: int) -> None:
    import plotly.graph_objects as go

    s = pane.series.astype(float)
    fig.add_trace(go.Scatter(x=_x(s.index), y=_y(s), name=pane.label,
                             line={"color": _MAIN, "width": 1}), row=row, col=1)
    for i, (label, line) in enumerate(pane.lines.items()):
        dash = "dash" if "mid" in label.lower() or "mean" in label.lower() else "solid"
        fig.add_trace(go.Scatter(x=_x(line.index), y=_y(line), name=label,
                                 line={"color": _BANDS[i % len(_BANDS)], "width": 1,
                                       "dash": dash}), row=row, col=1)
    for i, (label, level) in enumerate(pane.levels.items()):
        fig.add_hline(y=level, line={"color": _BANDS[(i + 3) % len(_BANDS)], "dash": "dot",
                                     "width": 1}, annotation_text=label, row=row, col=1)
    for label, days in pane.marks.items():
        d = _dates(days, s.index)
        low = label.lower()
        color = _LONG if ("fear" in low or "long" in low) else _SHORT
        fig.add_trace(go.Scatter(x=_x(d), y=_y(s.reindex(d)), mode="markers",
                                 name=f"{label} ({len(d)} days)",
                                 marker={"color": color, "size": 6,
                                         "symbol": "triangle-up" if color == _LONG
                                         else "triangle-down"}), row=row, col=1)
    fin = s.to_numpy()[np.isfinite(s.to_numpy())]
    if pane.log:
        fig.update_yaxes(type="log", row=row, col=1)
    elif fin.size:  # the view follows the series: a band below zero does not stretch it
        lo, hi = float(fin.min()), float(fin.max())
        levels = [float(v) for v in pane.levels.values()]
        lo, hi = min([lo, *levels]), max([hi, *levels])
        pad = 0.05 * (hi - lo) if hi > lo else 1.0
        fig.update_yaxes(range=[lo - pad, hi + pad], row=row, col=1)
    fig.update_yaxes(title=pane.ylabel, row=row, col=1)


def signal_figure(main: Pane, lower: Pane | None = None, *, title: str = "") -> Figure:
    """The VIX (or a ratio) with its bands, thresholds and signal days; optional lower pane."""
    from plotly.subplots import make_subplots

    rows = 2 if lower is not None else 1
    fig = make_subplots(rows=rows, cols=1, shared_xaxes=True, vertical_spacing=0.06,
                        row_heights=[0.6, 0.4] if rows == 2 else [1.0])
    _pane_traces(fig, main, 1)
    if lower is not None:
        _pane_traces(fig, lower, 2)
    _layout(fig, title or main.title or main.label, 560 if rows == 2 else 440)
    return fig


def equity_figure(equity: pd.Series, benchmark: pd.Series, *, title: str = "",
                  label: str = "strategy", bench_label: str = "buy-and-hold SPX") -> Figure:
    """Growth of $1 (log scale) and drawdown against buy-and-hold."""
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, vertical_spacing=0.06,
                        row_heights=[0.68, 0.32])
    for s, lab, color in ((benchmark, bench_label, _BENCH), (equity, label, _MAIN)):
        s = s.astype(float).dropna()
        if s.empty:
            continue
        g = s / s.iloc[0]
        dd = g / g.cummax() - 1.0
        fig.add_trace(go.Scatter(x=_x(g.index), y=_y(g), name=lab,
                                 line={"color": color, "width": 1}), row=1, col=1)
        fig.add_trace(go.Scatter(x=_x(dd.index), y=_y(dd * 100, 2), name=f"{lab} drawdown",
                                 line={"color": color, "width": 1}, fill="tozeroy",
                                 showlegend=False), row=2, col=1)
    fig.update_yaxes(type="log", title="growth of $1 (log)", row=1, col=1)
    fig.update_yaxes(title="drawdown (%)", row=2, col=1)
    _layout(fig, title or "Equity and drawdown against buy-and-hold", 520)
    return fig

