"""Continuous VIX measures known at each close: the predictors.

A strategy turns a VIX measure into yes/no signals; a *predictor* is the
measure itself, a float series whose value on day ``t`` uses only data known
at day ``t``'s close (the VIX closes 15 minutes after SPX; both are known by
then).  The analyses of :mod:`backtest.information` (incremental-information
regressions, deciles, regimes) read them, and strategies computing the same
thing call the same functions here (``residual_surprise`` its surprise,
``contango_flip`` its term-structure ratio).

Each measure is one function of arrays (``variance_risk_premium``,
``expanding_percentile`` ...) and one entry of the typed registry
:data:`PREDICTORS` (:class:`Predictor`: name, columns, warm-up, unit, the
end that reads as fear, and an optional window).  :func:`get_predictor`
returns one by name, with its window changed if asked.

Missing days are skipped as the strategies skip them: a measure is computed
on the rows where every column it reads has a value, so a missing day never
poisons the windows that contain it, and is ``NaN`` on the other rows.
"""

from __future__ import annotations

import dataclasses
import difflib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

from backtest.errors import MissingDataError
from strategies.indicators import (
    complete_rows,
    pct_change,
    rolling_mean,
    rolling_ols_surprise,
    rolling_zscore,
)

__all__ = [
    "MIN_PERCENTILE_HISTORY",
    "PREDICTORS",
    "Predictor",
    "expanding_percentile",
    "get_predictor",
    "list_predictors",
    "log_returns",
    "pct_above_sma",
    "realised_variance",
    "realised_vol",
    "term_ratio",
    "variance_risk_premium",
    "vix_surprise",
]

FloatArray = npt.NDArray[np.float64]

#: Smallest history (rows, today included) behind a real-time percentile: one
#: trading year, so the first percentile compares a day with a year of its past.
MIN_PERCENTILE_HISTORY = 252

#: Trading days per year used to annualise variances.
PERIODS_PER_YEAR = 252.0


# -- the measures, as functions of arrays ----------------------------------------------


def log_returns(close: npt.ArrayLike) -> FloatArray:
    """Daily log returns ``ln(P[t] / P[t-1])`` (``NaN`` first).

    Parameters
    ----------
    close : array_like of float
        Positive closes without gaps, time on axis 0.

    Returns
    -------
    numpy.ndarray of float
    """
    with np.errstate(invalid="ignore", divide="ignore"):
        out: FloatArray = np.diff(np.log(np.asarray(close, dtype=np.float64)), prepend=np.nan)
    return out


def realised_variance(close: npt.ArrayLike, window: int = 21) -> FloatArray:
    """Annualised realised variance of daily log returns over the last ``window`` days.

    ``RV[t] = (252 / window) * sum_{i=0}^{window-1} r[t-i]^2`` with
    ``r[t] = ln(P[t] / P[t-1])``: today's return included (known at the close),
    not demeaned (the convention of the realised-variance literature; a daily
    mean is negligible against daily variance).  Annual variance units: a
    20 % annual volatility is 0.04.

    Parameters
    ----------
    close : array_like of float
        Positive closes without gaps (e.g. the SPX close).
    window : int, default 21
        Returns in the window (21 trading days, about the 30 calendar days the
        VIX looks ahead), ``>= 1``.

    Returns
    -------
    numpy.ndarray of float
        ``NaN`` for the first ``window`` rows.
    """
    w = int(window)
    if w < 1:
        raise ValueError(f"window must be >= 1, got {window!r}")
    r = log_returns(close)
    out: FloatArray = rolling_mean(r * r, w) * PERIODS_PER_YEAR
    return out


def realised_vol(close: npt.ArrayLike, window: int = 21) -> FloatArray:
    """Annualised realised volatility: ``sqrt`` of :func:`realised_variance`."""
    out: FloatArray = np.sqrt(realised_variance(close, window))
    return out


def variance_risk_premium(vix_close: npt.ArrayLike, spx_close: npt.ArrayLike,
                          window: int = 21) -> FloatArray:
    """Variance risk premium: implied minus past realised variance, annual units.

    ``VRP[t] = (VIX[t] / 100)^2 - RV[t]`` where ``RV[t]`` is
    :func:`realised_variance` of the SPX close over the ``window`` trading days
    ending at ``t``: ``(252 / window) * sum_{i<window} ln(SPX[t-i]/SPX[t-i-1])^2``.
    Both terms are annualised variances (VIX 20 -> 0.04).  Past realised
    variance stands in for the expected one, as in Bollerslev, Tauchen and
    Zhou (2009, daily instead of intraday returns), so the value is known at
    day ``t``'s close.  Positive: options price more variance than SPX has
    just delivered.

    Parameters
    ----------
    vix_close, spx_close : array_like of float
        Closes without gaps, same length.
    window : int, default 21
        Days of realised variance.

    Returns
    -------
    numpy.ndarray of float
    """
    v = np.asarray(vix_close, dtype=np.float64)
    out: FloatArray = (v / 100.0) ** 2 - realised_variance(spx_close, window)
    return out


