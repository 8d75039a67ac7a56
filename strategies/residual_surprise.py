"""Residual surprise: the part of the VIX move that the SPX move does not explain."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from strategies.base import ParamArrays, RawSignals, Side, Strategy, param
from strategies.compare import above, below
from strategies.gridtools import by_group
from strategies.indicators import per_unique
from strategies.predictors import vix_surprise

__all__ = ["ResidualSurprise", "vix_surprise"]


@dataclass(frozen=True)
class ResidualSurprise(Strategy):
    """VIX surprise from a rolling regression on SPX (SIGNALS.md, further ideas).

    Much of a VIX move is mechanical: when SPX falls, the at-the-money strike
    slides down the skew.  Each day, the daily log change of the VIX is
    compared with what the SPX log return of the same day predicts from a
    least-squares line fitted on the ``window`` days *before* it (rolling,
    never on the full sample).  The residual, in units of that fit's residual
    standard error, is the surprise.

    - Long entry: surprise above ``threshold`` -- more fear than the SPX move
      explains, a fear extreme: expect SPX to rise.
    - Short entry: surprise below ``-threshold`` -- the VIX fell more (or rose
      less) than the SPX move explains, complacency: expect SPX to fall.

    No exit signal: a surprise is a one-day event, so the execution layer's
    holding period closes the trade (21 trading days, about a month, unless
    ``Execution.holding_period`` says otherwise).

    Known at the signal day's close: VIX and SPX closes up to and including
    that day (the VIX closes 15 minutes after SPX; both are known by the VIX
    close).  The execution layer fills the trade on the next day (SPX open by
    default); this class never shifts its output.

    Parameters
    ----------
    window : int, default 63
        Days in each rolling regression.
    threshold : float, default 2.0
        Surprise threshold in residual standard errors (both sides).
    """

    name: ClassVar[str] = "residual_surprise"
    title: ClassVar[str] = "Residual VIX surprise"
    idea: ClassVar[str] = ("VIX change beyond 2 standard errors of what SPX's move predicts "
                           "(rolling 63-day regression): excess fear = long, excess calm = short")
    required_columns: ClassVar[tuple[str, ...]] = ("vix_close", "spx_close")
    sides: ClassVar[tuple[Side, ...]] = ("long", "short")
    # The commentary states no forward horizon for this idea: each side's primary
    # hypothesis is the month after the signal (21 trading days), fixed before any test.
    primary_horizon: ClassVar[dict[str, int]] = {"long": 21, "short": 21}
    published: ClassVar[int | None] = 2013
    signals_on_complete_rows: ClassVar[bool] = True
    holding_period: ClassVar[int | None] = 21

    window: int = param(63, "days in each rolling regression", low=10, high=2520)
    threshold: float = param(2.0, "surprise threshold in residual standard errors",
                             low=0.0, low_open=True, high=10.0)

    @property
    def has_exit_rule(self) -> bool:
        """No exit in the commentary: positions close after :attr:`holding_period`."""
        return False

    @classmethod
    def warmup_for(cls, p: ParamArrays) -> np.ndarray:
        """``window + 1``: ``window`` daily changes before the day, which has its own."""
        out: np.ndarray = np.asarray(p.window, np.int64) + 1
        return out

    @classmethod
    def generate(cls, data: pd.DataFrame, p: ParamArrays) -> RawSignals:
        """Surprise entries on both sides; see the class docstring."""
        return by_group(data, p, (), lambda key: cls.required_columns, _compute,
                        warmup=cls.warmup_for(p))


def _compute(frame: pd.DataFrame, q: ParamArrays, key: tuple[Any, ...]) -> RawSignals:
    v = frame["vix_close"].to_numpy(np.float64)
    s = frame["spx_close"].to_numpy(np.float64)
    z = per_unique(lambda w: vix_surprise(v, s, w), q.window)
    thr = q.col("threshold")
    return RawSignals(long_entries=above(z, thr), short_entries=below(z, -thr))
