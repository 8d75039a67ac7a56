"""The kernel's jump over flat stretches changes no statistic and no daily return."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from backtest.execution.config import Execution
from backtest.sweep import Sweep
from backtest.sweep.kernel import entry_days
from strategies.registry import get_strategy


def test_entry_days_lists_each_column_s_signal_days() -> None:
    a = np.asfortranarray(np.array([[0, 1], [1, 0], [0, 0], [1, 0]], dtype=bool))
    days, ptr = entry_days(a)
    assert ptr.tolist() == [0, 2, 3]
    assert days[ptr[0]:ptr[1]].tolist() == [1, 3] and days[ptr[1]:ptr[2]].tolist() == [0]


@pytest.mark.parametrize(("name", "grid"), [
    ("bollinger_break", {"window": [10, 21, 63], "num_std": [1.0, 2.0, 3.0],
                         "holding_period": [None, 5, 21], "side": ["long", "short", "both"]}),
    ("spike_reversal", {"holding_period": [1, 5, 10], "fees": [0.0, 0.001]}),
    ("contango_flip", {"holding_period": [None, 5]}),
    ("vol_of_vol", {"holding_period": [None, 10]}),
])
def test_flat_skip_equals_walking_every_day(market: pd.DataFrame, name: str,
                                            grid: dict[str, list[object]]) -> None:
    cls = get_strategy(name)
    frame = market.loc["2004":]
    ex = Execution(returns="price")
    fast = Sweep(cls, grid, ex).run(frame, keep_returns=True, progress=False)
    slow = Sweep(cls, grid, ex, skip_flat=False).run(frame, keep_returns=True, progress=False)
    pd.testing.assert_frame_equal(fast.table, slow.table, check_exact=True)
    np.testing.assert_array_equal(fast.returns().to_numpy(), slow.returns().to_numpy())
    assert (fast.table.time_in_market < 1).any()  # there were flat stretches to skip
