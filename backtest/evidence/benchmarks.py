"""The right benchmark for timing skill: exposure-matched returns and CAPM alpha.

A VIX strategy is in the market a fraction of the time.  Compared with
buy-and-hold on mean return it must lose whenever stocks drift up, whatever its
timing skill, so "does any set beat buy-and-hold?" cannot detect timing.  The
question a data-snooping test should ask is whether the *timing* adds value:

* **exposure-matched** (the primary measure): the benchmark of parameter set
  ``i`` holds the set's own average exposure ``e_i`` to the market every day
  and the rest in cash, ``b_it = e_i * m_t + (1 - e_i) * c_t``; the excess
  return is ``r_it - b_it`` (:func:`exposure_matched_losses` builds the loss
  ``-(r - b)``).  Random timing with the same exposure has mean excess zero.
* **CAPM alpha** (a second view): ``(r_it - c_t) - beta_i (m_t - c_t)`` with
  ``beta_i`` the full-sample regression slope (:func:`capm_alpha_losses`).
  Timing that loads on volatility moves the beta, so the two can differ.
* buy-and-hold (``r - m``) stays available as a labelled secondary view.

``c_t`` is the daily cash return: 0 unless a T-bill series is given (e.g. from
a ``dtb3`` column: :func:`cash_from_dtb3`).

The loss functions take a ``(T, k)`` chunk of returns and per-set constants, so
a bootstrap can stream the sets through them chunk by chunk.

When a sweep keeps only daily returns, each set's daily exposure is estimated
by :func:`exposure_from_returns`: a day with a return of exactly zero is flat
(an all-in strategy out of the market earns nothing), a run of non-zero days is
one holding spell, and its sign is the sign of the spell's co-movement with
the market (long if it moves with it).  Exposure is ``+1`` / ``-1`` on the
spell's days after the first (the position held at the previous close, as the
simulator's exposure at each close) and ``0`` elsewhere; a reversal without a
flat day between the two positions is read as one spell of the majority sign.
The test suite checks the average against the simulator's exposure.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

__all__ = [
    "BENCHMARK_VIEWS",
    "BenchmarkView",
    "capm_alpha_losses",
    "capm_betas",
    "cash_from_dtb3",
    "excess_returns",
    "exposure_from_returns",
    "exposure_matched_losses",
]

BenchmarkView = Literal["exposure_matched", "capm_alpha", "buy_and_hold"]

#: The views of :func:`excess_returns`, the primary first.
BENCHMARK_VIEWS: tuple[BenchmarkView, ...] = ("exposure_matched", "capm_alpha",
                                              "buy_and_hold")

FloatArray = npt.NDArray[np.float64]


def _cols(market: npt.ArrayLike, t: int, k: int, what: str) -> FloatArray:
    m = np.asarray(market, dtype=float)
    if m.ndim == 1:
        m = m[:, None]
    if m.shape[0] != t or m.shape[1] not in (1, k):
        raise ValueError(f"{what} must have {t} rows and 1 or {k} columns, got {m.shape}")
    return m


def exposure_matched_losses(returns: npt.ArrayLike, market: npt.ArrayLike,
                            exposure: npt.ArrayLike, cash: npt.ArrayLike | None = None
                            ) -> FloatArray:
    """Losses against the exposure-matched benchmark: ``-(r - (e m + (1 - e) c))``.

    Parameters
    ----------
    returns : array_like of float, shape (T, k)
        Daily returns of ``k`` parameter sets (a chunk of a sweep).
    market : array_like of float, shape (T,) or (T, k)
        Daily market (buy-and-hold) returns, shared or one column per set.
    exposure : array_like of float, shape (k,)
        Each set's average signed exposure to the market over the sample.
    cash : array_like of float, shape (T,), or None
        Daily cash return; ``None``: 0.

    Returns
    -------
    numpy.ndarray of float, shape (T, k)
    """
    r = np.asarray(returns, dtype=float)
    if r.ndim != 2:
        raise ValueError(f"returns must be 2-D (T, k), got shape {r.shape}")
    t, k = r.shape
    m = _cols(market, t, k, "market")
    e = np.asarray(exposure, dtype=float).reshape(-1)
    if e.size != k:
        raise ValueError(f"exposure needs one value per set: {e.size} for {k} sets")
    c = np.zeros((t, 1)) if cash is None else _cols(cash, t, 1, "cash")
    return -(r - (e[None, :] * m + (1.0 - e[None, :]) * c))


def capm_betas(returns: npt.ArrayLike, market: npt.ArrayLike,
               cash: npt.ArrayLike | None = None) -> FloatArray:
    """Full-sample CAPM slopes of each set's excess return on the market's."""
    r = np.asarray(returns, dtype=float)
    t, k = r.shape
    m = _cols(market, t, k, "market")
    c = np.zeros((t, 1)) if cash is None else _cols(cash, t, 1, "cash")
    y = r - c
    x = np.broadcast_to(m - c, (t, k))
    xd = x - x.mean(axis=0)
    var = (xd * xd).sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        beta = ((y - y.mean(axis=0)) * xd).sum(axis=0) / var
    return np.where(var > 0, beta, 0.0)


def capm_alpha_losses(returns: npt.ArrayLike, market: npt.ArrayLike, beta: npt.ArrayLike,
                      cash: npt.ArrayLike | None = None) -> FloatArray:
    """Losses of the CAPM alpha view: ``-((r - c) - beta (m - c))``.

    Parameters
    ----------
    returns : array_like of float, shape (T, k)
        Daily returns of ``k`` sets (a chunk).
    market : array_like of float, shape (T,) or (T, k)
        Daily market returns.
    beta : array_like of float, shape (k,)
        Each set's full-sample beta (:func:`capm_betas`).
    cash : array_like of float, shape (T,), or None
        Daily cash return; ``None``: 0.

    Returns
    -------
    numpy.ndarray of float, shape (T, k)
    """
    r = np.asarray(returns, dtype=float)
    t, k = r.shape
    m = _cols(market, t, k, "market")
    b = np.asarray(beta, dtype=float).reshape(-1)
    if b.size != k:
        raise ValueError(f"beta needs one value per set: {b.size} for {k} sets")
    c = np.zeros((t, 1)) if cash is None else _cols(cash, t, 1, "cash")
    return -((r - c) - b[None, :] * (m - c))


def excess_returns(returns: pd.DataFrame, market: pd.Series | pd.DataFrame,
                   view: BenchmarkView = "exposure_matched", *,
                   exposure: npt.ArrayLike | None = None,
                   cash: pd.Series | None = None) -> pd.DataFrame:
    """Daily excess returns of every set under one benchmark view (minus the loss).

    Parameters
    ----------
    returns : pandas.DataFrame
        ``(T, n)`` daily returns.
    market : pandas.Series or pandas.DataFrame
        Market returns on the same index (one column per set allowed).
    view : {"exposure_matched", "capm_alpha", "buy_and_hold"}
        The benchmark.
    exposure : array_like of float, shape (n,), or None
        Average exposures (exposure-matched view); ``None``: 1 for every set
        (which makes the view buy-and-hold plus nothing in cash).
    cash : pandas.Series or None
        Daily cash returns on the same index.

    Returns
    -------
    pandas.DataFrame
        Same shape, index and columns as ``returns``.
    """
    r = returns.to_numpy(dtype=float)
    m = market.to_numpy(dtype=float)
    c = None if cash is None else cash.reindex(returns.index).to_numpy(dtype=float)
    if view == "exposure_matched":
        e = np.ones(r.shape[1]) if exposure is None else np.asarray(exposure, dtype=float)
        out = -exposure_matched_losses(r, m, e, c)
    elif view == "capm_alpha":
        out = -capm_alpha_losses(r, m, capm_betas(r, m, c), c)
    elif view == "buy_and_hold":
        out = r - _cols(m, r.shape[0], r.shape[1], "market")
    else:
        raise ValueError(f"view must be one of {BENCHMARK_VIEWS}, got {view!r}")
    return pd.DataFrame(out, index=returns.index, columns=returns.columns)


def exposure_from_returns(returns: pd.DataFrame, market: pd.Series | pd.DataFrame
                          ) -> pd.DataFrame:
    """Daily exposure (+1, -1, 0) of each set, read from its returns (module docstring).

    Parameters
    ----------
    returns : pandas.DataFrame
        ``(T, n)`` daily returns of all-in strategies (0 on flat days).
    market : pandas.Series or pandas.DataFrame
        Market returns on the same index (one column per set allowed).

    Returns
    -------
    pandas.DataFrame of float
        Same shape as ``returns``.
    """
    r = returns.to_numpy(dtype=float)
    t, k = r.shape
    m = np.broadcast_to(_cols(market.to_numpy(dtype=float), t, k, "market"), (t, k))
    on = r != 0.0
    out = np.zeros((t, k))
    for j in range(k):
        pos = np.flatnonzero(on[:, j])
        if pos.size == 0:
            continue
        new = np.ones(pos.size, dtype=bool)
        new[1:] = np.diff(pos) > 1
        spell = np.cumsum(new) - 1
        co = np.bincount(spell, weights=r[pos, j] * m[pos, j])
        sign = np.where(co < 0, -1.0, 1.0)
        out[pos, j] = sign[spell]
        out[pos[new], j] = 0.0  # the entry day: the position was not held at the previous close
    return pd.DataFrame(out, index=returns.index, columns=returns.columns)


def cash_from_dtb3(dtb3: pd.Series, index: pd.Index | None = None,
                   periods_per_year: int = 252) -> pd.Series:
    """Daily cash returns from FRED's 3-month T-bill rate (percent a year).

    ``dtb3 / 100 / periods_per_year``, carried forward over missing days; days
    before the first rate are 0.
    """
    s = dtb3.astype(float)
    if index is not None:
        s = s.reindex(index)
    return (s.ffill() / 100.0 / periods_per_year).fillna(0.0).rename("cash")
