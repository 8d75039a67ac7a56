"""Plain-Python, bar-by-bar reference signals of every registered strategy.

Written from the rules in the strategies' docstrings -- one loop over days,
plain lists and :mod:`math`, no pandas rolling windows and no NumPy vector
arithmetic -- so that agreement with the vectorised ``Strategy.signals`` is
evidence, not tautology.  Only the tie rule is shared: every comparison calls
the scalar functions of :mod:`strategies.compare` (``scalar_above`` /
``scalar_below``), the one definition of "above" that the issue asks for.

Common rules applied by every function (from the strategies' docstrings):

- Days where any input column of the strategy is missing carry no signal and
  are skipped: windows, "yesterday" and consecutive counts run over the days
  that have the inputs (the *present* days).
- No signal before the strategy's warm-up (counted in present days), the
  first day on which all of its entry and exit indicators are defined.
- A value that cannot be computed (warm-up, zero deviation) compares as False,
  also in "at or below" / "at or above".

Deliberately small and slow; see ``tests/execution/test_reference_end_to_end.py``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import pandas as pd

from strategies.compare import scalar_above, scalar_below

NAN = math.nan


@dataclass
class RefSignals:
    """Four boolean lists, one value per row of the frame."""

    long_entries: list[bool]
    long_exits: list[bool]
    short_entries: list[bool]
    short_exits: list[bool]


def _isnan(x: float) -> bool:
    return x != x


def above(a: float, b: float) -> bool:
    """``a`` above ``b`` beyond the tie tolerance; False if either is NaN."""
    return not _isnan(a) and not _isnan(b) and bool(scalar_above(a, b))


def below(a: float, b: float) -> bool:
    """``a`` below ``b`` beyond the tie tolerance; False if either is NaN."""
    return not _isnan(a) and not _isnan(b) and bool(scalar_below(a, b))


def at_or_below(a: float, b: float) -> bool:
    """Not above (a tie counts), both known."""
    return not _isnan(a) and not _isnan(b) and not scalar_above(a, b)


def at_or_above(a: float, b: float) -> bool:
    """Not below (a tie counts), both known."""
    return not _isnan(a) and not _isnan(b) and not scalar_below(a, b)


# ----------------------------------------------------------------- helpers


def present_days(frame: pd.DataFrame, columns: tuple[str, ...]) -> tuple[list[int],
                                                                          list[list[float]]]:
    """Row numbers where every column has a value, and each column's values there."""
    cols = [frame[c].tolist() for c in columns]
    rows = [i for i in range(len(frame)) if all(not _isnan(col[i]) for col in cols)]
    return rows, [[col[i] for i in rows] for col in cols]


def sma(x: list[float], t: int, n: int) -> float:
    """Mean of ``x[t-n+1 .. t]`` (NaN without ``n`` values or if one is NaN)."""
    if t < n - 1:
        return NAN
    return sum(x[t - n + 1:t + 1]) / n


def pstd(x: list[float], t: int, n: int, ddof: int = 0) -> float:
    """Standard deviation of ``x[t-n+1 .. t]`` (two passes), 0 for a constant window."""
    if t < n - 1:
        return NAN
    w = x[t - n + 1:t + 1]
    if max(w) == min(w):
        return 0.0
    m = sum(w) / n
    return math.sqrt(sum((v - m) ** 2 for v in w) / (n - ddof))


def scatter(length: int, rows: list[int], values: list[bool]) -> list[bool]:
    """Put present-day values back on their rows (False elsewhere)."""
    out = [False] * length
    for r, v in zip(rows, values, strict=True):
        out[r] = v
    return out


def _signals(length: int, rows: list[int], warmup: int, **sides: list[bool]) -> RefSignals:
    """Apply the warm-up (in present days) and scatter each side back to the frame."""
    lists = {}
    for name in ("long_entries", "long_exits", "short_entries", "short_exits"):
        vals = sides.get(name)
        if vals is None:
            lists[name] = [False] * length
        else:
            lists[name] = scatter(length, rows, [v and t >= warmup for t, v in enumerate(vals)])
    return RefSignals(**lists)


# -------------------------------------------------------------- strategies


