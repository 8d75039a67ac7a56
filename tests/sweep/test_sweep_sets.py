"""Parameter sets by position: the same sets, order and row index as building them all."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
import pytest

from backtest.sweep import Sweep
from backtest.sweep.sets import ParameterSets
from strategies.base import Strategy
from strategies.bollinger_break import BollingerBreak
from strategies.contango_flip import ContangoFlip
from strategies.ma_cross import MaCross
from strategies.spike_reversal import SpikeReversal

GRIDS: list[tuple[type[Strategy], dict[str, list[Any]]]] = [
    (BollingerBreak, {"window": [21, 5, 63, 10.0], "num_std": [2.0, 1.5, 3]}),
    (MaCross, {"fast": [5, 20, 10], "slow": [200, 50, 100, 30]}),
    (ContangoFlip, {"pair": ["vx1_vx2", "vix_vix3m"], "band": [0.0, 0.05],
                    "smooth_window": [1, 5, 3], "confirm_days": [2, 1]}),
    (SpikeReversal, {"variant": ["zscore", "pct_above_sma"], "window": [10, 20],
                     "pct_above": [0.1, 0.2, 0.3]}),
]


def _old_index(sets: list[Strategy], variants: list[Any], own: Sequence[str],
               ex: Sequence[str]) -> pd.MultiIndex:
    """The row index as it was built from every instance (set-major, variant minor)."""
    arrays: dict[str, Any] = {}
    for k in own:
        arrays[k] = np.repeat(np.asarray([getattr(s, k) for s in sets], dtype=object),
                              len(variants))
    for k in ex:
        vals = [getattr(v, k) for v in variants]
        vals = [0 if (k == "holding_period" and x is None) else x for x in vals]
        arrays[k] = np.tile(np.asarray(vals, dtype=object), len(sets))
    return pd.MultiIndex.from_frame(pd.DataFrame(arrays).infer_objects())


@pytest.mark.parametrize(("cls", "grid"), GRIDS, ids=lambda g: getattr(g, "__name__", ""))
def test_positions_follow_strategy_product(cls: type[Strategy], grid: dict[str, list[Any]]
                                           ) -> None:
    product = cls.product(**grid)
    sets = ParameterSets(cls, grid)
    assert len(sets) == len(product)
    assert sets.sets() == product
    for i, p in enumerate(product):
        assert sets.params_at(i) == {k: getattr(p, k) for k in grid}
    assert sets.sets(3, 7) == product[3:7]
    for j, codes in enumerate(sets.codes(2, len(sets))):
        k = sets.names[j]
        assert [sets.values[k][c] for c in codes] == [getattr(p, k) for p in product[2:]]
    want = {tuple(p.columns_needed()) for p in product}
    assert set(sets.distinct_columns()) == want


@pytest.mark.parametrize(("cls", "grid"), GRIDS, ids=lambda g: getattr(g, "__name__", ""))
def test_row_index_equals_the_index_of_every_instance(cls: type[Strategy],
                                                      grid: dict[str, list[Any]]) -> None:
    full = {**grid, "holding_period": [None, 5], "fees": [0.0, 0.001],
            "side": [cls.sides[0], "both"] if len(cls.sides) == 2 else [cls.sides[0]]}
    sweep = Sweep(cls, full)
    own = [k for k in cls.param_specs() if k in grid]
    ex = [k for k in ("holding_period", "fees", "slippage", "side", "exit_on_signal")
          if k in full]
    old = _old_index(cls.product(**{k: grid[k] for k in own}), sweep.variants, own, ex)
    new = sweep.index()
    assert new.equals(old) and list(new.names) == list(old.names)
    for a, b in zip(new.levels, old.levels, strict=True):
        pd.testing.assert_index_equal(a, b)
    n = sweep.n_combinations
    for lo, hi in ((0, n), (1, n - 3), (5, 6), (n - 1, n)):
        assert sweep.index(lo, hi).equals(old[lo:hi])
        assert sweep.labels(lo, hi) == [", ".join(map(str, c)) for c in old[lo:hi]]


def test_every_combination_is_checked_without_keeping_it() -> None:
    with pytest.raises(ValueError, match="fast=50 must be smaller than slow=50"):
        ParameterSets(MaCross, {"fast": [5, 50], "slow": [50, 200]})
    with pytest.raises(ValueError, match=r"window=1 is not allowed"):
        Sweep(BollingerBreak, {"window": [21, 1], "num_std": [2.0]})
    big = ParameterSets(BollingerBreak, {"window": list(range(2, 2521)),
                                         "num_std": [round(0.01 * i, 2) for i in range(1, 1001)]})
    assert len(big) == 2_519_000  # counted and checked per value, not built
    assert big.params_at(2_518_999) == {"window": 2520, "num_std": 10.0}
    assert big.params_at(1001) == {"window": 3, "num_std": 0.02}
    expected = list(itertools.product(range(2, 2521), [round(0.01 * i, 2)
                                                       for i in range(1, 1001)]))[:3000:7]
    got = [tuple(big.params_at(i).values()) for i in range(0, 3000, 7)]
    assert got == expected
    with pytest.raises(IndexError, match="outside the 2,519,000 sets"):
        big.params_at(2_519_000)


def test_a_strategy_checking_in_post_init_has_every_combination_checked() -> None:
    import dataclasses

    @dataclasses.dataclass(frozen=True)
    class Picky(BollingerBreak):
        def __post_init__(self) -> None:
            super().__post_init__()
            if self.window > 30 and self.num_std > 2.0:
                raise ValueError(f"Picky: window={self.window} needs num_std <= 2")

    # each value alone is fine (63 with 1.5, 2.5 with 21): only (63, 2.5) is refused
    with pytest.raises(ValueError, match="Picky: window=63 needs num_std <= 2"):
        ParameterSets(Picky, {"window": [21, 63], "num_std": [1.5, 2.5]})
    assert len(ParameterSets(Picky, {"window": [21, 63], "num_std": [1.5, 2.0]})) == 4
