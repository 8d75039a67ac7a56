"""Contango flip: the VIX term structure flipping between contango and backwardation."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
import numpy.typing as npt
import pandas as pd

from strategies.base import ParamArrays, RawSignals, Side, Strategy, param
from strategies.compare import above, below
from strategies.gridtools import by_group
from strategies.indicators import consecutive_count, per_unique, rolling_mean
from strategies.predictors import term_ratio

__all__ = ["PAIRS", "ContangoFlip", "regime_state"]

PAIRS: dict[str, tuple[str, str]] = {
    "vix_vix3m": ("vix_close", "vix3m"),
    "vx1_vx2": ("vx1", "vx2"),
    "vix_vx1": ("vix_close", "vx1"),
}
"""Term-structure pair -> (near leg, far leg) columns."""


def regime_state(high: npt.ArrayLike, low: npt.ArrayLike) -> npt.NDArray[np.int8]:
    """Latest confirmed regime: ``1`` after a ``high`` event, ``-1`` after a ``low`` event.

    Parameters
    ----------
    high, low : array_like of bool
        Event arrays, time on axis 0 (1-D or 2-D); a row with neither keeps the
        previous state.

    Returns
    -------
    numpy.ndarray of int8
        ``0`` before the first event.
    """
    hi = np.asarray(high, dtype=bool)
    lo = np.asarray(low, dtype=bool)
    code = np.where(hi, 1, np.where(lo, -1, 0)).astype(np.int8)
    rows = np.arange(code.shape[0]).reshape((-1,) + (1,) * (code.ndim - 1))
    last = np.maximum.accumulate(np.where(code != 0, rows, -1), axis=0)
    state = np.take_along_axis(code, np.maximum(last, 0), axis=0)
    return np.where(last >= 0, state, 0).astype(np.int8)


@dataclass(frozen=True)
class ContangoFlip(Strategy):
    """Contango flip of the VIX term structure (SIGNALS.md, headline strategy 3).

    The ratio of the near leg to the far leg (``pair``: VIX / VIX3M, front /
    second VIX future, or VIX / front future), optionally smoothed by a
    ``smooth_window``-day mean, is in *backwardation* (stress) once it has
    closed above ``1 + band`` for ``confirm_days`` consecutive days, and in
    *contango* once it has closed below ``1 - band`` for ``confirm_days``
    consecutive days; in between (the hysteresis band) the regime stays what
    it was.

    - Long entry: the regime flips from backwardation to contango -- the
      "all clear", expect SPX to rise.  Long exit: the regime is backwardation.
    - Short entry: the regime flips from contango into backwardation -- stress
      priced as near-term, expect weakness.  Short exit: the regime is contango.

    A flip needs a confirmed previous regime: the first regime of the data is
    not a flip.

    Known at the signal day's close: both legs' closes (VIX futures settle at
    the SPX close) of that day and before.  The execution layer fills the trade
    on the next day (SPX open by default); this class never shifts its output.

    Parameters
    ----------
    pair : {"vix_vix3m", "vx1_vx2", "vix_vx1"}, default "vix_vix3m"
        Near / far legs (columns in :data:`PAIRS`).
    band : float, default 0.0
        Half-width of the hysteresis band around 1 (0: the plain rule of
        SIGNALS.md, above 1 = backwardation, below 1 = contango).
    smooth_window : int, default 1
        Days in the moving average of the ratio (1: no smoothing).
    confirm_days : int, default 1
        Consecutive days beyond the band that confirm a regime.

    Notes
    -----
    A ratio of exactly ``1 +- band`` is not beyond the band.  Rows where a leg
    is missing (VIX3M before its first print, futures before 2004) carry no
    signal and are skipped by the smoothing and confirmation counts.
    """

    name: ClassVar[str] = "contango_flip"
    title: ClassVar[str] = "Contango flip"
    idea: ClassVar[str] = ("VIX/VIX3M flips back below 1 after backwardation = all clear "
                           "(expect SPX up); flip into backwardation = expect weakness")
    required_columns: ClassVar[tuple[str, ...]] = PAIRS["vix_vix3m"]
    sides: ClassVar[tuple[Side, ...]] = ("long", "short")
    # The commentary states no forward horizon for this idea: each side's primary
    # hypothesis is the month after the signal (21 trading days), fixed before any test.
    primary_horizon: ClassVar[dict[str, int]] = {"long": 21, "short": 21}
    published: ClassVar[int | None] = 2012
    signals_on_complete_rows: ClassVar[bool] = True

    pair: str = param("vix_vix3m", "term-structure pair near/far", choices=tuple(PAIRS))
    band: float = param(0.0, "hysteresis half-width around a ratio of 1", low=0.0, high=0.5,
                        high_open=True)
    smooth_window: int = param(1, "moving average of the ratio, days (1 = none)", low=1, high=63)
    confirm_days: int = param(1, "consecutive days that confirm a regime", low=1, high=21)

    def columns_needed(self) -> tuple[str, ...]:
        """The two legs of ``pair``."""
        return PAIRS[self.pair]

    @classmethod
    def warmup_for(cls, p: ParamArrays) -> np.ndarray:
        """``smooth_window + confirm_days - 2``: the first row a regime can be confirmed."""
        out: np.ndarray = (np.asarray(p.smooth_window, np.int64)
                           + np.asarray(p.confirm_days, np.int64) - 2)
        return out

    @classmethod
    def generate(cls, data: pd.DataFrame, p: ParamArrays) -> RawSignals:
        """Regime flips of the term-structure ratio; see the class docstring."""
        return by_group(data, p, ("pair",), lambda key: PAIRS[key[0]], _compute,
                        warmup=cls.warmup_for(p))


def _compute(frame: pd.DataFrame, q: ParamArrays, key: tuple[Any, ...]) -> RawSignals:
    near, far = PAIRS[key[0]]
    ratio = term_ratio(frame[near].to_numpy(np.float64), frame[far].to_numpy(np.float64))
    r = per_unique(lambda w: rolling_mean(ratio, w), q.smooth_window)
    band = q.col("band")
    confirm = q.col("confirm_days")
    back = consecutive_count(above(r, 1.0 + band)) >= confirm
    cont = consecutive_count(below(r, 1.0 - band)) >= confirm
    state = regime_state(back, cont)
    prev = np.zeros_like(state)
    prev[1:] = state[:-1]
    return RawSignals(long_entries=(state == -1) & (prev == 1), long_exits=state == 1,
                      short_entries=(state == 1) & (prev == -1), short_exits=state == -1)