def spike_reversal(frame: pd.DataFrame, p: dict[str, Any]) -> RefSignals:
    """Spike entry by ``variant``; exit: VIX at or below its SMA (not on an entry day)."""
    use_open = p["variant"] == "turn" and p["turn_reference"] == "open"
    rows, series = present_days(frame, ("vix_close", "vix_open") if use_open else ("vix_close",))
    c = series[0]
    w = p["window"]
    warm = {"jump": p["jump_days"], "rsi": p["rsi_period"],
            "turn": p["turn_lookback"]}.get(p["variant"], w - 1)
    warmup = max(warm, w - 1)
    rsi = wilder_rsi(c, p["rsi_period"]) if p["variant"] == "rsi" else []
    entries, exits = [], []
    for t in range(len(c)):
        m = sma(c, t, w)
        if p["variant"] == "pct_above_sma":
            spike = above(c[t], m * (1 + p["pct_above"]))
        elif p["variant"] == "zscore":
            sd = pstd(c, t, w)
            z = (c[t] - m) / sd if sd == sd and sd > 0 else NAN
            spike = above(z, p["z_threshold"])
        elif p["variant"] == "jump":
            k = p["jump_days"]
            spike = t >= k and above(c[t] / c[t - k] - 1, p["jump_pct"])
        elif p["variant"] == "rsi":
            spike = above(rsi[t], p["rsi_threshold"])
        else:  # turn: yesterday a new N-day closing high, today closes below the reference
            n = p["turn_lookback"]
            y = t - 1
            new_high = y >= n - 1 and at_or_above(c[y], max(c[y - n + 1:y + 1]))
            ref = series[1][t] if use_open else (c[y] if t >= 1 else NAN)
            spike = new_high and below(c[t], ref)
        entries.append(spike)
        exits.append(at_or_below(c[t], m) and not spike)
    return _signals(len(frame), rows, warmup, long_entries=entries, long_exits=exits)


def wilder_rsi(c: list[float], n: int) -> list[float]:
    """Wilder RSI: seed = mean of the first ``n`` changes, then ``(avg*(n-1) + x) / n``."""
    out = [NAN] * len(c)
    if len(c) <= n:
        return out
    gains = [max(c[t] - c[t - 1], 0.0) for t in range(1, len(c))]
    losses = [max(c[t - 1] - c[t], 0.0) for t in range(1, len(c))]
    ag, al = sum(gains[:n]) / n, sum(losses[:n]) / n
    for t in range(n, len(c)):
        if t > n:
            ag = (ag * (n - 1) + gains[t - 1]) / n
            al = (al * (n - 1) + losses[t - 1]) / n
        if al > 0:
            out[t] = 100 - 100 / (1 + ag / al)
        else:
            out[t] = 100.0 if ag > 0 else 50.0
    return out


def bands(x: list[float], t: int, n: int, k: float) -> tuple[float, float, float]:
    """Lower, middle and upper Bollinger band of ``x`` at ``t`` (population std)."""
    m = sma(x, t, n)
    s = pstd(x, t, n)
    return m - k * s, m, m + k * s


def bollinger_break(frame: pd.DataFrame, p: dict[str, Any]) -> RefSignals:
    """Long above the upper band, short below the lower band; exits by ``exit_style``."""
    rows, (c,) = present_days(frame, ("vix_close",))
    le, lx, se, sx = [], [], [], []
    for t in range(len(c)):
        lo, mid, up = bands(c, t, p["window"], p["num_std"])
        le.append(above(c[t], up))
        se.append(below(c[t], lo))
        if p["exit_style"] == "inside":
            lx.append(at_or_below(c[t], up))
            sx.append(at_or_above(c[t], lo))
        elif p["exit_style"] == "middle":
            lx.append(at_or_below(c[t], mid))
            sx.append(at_or_above(c[t], mid))
        else:
            lx.append(False)
            sx.append(False)
    return _signals(len(frame), rows, p["window"] - 1, long_entries=le, long_exits=lx,
                    short_entries=se, short_exits=sx)


PAIRS = {"vix_vix3m": ("vix_close", "vix3m"), "vx1_vx2": ("vx1", "vx2"),
         "vix_vx1": ("vix_close", "vx1")}


