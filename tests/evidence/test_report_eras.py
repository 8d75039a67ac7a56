"""The compact era table of the headline report, on a hand-built era table."""

from __future__ import annotations

import numpy as np
import pandas as pd

from backtest.report.combined import era_matrix


def test_era_matrix_cells() -> None:
    idx = pd.MultiIndex.from_tuples(
        [("long", "1990s", 1), ("long", "1990s", 21), ("long", "2000s", 1),
         ("long", "2000s", 21)], names=["side", "era", "horizon"])
    et = pd.DataFrame({"effect": [0.004, -0.0123, np.nan, 0.02],
                       "episodes": [100, 12, 0, 3],
                       "p_raw": [0.0061, 0.98765, np.nan, 0.001]}, index=idx)
    m = era_matrix(et, min_episodes=10)
    assert list(m.columns) == ["1 day", "21 days"]
    assert list(m.index) == [("long", "1990s"), ("long", "2000s")]
    assert m.loc[("long", "1990s"), "1 day"] == "+0.40% (100 ep, raw p 0.006)"
    assert m.loc[("long", "1990s"), "21 days"] == "-1.23% (12 ep, raw p 0.988)"
    assert m.loc[("long", "2000s"), "1 day"] == "n/a (0 ep)"
    # a tiny p-value on 3 episodes is not shown as a p-value
    assert m.loc[("long", "2000s"), "21 days"] == "+2.00% (3 ep)"
