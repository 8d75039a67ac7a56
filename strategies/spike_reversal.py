"""Spike reversal: the VIX spiking far above its recent history (a fear extreme)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from strategies.base import ParamArrays, RawSignals, Side, Strategy, param
from strategies.compare import above, at_or_above, at_or_below, below
from strategies.gridtools import by_group
from strategies.indicators import (
    pct_change,
    per_unique,
    rolling_max,
    rolling_mean,
    rolling_zscore,
    rsi_wilder,
)

__all__ = ["TURN_REFERENCES", "VARIANTS", "SpikeReversal"]

VARIANTS = ("pct_above_sma", "zscore", "jump", "rsi", "turn")
"""Ways of calling a VIX spike (see :class:`SpikeReversal`)."""

TURN_REFERENCES = ("prior_close", "open")
"""What the VIX must close below to confirm a turn."""


@dataclass(frozen=True)
class SpikeReversal(Strategy):
    """VIX spike reversal (SIGNALS.md, headline strategy 1); long side only.

    A spike of the VIX relative to its own recent history is a fear extreme:
    expect SPX to rise.  ``variant`` picks how a spike is called on day ``t``:

    ``"pct_above_sma"`` (default)
        VIX close more than ``pct_above`` above its ``window``-day simple moving
        average (10 % above the 10-day SMA).
    ``"zscore"``
        ``(close - mean) / std`` over the last ``window`` days (population
        std) above ``z_threshold``.
    ``"jump"``
        VIX up more than ``jump_pct`` over the last ``jump_days`` days
        ("up 20 % in two days").
    ``"rsi"``
        Wilder RSI of the VIX close over ``rsi_period`` days above
        ``rsi_threshold`` ("readings in the high 90s").
    ``"turn"``
        The VIX close of day ``t - 1`` was its highest of the last
        ``turn_lookback`` days (a new N-day closing high), and day ``t`` closes
        below day ``t - 1``'s close (``turn_reference="prior_close"``) or below
        its own open (``"open"``; needs the ``vix_open`` column).

    Exit (every variant): the VIX closes at or below its ``window``-day SMA.
    A holding period, if wanted, is the execution layer's job.

    Known at the signal day's close: the VIX closes (and, for
    ``turn_reference="open"``, the VIX open) up to and including that day.
    The execution layer fills the trade on the next day (SPX open by default);
    this class never shifts its output.

    Parameters
    ----------
    variant : {"pct_above_sma", "zscore", "jump", "rsi", "turn"}, default "pct_above_sma"
        Spike definition.
    window : int, default 10
        SMA window of the ``pct_above_sma`` entry, the ``zscore`` window, and
        the exit's SMA.
    pct_above : float, default 0.10
        Fraction above the SMA for ``pct_above_sma``.
    z_threshold : float, default 2.0
        Z-score threshold for ``zscore``.
    jump_days : int, default 2
        Look-back of the ``jump`` variant in days.
    jump_pct : float, default 0.20
        Rise over ``jump_days`` for ``jump``.
    rsi_period : int, default 2
        Wilder RSI period for ``rsi``.
    rsi_threshold : float, default 95.0
        RSI level for ``rsi``.
    turn_lookback : int, default 10
        N of the N-day closing high for ``turn``.
    turn_reference : {"prior_close", "open"}, default "prior_close"
        Confirmation of the ``turn`` variant.

    Notes
    -----
    Thresholds are strict: a close exactly 10 % above its SMA is not a spike
    (see :mod:`strategies.compare`); a close exactly on its SMA is an exit.
    On the day of an entry the exit is suppressed (a jump, RSI or turn spike
    can close below the SMA).  A z-score over ``window`` days that include
    the current close can never exceed ``sqrt(window - 1)`` (2 for a 5-day
    window): such combinations are allowed, so grids stay rectangular, but
    never fire.
    """

    name: ClassVar[str] = "spike_reversal"
    title: ClassVar[str] = "Spike reversal"
    idea: ClassVar[str] = ("VIX closes >10% above its 10-day SMA (or z-score / jump / RSI / turn "
                           "variants): fear extreme, expect SPX to rise")
    required_columns: ClassVar[tuple[str, ...]] = ("vix_close",)
    sides: ClassVar[tuple[Side, ...]] = ("long",)
    # The commentary states no forward horizon for this idea: each side's primary
    # hypothesis is the month after the signal (21 trading days), fixed before any test.
    primary_horizon: ClassVar[dict[str, int]] = {"long": 21}
    published: ClassVar[int | None] = 2008
    signals_on_complete_rows: ClassVar[bool] = True

    variant: str = param("pct_above_sma", "how a spike is called", choices=VARIANTS)
    window: int = param(10, "SMA window (pct_above_sma, zscore and the exit), days",
                        low=2, high=504)
    pct_above: float = param(0.10, "pct_above_sma: fraction above the SMA", low=0.0, high=10.0)
    z_threshold: float = param(2.0, "zscore: threshold in standard deviations",
                               low=0.0, low_open=True, high=20.0)
    jump_days: int = param(2, "jump: look-back in days", low=1, high=63)
    jump_pct: float = param(0.20, "jump: rise over jump_days (fraction)",
                            low=0.0, low_open=True, high=10.0)
    rsi_period: int = param(2, "rsi: Wilder RSI period in days", low=1, high=252)
    rsi_threshold: float = param(95.0, "rsi: RSI level (0-100)", low=50.0, high=100.0,
                                 high_open=True)
    turn_lookback: int = param(10, "turn: N of the N-day closing high", low=2, high=504)
    turn_reference: str = param("prior_close", "turn: close below the prior close or the open",
                                choices=TURN_REFERENCES)

    def columns_needed(self) -> tuple[str, ...]:
        """``vix_close``, plus ``vix_open`` for the turn variant confirmed by the open."""
        return _columns((self.variant, self.turn_reference))

    @classmethod
    def warmup_for(cls, p: ParamArrays) -> np.ndarray:
        """Rows until both the entry and the exit indicators are defined."""
        variant = np.asarray(p.variant)
        exit_wu = np.asarray(p.window, dtype=np.int64) - 1
        entry_wu = np.select(
            [variant == "jump", variant == "rsi", variant == "turn"],
            [np.asarray(p.jump_days, np.int64), np.asarray(p.rsi_period, np.int64),
             np.asarray(p.turn_lookback, np.int64)],
            default=exit_wu,
        )
        out: np.ndarray = np.maximum(entry_wu, exit_wu)
        return out

    @classmethod
    def generate(cls, data: pd.DataFrame, p: ParamArrays) -> RawSignals:
        """Spike entries and SMA exits; see the class docstring."""
        return by_group(data, p, ("variant", "turn_reference"), _columns, _compute,
                        warmup=cls.warmup_for(p))


def _columns(key: tuple[Any, ...]) -> tuple[str, ...]:
    variant, reference = key
    if variant == "turn" and reference == "open":
        return ("vix_close", "vix_open")
    return ("vix_close",)


def _compute(frame: pd.DataFrame, q: ParamArrays, key: tuple[Any, ...]) -> RawSignals:
    variant, reference = key
    c = frame["vix_close"].to_numpy(np.float64)
    cc = c[:, None]
    sma = per_unique(lambda w: rolling_mean(c, w), q.window)
    exits = at_or_below(cc, sma)
    if variant == "pct_above_sma":
        entries = above(cc, sma * (1.0 + q.col("pct_above")))
    elif variant == "zscore":
        z = per_unique(lambda w: rolling_zscore(c, w), q.window)
        entries = above(z, q.col("z_threshold"))
    elif variant == "jump":
        rise = per_unique(lambda k: pct_change(c, k), q.jump_days)
        entries = above(rise, q.col("jump_pct"))
    elif variant == "rsi":
        rsi = per_unique(lambda k: rsi_wilder(c, k), q.rsi_period)
        entries = above(rsi, q.col("rsi_threshold"))
    else:  # turn
        hi = per_unique(lambda n: rolling_max(c, n), q.turn_lookback)
        new_high = at_or_above(cc, hi)
        setup = np.zeros_like(new_high)
        setup[1:] = new_high[:-1]
        if reference == "open":
            ref = frame["vix_open"].to_numpy(np.float64)
        else:
            ref = np.concatenate([[np.nan], c[:-1]])
        entries = setup & below(c, ref)[:, None]
    return RawSignals(long_entries=entries, long_exits=exits & ~entries)