def contango_flip(frame: pd.DataFrame, p: dict[str, Any]) -> RefSignals:
    """Regime of the (smoothed) near/far ratio with hysteresis and confirmation; trade flips."""
    rows, (near, far) = present_days(frame, PAIRS[p["pair"]])
    ratio = [a / b for a, b in zip(near, far, strict=True)]
    band, need = p["band"], p["confirm_days"]
    back_run = cont_run = 0
    state = prev = 0  # 1 backwardation, -1 contango, 0 none yet
    le, lx, se, sx = [], [], [], []
    for t in range(len(ratio)):
        r = sma(ratio, t, p["smooth_window"])
        back_run = back_run + 1 if above(r, 1 + band) else 0
        cont_run = cont_run + 1 if below(r, 1 - band) else 0
        prev = state
        if back_run >= need:
            state = 1
        elif cont_run >= need:
            state = -1
        le.append(state == -1 and prev == 1)
        lx.append(state == 1)
        se.append(state == 1 and prev == -1)
        sx.append(state == -1)
    warmup = p["smooth_window"] + need - 2
    return _signals(len(frame), rows, warmup, long_entries=le, long_exits=lx,
                    short_entries=se, short_exits=sx)


def vol_of_vol(frame: pd.DataFrame, p: dict[str, Any]) -> RefSignals:
    """Short when vol-of-vol closes below its lower band; exits by ``exit_style``."""
    if p["measure"] == "vvix":
        rows, (x,) = present_days(frame, ("vvix",))
        warmup = p["band_window"] - 1
    else:
        rows, (c,) = present_days(frame, ("vix_close",))
        h = p["hv_window"]
        logs = [NAN] + [math.log(c[t] / c[t - 1]) for t in range(1, len(c))]
        x = [pstd(logs, t, h, ddof=1) * math.sqrt(252) if t >= h else NAN
             for t in range(len(c))]
        warmup = h + p["band_window"] - 1
    se, sx = [], []
    for t in range(len(x)):
        if t < warmup:  # the bands need band_window values of the measure
            se.append(False)
            sx.append(False)
            continue
        lo, mid, _ = bands(x, t, p["band_window"], p["num_std"])
        se.append(below(x[t], lo))
        if p["exit_style"] == "middle":
            sx.append(at_or_above(x[t], mid))
        elif p["exit_style"] == "inside":
            sx.append(at_or_above(x[t], lo))
        else:
            sx.append(False)
    return _signals(len(frame), rows, warmup, short_entries=se, short_exits=sx)


def complacency_low(frame: pd.DataFrame, p: dict[str, Any]) -> RefSignals:
    """Short at an N-year closing low; exit when the VIX closes above its SMA."""
    rows, (c,) = present_days(frame, ("vix_close",))
    n = round(p["lookback_years"] * p["days_per_year"])
    w = p["exit_window"]
    se, sx = [], []
    for t in range(len(c)):
        low = min(c[t - n + 1:t + 1]) if t >= n - 1 else NAN
        se.append(at_or_below(c[t], low))
        sx.append(p["exit_style"] == "sma" and above(c[t], sma(c, t, w)))
    warmup = max(n, w if p["exit_style"] == "sma" else 0) - 1
    return _signals(len(frame), rows, warmup, short_entries=se, short_exits=sx)


def ma_cross(frame: pd.DataFrame, p: dict[str, Any]) -> RefSignals:
    """Short when the fast SMA crosses above the slow one; exit when at or below it."""
    rows, (c,) = present_days(frame, ("vix_close",))
    se, sx = [], []
    was_at_or_below = False
    for t in range(len(c)):
        f, s = sma(c, t, p["fast"]), sma(c, t, p["slow"])
        se.append(above(f, s) and was_at_or_below)
        sx.append(at_or_below(f, s))
        was_at_or_below = at_or_below(f, s)
    return _signals(len(frame), rows, p["slow"] - 1, short_entries=se, short_exits=sx)


