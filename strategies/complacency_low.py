"""Complacency low: the VIX at an N-year low."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from strategies.base import ParamArrays, RawSignals, Side, Strategy, param
from strategies.compare import above, at_or_below
from strategies.gridtools import by_group
from strategies.indicators import per_unique, rolling_mean, rolling_min

__all__ = ["CL_EXIT_STYLES", "ComplacencyLow"]

CL_EXIT_STYLES = ("sma", "none")
"""Exit of the short: VIX back above its SMA, or only the holding period."""


def _lookback_days(years: np.ndarray, days_per_year: np.ndarray) -> np.ndarray:
    out: np.ndarray = np.rint(np.asarray(years, np.float64)
                              * np.asarray(days_per_year, np.float64)).astype(np.int64)
    return out


@dataclass(frozen=True)
class ComplacencyLow(Strategy):
    """Complacency low (SIGNALS.md, further ideas): the VIX at an N-year low; short side.

    Short entry on a day whose VIX close is the lowest of the last
    ``round(lookback_years * days_per_year)`` trading days, that day included
    (a close equal to the earlier low counts as being at the low): complacency,
    expect SPX to fall.

    Exit (``exit_style="sma"``): the VIX closes above its ``exit_window``-day
    simple moving average -- fear is rising again and the low is behind us.
    With ``"none"`` the holding period closes the trade.

    Known at the signal day's close: VIX closes up to and including that day.
    The execution layer fills the trade on the next day (SPX open by default);
    this class never shifts its output.

    Parameters
    ----------
    lookback_years : float, default 3.0
        N of the N-year low ("a 3-year low was cited").
    days_per_year : int, default 252
        Trading days per year used to turn years into rows.
    exit_style : {"sma", "none"}, default "sma"
        Exit rule, see above.
    exit_window : int, default 10
        SMA window of the exit.
    """

    name: ClassVar[str] = "complacency_low"
    title: ClassVar[str] = "Complacency low"
    idea: ClassVar[str] = "VIX closes at a 3-year low: complacency, expect SPX to fall"
    required_columns: ClassVar[tuple[str, ...]] = ("vix_close",)
    sides: ClassVar[tuple[Side, ...]] = ("short",)
    # The commentary states no forward horizon for this idea: each side's primary
    # hypothesis is the month after the signal (21 trading days), fixed before any test.
    primary_horizon: ClassVar[dict[str, int]] = {"short": 21}
    published: ClassVar[int | None] = 2008
    signals_on_complete_rows: ClassVar[bool] = True
    holding_period: ClassVar[int | None] = 21

    lookback_years: float = param(3.0, "N of the N-year low (years)", low=0.1, high=30.0)
    days_per_year: int = param(252, "trading days per year", low=200, high=366)
    exit_style: str = param("sma", "exit: VIX back above its SMA, or none (holding period)",
                            choices=CL_EXIT_STYLES)
    exit_window: int = param(10, "SMA window of the exit, days", low=2, high=504)

    @property
    def has_exit_rule(self) -> bool:
        """``exit_style="none"`` emits no exits: then :attr:`holding_period` applies."""
        return self.exit_style != "none"

    @classmethod
    def warmup_for(cls, p: ParamArrays) -> np.ndarray:
        """A full look-back window (and the exit SMA): ``max(lookback, exit_window) - 1``."""
        lb = _lookback_days(p.lookback_years, p.days_per_year)
        ex = np.where(np.asarray(p.exit_style) == "sma", np.asarray(p.exit_window, np.int64), 0)
        out: np.ndarray = np.maximum(lb, ex) - 1
        return out

    @classmethod
    def generate(cls, data: pd.DataFrame, p: ParamArrays) -> RawSignals:
        """N-year lows of the VIX close; see the class docstring."""
        return by_group(data, p, (), lambda key: ("vix_close",), _compute,
                        warmup=cls.warmup_for(p))


def _compute(frame: pd.DataFrame, q: ParamArrays, key: tuple[Any, ...]) -> RawSignals:
    c = frame["vix_close"].to_numpy(np.float64)
    lows = per_unique(lambda n: rolling_min(c, n),
                      _lookback_days(q.lookback_years, q.days_per_year))
    entries = at_or_below(c[:, None], lows)
    sma = per_unique(lambda w: rolling_mean(c, w), q.exit_window)
    exits = above(c[:, None], sma) & (np.asarray(q.exit_style) == "sma")[None, :]
    return RawSignals(short_entries=entries, short_exits=exits)
