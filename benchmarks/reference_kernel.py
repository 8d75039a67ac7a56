"""Near-limit reference: one numba kernel written for the Bollinger break alone.

Signals, fills, costs, holding-period exits and the statistics are fused into a
single loop per combination with no intermediate arrays at all: the fastest a
Bollinger-break sweep can reasonably be on this machine.  It receives the
rolling mean and standard deviation of each window (computed once per window,
by the same indicator functions the strategy uses, so ties fall the same way)
and compares with the same tolerance as :mod:`strategies.compare`.

Only for benchmarks; :func:`check_against_sweep` shows it computes the same
numbers as the sweep (total return, Sharpe, max drawdown, trades).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from numba import njit, prange

from strategies.compare import ATOL, RTOL
from strategies.indicators import rolling_mean, rolling_std


def band_inputs(frame: pd.DataFrame, rows: slice, windows: np.ndarray
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """VIX close, rolling mean and population std per window, on the run span's rows.

    Windows run over the rows that have a VIX close (as the strategy does);
    the result is cut to the run span.
    """
    vix = frame["vix_close"]
    present = vix.notna().to_numpy()
    values = vix.to_numpy(np.float64)[present]
    mid = np.full((len(frame), len(windows)), np.nan)
    sd = np.full((len(frame), len(windows)), np.nan)
    for j, w in enumerate(windows):
        mid[present, j] = rolling_mean(values, int(w))
        sd[present, j] = rolling_std(values, int(w), ddof=0)
    return (vix.to_numpy(np.float64)[rows].copy(), np.asfortranarray(mid[rows]),
            np.asfortranarray(sd[rows]))


@njit(cache=True, inline="always")
def _tol(a: float, b: float) -> float:
    s = max(abs(a), abs(b))
    if not np.isfinite(s):
        s = 0.0
    return RTOL * s + ATOL


@njit(cache=True)
def _reference_row(j: int, v: np.ndarray, mid: np.ndarray, sd: np.ndarray, win_idx: np.ndarray,
                   num_std: np.ndarray, holding: np.ndarray, price: np.ndarray,
                   close: np.ndarray, fees: float, init_cash: float, out: np.ndarray) -> None:
    n = v.shape[0]
    c = win_idx[j]
    kk = num_std[j]
    hp = holding[j]
    cash = init_cash
    pos = 0.0
    side = 0
    opened = -1
    trades = 0
    prev_value = init_cash
    wealth = 1.0
    peak = 1.0
    mdd = 0.0
    mean = 0.0
    m2 = 0.0
    for i in range(n):
        le = False
        lx = False
        se = False
        sx = False
        if i > 0:
            x = v[i - 1]
            up = mid[i - 1, c] + kk * sd[i - 1, c]
            lo = mid[i - 1, c] - kk * sd[i - 1, c]
            if not (np.isnan(x) or np.isnan(up)):
                tu = _tol(x, up)
                tl = _tol(x, lo)
                le = x - up > tu
                lx = x - up <= tu
                se = lo - x > tl
                sx = lo - x <= tl
        p = price[i]
        if le and lx:
            le = False
            lx = False
        if se and sx:
            se = False
            sx = False
        if le and se:
            le = False
            se = False
        if side != 0 and hp > 0 and i - opened >= hp:
            # time exit: the held side closes; an opposite entry reverses
            if side > 0:
                lx = True
                le = False
            else:
                sx = True
                se = False
        if side > 0 and lx:
            cash = cash + pos * p * (1.0 - fees)
            pos = 0.0
            side = 0
            trades += 1
        elif side < 0 and sx:
            cash = cash - pos * p * (1.0 + fees)
            pos = 0.0
            side = 0
            trades += 1
        if side == 0:
            # flat, or just closed: a reversal opens the other side at the same price
            if le:
                pos = cash / (1.0 + fees) / p
                cash = 0.0
                side = 1
                opened = i
            elif se:
                pos = cash / (p * (1.0 + fees))
                cash = cash + pos * p * (1.0 - fees)
                side = -1
                opened = i
        if side > 0:
            value = cash + pos * close[i]
        elif side < 0:
            value = cash - pos * close[i]
        else:
            value = cash
        r = value / prev_value - 1.0
        prev_value = value
        d = r - mean
        mean += d / (i + 1)
        m2 += d * (r - mean)
        wealth *= 1.0 + r
        if wealth > peak:
            peak = wealth
        elif 1.0 - wealth / peak > mdd:
            mdd = 1.0 - wealth / peak
    out[j, 0] = wealth - 1.0
    sdev = np.sqrt(m2 / (n - 1))
    out[j, 1] = mean / sdev * np.sqrt(252.0) if sdev > 0 else np.nan
    out[j, 2] = -mdd
    out[j, 3] = trades


@njit(cache=True, parallel=True)
def reference_kernel(v: np.ndarray, mid: np.ndarray, sd: np.ndarray, win_idx: np.ndarray,
                     num_std: np.ndarray, holding: np.ndarray, price: np.ndarray,
                     close: np.ndarray, fees: float, init_cash: float) -> np.ndarray:
    k = win_idx.shape[0]
    out = np.empty((k, 4))
    for j in prange(k):
        _reference_row(j, v, mid, sd, win_idx, num_std, holding, price, close, fees, init_cash,
                       out)
    return out


# a separate function per build: numba caches by function, so one function njit-ed twice
# would let the second build load the first one's cache entry
@njit(cache=True)
def reference_kernel_serial(v: np.ndarray, mid: np.ndarray, sd: np.ndarray,
                            win_idx: np.ndarray,
                            num_std: np.ndarray, holding: np.ndarray, price: np.ndarray,
                            close: np.ndarray, fees: float, init_cash: float) -> np.ndarray:
    k = win_idx.shape[0]
    out = np.empty((k, 4))
    for j in range(k):
        _reference_row(j, v, mid, sd, win_idx, num_std, holding, price, close, fees, init_cash,
                       out)
    return out