def divergence(frame: pd.DataFrame, p: dict[str, Any]) -> RefSignals:
    """Short on the VIX/SPX divergence chosen by ``variant`` (no exit signal)."""
    rows, (v, s) = present_days(frame, ("vix_close", "spx_close"))
    variant = p["variant"]
    se = []
    if variant == "jump_no_drop":
        k = p["jump_days"]
        warmup = k
        for t in range(len(v)):
            se.append(t >= k and above(v[t] / v[t - k] - 1, p["vix_jump"])
                      and above(s[t] / s[t - k] - 1, -p["spx_max_drop"]))
    elif variant == "up_days":
        w = warmup = p["up_window"]
        up = [t >= 1 and above(v[t], v[t - 1]) for t in range(len(v))]
        for t in range(len(v)):
            se.append(t >= w and sum(up[t - w + 1:t + 1]) >= p["up_count"]
                      and below(abs(s[t] / s[t - w] - 1), p["flat_band"]))
    elif variant == "weak_fear":
        w, d = p["usual_window"], p["down_days"]
        warmup = max(w + 1, d)
        lv, ls = [math.log(x) for x in v], [math.log(x) for x in s]
        dv = [NAN] + [lv[t] - lv[t - 1] for t in range(1, len(v))]
        ds = [NAN] + [ls[t] - ls[t - 1] for t in range(1, len(s))]
        streak = 0
        for t in range(len(v)):
            streak = streak + 1 if t >= 1 and below(s[t], s[t - 1]) else 0
            ok = False
            if streak >= d and t >= w + 1 and t >= d:
                # slope of the fit on the w days before t (changes of days t-w .. t-1)
                _, beta, _ = ols(dv[t - w:t], ds[t - w:t])
                usual = beta * (ls[t] - ls[t - d])
                ok = above(usual, 0.0) and below(lv[t] - lv[t - d], p["fear_fraction"] * usual)
            se.append(ok)
    else:  # fear_after_high: SPX at its N-day closing high yesterday, VIX up today
        n = warmup = p["high_window"]
        for t in range(len(v)):
            y = t - 1
            high = y >= n - 1 and at_or_above(s[y], max(s[y - n + 1:y + 1]))
            se.append(high and above(v[t] / v[y] - 1, p["fear_jump"]))
    return _signals(len(frame), rows, warmup, short_entries=se)


def ols(y: list[float], x: list[float]) -> tuple[float, float, float]:
    """Intercept, slope and residual standard error (``n - 2`` dof) of ``y = a + b x``."""
    n = len(y)
    mx, my = sum(x) / n, sum(y) / n
    sxx = sum((xi - mx) ** 2 for xi in x)
    sxy = sum((xi - mx) * (yi - my) for xi, yi in zip(x, y, strict=True))
    if not sxx > 0:
        return NAN, NAN, NAN
    b = sxy / sxx
    a = my - b * mx
    ssr = sum((yi - a - b * xi) ** 2 for xi, yi in zip(x, y, strict=True))
    return a, b, math.sqrt(ssr / (n - 2))


def residual_surprise(frame: pd.DataFrame, p: dict[str, Any]) -> RefSignals:
    """Long / short when today's VIX log change beats the fit on the ``window`` days before."""
    rows, (v, s) = present_days(frame, ("vix_close", "spx_close"))
    w, thr = p["window"], p["threshold"]
    dv = [NAN] + [math.log(v[t]) - math.log(v[t - 1]) for t in range(1, len(v))]
    ds = [NAN] + [math.log(s[t]) - math.log(s[t - 1]) for t in range(1, len(s))]
    le, se = [], []
    for t in range(len(v)):
        z = NAN
        if t >= w + 1:  # the fit uses the changes of days t-w .. t-1
            a, b, sd = ols(dv[t - w:t], ds[t - w:t])
            if sd > 0:
                z = (dv[t] - a - b * ds[t]) / sd
        le.append(above(z, thr))
        se.append(below(z, -thr))
    return _signals(len(frame), rows, w + 1, long_entries=le, short_entries=se)


REFERENCES = {
    "spike_reversal": spike_reversal,
    "bollinger_break": bollinger_break,
    "contango_flip": contango_flip,
    "vol_of_vol": vol_of_vol,
    "complacency_low": complacency_low,
    "ma_cross": ma_cross,
    "divergence": divergence,
    "residual_surprise": residual_surprise,
}
"""Registry name -> reference function ``f(frame, params) -> RefSignals``."""


def reference_signals(strategy: Any, frame: pd.DataFrame) -> RefSignals:
    """The reference signals of a strategy instance (by its registry name and parameters)."""
    return REFERENCES[strategy.name](frame, strategy.params())
