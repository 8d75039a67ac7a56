"""Contract tests run over every built-in strategy, through the one checker.

The rules are :mod:`strategies.check` (what ``vixbt check`` runs on any
strategy); here they run on the real history with the parameter sets below
(chosen to cover every categorical choice) together with the checker's own
:func:`~strategies.check.example_sets`, plus the house rules of the built-ins.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
import pandas as pd
import pytest

from backtest.data.table import KNOWN_COLUMNS
from backtest.errors import MissingDataError
from strategies import check
from strategies.base import ParamArrays, RawSignals, Side, Strategy, param
from strategies.registry import BUILTINS as REGISTRY

#: Parameter sets (overrides of the defaults) exercised per strategy, chosen to
#: cover every categorical choice.  Every registered strategy must appear here.
EXAMPLES: dict[str, list[dict[str, Any]]] = {
    "spike_reversal": [
        {}, {"variant": "zscore", "window": 20}, {"variant": "jump", "jump_days": 3},
        {"variant": "rsi", "rsi_threshold": 90.0}, {"variant": "turn"},
        {"variant": "turn", "turn_reference": "open", "turn_lookback": 15},
        {"pct_above": 0.05, "window": 21},
    ],
    "bollinger_break": [
        {}, {"exit_style": "middle", "window": 21}, {"exit_style": "none", "num_std": 1.5},
        {"window": 126, "num_std": 2.5},
    ],
    "contango_flip": [
        {}, {"pair": "vx1_vx2"}, {"pair": "vix_vx1", "band": 0.02},
        {"smooth_window": 3, "confirm_days": 2, "band": 0.01},
    ],
    "vol_of_vol": [
        {}, {"measure": "vvix"}, {"exit_style": "inside", "hv_window": 10},
        {"exit_style": "none", "band_window": 126, "num_std": 1.5},
    ],
    "complacency_low": [{}, {"lookback_years": 1.0, "exit_style": "none"}, {"exit_window": 21}],
    "ma_cross": [{}, {"fast": 10, "slow": 50}, {"fast": 21, "slow": 63}],
    "divergence": [
        {}, {"variant": "up_days"}, {"variant": "weak_fear"}, {"variant": "fear_after_high"},
        {"jump_days": 3, "vix_jump": 0.2, "spx_max_drop": 0.005},
    ],
    "residual_surprise": [{}, {"window": 21, "threshold": 2.5}, {"window": 252}],
}

STRATEGIES = list(REGISTRY.values())
IDS = list(REGISTRY)


def _sets(cls: type[Strategy]) -> list[Strategy]:
    out = [cls.from_params(**kw) for kw in EXAMPLES[cls.name]]
    return out + [s for s in check.example_sets(cls) if s not in out]


def test_every_strategy_has_examples() -> None:
    assert set(EXAMPLES) == set(REGISTRY)


@pytest.mark.parametrize("cls", STRATEGIES, ids=IDS)
def test_house_rules(cls: type[Strategy]) -> None:
    """Built-ins: metadata complete, fill timing stated, known columns, frozen."""
    assert REGISTRY[cls.name] is cls
    assert cls.title and cls.idea and cls.__doc__
    assert "next" in cls.__doc__ and "close" in cls.__doc__  # states fill timing
    assert set(cls.required_columns) <= set(KNOWN_COLUMNS)
    assert cls.sides and set(cls.sides) <= {"long", "short"}
    assert dataclasses.is_dataclass(cls)
    s = cls()
    with pytest.raises(dataclasses.FrozenInstanceError):
        s.x = 1  # type: ignore[attr-defined]
    assert set(cls.required_columns) == set(s.columns_needed())
    for ex in _sets(cls):
        assert set(ex.columns_needed()) <= set(KNOWN_COLUMNS)


@pytest.mark.parametrize("cls", STRATEGIES, ids=IDS)
def test_contract(cls: type[Strategy], real_frame: pd.DataFrame) -> None:
    """Every check of ``vixbt check`` passes on the real history."""
    report = check.check_strategy(cls, real_frame, _sets(cls))
    assert [r.name for r in report.results] == list(check.CHECKS)
    assert report.passed, report.summary()
    # over decades of real data the defaults fire on each side, more than once
    fires = report.result("fires").message
    for side in cls.sides:
        n = int(fires.split(f" {side} entries")[0].split()[-1])
        assert n >= 3, (side, fires)


BAD = [(cls, name, value, msg) for cls in STRATEGIES for name, value, msg in check.bad_values(cls)]


@pytest.mark.parametrize(("cls", "name", "value", "msg"), BAD,
                         ids=[f"{c.name}-{n}-{v!r}" for c, n, v, _ in BAD])
def test_bad_parameter_rejected(cls: type[Strategy], name: str, value: Any, msg: str) -> None:
    """The messages the parameter check expects, one by one."""
    with pytest.raises(ValueError, match=msg):
        cls.from_params(**{name: value})


@pytest.mark.parametrize("cls", STRATEGIES, ids=IDS)
def test_missing_column_named(cls: type[Strategy], real_frame: pd.DataFrame) -> None:
    for s in [cls.from_params(**kw) for kw in EXAMPLES[cls.name]]:
        for col in s.columns_needed():
            frame = real_frame.drop(columns=[col])
            with pytest.raises(MissingDataError, match=rf"needs column\(s\) {col}\b"):
                s.signals(frame)
            empty = real_frame.assign(**{col: np.nan})
            with pytest.raises(MissingDataError, match=rf"{cls.name}.*{col}"):
                s.signals(empty)


# -- the checker catches what it is there for -------------------------------------------


def _frame(n: int = 400, seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    idx = pd.bdate_range("2001-01-01", periods=n, name="date")
    vix = 20 * np.exp(np.cumsum(rng.normal(0, 0.06, n)))
    spx = 1000 * np.exp(np.cumsum(rng.normal(0, 0.01, n)))
    return pd.DataFrame({"vix_close": np.round(vix, 2), "spx_close": spx}, index=idx)


@dataclass(frozen=True)
class Peek(Strategy):
    """Enters when tomorrow's VIX close is higher (a planted look-ahead); fills next day."""

    name: ClassVar[str] = "peek"
    idea: ClassVar[str] = "tomorrow's VIX above today's"
    holding_period: ClassVar[int | None] = 5
    rise: float = param(0.05, "rise", low=0.0, high=1.0)

    def entries(self, data: pd.DataFrame) -> pd.Series:
        vix = data["vix_close"]
        return vix.shift(-1) > vix * (1 + self.rise)


