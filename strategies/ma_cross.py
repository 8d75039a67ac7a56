"""VIX moving-average cross: the VIX's fast average crossing above its slow average."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from strategies.base import ParamArrays, RawSignals, Side, Strategy, param
from strategies.compare import at_or_below, crosses_above
from strategies.gridtools import by_group
from strategies.indicators import per_unique, rolling_mean

__all__ = ["MaCross"]


@dataclass(frozen=True)
class MaCross(Strategy):
    """VIX "golden cross" (SIGNALS.md, further ideas); short side.

    Short entry on the day the ``fast``-day simple moving average of the VIX
    close crosses above its ``slow``-day average (it is above today and was at
    or below yesterday).  Exit: the fast average is back at or below the slow
    one (the "death cross" regime).

    Side: a golden cross of the VIX marks a rising-volatility regime rather
    than a one-day extreme; the commentary read it as a warning for stocks, so
    it is a short-side signal (expects SPX to fall).  Unlike the fear-extreme
    signals it is trend-following, not contrarian.

    Known at the signal day's close: VIX closes up to and including that day.
    The execution layer fills the trade on the next day (SPX open by default);
    this class never shifts its output.

    Parameters
    ----------
    fast : int, default 50
        Window of the fast average; must be smaller than ``slow``.
    slow : int, default 200
        Window of the slow average.
    """

    name: ClassVar[str] = "ma_cross"
    title: ClassVar[str] = "VIX moving-average cross"
    idea: ClassVar[str] = ("VIX 50-day MA crosses above its 200-day MA (golden cross): rising "
                           "volatility regime, expect SPX to fall")
    required_columns: ClassVar[tuple[str, ...]] = ("vix_close",)
    sides: ClassVar[tuple[Side, ...]] = ("short",)
    # The commentary states no forward horizon for this idea: each side's primary
    # hypothesis is the month after the signal (21 trading days), fixed before any test.
    primary_horizon: ClassVar[dict[str, int]] = {"short": 21}
    published: ClassVar[int | None] = 2008
    signals_on_complete_rows: ClassVar[bool] = True

    fast: int = param(50, "fast moving-average window, days", low=1, high=504)
    slow: int = param(200, "slow moving-average window, days", low=2, high=1260)

    def validate(self) -> None:
        """``fast`` must be smaller than ``slow``."""
        if self.fast >= self.slow:
            raise ValueError(f"MaCross: fast={self.fast} must be smaller than slow={self.slow}")

    @classmethod
    def warmup_for(cls, p: ParamArrays) -> np.ndarray:
        """``slow - 1``: both averages defined (a cross needs one more day)."""
        out: np.ndarray = np.asarray(p.slow, np.int64) - 1
        return out

    @classmethod
    def generate(cls, data: pd.DataFrame, p: ParamArrays) -> RawSignals:
        """Golden-cross entries, death-cross-regime exits; see the class docstring."""
        return by_group(data, p, (), lambda key: ("vix_close",), _compute,
                        warmup=cls.warmup_for(p))


def _compute(frame: pd.DataFrame, q: ParamArrays, key: tuple[Any, ...]) -> RawSignals:
    c = frame["vix_close"].to_numpy(np.float64)
    windows = np.unique(np.r_[q.fast, q.slow])
    means = {int(w): rolling_mean(c, int(w)) for w in windows}
    fast = per_unique(lambda w: means[w], q.fast)
    slow = per_unique(lambda w: means[w], q.slow)
    return RawSignals(short_entries=crosses_above(fast, slow), short_exits=at_or_below(fast, slow))
