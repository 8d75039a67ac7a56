"""Bollinger break: the VIX closing outside its quarterly Bollinger bands."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import numpy.typing as npt
import pandas as pd

from strategies.base import ParamArrays, RawSignals, Side, Strategy, param
from strategies.compare import above, at_or_above, at_or_below, below
from strategies.gridtools import by_group
from strategies.indicators import per_unique, rolling_mean, rolling_std

__all__ = ["EXIT_STYLES", "BollingerBreak", "band_signals"]

EXIT_STYLES = ("inside", "middle", "none")
"""How a band break ends: back inside the bands, at the middle band, or never
(the execution layer's holding period closes the trade)."""


def band_signals(x: npt.ArrayLike, window: npt.ArrayLike, num_std: npt.ArrayLike,
                 exit_style: npt.ArrayLike) -> RawSignals:
    """Bollinger-band breaks of one series for ``n`` parameter sets.

    The middle band is the ``window``-row simple mean, the bands are ``num_std``
    population standard deviations either side.  The mean and deviation are
    computed once per unique window; band widths broadcast over them.

    Parameters
    ----------
    x : array_like of float, shape (T,)
        Series without gaps, time on axis 0.
    window, num_std, exit_style : array_like, shape (n,)
        Parameters of each set (``exit_style`` from :data:`EXIT_STYLES`).

    Returns
    -------
    RawSignals
        ``long_entries``: close above the upper band; ``short_entries``: close
        below the lower band.  Exits by style: ``"inside"`` -- the long exits
        when the close is at or below the upper band, the short when at or
        above the lower band; ``"middle"`` -- at or below / at or above the
        middle band; ``"none"`` -- never.
    """
    v = np.asarray(x, dtype=np.float64)[:, None]
    w = np.asarray(window)
    k = np.asarray(num_std, dtype=np.float64).reshape(1, -1)
    style = np.asarray(exit_style)
    mid = per_unique(lambda win: rolling_mean(v[:, 0], win), w)
    sd = per_unique(lambda win: rolling_std(v[:, 0], win, ddof=0), w)
    upper = mid + k * sd
    lower = mid - k * sd
    long_exits = np.zeros(mid.shape, dtype=bool)
    short_exits = np.zeros(mid.shape, dtype=bool)
    for name, up, lo in (("inside", upper, lower), ("middle", mid, mid)):
        cols = np.flatnonzero(style == name)
        if len(cols):
            long_exits[:, cols] = at_or_below(v, up[:, cols])
            short_exits[:, cols] = at_or_above(v, lo[:, cols])
    return RawSignals(long_entries=above(v, upper), long_exits=long_exits,
                      short_entries=below(v, lower), short_exits=short_exits)


@dataclass(frozen=True)
class BollingerBreak(Strategy):
    """Bollinger break of the VIX (SIGNALS.md, headline strategy 2).

    Bands at ``num_std`` standard deviations (population, as Bollinger defines
    them) around the VIX's simple mean over the last ``window`` trading days,
    the current day included.  A close above the upper band is a fear extreme
    (long SPX: expect a rally); a close below the lower band is complacency
    (short SPX: expect a decline).

    Known at the signal day's close: the VIX close of that day and the
    ``window - 1`` before it.  The execution layer fills the trade on the next
    day (SPX open by default); this class never shifts its output.

    Parameters
    ----------
    window : int, default 63
        Rows in the rolling mean and standard deviation (a quarter).
    num_std : float, default 2.0
        Half-width of the bands in standard deviations.
    exit_style : {"inside", "middle", "none"}, default "inside"
        ``"inside"``: leave once the VIX closes back inside the bands (at or
        below the upper band for the long, at or above the lower band for the
        short); ``"middle"``: once it closes at or beyond the middle band;
        ``"none"``: no exit signal, the holding period closes the trade.

    Notes
    -----
    A close exactly on a band is inside it (see :mod:`strategies.compare`).
    The window includes the current close, which therefore can never lie more
    than ``sqrt(window - 1)`` standard deviations from the mean: a band wider
    than that never breaks (allowed, so grids stay rectangular).
    Rows without a VIX close carry no signal and are skipped by the windows.
    """

    name: ClassVar[str] = "bollinger_break"
    title: ClassVar[str] = "Bollinger break"
    idea: ClassVar[str] = ("VIX closes outside its 63-day +-2 std Bollinger bands: above = fear "
                           "(expect SPX up), below = complacency (expect SPX down)")
    required_columns: ClassVar[tuple[str, ...]] = ("vix_close",)
    sides: ClassVar[tuple[Side, ...]] = ("long", "short")

    window: int = param(63, "rolling window of the bands (trading days)", low=2, high=2520)
    num_std: float = param(2.0, "half-width of the bands in standard deviations",
                           low=0.0, low_open=True, high=10.0)
    exit_style: str = param("inside", "exit: back inside the bands, at the middle band, or none "
                            "(holding period)", choices=EXIT_STYLES)

    @classmethod
    def warmup_for(cls, p: ParamArrays) -> np.ndarray:
        """First row with a full window: ``window - 1``."""
        return np.asarray(p.window, dtype=np.int64) - 1

    @classmethod
    def generate(cls, data: pd.DataFrame, p: ParamArrays) -> RawSignals:
        """Band breaks of the VIX close; see the class docstring."""
        def compute(frame: pd.DataFrame, q: ParamArrays, key: tuple[object, ...]) -> RawSignals:
            return band_signals(frame["vix_close"].to_numpy(np.float64), q.window, q.num_std,
                                q.exit_style)
        return by_group(data, p, (), lambda key: ("vix_close",), compute,
                        warmup=cls.warmup_for(p))