@dataclass(frozen=True)
class Centered(Strategy):
    """VIX above its centred 11-day mean (half the window is the future); fills next day."""

    name: ClassVar[str] = "centered"
    idea: ClassVar[str] = "VIX above its centred mean"
    holding_period: ClassVar[int | None] = 5
    window: int = param(11, "window", low=3, high=63)

    def entries(self, data: pd.DataFrame) -> pd.Series:
        vix = data["vix_close"]
        return vix > vix.rolling(self.window, center=True).mean() * 1.1


@dataclass(frozen=True)
class Sneaky(Strategy):
    """Reads spx_close without declaring it and fires in its warm-up; fills next day."""

    name: ClassVar[str] = "sneaky"
    idea: ClassVar[str] = "undeclared column"
    holding_period: ClassVar[int | None] = 5
    window: int = param(20, "window", low=2, high=100)

    def entries(self, data: pd.DataFrame) -> pd.Series:
        return data["spx_close"] > data["spx_close"].iloc[0]


@dataclass(frozen=True)
class Leaky(Strategy):
    """Vectorised, with a full-sample z-score (uses the whole history); fills next day."""

    name: ClassVar[str] = "leaky"
    idea: ClassVar[str] = "full-sample z-score"
    sides: ClassVar[tuple[Side, ...]] = ("long",)
    holding_period: ClassVar[int | None] = 5
    z: float = param(1.5, "threshold", low=0.0, high=5.0)

    @classmethod
    def generate(cls, data: pd.DataFrame, p: ParamArrays) -> RawSignals:
        v = data["vix_close"].to_numpy()
        z = (v - np.nanmean(v)) / np.nanstd(v)
        return RawSignals(long_entries=z[:, None] > p.col("z"))


