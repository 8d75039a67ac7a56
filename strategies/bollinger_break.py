"""Bollinger break: the VIX closing outside its quarterly Bollinger bands."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import numpy.typing as npt
import pandas as pd

from strategies.base import ParamArrays, RawSignals, Side, Strategy, param
from strategies.indicators import complete_rows, factorize_keys, rolling_mean, rolling_std
from strategies.kernels import STYLE_CODES, band_kernel

__all__ = ["EXIT_STYLES", "BollingerBreak", "band_breaks"]

EXIT_STYLES = ("inside", "middle", "none")
"""How a band break ends: back inside the bands, at the middle band, or never
(the execution layer's holding period closes the trade)."""


def band_breaks(length: int, rows: npt.NDArray[np.intp], x: npt.NDArray[np.float64],
                xcode: npt.ArrayLike, mid: npt.NDArray[np.float64],
                sd: npt.NDArray[np.float64], bcode: npt.ArrayLike, num_std: npt.ArrayLike,
                exit_style: npt.ArrayLike, warmup: npt.ArrayLike) -> RawSignals:
    """Bollinger-band breaks of ``n`` parameter sets in one compiled pass.

    Parameters
    ----------
    length : int
        Rows ``T`` of the full frame.
    rows : numpy.ndarray of intp, shape (m,)
        Full-frame row of each compact row (rows without data get no signal).
    x : numpy.ndarray of float, shape (m, Ux)
        The banded series (one column per unique series).
    xcode : array_like of int, shape (n,)
        Column of ``x`` each parameter set reads.
    mid, sd : numpy.ndarray of float, shape (m, U)
        Middle band and standard deviation, one column per unique band.
    bcode : array_like of int, shape (n,)
        Column of ``mid``/``sd`` each parameter set reads.
    num_std : array_like of float, shape (n,)
        Half-width in standard deviations.
    exit_style : array_like of str, shape (n,)
        From :data:`EXIT_STYLES`.
    warmup : array_like of int, shape (n,)
        Compact rows without a signal at the start.

    Returns
    -------
    RawSignals
        ``long_entries``: above the upper band; ``short_entries``: below the
        lower band.  Exits by style: ``"inside"`` -- the long exits when at or
        below the upper band, the short when at or above the lower band;
        ``"middle"`` -- at or below / at or above the middle band; ``"none"``
        -- never.  Comparisons as in :mod:`strategies.compare`.
    """
    k = np.ascontiguousarray(num_std, dtype=np.float64)
    n = len(k)
    style = np.asarray([STYLE_CODES[str(v)] for v in np.asarray(exit_style)], dtype=np.int64)
    out = [np.zeros((length, n), dtype=bool) for _ in range(4)]
    band_kernel(np.ascontiguousarray(x, dtype=np.float64),
                np.ascontiguousarray(xcode, dtype=np.intp),
                np.ascontiguousarray(mid, dtype=np.float64),
                np.ascontiguousarray(sd, dtype=np.float64),
                np.ascontiguousarray(bcode, dtype=np.intp), k, style,
                np.ascontiguousarray(warmup, dtype=np.int64),
                np.ascontiguousarray(rows, dtype=np.intp), *out)
    return RawSignals(*out)


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
    # The commentary states no forward horizon for this idea: each side's primary
    # hypothesis is the month after the signal (21 trading days), fixed before any test.
    primary_horizon: ClassVar[dict[str, int]] = {"long": 21, "short": 21}
    published: ClassVar[int | None] = 2008
    signals_on_complete_rows: ClassVar[bool] = True
    holding_period: ClassVar[int | None] = 21

    window: int = param(63, "rolling window of the bands (trading days)", low=2, high=2520)
    num_std: float = param(2.0, "half-width of the bands in standard deviations",
                           low=0.0, low_open=True, high=10.0)
    exit_style: str = param("inside", "exit: back inside the bands, at the middle band, or none "
                            "(holding period)", choices=EXIT_STYLES)

    @property
    def has_exit_rule(self) -> bool:
        """``exit_style="none"`` emits no exits: then :attr:`holding_period` applies."""
        return self.exit_style != "none"

    @classmethod
    def warmup_for(cls, p: ParamArrays) -> np.ndarray:
        """First row with a full window: ``window - 1``."""
        return np.asarray(p.window, dtype=np.int64) - 1

    @classmethod
    def generate(cls, data: pd.DataFrame, p: ParamArrays) -> RawSignals:
        """Band breaks of the VIX close; see the class docstring."""
        frame, rows = complete_rows(data, ("vix_close",))
        c = frame["vix_close"].to_numpy(np.float64)
        codes, uniq = factorize_keys([p.window])
        mid = np.column_stack([rolling_mean(c, w) for (w,) in uniq])
        sd = np.column_stack([rolling_std(c, w, ddof=0) for (w,) in uniq])
        return band_breaks(len(data), rows, c[:, None], np.zeros(p.n, dtype=np.intp), mid, sd,
                           codes, p.num_std, p.exit_style, cls.warmup_for(p))