def pct_above_sma(x: npt.ArrayLike, window: int) -> FloatArray:
    """``x[t] / SMA_window(x)[t] - 1``: how far above its simple moving average
    (today included) ``x`` closes, as a fraction."""
    v = np.asarray(x, dtype=np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        out: FloatArray = v / rolling_mean(v, window) - 1.0
    return out


def term_ratio(near: npt.ArrayLike, far: npt.ArrayLike) -> FloatArray:
    """Term-structure ratio ``near / far`` (above 1: backwardation, stress)."""
    with np.errstate(invalid="ignore", divide="ignore"):
        out: FloatArray = np.asarray(near, np.float64) / np.asarray(far, np.float64)
    return out


def vix_surprise(vix_close: npt.ArrayLike, spx_close: npt.ArrayLike,
                 window: int) -> FloatArray:
    """Standardised surprise of the VIX: out-of-sample residual / its standard error.

    Daily log changes of the VIX are regressed on daily log returns of SPX over
    the ``window`` days before each day
    (:func:`~strategies.indicators.rolling_ols_surprise`); the day's residual
    is divided by that fit's residual standard error.

    Parameters
    ----------
    vix_close, spx_close : array_like of float
        Closes without gaps, same length.
    window : int
        Days in each rolling fit.

    Returns
    -------
    numpy.ndarray of float
        ``NaN`` for the first ``window + 1`` rows and where the fit is degenerate.
    """
    dv = log_returns(vix_close)
    ds = log_returns(spx_close)
    with np.errstate(invalid="ignore", divide="ignore"):
        resid, scale = rolling_ols_surprise(dv, ds, window)
        out: FloatArray = np.where(scale > 0, resid / np.where(scale > 0, scale, 1.0), np.nan)
    return out


def expanding_percentile(x: npt.ArrayLike,
                         min_history: int = MIN_PERCENTILE_HISTORY) -> FloatArray:
    """Real-time percentile: the share of values up to and including ``t`` that
    are at or below ``x[t]`` (ties counted half).

    ``pct[t] = (#{s <= t: x[s] < x[t]} + (#{s <= t: x[s] == x[t]} + 1) / 2) / (t + 1)``
    over the non-missing values, i.e. pandas' expanding average rank divided by
    the count; in ``(0, 1]``.  Only days up to ``t`` enter, so the value never
    changes when later data arrive.

    Parameters
    ----------
    x : array_like of float
        Series, time on axis 0; ``NaN`` rows are skipped (and stay ``NaN``).
    min_history : int, default 252
        Fewest non-missing values (today included) before a percentile is given.

    Returns
    -------
    numpy.ndarray of float
    """
    m = int(min_history)
    if m < 1:
        raise ValueError(f"min_history must be >= 1, got {min_history!r}")
    s = pd.Series(np.asarray(x, dtype=np.float64))
    ok = s.notna().to_numpy()
    out = np.full(len(s), np.nan)
    ranks = s[ok].reset_index(drop=True).expanding(min_periods=m).rank(pct=True)
    out[ok] = ranks.to_numpy(dtype=np.float64)
    return out


# -- the registry -----------------------------------------------------------------------

FearEnd = Literal["high", "low"]

_Compute = Callable[[pd.DataFrame, int | None], FloatArray]


@dataclass(frozen=True)
class Predictor:
    """A continuous VIX measure known at each day's close.

    Attributes
    ----------
    name : str
        Registry name (``"vrp"``).
    title : str
        Display name.
    doc : str
        One-line definition.
    unit : str
        Unit of the values (``"index points"``, ``"fraction"``, ...).
    columns : tuple of str
        Market-table columns read.
    fear : {"high", "low"}
        Which end of the measure reads as fear (expected to precede higher SPX
        returns by the project's question); every built-in one is ``"high"``.
    window : int or None
        Look-back window in days (``None``: the measure has none).
    warmup_extra : int
        Rows of history beyond ``window`` the first value needs.
    """

    name: str
    title: str
    doc: str
    unit: str
    columns: tuple[str, ...]
    compute_fn: _Compute = dataclasses.field(repr=False)
    fear: FearEnd = "high"
    window: int | None = None
    warmup_extra: int = 0

    def __post_init__(self) -> None:
        if self.window is not None and int(self.window) < 1:
            raise ValueError(f"predictor {self.name!r}: window must be >= 1, "
                             f"got {self.window!r}")

    @property
    def warmup(self) -> int:
        """Rows (with every column present) before the first value."""
        return (int(self.window) if self.window is not None else 0) + int(self.warmup_extra)

    def with_window(self, window: int) -> Predictor:
        """The same measure over another window (``ValueError`` if it has none)."""
        if self.window is None:
            raise ValueError(f"predictor {self.name!r} has no window")
        w = int(window)
        if w < 1 or w != window:
            raise ValueError(f"predictor {self.name!r}: window must be an integer >= 1, "
                             f"got {window!r}")
        return dataclasses.replace(self, window=w)

    def compute(self, data: pd.DataFrame) -> pd.Series:
        """The measure on every row of ``data`` (``NaN`` where it is not defined).

        Parameters
        ----------
        data : pandas.DataFrame
            Market table frame; row ``t`` of the output uses rows ``<= t`` only.

        Returns
        -------
        pandas.Series of float
            Indexed like ``data``, named :attr:`name`.

        Raises
        ------
        MissingDataError
            If ``data`` lacks a column the measure reads (the message names it).
        """
        missing = tuple(c for c in self.columns if c not in data.columns)
        if missing:
            raise MissingDataError(
                f"predictor {self.name!r} needs column(s) {', '.join(missing)}, which the "
                "market data does not have", missing)
        frame, pos = complete_rows(data, self.columns)
        out = np.full(len(data), np.nan)
        if len(frame):
            out[pos] = self.compute_fn(frame, self.window)
        return pd.Series(out, index=data.index, name=self.name)


def _col(frame: pd.DataFrame, name: str) -> FloatArray:
    return frame[name].to_numpy(np.float64)


def _window(w: int | None) -> int:
    if w is None:  # pragma: no cover - registry entries with a window always pass one
        raise ValueError("this predictor needs a window")
    return int(w)


_ENTRIES: tuple[Predictor, ...] = (
    Predictor("vix_level", "VIX level", "VIX close", "index points", ("vix_close",),
              lambda f, w: _col(f, "vix_close")),
    Predictor("vix_percentile", "VIX real-time percentile",
              "share of all VIX closes to date at or below today's (expanding window, "
              f"at least {MIN_PERCENTILE_HISTORY} days)", "fraction (0, 1]", ("vix_close",),
              lambda f, w: expanding_percentile(_col(f, "vix_close")),
              warmup_extra=MIN_PERCENTILE_HISTORY - 1),
    Predictor("vix_pct_above_sma", "VIX % above its SMA",
              "VIX close / its N-day simple moving average - 1 (spike_reversal's measure)",
              "fraction", ("vix_close",),
              lambda f, w: pct_above_sma(_col(f, "vix_close"), _window(w)), window=10,
              warmup_extra=-1),
    Predictor("vix_zscore", "VIX z-score",
              "(VIX close - N-day mean) / N-day population std (Bollinger's quarter)",
              "standard deviations", ("vix_close",),
              lambda f, w: rolling_zscore(_col(f, "vix_close"), _window(w)), window=63,
              warmup_extra=-1),
    Predictor("vix_change", "VIX N-day change", "VIX close / VIX close N days earlier - 1",
              "fraction", ("vix_close",),
              lambda f, w: pct_change(_col(f, "vix_close"), _window(w)), window=5),
    Predictor("vrp", "Variance risk premium",
              "(VIX/100)^2 minus annualised realised variance of daily SPX log returns "
              "over the past N days (annual variance units)", "annual variance",
              ("vix_close", "spx_close"),
              lambda f, w: variance_risk_premium(_col(f, "vix_close"), _col(f, "spx_close"),
                                                 _window(w)), window=21),
    Predictor("vix_vix3m", "VIX / VIX3M", "VIX / VIX3M (above 1: backwardation)", "ratio",
              ("vix_close", "vix3m"),
              lambda f, w: term_ratio(_col(f, "vix_close"), _col(f, "vix3m"))),
    Predictor("vx1_vx2", "VX1 / VX2", "front / second monthly VIX future (above 1: "
              "backwardation)", "ratio", ("vx1", "vx2"),
              lambda f, w: term_ratio(_col(f, "vx1"), _col(f, "vx2"))),
    Predictor("vvix", "VVIX", "CBOE VVIX close (implied volatility of the VIX)",
              "index points", ("vvix",), lambda f, w: _col(f, "vvix")),
    Predictor("skew", "SKEW", "CBOE SKEW index close (priced tail risk of SPX)",
              "index points", ("skew",), lambda f, w: _col(f, "skew")),
    Predictor("vix_surprise", "VIX surprise beyond SPX",
              "residual of the daily VIX log change on the SPX log return, rolling N-day "
              "fit on the days before, in residual standard errors (residual_surprise's "
              "measure)", "standard errors", ("vix_close", "spx_close"),
              lambda f, w: vix_surprise(_col(f, "vix_close"), _col(f, "spx_close"), _window(w)),
              window=63, warmup_extra=1),
)

#: Registry name -> predictor with its default window, in display order.
PREDICTORS: dict[str, Predictor] = {p.name: p for p in _ENTRIES}


def get_predictor(name: str, window: int | None = None) -> Predictor:
    """The registered predictor ``name`` (with another ``window`` if given).

    Raises
    ------
    ValueError
        For an unknown name (with the closest names and the full list), or a
        window for a measure without one.
    """
    key = str(name).strip().lower().replace("-", "_")
    try:
        pred = PREDICTORS[key]
    except KeyError:
        hint = difflib.get_close_matches(key, list(PREDICTORS), n=2, cutoff=0.5)
        extra = f" Did you mean {' or '.join(repr(h) for h in hint)}?" if hint else ""
        raise ValueError(f"unknown predictor {name!r}.{extra} "
                         f"Known predictors: {', '.join(PREDICTORS)}") from None
    return pred if window is None else pred.with_window(window)


def list_predictors() -> list[Predictor]:
    """Every registered predictor, in registry order."""
    return list(PREDICTORS.values())
