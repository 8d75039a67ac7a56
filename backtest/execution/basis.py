"""Return basis: price or total return, the cash rate, and the one-line statement of both.

Two returns modes (:data:`ReturnsMode`):

``"price"``
    SPX price returns only: no dividends, idle cash earns nothing, and the
    risk-free rate of Sharpe/Sortino is 0.
``"total"`` (default)
    Longs earn the S&P 500's dividends, shorts pay them, and cash earns the
    3-month T-bill; Sharpe and Sortino are computed on returns in excess of the
    same T-bill.  Buy-and-hold is then a total-return benchmark.

Dividends
---------
The dividend of day ``t`` is implied by the total-return index ``spxtr`` and
the price index ``spx_close``: the *dividend factor* grows by

``g_t = (TR_t / TR_{t-1}) / (P_t / P_{t-1})``  (``= 1 + D_t / P_t``),

``F_t = prod_{s<=t} g_s`` (``F = 1`` on the frame's first day, ``g = 1`` on
a day where either index or its previous value is missing).  The traded
instrument is the dividend-adjusted index ``P_t * F_t``: its open ``O_t F_t``
and close ``P_t F_t`` use the same day's factor, so a position held over the
close of ``t - 1`` earns the dividend going ex on ``t`` (in the overnight
gap, where the ex-date drop happens) and a position opened at ``t``'s open
does not; dividends are reinvested in the index, as in the total-return
index itself.  A short pays them (its liability grows by the same factor).
Outside ``spxtr``'s span (it ends 2024-02-16 in the shipped data and starts
1988-01-04) ``g = 1``: the run is *spliced* -- total return where
``spxtr`` covers it, price return elsewhere -- and the basis line says so.

Cash
----
``dtb3`` is the 3-month T-bill's secondary-market rate in percent on a
*discount* basis (bank discount, 360-day year, 91-day bill).  With
``d = dtb3 / 100`` the bill's price is ``1 - 91 d / 360``; its investment
(bond-equivalent) yield is

``y = 365 d / (360 - 91 d)``,

and cash held over the close of trading day ``t - 1`` accrues simple
interest for the calendar days to day ``t``:

``c_t = y_{t-1} * (date_t - date_{t-1}).days / 365``,

using the last rate published on or before day ``t - 1`` (never a later
one).  Before the first rate (or with no ``dtb3`` column) ``c_t = 0``.

What earns it: every dollar of the account's cash -- idle equity, and a
short's sale proceeds together with the equity behind them.  That is the
carry of a futures short (collateral in T-bills, and the future's price
carries ``r - q``) or of a short sale with a full rebate on the proceeds;
borrow fees are ignored.  A long position holds no cash, so it earns only
the index's total return.

How the simulators do it (change of numeraire)
----------------------------------------------
vectorbt has no interest on cash, so every simulator trades the instrument
``P_t F_t / B_t`` -- the dividend-adjusted price measured in units of the
cash account ``B_t = prod_{s<=t} (1 + c_s)`` (``B = 1`` on the run's first
bar, whose ``c`` is not counted) -- and multiplies the account's value by
``B_t``.  Cash is constant in those units, so in dollars it grows by
``1 + c_t`` every bar; positions are worth ``units * P_t * F_t`` in
dollars; proportional fees and slippage scale with the price, so they are
unchanged in dollars.  This equals, to rounding, a bar-by-bar account that
adds ``cash * c_t`` and reinvests dividends every day (the plain-Python
reference in the tests).  In ``"price"`` mode ``F = B = 1`` and nothing
changes.  The daily risk-free rate of the run is ``c`` (0 on the first bar;
0 in price mode).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

__all__ = [
    "BILL_DAYS",
    "RETURNS_MODES",
    "ReturnBasis",
    "ReturnsMode",
    "bill_yield",
    "cash_returns",
    "describe_basis",
    "dividend_factor",
    "return_basis",
]

ReturnsMode = Literal["price", "total"]

#: The accepted returns modes.
RETURNS_MODES: tuple[str, ...] = ("price", "total")

#: Days to maturity of the 3-month bill behind ``dtb3``.
BILL_DAYS = 91

FloatArray = npt.NDArray[np.float64]


def check_mode(mode: str) -> ReturnsMode:
    """``mode`` if it is a returns mode, else ``ValueError`` naming it."""
    if mode not in RETURNS_MODES:
        raise ValueError(f"returns must be one of {', '.join(RETURNS_MODES)}, got {mode!r}")
    return "total" if mode == "total" else "price"


def bill_yield(discount_percent: npt.ArrayLike) -> FloatArray:
    """Investment (bond-equivalent) yield of a 91-day bill quoted on a discount basis.

    ``y = 365 d / (360 - 91 d)`` with ``d = discount_percent / 100``.

    Parameters
    ----------
    discount_percent : array_like
        Bank-discount rate in percent (FRED's ``DTB3``).

    Returns
    -------
    ndarray
        Annual simple yield as a fraction (``nan`` where the input is).
    """
    d = np.asarray(discount_percent, dtype=np.float64) / 100.0
    out: FloatArray = 365.0 * d / (360.0 - BILL_DAYS * d)
    return out


def cash_returns(frame: pd.DataFrame) -> FloatArray:
    """Daily simple return of cash from the previous row's close to each row's close.

    ``c_t = y_{t-1} * calendar_days(t-1, t) / 365`` with ``y`` the
    :func:`bill_yield` of the last ``dtb3`` value published on or before row
    ``t - 1``; 0 on the first row, where no rate is known yet, or without a
    ``dtb3`` column.

    Parameters
    ----------
    frame : pandas.DataFrame
        Market frame on a DatetimeIndex.

    Returns
    -------
    ndarray, shape (len(frame),)
    """
    n = len(frame)
    out = np.zeros(n)
    if "dtb3" not in frame.columns or n < 2:
        return out
    known = frame["dtb3"].astype(float).ffill().to_numpy()
    y = bill_yield(known)
    days = np.diff(pd.DatetimeIndex(frame.index).to_numpy().astype("datetime64[D]")
                   ).astype(np.float64)
    c = y[:-1] * days / 365.0
    out[1:] = np.where(np.isnan(c), 0.0, c)
    return out


def dividend_factor(frame: pd.DataFrame) -> FloatArray:
    """Cumulative dividend factor ``F`` implied by ``spxtr`` and ``spx_close``.

    ``F_t = prod_{s<=t} g_s``, ``g_s = (TR_s / TR_{s-1}) / (P_s / P_{s-1})``
    where all four values are present, else 1; ``F`` is 1 on the first row
    and everywhere without a ``spxtr`` column.

    Returns
    -------
    ndarray, shape (len(frame),)
    """
    n = len(frame)
    if "spxtr" not in frame.columns or n < 2:
        return np.ones(n)
    tr = frame["spxtr"].to_numpy(dtype=np.float64)
    p = frame["spx_close"].to_numpy(dtype=np.float64)
    g = np.ones(n)
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = (tr[1:] / tr[:-1]) / (p[1:] / p[:-1])
    g[1:] = np.where(np.isfinite(ratio), ratio, 1.0)
    out: FloatArray = np.cumprod(g).astype(np.float64)
    return out


def _span(frame: pd.DataFrame, column: str) -> tuple[pd.Timestamp, pd.Timestamp] | None:
    if column not in frame.columns:
        return None
    s = frame[column].dropna()
    if s.empty:
        return None
    return pd.Timestamp(s.index[0]), pd.Timestamp(s.index[-1])


@dataclass(frozen=True)
class ReturnBasis:
    """Dividends and cash of a returns mode over one run span.

    Parameters
    ----------
    mode : {"price", "total"}
        The requested mode.
    index : pandas.DatetimeIndex
        Bars of the run, length ``T``.
    dividend_factor : ndarray, shape (T,)
        ``F`` (1 on the first bar; all 1 in price mode).
    cash_return : ndarray, shape (T,)
        Daily cash return ``c`` (the risk-free rate; 0 on the first bar and in
        price mode).
    cash_index : ndarray, shape (T,)
        ``B = cumprod(1 + c)`` (1 on the first bar).
    dividend_days : int
        Bars of the run (after the first) whose dividend ``spxtr`` gives.
    cash_days : int
        Bars of the run (after the first) with a known T-bill rate.
    dividend_span, cash_span : tuple of Timestamp, or None
        Span of ``spxtr`` / ``dtb3`` in the frame.
    """

    mode: ReturnsMode
    index: pd.DatetimeIndex
    dividend_factor: FloatArray
    cash_return: FloatArray
    cash_index: FloatArray
    dividend_days: int
    cash_days: int
    dividend_span: tuple[pd.Timestamp, pd.Timestamp] | None
    cash_span: tuple[pd.Timestamp, pd.Timestamp] | None

    @property
    def trivial(self) -> bool:
        """True when prices are traded as they are (no dividends, no cash interest)."""
        return bool(np.all(self.dividend_factor == 1.0) and np.all(self.cash_index == 1.0))

    def adjust(self, prices: npt.ArrayLike) -> FloatArray:
        """Prices of the traded instrument ``P * F / B`` (the numeraire trick)."""
        out: FloatArray = (np.asarray(prices, dtype=np.float64) * self.dividend_factor
                           / self.cash_index)
        return out

    def describe(self) -> str:
        """What was used, in words (see :func:`describe_basis`)."""
        n = len(self.index) - 1
        first, last = self.index[0], self.index[-1]
        if self.mode == "price":
            return "price return (no dividends), cash earns 0, Sharpe/Sortino vs 0"
        if self.dividend_span is None:
            div = "no dividends (no SPXTR in the data: price return)"
        elif self.dividend_days >= n:
            div = f"total return (dividends from SPXTR/SPX, {first:%Y-%m-%d}..{last:%Y-%m-%d})"
        elif self.dividend_days == 0:
            a, b = self.dividend_span
            div = (f"no dividends: SPXTR covers {a:%Y-%m-%d}..{b:%Y-%m-%d}, outside this "
                   "run (price return)")
        else:
            a, b = self.dividend_span
            div = (f"total return where SPXTR covers it ({max(a, first):%Y-%m-%d}.."
                   f"{min(b, last):%Y-%m-%d}), price return (no dividends) on the other "
                   f"{n - self.dividend_days} of {n} days")
        if self.cash_span is None:
            cash = "cash earns 0 (no DTB3 in the data), Sharpe/Sortino vs 0"
        elif self.cash_days >= n:
            cash = "cash earns the 3-month T-bill (DTB3), Sharpe/Sortino in excess of it"
        else:
            cash = (f"cash earns the 3-month T-bill (DTB3) on {self.cash_days} of {n} days, "
                    "0 before its first rate; Sharpe/Sortino in excess of it")
        return f"{div}; {cash}"


def return_basis(frame: pd.DataFrame, mode: ReturnsMode = "total",
                 rows: slice | None = None) -> ReturnBasis:
    """The dividends and cash returns of ``mode`` on the rows ``rows`` of ``frame``.

    The factors are computed on the whole frame (a dividend needs the previous
    day), then cut to ``rows`` and rebased so ``F = B = 1`` on the first bar.

    Parameters
    ----------
    frame : pandas.DataFrame
        Market frame (``spx_close``; ``spxtr`` and ``dtb3`` where available).
    mode : {"price", "total"}, default "total"
        Returns mode.
    rows : slice or None, default None
        Positional run span; ``None``: every row.

    Returns
    -------
    ReturnBasis
    """
    mode = check_mode(mode)
    rows = rows if rows is not None else slice(0, len(frame))
    index = pd.DatetimeIndex(frame.index[rows])
    t = len(index)
    if mode == "price" or t == 0:
        ones = np.ones(t)
        return ReturnBasis(mode, index, ones, np.zeros(t), ones.copy(), 0, 0, None, None)
    f_all = dividend_factor(frame)
    f = f_all[rows] / f_all[rows][0]
    c = cash_returns(frame)[rows].copy()
    c[0] = 0.0
    b: FloatArray = np.cumprod(1.0 + c).astype(np.float64)
    known_div = np.zeros(len(frame), dtype=bool)
    if "spxtr" in frame.columns:
        tr = frame["spxtr"].notna().to_numpy() & frame["spx_close"].notna().to_numpy()
        known_div[1:] = tr[1:] & tr[:-1]
    known_cash = np.zeros(len(frame), dtype=bool)
    if "dtb3" in frame.columns:
        known_cash[1:] = frame["dtb3"].ffill().notna().to_numpy()[:-1]
    return ReturnBasis(mode, index, f, c, b, int(known_div[rows][1:].sum()),
                       int(known_cash[rows][1:].sum()), _span(frame, "spxtr"),
                       _span(frame, "dtb3"))


def describe_basis(basis: ReturnBasis, *, fill: str, fees: float, slippage: float,
                   fallback_share: float | None = None,
                   kind: Literal["run", "study"] = "run") -> str:
    """The one line every report and command output starts with.

    States the return basis, the cash rate, the costs per side and the fill
    rule (with the share of fills that fell back to the close when given).

    Parameters
    ----------
    basis : ReturnBasis
        Returns mode of the run or study.
    fill : {"next_open", "next_close"}
        Fill timing.
    fees, slippage : float
        Costs per side, as fractions.
    fallback_share : float or None, default None
        Share of fills taken at the close for want of a real open (``nan``:
        no fills).
    kind : {"run", "study"}, default "run"
        ``"study"``: the event study's forward returns (no cash, no costs).

    Returns
    -------
    str
    """
    if fill == "next_open":
        rule = ("fills at the next day's SPX open, or at that day's close where it has "
                "no real open")
    else:
        rule = "fills at the next day's SPX close"
    if fallback_share is not None:
        share = "-" if not np.isfinite(fallback_share) else f"{fallback_share:.1%}"
        rule += f" ({share} of fills fell back to the close)"
    costs = (f"costs {fees * 1e4:g} bp fees + {slippage * 1e4:g} bp slippage per side"
             if fees or slippage else "no costs (frictionless)")
    if kind == "study":
        what = basis.describe().split("; ")[0]
        return (f"Basis: {basis.mode} mode: forward SPX returns, {what}; "
                f"no cash, no costs; {rule}.")
    return f"Basis: {basis.mode} mode: {basis.describe()}; {costs}; {rule}."
