"""Vol-of-vol compression: the volatility of the VIX falling below its lower band."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import pandas as pd

from strategies.base import ParamArrays, RawSignals, Side, Strategy, param
from strategies.bollinger_break import band_breaks
from strategies.indicators import complete_rows, factorize_keys, hist_vol, rolling_mean, rolling_std

__all__ = ["MEASURES", "VOV_EXIT_STYLES", "VolOfVol"]

MEASURES = ("hv", "vvix")
"""Vol-of-vol measures: historical volatility of the VIX close, or the VVIX index."""

VOV_EXIT_STYLES = ("middle", "inside", "none")
"""When the compression ends: back to the middle band, back inside the bands, never."""


@dataclass(frozen=True)
class VolOfVol(Strategy):
    """Vol-of-vol compression (SIGNALS.md, headline strategy 4); short side only.

    The volatility of volatility -- by default the ``hv_window``-day historical
    volatility of the VIX (annualised sample std of daily log changes of the
    VIX close), or the VVIX index with ``measure="vvix"`` -- gets Bollinger
    bands: its ``band_window``-day mean +- ``num_std`` population standard
    deviations.  A close of the measure below its lower band means traders have
    stopped revising their outlook: complacency, expect SPX to decline (short).

    Exit: the thesis is that the decline comes as the compression unwinds, so
    the trade is held until vol-of-vol has recovered -- by default until the
    measure closes at or above its middle band (``exit_style="middle"``).
    ``"inside"`` leaves as soon as it is back at or above the lower band (the
    compression day is over); ``"none"`` leaves it to the holding period.

    Known at the signal day's close: VIX closes (or VVIX values) up to and
    including that day.  The execution layer fills the trade on the next day
    (SPX open by default); this class never shifts its output.

    Parameters
    ----------
    measure : {"hv", "vvix"}, default "hv"
        Vol-of-vol series.
    hv_window : int, default 21
        Daily log changes in the historical volatility (``measure="hv"``).
    band_window : int, default 63
        Window of the bands on the measure.
    num_std : float, default 2.0
        Half-width of the bands in standard deviations.
    exit_style : {"middle", "inside", "none"}, default "middle"
        See above.

    Notes
    -----
    The historical volatility is annualised with 252 days a year; the factor
    scales the measure and its bands alike, so it cannot change a signal and is
    not a parameter.  A measure exactly on its band is not below it.  Rows without the measure's
    input carry no signal and are skipped by the windows.
    """

    name: ClassVar[str] = "vol_of_vol"
    title: ClassVar[str] = "Vol-of-vol compression"
    idea: ClassVar[str] = ("21-day historical vol of the VIX below its 63-day lower Bollinger "
                           "band = complacency, expect SPX to fall")
    required_columns: ClassVar[tuple[str, ...]] = ("vix_close",)
    sides: ClassVar[tuple[Side, ...]] = ("short",)
    # The commentary states no forward horizon for this idea: each side's primary
    # hypothesis is the month after the signal (21 trading days), fixed before any test.
    primary_horizon: ClassVar[dict[str, int]] = {"short": 21}
    published: ClassVar[int | None] = 2012
    signals_on_complete_rows: ClassVar[bool] = True
    holding_period: ClassVar[int | None] = 21

    measure: str = param("hv", "vol-of-vol: historical vol of the VIX or the VVIX index",
                         choices=MEASURES)
    hv_window: int = param(21, "hv: daily log changes in the historical volatility",
                           low=2, high=252)
    band_window: int = param(63, "window of the bands on the measure", low=2, high=2520)
    num_std: float = param(2.0, "half-width of the bands in standard deviations",
                           low=0.0, low_open=True, high=10.0)
    exit_style: str = param("middle", "exit: back at the middle band, inside the bands, or none",
                            choices=VOV_EXIT_STYLES)

    def columns_needed(self) -> tuple[str, ...]:
        """``vix_close`` for the historical volatility, ``vvix`` for the VVIX."""
        return ("vvix",) if self.measure == "vvix" else ("vix_close",)

    @property
    def has_exit_rule(self) -> bool:
        """``exit_style="none"`` emits no exits: then :attr:`holding_period` applies."""
        return self.exit_style != "none"

    @classmethod
    def warmup_for(cls, p: ParamArrays) -> np.ndarray:
        """``hv_window + band_window - 1`` (hv), ``band_window - 1`` (VVIX)."""
        bw = np.asarray(p.band_window, np.int64) - 1
        out: np.ndarray = np.where(np.asarray(p.measure) == "hv",
                                   bw + np.asarray(p.hv_window, np.int64), bw)
        return out

    @classmethod
    def generate(cls, data: pd.DataFrame, p: ParamArrays) -> RawSignals:
        """Breaks of vol-of-vol below its lower band; see the class docstring."""
        warmup = cls.warmup_for(p)
        measure = np.asarray(p.measure)
        entries = np.zeros((len(data), p.n), dtype=bool)
        exits = np.zeros((len(data), p.n), dtype=bool)
        for name in dict.fromkeys(measure.tolist()):
            idx = np.flatnonzero(measure == name)
            q = p.take(idx)
            raw = _breaks(data, q, str(name), warmup[idx])
            assert raw.short_entries is not None and raw.short_exits is not None
            entries[:, idx] = raw.short_entries
            exits[:, idx] = raw.short_exits
        return RawSignals(short_entries=entries, short_exits=exits)


def _breaks(data: pd.DataFrame, q: ParamArrays, measure: str,
            warmup: np.ndarray) -> RawSignals:
    column = "vvix" if measure == "vvix" else "vix_close"
    frame, rows = complete_rows(data, (column,))
    values = frame[column].to_numpy(np.float64)
    # the VVIX does not depend on hv_window: one series for every column
    hw = (np.zeros(q.n, dtype=np.int64) if measure == "vvix"
          else np.asarray(q.hv_window, np.int64))
    xcode, xkeys = factorize_keys([hw])
    series = {key: values if measure == "vvix" else hist_vol(values, key[0]) for key in xkeys}
    bcode, bkeys = factorize_keys([hw, q.band_window])
    mid = np.column_stack([rolling_mean(series[(h,)], b) for h, b in bkeys])
    sd = np.column_stack([rolling_std(series[(h,)], b, ddof=0) for h, b in bkeys])
    x = np.column_stack([series[key] for key in xkeys])
    raw = band_breaks(len(data), rows, x, xcode, mid, sd, bcode, q.num_std, q.exit_style,
                      warmup)
    return RawSignals(short_entries=raw.short_entries, short_exits=raw.short_exits)
