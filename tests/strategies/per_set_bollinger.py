"""Bollinger break written on the per-set path: plain pandas over one parameter set.

The test of the per-set path holds it equal to the vectorised
:class:`strategies.bollinger_break.BollingerBreak`; ``benchmarks/bench_per_set.py``
times the two.  Comparisons go through :mod:`strategies.compare` (the project's
one rule for ties), as the built-in's kernel does.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import pandas as pd

from strategies.base import ParamArrays, Side, Strategy, param
from strategies.bollinger_break import EXIT_STYLES
from strategies.compare import above, below


@dataclass(frozen=True)
class PerSetBollinger(Strategy):
    """Bollinger break of the VIX, one parameter set at a time (see ``BollingerBreak``).

    Known at the signal day's close: the VIX closes of the last ``window``
    days; the trade fills on the next day.
    """

    name: ClassVar[str] = "per_set_bollinger"
    title: ClassVar[str] = "Bollinger break (per-set)"
    idea: ClassVar[str] = "VIX closes outside its Bollinger bands (per-set re-implementation)"
    required_columns: ClassVar[tuple[str, ...]] = ("vix_close",)
    sides: ClassVar[tuple[Side, ...]] = ("long", "short")
    holding_period: ClassVar[int | None] = 21

    window: int = param(63, "rolling window of the bands (trading days)", low=2, high=2520)
    num_std: float = param(2.0, "half-width of the bands in standard deviations",
                           low=0.0, low_open=True, high=10.0)
    exit_style: str = param("inside", "exit: inside the bands, middle band, or none",
                            choices=EXIT_STYLES)

    @property
    def has_exit_rule(self) -> bool:
        """``exit_style="none"``: no exits."""
        return self.exit_style != "none"

    @classmethod
    def warmup_for(cls, p: ParamArrays) -> np.ndarray:
        """``window - 1``."""
        return np.asarray(p.window, dtype=np.int64) - 1

    def _bands(self, data: pd.DataFrame) -> tuple[pd.Series, pd.Series, pd.Series, pd.Series]:
        vix = data["vix_close"].dropna()  # rows without a close are skipped by the windows
        mid = vix.rolling(self.window).mean()
        sd = vix.rolling(self.window).std(ddof=0)
        return vix, mid, mid + self.num_std * sd, mid - self.num_std * sd

    @staticmethod
    def _on(data: pd.DataFrame, mask: object, index: pd.Index) -> pd.Series:
        out = pd.Series(np.asarray(mask, dtype=bool), index=index)
        return out.reindex(data.index, fill_value=False)

    def entries(self, data: pd.DataFrame) -> pd.Series:
        """VIX above the upper band."""
        vix, _, up, _ = self._bands(data)
        return self._on(data, above(vix, up), vix.index)

    def short_entries(self, data: pd.DataFrame) -> pd.Series:
        """VIX below the lower band."""
        vix, _, _, lo = self._bands(data)
        return self._on(data, below(vix, lo), vix.index)

    def exits(self, data: pd.DataFrame) -> pd.Series:
        """Back at or below the upper band ("inside") or the middle band ("middle")."""
        vix, mid, up, _ = self._bands(data)
        if self.exit_style == "inside":
            mask = ~np.asarray(above(vix, up)) & up.notna().to_numpy()
        elif self.exit_style == "middle":
            mask = ~np.asarray(above(vix, mid)) & mid.notna().to_numpy()
        else:
            mask = np.zeros(len(vix), dtype=bool)
        return self._on(data, mask, vix.index)

    def short_exits(self, data: pd.DataFrame) -> pd.Series:
        """Back at or above the lower band ("inside") or the middle band ("middle")."""
        vix, mid, _, lo = self._bands(data)
        if self.exit_style == "inside":
            mask = ~np.asarray(below(vix, lo)) & lo.notna().to_numpy()
        elif self.exit_style == "middle":
            mask = ~np.asarray(below(vix, mid)) & mid.notna().to_numpy()
        else:
            mask = np.zeros(len(vix), dtype=bool)
        return self._on(data, mask, vix.index)
