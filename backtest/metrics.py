"""Performance metrics, each a pure function of daily returns, equity or trades.

These are THE definitions: the run result, the sweep kernel and the reports use
them (or reproduce them exactly).  Conventions shared by every function:

* ``returns`` is a 1-D float array of simple daily returns ``r_1 .. r_n``, one
  per bar of the run; the first is measured against the initial cash
  (:func:`returns_from_equity`).  ``n = len(returns)``.
* A year has :data:`TRADING_DAYS` = 252 bars.
* ``risk_free`` (Sharpe, Sortino) is the daily simple return of cash on each
  bar, ``rf_1 .. rf_n``: the run's cash return (the 3-month T-bill in total
  mode, 0 in price mode; :mod:`backtest.execution.basis`).  ``None`` means 0.
  Both ratios are computed on the excess returns ``x_t = r_t - rf_t``.
* The *wealth index* is ``W_0 = 1`` and ``W_t = W_{t-1} * (1 + r_t)``
  (``numpy.cumprod``), so the initial cash is the first peak.
* Standard deviations use ``ddof=1``.
* A ratio whose denominator is zero, or that needs more observations than
  there are, is ``nan`` (never ``inf``), except :func:`profit_factor` (see there).

Trade metrics take arrays over *closed* trades: ``trade_returns`` (PnL divided
by the capital committed at entry, fees included) and ``pnl`` (money).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

__all__ = [
    "STAT_NAMES",
    "TRADING_DAYS",
    "annualized_return",
    "annualized_volatility",
    "average_loss",
    "average_win",
    "calmar_ratio",
    "drawdown",
    "max_drawdown",
    "max_drawdown_duration",
    "profit_factor",
    "returns_from_equity",
    "sharpe_ratio",
    "sortino_ratio",
    "time_in_market",
    "total_return",
    "wealth_index",
    "win_rate",
]

#: Bars per year used to annualise.
TRADING_DAYS = 252

#: Statistics reported for every run and every sweep row, in display order.
STAT_NAMES: tuple[str, ...] = (
    "total_return",
    "annualized_return",
    "annualized_volatility",
    "sharpe",
    "sortino",
    "max_drawdown",
    "max_drawdown_duration",
    "calmar",
    "trades",
    "win_rate",
    "average_win",
    "average_loss",
    "profit_factor",
    "time_in_market",
)

FloatArray = npt.NDArray[np.float64]


def _arr(x: npt.ArrayLike) -> FloatArray:
    a = np.asarray(x, dtype=np.float64)
    if a.ndim != 1:
        raise ValueError(f"expected a 1-D array, got shape {a.shape}")
    return a


def returns_from_equity(equity: npt.ArrayLike, init_cash: float) -> FloatArray:
    """Simple returns of an equity curve, the first one against ``init_cash``.

    ``r_t = E_t / E_{t-1} - 1`` with ``E_0 = init_cash`` (the equity before the
    first bar) and ``E_1 .. E_n`` the equity at each bar's close.
    """
    e = _arr(equity)
    prev = np.concatenate(([float(init_cash)], e[:-1]))
    return e / prev - 1.0


def wealth_index(returns: npt.ArrayLike) -> FloatArray:
    """``[1, W_1, .., W_n]`` with ``W_t = prod_{s<=t} (1 + r_s)`` (length ``n + 1``)."""
    r = _arr(returns)
    return np.concatenate(([1.0], np.cumprod(1.0 + r)))


def total_return(returns: npt.ArrayLike) -> float:
    """``prod(1 + r) - 1`` (0.0 for an empty array)."""
    return float(np.prod(1.0 + _arr(returns)) - 1.0)


def annualized_return(returns: npt.ArrayLike) -> float:
    """Compound annual growth: ``(1 + total_return) ** (252 / n) - 1``.

    ``nan`` if ``n == 0``; ``-1.0`` if the wealth reached zero or below
    (``1 + total_return <= 0``).
    """
    r = _arr(returns)
    if r.size == 0:
        return float("nan")
    growth = 1.0 + total_return(r)
    if growth <= 0.0:
        return -1.0
    return float(growth ** (TRADING_DAYS / r.size) - 1.0)


def annualized_volatility(returns: npt.ArrayLike) -> float:
    """``std(r, ddof=1) * sqrt(252)``; ``nan`` if ``n < 2``."""
    r = _arr(returns)
    if r.size < 2:
        return float("nan")
    return float(np.std(r, ddof=1) * np.sqrt(TRADING_DAYS))


def _excess(returns: npt.ArrayLike, risk_free: npt.ArrayLike | None) -> FloatArray:
    r = _arr(returns)
    if risk_free is None:
        return r
    rf = _arr(risk_free)
    if rf.shape != r.shape:
        raise ValueError(f"risk_free has shape {rf.shape}, returns {r.shape}")
    out: FloatArray = r - rf
    return out


def sharpe_ratio(returns: npt.ArrayLike, risk_free: npt.ArrayLike | None = None) -> float:
    """Annualised Sharpe ratio of the excess returns ``x = r - rf``.

    ``mean(x) / std(x, ddof=1) * sqrt(252)``; ``nan`` if ``n < 2`` or the
    standard deviation is 0.
    """
    r = _excess(returns, risk_free)
    if r.size < 2:
        return float("nan")
    sd = float(np.std(r, ddof=1))
    if sd == 0.0:
        return float("nan")
    return float(np.mean(r) / sd * np.sqrt(TRADING_DAYS))


def sortino_ratio(returns: npt.ArrayLike, risk_free: npt.ArrayLike | None = None) -> float:
    """Annualised Sortino ratio of the excess returns ``x = r - rf``, target 0.

    ``mean(x) / DD * sqrt(252)`` with the downside deviation
    ``DD = sqrt(sum(min(x_t, 0) ** 2) / n)`` -- every bar counts in ``n``, the
    bars with ``x_t >= 0`` contributing 0.  ``nan`` if ``n == 0`` or ``DD == 0``.
    """
    r = _excess(returns, risk_free)
    if r.size == 0:
        return float("nan")
    down = np.minimum(r, 0.0)
    dd = float(np.sqrt(np.sum(down * down) / r.size))
    if dd == 0.0:
        return float("nan")
    return float(np.mean(r) / dd * np.sqrt(TRADING_DAYS))


def drawdown(returns: npt.ArrayLike) -> FloatArray:
    """Drawdown at each bar: ``W_t / max_{s<=t} W_s - 1`` for ``t = 1..n`` (<= 0).

    The running maximum includes ``W_0 = 1``.
    """
    w = wealth_index(returns)
    return (w / np.maximum.accumulate(w) - 1.0)[1:]


def max_drawdown(returns: npt.ArrayLike) -> float:
    """Deepest drawdown ``min_t drawdown_t`` as a fraction <= 0 (0.0 if ``n == 0``)."""
    dd = drawdown(returns)
    return float(dd.min()) if dd.size else 0.0


def max_drawdown_duration(returns: npt.ArrayLike) -> int:
    """Longest time under water, in bars.

    A bar ``t`` (``0..n``, on the wealth index) is a *peak* if
    ``W_t >= max_{s<t} W_s`` (bar 0 is a peak; equalling the old high counts as
    recovered).  The duration at bar ``t`` is ``t - p(t)`` with ``p(t)`` the
    last peak at or before ``t``; the result is the maximum over ``t``.  A
    drawdown still open at the end counts to the last bar.  0 if the wealth
    never falls below a previous peak.
    """
    w = wealth_index(returns)
    peak = w >= np.maximum.accumulate(w)
    idx = np.arange(w.size)
    last_peak = np.maximum.accumulate(np.where(peak, idx, 0))
    return int((idx - last_peak).max())


def calmar_ratio(returns: npt.ArrayLike) -> float:
    """``annualized_return / abs(max_drawdown)``; ``nan`` if the drawdown is 0."""
    mdd = max_drawdown(returns)
    if mdd == 0.0:
        return float("nan")
    return annualized_return(returns) / abs(mdd)


def time_in_market(position: npt.ArrayLike) -> float:
    """Fraction of bars that end with an open position: ``mean(position != 0)``.

    ``position`` is the position (units or side) held at each bar's close;
    ``nan`` for an empty array.
    """
    p = _arr(position)
    return float(np.mean(p != 0.0)) if p.size else float("nan")


def win_rate(trade_returns: npt.ArrayLike) -> float:
    """Share of closed trades with a return ``> 0``; ``nan`` without trades."""
    t = _arr(trade_returns)
    return float(np.mean(t > 0.0)) if t.size else float("nan")


def average_win(trade_returns: npt.ArrayLike) -> float:
    """Mean return of the trades with return ``> 0``; ``nan`` if there are none."""
    t = _arr(trade_returns)
    w = t[t > 0.0]
    return float(w.mean()) if w.size else float("nan")


def average_loss(trade_returns: npt.ArrayLike) -> float:
    """Mean return of the trades with return ``< 0`` (a negative number); ``nan`` if none."""
    t = _arr(trade_returns)
    lo = t[t < 0.0]
    return float(lo.mean()) if lo.size else float("nan")


def profit_factor(pnl: npt.ArrayLike) -> float:
    """Gross profit over gross loss: ``sum(pnl[pnl > 0]) / -sum(pnl[pnl < 0])``.

    ``inf`` if there are winning trades but no losing ones; ``nan`` if there
    are neither.
    """
    p = _arr(pnl)
    gain = float(p[p > 0.0].sum())
    loss = float(-p[p < 0.0].sum())
    if loss == 0.0:
        return float("inf") if gain > 0.0 else float("nan")
    return gain / loss
