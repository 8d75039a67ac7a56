"""End to end against independent references: signals and execution, on the real history.

For every registered strategy (defaults, plus the main variants and exit
styles), the plain-Python bar-by-bar signals of
``tests/strategies/reference_signals.py`` -- written from the strategies'
documented rules -- equal the vectorised ``Strategy.signals`` on every day, each
side.  Then the *reference* signals are traded by the bar-by-bar execution
simulator of ``tests/execution/reference.py``, and the result must match the
vectorised ``backtest.execution.run`` (same trades, final equity to rel 1e-9)
with default execution and with costs.  No vectorised signal enters the
reference chain, so the whole path from VIX closes to equity is checked.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import numpy as np
import pandas as pd
import pytest

from backtest.execution import Execution, run
from strategies.base import Strategy
from strategies.registry import REGISTRY

from .reference import simulate


def _load_reference_signals() -> ModuleType:
    """``tests/strategies/reference_signals.py`` (tests/strategies is not a package)."""
    name = "vixbt_reference_signals"
    if name in sys.modules:
        return sys.modules[name]
    path = Path(__file__).resolve().parents[1] / "strategies" / "reference_signals.py"
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


REF = _load_reference_signals()

SIDES = ("long_entries", "long_exits", "short_entries", "short_exits")

# (registry name, parameters): every default, and the main variants / exit styles
CASES: list[tuple[str, dict[str, object]]] = [(name, {}) for name in REGISTRY] + [
    ("spike_reversal", {"variant": "zscore"}),
    ("spike_reversal", {"variant": "jump"}),
    ("spike_reversal", {"variant": "rsi"}),
    ("spike_reversal", {"variant": "turn"}),
    ("spike_reversal", {"variant": "turn", "turn_reference": "open"}),
    ("bollinger_break", {"exit_style": "middle"}),
    ("bollinger_break", {"exit_style": "none"}),
    ("contango_flip", {"pair": "vx1_vx2"}),
    ("contango_flip", {"pair": "vix_vx1"}),
    ("contango_flip", {"band": 0.02, "smooth_window": 3, "confirm_days": 2}),
    ("vol_of_vol", {"measure": "vvix"}),
    ("vol_of_vol", {"exit_style": "inside"}),
    ("divergence", {"variant": "up_days"}),
    ("divergence", {"variant": "weak_fear"}),
    ("divergence", {"variant": "fear_after_high"}),
]

SETTINGS = {
    "defaults": Execution(),
    "costs": Execution(fees=0.001, slippage=0.0005),
}


def _id(case: tuple[str, dict[str, object]]) -> str:
    name, params = case
    return name + "".join(f"-{k}={v}" for k, v in params.items())


def _strategy(case: tuple[str, dict[str, object]]) -> Strategy:
    name, params = case
    return REGISTRY[name].from_params(**params)


@pytest.fixture(scope="module")
def reference_cache() -> dict[str, object]:
    """Reference signals computed once per case (shared by the signal and trade tests)."""
    return {}


def _reference(case: tuple[str, dict[str, object]], frame: pd.DataFrame,
               cache: dict[str, object]) -> object:
    key = _id(case)
    if key not in cache:
        cache[key] = REF.reference_signals(_strategy(case), frame)
    return cache[key]


def test_registry_fully_covered() -> None:
    """Every registered strategy has a reference and a default case here."""
    assert set(REF.REFERENCES) == set(REGISTRY)
    assert {name for name, params in CASES if not params} == set(REGISTRY)


@pytest.mark.parametrize("case", CASES, ids=_id)
def test_reference_signals_equal_vectorised(case: tuple[str, dict[str, object]],
                                            full_frame: pd.DataFrame,
                                            reference_cache: dict[str, object]) -> None:
    strategy = _strategy(case)
    sig = strategy.signals(full_frame)
    ref = _reference(case, full_frame, reference_cache)
    for side in SIDES:
        got = getattr(sig, side).to_numpy(dtype=bool)
        want = np.asarray(getattr(ref, side), dtype=bool)
        assert got.shape == want.shape == (len(full_frame),)
        bad = np.flatnonzero(got != want)
        assert bad.size == 0, (
            f"{_id(case)} {side}: {bad.size} day(s) differ, first "
            + ", ".join(f"{full_frame.index[i].date()} vectorised={got[i]} reference={want[i]}"
                        for i in bad[:5]))
        if side.split("_")[0] in strategy.sides and (side.endswith("entries")
                                                     or strategy.has_exit_rule):
            assert want.sum() > 0, f"{_id(case)} {side}: no signal at all (vacuous)"
        elif side.split("_")[0] not in strategy.sides:
            assert not want.any()


def _as_series(values: list[bool], index: pd.Index) -> pd.Series:
    return pd.Series(values, index=index, dtype=bool)


@pytest.mark.parametrize("setting", list(SETTINGS))
@pytest.mark.parametrize("case", CASES, ids=_id)
def test_reference_chain_trades_like_vectorised_run(case: tuple[str, dict[str, object]],
                                                    setting: str, full_frame: pd.DataFrame,
                                                    reference_cache: dict[str, object]) -> None:
    strategy = _strategy(case)
    ex = SETTINGS[setting]
    res = run(strategy, full_frame, ex)
    ref_sig = _reference(case, full_frame, reference_cache)
    idx = full_frame.index
    ref = simulate(full_frame, *(_as_series(getattr(ref_sig, s), idx) for s in SIDES),
                   start=res.index[0], end=res.index[-1], sides=res.sides, fill=ex.fill,
                   fees=ex.fees, slippage=ex.slippage,
                   holding_period=(strategy.default_holding_period if ex.holding_period is None
                                   else ex.holding_period),
                   exit_on_signal=ex.exit_on_signal, init_cash=ex.init_cash,
                   returns=ex.returns)
    got = res.trades
    assert len(ref.trades) > 0, "no trades: the comparison would be vacuous"
    assert len(got) == len(ref.trades), f"{len(got)} trades vs reference {len(ref.trades)}"
    assert list(got["side"]) == [t.side for t in ref.trades]
    assert list(got["entry_date"]) == [t.entry_date for t in ref.trades]
    exits = [t.exit_date if t.exit_date is not None else res.index[-1] for t in ref.trades]
    assert list(got["exit_date"]) == exits
    np.testing.assert_allclose(got["entry_price"], [t.entry_price for t in ref.trades],
                               rtol=1e-12)
    np.testing.assert_allclose(got["pnl"], [t.pnl for t in ref.trades], rtol=1e-9, atol=1e-6)
    assert res.equity.iloc[-1] == pytest.approx(ref.equity[-1], rel=1e-9)
    np.testing.assert_allclose(res.equity.to_numpy(), ref.equity, rtol=1e-9)
