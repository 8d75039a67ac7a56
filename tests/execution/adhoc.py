"""Small strategies defined only for the execution tests.

They exercise what the registered strategies may not: both sides at once, signals
held for many days in a row, and dense same-day conflicts.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import pandas as pd

from strategies.base import ParamArrays, RawSignals, Side, Strategy, param


@dataclass(frozen=True)
class SmaBand(Strategy):
    """Long while the VIX closes above its SMA by ``band``; short while below by ``band``."""

    name: ClassVar[str] = "test_sma_band"
    sides: ClassVar[tuple[Side, ...]] = ("long", "short")
    window: int = param(10, "SMA window", low=2)
    band: float = param(0.1, "band around the SMA", low=0.0)

    @classmethod
    def generate(cls, data: pd.DataFrame, p: ParamArrays) -> RawSignals:
        vix = data["vix_close"]
        sma = np.column_stack([vix.rolling(int(w)).mean().to_numpy() for w in p.window])
        v = vix.to_numpy()[:, None]
        up = v > sma * (1 + p.col("band"))
        down = v < sma * (1 - p.col("band"))
        return RawSignals(long_entries=up, long_exits=v <= sma,
                          short_entries=down, short_exits=v >= sma)


@dataclass(frozen=True)
class RandomSignals(Strategy):
    """Seeded random signals of both sides: many same-day conflicts on purpose."""

    name: ClassVar[str] = "test_random"
    sides: ClassVar[tuple[Side, ...]] = ("long", "short")
    seed: int = param(1, "random seed", low=0)
    rate: float = param(0.15, "probability of each signal on each day", low=0.0, high=1.0)

    @classmethod
    def generate(cls, data: pd.DataFrame, p: ParamArrays) -> RawSignals:
        out = []
        for s, r in zip(p.seed, p.rate, strict=True):
            rng = np.random.default_rng(int(s))
            out.append(rng.random((4, len(data))) < r)
        a = np.stack(out, axis=-1)  # (4, T, n)
        return RawSignals(a[0], a[1], a[2], a[3])


@dataclass(frozen=True)
class EveryKDays(Strategy):
    """Long-only: enter every ``k`` rows, exit every ``m`` rows (counted from row 0)."""

    name: ClassVar[str] = "test_every_k"
    sides: ClassVar[tuple[Side, ...]] = ("long",)
    k: int = param(7, "entry period", low=1)
    m: int = param(11, "exit period", low=1)

    @classmethod
    def generate(cls, data: pd.DataFrame, p: ParamArrays) -> RawSignals:
        rows = np.arange(len(data))[:, None]
        return RawSignals(long_entries=rows % p.col("k") == 0,
                          long_exits=rows % p.col("m") == 0)


ADHOC: tuple[type[Strategy], ...] = (SmaBand, RandomSignals, EveryKDays)
