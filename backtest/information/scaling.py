"""Forward returns, raw or scaled by ex-ante volatility.

Higher SPX returns after fear may only pay for higher risk: a 1 % week after a
VIX spike is less remarkable when SPX has been moving 3 % a day.  The
*vol-scaled* forward return divides the raw one
(:func:`backtest.execution.fills.forward_returns`, the project's one
forward-return function) by the volatility expected over the horizon from the
signal day's close:

``scaled[t, h] = fwd[t, h] / (RV_21[t] * sqrt(h / 252))``

with ``RV_21[t]`` the SPX realised volatility of the 21 days ending at ``t``
(:func:`strategies.predictors.realised_vol`, annualised).  The unit is "ex-ante
standard deviations over the horizon"; ``RV_21[t]`` is known at ``t``'s close,
so nothing after the signal day enters the scale.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np
import pandas as pd

from backtest.evidence.event_study import (
    DEFAULT_HORIZONS,
    EventStudyResult,
    event_study,
    make_rng,
)
from backtest.evidence.strategy_study import (
    StrategyStudy,
    expect_of,
    resolve_strategy,
    strategy_sample,
)
from backtest.execution.basis import ReturnsMode
from backtest.execution.fills import Fill, forward_returns
from strategies.base import Strategy
from strategies.indicators import complete_rows
from strategies.predictors import PERIODS_PER_YEAR, realised_vol

__all__ = ["ReturnScale", "ex_ante_vol", "scaled_forward_returns", "scaled_study"]

ReturnScale = Literal["raw", "vol"]

#: Days of realised volatility behind the ex-ante scale.
VOL_WINDOW = 21


def ex_ante_vol(data: pd.DataFrame, window: int = VOL_WINDOW) -> pd.Series:
    """Annualised SPX realised volatility of the ``window`` days ending at each close."""
    if "spx_close" not in data.columns:
        raise ValueError("vol-scaled returns need the spx_close column")
    frame, pos = complete_rows(data, ["spx_close"])
    out = np.full(len(data), np.nan)
    out[pos] = realised_vol(frame["spx_close"].to_numpy(np.float64), window)
    return pd.Series(out, index=data.index, name=f"spx_rv_{window}")


def scaled_forward_returns(data: pd.DataFrame, horizons: Sequence[int],
                           fill: Fill = "next_open", scale: ReturnScale = "raw",
                           window: int = VOL_WINDOW,
                           returns: ReturnsMode = "total") -> pd.DataFrame:
    """Forward SPX returns per horizon, raw or in ex-ante standard deviations.

    Parameters
    ----------
    data : pandas.DataFrame
        Market table frame.
    horizons : sequence of int
        Horizons in trading days.
    fill : {"next_open", "next_close"}, default "next_open"
        Fill timing of :func:`~backtest.execution.fills.forward_returns`.
    scale : {"raw", "vol"}, default "raw"
        ``"raw"``: simple returns; ``"vol"``: divided by
        ``RV_window[t] * sqrt(h / 252)`` (module docstring).
    window : int, default 21
        Realised-volatility window of the ``"vol"`` scale.
    returns : {"price", "total"}, default "total"
        Returns mode, as in the event study (the same default, so an effect
        here and on the study's page measure the same return).

    Returns
    -------
    pandas.DataFrame
        One column per horizon, indexed like ``data``.
    """
    if scale not in ("raw", "vol"):
        raise ValueError(f"scale must be 'raw' or 'vol', got {scale!r}")
    fwd = forward_returns(data, horizons, fill, returns)
    if scale == "raw":
        return fwd
    vol = ex_ante_vol(data, window).to_numpy()
    with np.errstate(invalid="ignore", divide="ignore"):
        for h in fwd.columns:
            denom = vol * np.sqrt(int(h) / PERIODS_PER_YEAR)
            fwd[h] = np.where(denom > 0, fwd[h].to_numpy() / np.where(denom > 0, denom, 1.0),
                              np.nan)
    return fwd


def scaled_study(strategy: Strategy | type[Strategy] | str, data: pd.DataFrame,
                 horizons: Sequence[int] = DEFAULT_HORIZONS, fill: Fill = "next_open",
                 scale: ReturnScale = "vol", *, n_boot: int = 1000,
                 seed: int | np.random.Generator | None = None, **kwargs: object
                 ) -> StrategyStudy:
    """The event study of every side of a strategy on vol-scaled (or raw) forward returns.

    The same study as :func:`backtest.evidence.strategy_study.study_strategy`
    (same signals, sample, tests and verdicts), with the forward returns of
    :func:`scaled_forward_returns`: with ``scale="vol"`` every effect, mean
    and interval is in ex-ante standard deviations over the horizon.

    Parameters
    ----------
    strategy : Strategy, Strategy subclass or str
        Parameter set.
    data : pandas.DataFrame
        Market table frame.
    horizons, fill, n_boot, seed
        As in :func:`backtest.evidence.event_study.event_study`.
    scale : {"raw", "vol"}, default "vol"
        Forward-return scale.
    **kwargs
        Further keywords of :func:`~backtest.evidence.event_study.event_study`
        (``alpha``, ``min_episodes`` ...).

    Returns
    -------
    StrategyStudy
    """
    strat = resolve_strategy(strategy)
    sig = strat.signals(data)
    sample = strategy_sample(strat, data)
    fwd = scaled_forward_returns(data, horizons, fill, scale)
    rng = make_rng(seed)
    sides: dict[str, EventStudyResult] = {}
    for side in strat.sides:
        sides[side] = event_study(sig.entries(side), data, horizons, fill, expect_of(side),
                                  n_boot=n_boot, seed=rng, valid=sample, forward=fwd,
                                  name=f"{strat.name}:{side}:{scale}",
                                  **kwargs)  # type: ignore[arg-type]
    return StrategyStudy(strat.name, strat.params(), sides)
