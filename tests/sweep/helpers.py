"""Small strategies used by the sweep tests (independent of the registry)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import pandas as pd

from strategies.base import ParamArrays, RawSignals, Side, Strategy, param
from strategies.compare import above, at_or_above, at_or_below, below


@dataclass(frozen=True)
class Threshold(Strategy):
    """Test strategy: long while the VIX is at or above ``high``, short at or below ``low``.

    Long entry: ``vix_close >= high``; long exit: ``vix_close < high``.  Short
    entry: ``vix_close <= low``; short exit: ``vix_close > low``.
    """

    name: ClassVar[str] = "threshold_test"
    sides: ClassVar[tuple[Side, ...]] = ("long", "short")

    high: float = param(20.0, "long at or above", low=0.0, low_open=True)
    low: float = param(12.0, "short at or below", low=0.0, low_open=True)

    @classmethod
    def generate(cls, data: pd.DataFrame, p: ParamArrays) -> RawSignals:
        v = data["vix_close"].to_numpy(np.float64)[:, None]
        hi = np.asarray(p.high, dtype=np.float64)[None, :]
        lo = np.asarray(p.low, dtype=np.float64)[None, :]
        return RawSignals(long_entries=at_or_above(v, hi), long_exits=below(v, hi),
                          short_entries=at_or_below(v, lo), short_exits=above(v, lo))
