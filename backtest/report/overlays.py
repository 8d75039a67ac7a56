"""What a strategy's signal chart draws: the VIX (or ratio) with its bands and thresholds.

For each registered strategy a small function returns the panes of its signal
chart -- the series the rule reads, the bands or thresholds it compares it
with, and the signal days.  The indicator values come from
:mod:`strategies.indicators`, the same functions the strategies use, with the
strategy's own parameters, so the chart shows exactly the lines the rule
compares against.  A strategy without an entry here gets the VIX with its
signal days marked.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from backtest.report.charts import Pane
from strategies.base import Signals, Strategy

__all__ = ["SignalPanes", "signal_panes"]


@dataclass(frozen=True)
class SignalPanes:
    """Panes of a strategy's signal chart.

    Attributes
    ----------
    main : Pane
        Upper pane.
    lower : Pane or None
        Optional lower pane (vol-of-vol, an oscillator).
    ratio_band : float or None
        Set for term-structure ratios: the main pane is a ratio chart with the
        1.0 line and backwardation shaded, and this hysteresis band.
    """

    main: Pane
    lower: Pane | None = None
    ratio_band: float | None = None


def _marks(strategy: Strategy, signals: Signals) -> dict[str, pd.Series]:
    out: dict[str, pd.Series] = {}
    if "long" in strategy.sides:
        out["fear signal (long entry)"] = signals.long_entries
    if "short" in strategy.sides:
        out["complacency signal (short entry)"] = signals.short_entries
    return out


def _s(values: Any, index: pd.Index) -> pd.Series:
    return pd.Series(np.asarray(values, dtype=float), index=index)


_VIX_LABEL = "VIX close (index points)"


def _vix(frame: pd.DataFrame) -> pd.Series:
    return frame["vix_close"].astype(float)


def _spike(strategy: Strategy, frame: pd.DataFrame, signals: Signals) -> SignalPanes:
    from strategies import indicators as ind

    p = strategy.params()
    vix = _vix(frame)
    c = vix.to_numpy()
    idx = frame.index
    sma = _s(ind.rolling_mean(c, int(p["window"])), idx)
    lines = {f"{p['window']}-day SMA (exit at or below)": sma}
    marks = _marks(strategy, signals)
    lower = None
    variant = p.get("variant", "pct_above_sma")
    if variant == "pct_above_sma":
        lines[f"entry: SMA x {1 + float(p['pct_above']):g}"] = sma * (1 + float(p["pct_above"]))
    elif variant == "zscore":
        z = _s(ind.rolling_zscore(c, int(p["window"])), idx)
        lower = Pane(z, f"z-score of VIX ({p['window']} days)", "z-score (std devs)",
                     levels={f"entry threshold {p['z_threshold']:g}": float(p["z_threshold"])},
                     marks=marks)
    elif variant == "jump":
        k = int(p["jump_days"])
        rise = _s(ind.pct_change(c, k), idx) * 100
        lower = Pane(rise, f"VIX change over {k} days (%)", "change (%)",
                     levels={f"entry threshold {float(p['jump_pct']) * 100:g}%":
                             float(p["jump_pct"]) * 100}, marks=marks)
    elif variant == "rsi":
        k = int(p["rsi_period"])
        rsi = _s(ind.rsi_wilder(c, k), idx)
        lower = Pane(rsi, f"RSI({k}) of the VIX", "RSI (0-100)",
                     levels={f"entry threshold {p['rsi_threshold']:g}":
                             float(p["rsi_threshold"])}, marks=marks)
    elif variant == "turn":
        n = int(p["turn_lookback"])
        lines[f"{n}-day closing high"] = _s(ind.rolling_max(c, n), idx)
    main = Pane(vix, "VIX close", _VIX_LABEL, lines=lines, marks=marks,
                title=f"VIX and the spike rule ({variant})")
    return SignalPanes(main, lower)


def _bollinger(strategy: Strategy, frame: pd.DataFrame, signals: Signals) -> SignalPanes:
    from strategies import indicators as ind

    p = strategy.params()
    vix = _vix(frame)
    c = vix.to_numpy()
    w, k = int(p["window"]), float(p["num_std"])
    mid = _s(ind.rolling_mean(c, w), frame.index)
    sd = _s(ind.rolling_std(c, w, ddof=0), frame.index)
    lines = {f"upper band (+{k:g} sd)": mid + k * sd, f"middle band ({w}-day mean)": mid,
             f"lower band (-{k:g} sd)": mid - k * sd}
    main = Pane(vix, "VIX close", _VIX_LABEL, lines=lines, marks=_marks(strategy, signals),
                title=f"VIX with its {w}-day Bollinger bands")
    return SignalPanes(main)


def _vol_of_vol(strategy: Strategy, frame: pd.DataFrame, signals: Signals) -> SignalPanes:
    from strategies import indicators as ind

    p = strategy.params()
    vix = _vix(frame)
    bw, k = int(p["band_window"]), float(p["num_std"])
    if p.get("measure") == "vvix":
        x = frame["vvix"].astype(float)
        label, ylabel = "VVIX", "VVIX (index points)"
    else:
        hw = int(p["hv_window"])
        x = _s(ind.hist_vol(vix.to_numpy(), hw), frame.index) * 100
        label, ylabel = f"{hw}-day historical volatility of the VIX", "vol of VIX (% per year)"
    mid = _s(ind.rolling_mean(x.to_numpy(), bw), frame.index)
    sd = _s(ind.rolling_std(x.to_numpy(), bw, ddof=0), frame.index)
    marks = _marks(strategy, signals)
    lower = Pane(x, label, ylabel,
                 lines={f"upper band (+{k:g} sd)": mid + k * sd,
                        f"middle band ({bw}-day mean)": mid,
                        f"lower band (-{k:g} sd)": mid - k * sd},
                 marks=marks, title=f"{label} with its {bw}-day Bollinger bands")
    main = Pane(vix, "VIX close", _VIX_LABEL, marks=marks, title="VIX with the signal days")
    return SignalPanes(main, lower)


def _contango(strategy: Strategy, frame: pd.DataFrame, signals: Signals) -> SignalPanes:
    from strategies import indicators as ind
    from strategies.contango_flip import PAIRS

    p = strategy.params()
    near, far = PAIRS[str(p["pair"])]
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = frame[near].astype(float) / frame[far].astype(float)
    w = int(p.get("smooth_window", 1))
    if w > 1:
        ratio = _s(ind.rolling_mean(ratio.to_numpy(), w), frame.index)
    names = {"vix_close": "VIX", "vix3m": "VIX3M", "vx1": "VX1", "vx2": "VX2"}
    name = f"{names.get(near, near)} / {names.get(far, far)}"
    if w > 1:
        name += f" ({w}-day mean)"
    marks: dict[str, pd.Series] = {
        "all-clear: flip back to contango (long entry)": signals.long_entries,
        "flip into backwardation (short entry)": signals.short_entries,
    }
    main = Pane(ratio, name, f"{name} (ratio)", marks=marks,
                title=f"Term structure {name}: above 1 = backwardation")
    return SignalPanes(main, ratio_band=float(p.get("band", 0.0)))


def _complacency_low(strategy: Strategy, frame: pd.DataFrame,
                     signals: Signals) -> SignalPanes:
    from strategies import indicators as ind

    p = strategy.params()
    vix = _vix(frame)
    c = vix.to_numpy()
    n = round(float(p["lookback_years"]) * int(p["days_per_year"]))
    lines = {f"{float(p['lookback_years']):g}-year low ({n} days)":
             _s(ind.rolling_min(c, n), frame.index)}
    if p.get("exit_style") == "sma":
        w = int(p["exit_window"])
        lines[f"{w}-day SMA (exit above)"] = _s(ind.rolling_mean(c, w), frame.index)
    main = Pane(vix, "VIX close", _VIX_LABEL, lines=lines, marks=_marks(strategy, signals),
                title="VIX at its N-year low")
    return SignalPanes(main)


def _ma_cross(strategy: Strategy, frame: pd.DataFrame, signals: Signals) -> SignalPanes:
    from strategies import indicators as ind

    p = strategy.params()
    vix = _vix(frame)
    c = vix.to_numpy()
    f, sl = int(p["fast"]), int(p["slow"])
    lines = {f"{f}-day MA (fast)": _s(ind.rolling_mean(c, f), frame.index),
             f"{sl}-day MA (slow)": _s(ind.rolling_mean(c, sl), frame.index)}
    main = Pane(vix, "VIX close", _VIX_LABEL, lines=lines, marks=_marks(strategy, signals),
                title=f"VIX {f}/{sl}-day moving-average cross")
    return SignalPanes(main)


def _residual(strategy: Strategy, frame: pd.DataFrame, signals: Signals) -> SignalPanes:
    from strategies.residual_surprise import vix_surprise

    p = strategy.params()
    vix = _vix(frame)
    marks = _marks(strategy, signals)
    w, thr = int(p["window"]), float(p["threshold"])
    z = _s(vix_surprise(vix.to_numpy(), frame["spx_close"].to_numpy(dtype=float), w),
           frame.index)
    lower = Pane(z, f"VIX surprise ({w}-day rolling regression on SPX)",
                 "residual (standard errors)",
                 levels={f"+{thr:g} (fear surprise)": thr, f"-{thr:g} (calm surprise)": -thr},
                 marks=marks, title="The part of the VIX move SPX does not explain")
    main = Pane(vix, "VIX close", _VIX_LABEL, marks=marks, title="VIX with the signal days")
    return SignalPanes(main, lower)


def _divergence(strategy: Strategy, frame: pd.DataFrame, signals: Signals) -> SignalPanes:
    marks = _marks(strategy, signals)
    spx = frame["spx_close"].astype(float)
    lower = Pane(spx, "SPX close", "SPX (index points, log scale)", marks=marks, log=True,
                 title="S&P 500 on the divergence days")
    main = Pane(_vix(frame), "VIX close", _VIX_LABEL, marks=marks,
                title=f"VIX/SPX divergence ({strategy.params().get('variant')})")
    return SignalPanes(main, lower)


def _generic(strategy: Strategy, frame: pd.DataFrame, signals: Signals) -> SignalPanes:
    main = Pane(_vix(frame), "VIX close", _VIX_LABEL, marks=_marks(strategy, signals),
                title="VIX with the signal days")
    return SignalPanes(main)


_OVERLAYS: dict[str, Callable[[Strategy, pd.DataFrame, Signals], SignalPanes]] = {
    "spike_reversal": _spike,
    "bollinger_break": _bollinger,
    "vol_of_vol": _vol_of_vol,
    "contango_flip": _contango,
    "complacency_low": _complacency_low,
    "ma_cross": _ma_cross,
    "residual_surprise": _residual,
    "divergence": _divergence,
}


def signal_panes(strategy: Strategy, frame: pd.DataFrame, signals: Signals) -> SignalPanes:
    """Panes of ``strategy``'s signal chart on ``frame``.

    Parameters
    ----------
    strategy : Strategy
        The parameter set.
    frame : pandas.DataFrame
        Market table frame the signals were computed on.
    signals : Signals
        The strategy's signals on ``frame``.
    """
    fn = _OVERLAYS.get(strategy.name, _generic)
    try:
        return fn(strategy, frame, signals)
    except (KeyError, ValueError):
        # a variant or column the overlay does not know: show the plain VIX view
        return _generic(strategy, frame, signals)
