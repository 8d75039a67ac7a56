"""Conditional views: each strategy's event study inside market regimes.

Two splits, each known at the signal day's close:

``"trend"``
    SPX above / below its 200-day simple moving average (the control
    ``spx_above_200`` of :mod:`.controls`: one computation).
``"vix_tercile"``
    The VIX's real-time tercile: its percentile among every VIX close so far
    (:func:`strategies.predictors.expanding_percentile`, at least 252 days of
    history), cut at 1/3 and 2/3 (:func:`.deciles.realtime_buckets` with 3
    buckets).  Never a full-sample cut-off.

The regime sample sizes are the ``part_days`` column (days of the strategy's
sample inside the regime), beside the signal days and episodes.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

from backtest.execution.fills import Fill
from backtest.information.conditional import ConditionalTable, split_table
from backtest.information.controls import control_frame
from backtest.information.deciles import realtime_buckets
from backtest.information.scaling import ReturnScale
from strategies.base import Strategy
from strategies.predictors import MIN_PERCENTILE_HISTORY

__all__ = ["REGIMES", "Regime", "regime_masks", "regime_table"]

Regime = Literal["trend", "vix_tercile"]

#: The regime splits, in display order.
REGIMES: tuple[Regime, ...] = ("trend", "vix_tercile")

_TERCILES = ("VIX low tercile (real-time)", "VIX middle tercile (real-time)",
             "VIX high tercile (real-time)")


def regime_masks(data: pd.DataFrame, regime: Regime) -> dict[str, npt.NDArray[np.bool_]]:
    """Boolean row masks of the parts of one regime split (module docstring).

    Days where the regime is not yet defined (the first 200 SPX days, the
    first 252 VIX days) are in no part.
    """
    if regime == "trend":
        up = control_frame(data, ["spx_above_200"])["spx_above_200"].to_numpy()
        return {"SPX above 200-day": up == 1.0, "SPX below 200-day": up == 0.0}
    if regime == "vix_tercile":
        if "vix_close" not in data.columns:
            raise ValueError("the vix_tercile regime needs the vix_close column")
        b = realtime_buckets(data["vix_close"].to_numpy(np.float64), 3, MIN_PERCENTILE_HISTORY)
        return {label: b == k + 1 for k, label in enumerate(_TERCILES)}
    raise ValueError(f"regime must be one of {REGIMES}, got {regime!r}")


def regime_table(
    data: pd.DataFrame,
    strategies: Sequence[Strategy | type[Strategy] | str] | None = None,
    horizons: Sequence[int] | None = None,
    regimes: Sequence[Regime] = REGIMES,
    *,
    fill: Fill = "next_open",
    scale: ReturnScale = "raw",
) -> ConditionalTable:
    """Every strategy side's event study inside each regime.

    Parameters
    ----------
    data : pandas.DataFrame
        Market table frame.
    strategies : sequence or None
        Parameter sets (default: every registered strategy with defaults).
    horizons : sequence of int or None, default None
        ``None``: each side's primary horizon.
    regimes : sequence of {"trend", "vix_tercile"}, default both
        Splits to run.
    fill, scale
        Fill timing; raw or vol-scaled forward returns.

    Returns
    -------
    ConditionalTable
        ``split`` is the regime name, ``part`` the regime, ``part_days`` its
        sample size.
    """
    splits: dict[str, dict[str, npt.NDArray[np.bool_]]] = {
        r: regime_masks(data, r) for r in regimes}
    return split_table(data, splits, strategies, horizons, fill=fill, scale=scale,
                       title="Event studies by regime")
