"""Strategies without an exit rule close after their natural holding period.

``Execution.holding_period=None`` means each parameter set's
``default_holding_period``; a side that could never close is refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import pandas as pd
import pytest

from backtest.execution import Execution, run
from backtest.sweep import Sweep
from strategies.base import ParamArrays, RawSignals, Side, Strategy, param
from strategies.bollinger_break import BollingerBreak
from strategies.complacency_low import ComplacencyLow
from strategies.contango_flip import ContangoFlip
from strategies.divergence import Divergence
from strategies.residual_surprise import ResidualSurprise
from strategies.vol_of_vol import VolOfVol

from .conftest import tiny_frame


def test_default_holding_periods() -> None:
    assert Divergence().default_holding_period == 21
    assert ResidualSurprise().default_holding_period == 21
    for cls in (BollingerBreak, VolOfVol, ComplacencyLow):
        assert cls().default_holding_period is None  # their default exits
        assert cls(exit_style="none").default_holding_period == 21  # type: ignore[call-arg]
    assert ContangoFlip().default_holding_period is None


@pytest.mark.parametrize("cls", [Divergence, ResidualSurprise])
def test_no_exit_strategies_close_after_21_days(cls: type[Strategy],
                                                market_frame: pd.DataFrame) -> None:
    res = run(cls(), market_frame)
    t = res.trades
    closed = t[t["status"] == "closed"]
    assert len(closed) >= 10 and len(t) - len(closed) <= 1
    assert (closed["bars"] == 21).all()  # no exit signal: every trade ends on time
    same = run(cls(), market_frame, Execution(holding_period=21))
    np.testing.assert_array_equal(res.values, same.values)
    # an explicit holding period wins over the default
    short = run(cls(), market_frame, Execution(holding_period=5)).trades
    assert (short.loc[short["status"] == "closed", "bars"] == 5).all()


def test_grid_columns_get_their_own_default(market_frame: pd.DataFrame) -> None:
    sets = [BollingerBreak(exit_style="inside"), BollingerBreak(exit_style="none")]
    grid = run(sets, market_frame, Execution(side="both"))
    for j, s in enumerate(sets):
        single = run(s, market_frame,
                     Execution(side="both", holding_period=s.default_holding_period))
        np.testing.assert_array_equal(grid.values[:, j], single.values[:, 0])
    # the "none" column really trades on time: every closed trade lasts 21 bars
    t = grid.trades
    none_closed = t[(t["column"] == 1) & (t["status"] == "closed")]
    assert len(none_closed) > 10 and (none_closed["bars"] == 21).all()


def test_sweep_applies_each_sets_default(market_frame: pd.DataFrame) -> None:
    sw = Sweep(BollingerBreak, {"exit_style": ["inside", "none"]},
               exec_grid={"holding_period": [None, 10]})
    table = sw.run(market_frame, progress=False).table
    for key, row in table.iterrows():
        style, hp = key[0], key[1]  # type: ignore[index]
        s = BollingerBreak(exit_style=str(style))
        single = run(s, market_frame, Execution(holding_period=int(hp) or None)).stats
        assert row["total_return"] == pytest.approx(single["total_return"], rel=1e-9)
        assert row["trades"] == single["trades"]


@dataclass(frozen=True)
class EntriesOnly(Strategy):
    """Long entries when the VIX is above ``level``; no exit rule, no holding period."""

    name: ClassVar[str] = "test_entries_only"
    sides: ClassVar[tuple[Side, ...]] = ("long",)
    level: float = param(20.0, "entry level", low=0.0)

    @classmethod
    def generate(cls, data: pd.DataFrame, p: ParamArrays) -> RawSignals:
        v = data["vix_close"].to_numpy()[:, None]
        return RawSignals(long_entries=v > p.col("level"),
                          long_exits=np.zeros((len(data), p.n), dtype=bool))


def test_side_that_can_never_close_is_refused() -> None:
    frame = tiny_frame([100.0] * 6, [100.0] * 6, vix=[25.0, 15.0, 15.0, 25.0, 15.0, 15.0])
    msg = (r"test_entries_only: the long side of parameter set .* has entries but no exit "
           r"signal and no holding period.*Execution\(holding_period=N\)")
    with pytest.raises(ValueError, match=msg):
        run(EntriesOnly(), frame)
    with pytest.raises(ValueError, match=msg):
        Sweep(EntriesOnly, {"level": [20.0]}).run(frame, progress=False)
    # with a holding period it runs, and a set without entries is harmless
    assert len(run(EntriesOnly(), frame, Execution(holding_period=2)).trades) == 2
    assert len(run(EntriesOnly(level=30.0), frame).trades) == 0