def test_planted_look_ahead_fails_naming_the_first_date() -> None:
    data = _frame()
    report = check.check_strategy(Peek, data)
    failed = {r.name: r.message for r in report.failed}
    assert list(failed) == ["no_look_ahead"], report.summary()
    sets = check.example_sets(Peek)
    assert [x.rise for x in sets] == [0.05, 0.025, 0.075]
    vix = data["vix_close"]
    fired = np.column_stack([(vix.shift(-1) > vix * (1 + x.rise)).to_numpy() for x in sets])
    # truncated at a cut t, only day t can change: the earliest cut on which one set fires
    cuts = check.cut_rows(data, sets, Peek.grid(data, sets))
    t = next(int(c) for c in cuts if fired[c].any())
    label = f"rise={sets[int(np.argmax(fired[t]))].rise:g}"
    day = f"{data.index[t]:%Y-%m-%d}"
    assert failed["no_look_ahead"] == (
        f"look-ahead: long_entries of ({label}) on {day} change when the data end on {day} "
        f"(True with the full data, False without the later days): the signal of {day} uses "
        "data after that day's close")
    assert report.result("self_test").passed
    assert "FAIL  no_look_ahead" in report.summary()
    assert report.summary().endswith("peek: 1 check(s) failed")


@pytest.mark.parametrize("cls", [Centered, Leaky], ids=["centered", "full_sample"])
def test_other_leaks_caught(cls: type[Strategy]) -> None:
    res = check.check_no_look_ahead(cls, _frame(), check.example_sets(cls))
    assert not res.passed and res.message.startswith("look-ahead: long_entries of (")


def test_sound_strategy_passes_and_leak_self_test() -> None:
    """The checker's own strategy-free parts: a clean strategy passes, its leaked copy fails."""
    data = _frame()
    report = check.check_strategy(REGISTRY["bollinger_break"], data,
                                  [{"window": 21}, {"window": 10, "exit_style": "middle"}])
    assert report.passed, report.summary()
    leak = check.leaky(REGISTRY["bollinger_break"])
    sets = [leak(window=21)]
    a = leak.grid(data, sets).long_entries.iloc[:, 0].to_numpy()
    b = REGISTRY["bollinger_break"](window=21).signals(data).long_entries.to_numpy()
    assert a[:-1].tolist() == b[1:].tolist() and not a[-1]
    assert not check.check_no_look_ahead(leak, data, sets).passed


@dataclass(frozen=True)
class Scribbler(Strategy):
    """Writes a helper column into the data it is given; fills next day."""

    name: ClassVar[str] = "scribbler"
    idea: ClassVar[str] = "modifies its input"
    holding_period: ClassVar[int | None] = 5
    level: float = param(20.0, "level", low=0.0)

    def entries(self, data: pd.DataFrame) -> pd.Series:
        data["high_vix"] = data["vix_close"] > self.level
        return data["high_vix"].copy()


def test_other_contract_breaches_named() -> None:
    data = _frame()
    report = check.check_strategy(Sneaky, data.assign(vvix=1.0))
    failed = {r.name: r.message for r in report.failed}
    assert failed["columns"].startswith("reads a column it does not declare in "
                                        "required_columns / columns_needed(): KeyError: "
                                        "'spx_close'")
    assert failed["warmup"].startswith("(window=20): long_entries on 2001-01-0")
    assert "inside the warm-up of 20 rows" in failed["warmup"]
    assert "no_look_ahead" not in failed
    original = data.copy()
    report = check.check_strategy(Scribbler, data)
    assert [r.name for r in report.failed] == ["deterministic"]
    assert report.result("deterministic").message == ("computing the signals modified the data "
                                                      "frame (work on a copy)")
    pd.testing.assert_frame_equal(data, original)  # the checker's input stays as it was
