"""Contract tests run over every strategy in the registry."""

from __future__ import annotations

import dataclasses
import re
from typing import Any

import numpy as np
import pandas as pd
import pytest
from strategy_frames import assert_same

from backtest.data.table import KNOWN_COLUMNS
from backtest.errors import MissingDataError
from strategies.base import Strategy
from strategies.registry import REGISTRY

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


def _examples(cls: type[Strategy]) -> list[Strategy]:
    return [cls.from_params(**kw) for kw in EXAMPLES[cls.name]]


def test_every_strategy_has_examples() -> None:
    assert set(EXAMPLES) == set(REGISTRY)


@pytest.mark.parametrize("cls", STRATEGIES, ids=IDS)
def test_metadata(cls: type[Strategy]) -> None:
    assert REGISTRY[cls.name] is cls
    assert cls.title and cls.idea and cls.__doc__
    assert "next" in cls.__doc__ and "close" in cls.__doc__  # states fill timing
    assert set(cls.required_columns) <= set(KNOWN_COLUMNS)
    assert cls.sides and set(cls.sides) <= {"long", "short"}
    assert dataclasses.is_dataclass(cls)
    s = cls()
    with pytest.raises(dataclasses.FrozenInstanceError):
        s.x = 1  # type: ignore[attr-defined]


@pytest.mark.parametrize("cls", STRATEGIES, ids=IDS)
def test_defaults_valid(cls: type[Strategy]) -> None:
    s = cls()
    assert s.params() == cls.defaults()
    assert cls.from_params(**cls.defaults()) == s
    for name, spec in cls.param_specs().items():
        assert spec.accepts(getattr(s, name)), name
        assert spec.doc
    assert set(s.columns_needed()) <= set(KNOWN_COLUMNS)
    assert set(cls.required_columns) == set(s.columns_needed())
    assert s.warmup >= 0
    for ex in _examples(cls):
        assert set(ex.columns_needed()) <= set(KNOWN_COLUMNS)


def _bad_values(cls: type[Strategy]) -> list[tuple[str, Any, str]]:
    """(parameter, bad value, message regex) for every parameter of ``cls``."""
    out: list[tuple[str, Any, str]] = []
    types = {f.name: str(f.type) for f in dataclasses.fields(cls)}
    for name, spec in cls.param_specs().items():
        prefix = re.escape(f"{cls.__name__}.{name}")
        if spec.choices is not None:
            out.append((name, "no_such_choice",
                        prefix + r"='no_such_choice' is not allowed: must be one of"))
            continue
        if spec.low is not None:
            bad = spec.low if spec.low_open else spec.low - 1
            op = ">" if spec.low_open else ">="
            out.append((name, bad, prefix + rf"=.* is not allowed: must be {op} {spec.low:g}"))
        if spec.high is not None:
            bad = spec.high if spec.high_open else spec.high + 1
            op = "<" if spec.high_open else "<="
            out.append((name, bad, prefix + rf"=.* is not allowed: must be .*{op} {spec.high:g}"))
        out.append((name, "abc", prefix + r" must be an? (number|integer), got 'abc'"))
        if types[name] == "int":
            out.append((name, 2.5, prefix + r" must be an integer, got 2.5"))
            out.append((name, float("nan"), prefix + r" must be an integer, got nan"))
        else:
            out.append((name, float("nan"), prefix + r"=nan is not allowed"))
    return out


BAD = [(cls, name, value, msg) for cls in STRATEGIES for name, value, msg in _bad_values(cls)]


@pytest.mark.parametrize(("cls", "name", "value", "msg"), BAD,
                         ids=[f"{c.name}-{n}-{v!r}" for c, n, v, _ in BAD])
def test_bad_parameter_rejected(cls: type[Strategy], name: str, value: Any, msg: str) -> None:
    with pytest.raises(ValueError, match=msg):
        cls.from_params(**{name: value})


@pytest.mark.parametrize("cls", STRATEGIES, ids=IDS)
def test_unknown_parameter_rejected_with_hint(cls: type[Strategy]) -> None:
    first = next(iter(cls.param_specs()))
    typo = first[:-1] + "_x"
    with pytest.raises(ValueError, match=rf"{cls.__name__} has no parameter '{typo}'\. "
                                         rf"Did you mean '{first}'\?"):
        cls.from_params(**{typo: 1})


@pytest.mark.parametrize("cls", STRATEGIES, ids=IDS)
def test_signals_boolean_aligned_deterministic(cls: type[Strategy],
                                               real_frame: pd.DataFrame) -> None:
    for s in _examples(cls):
        sig = s.signals(real_frame)
        again = s.signals(real_frame.copy())
        assert sig.sides == cls.sides
        for side in ("long", "short"):
            for series, other in ((sig.entries(side), again.entries(side)),
                                  (sig.exits(side), again.exits(side))):
                assert series.dtype == bool
                assert series.index.equals(real_frame.index)
                assert_same(series, other)
                if side not in cls.sides:
                    assert not series.any()
            if side in cls.sides:
                # no day is both an entry and an exit of the same side
                assert not (sig.entries(side) & sig.exits(side)).any()


@pytest.mark.parametrize("cls", STRATEGIES, ids=IDS)
def test_defaults_fire_on_every_side(cls: type[Strategy], real_frame: pd.DataFrame) -> None:
    """Over decades of real data, the defaults produce entries on each side they trade."""
    sig = cls().signals(real_frame)
    for side in cls.sides:
        assert sig.entries(side).sum() >= 3, side


@pytest.mark.parametrize("cls", STRATEGIES, ids=IDS)
def test_warmup_respected(cls: type[Strategy], real_frame: pd.DataFrame) -> None:
    sets = _examples(cls)
    start = _first_complete_row(real_frame, sets)
    frame = real_frame.iloc[start:]
    grid = cls.grid(frame, sets)
    for i, s in enumerate(sets):
        col = grid.column(i)
        assert s.warmup == int(cls.warmup_for(_params(cls, [s]))[0])
        for side in ("long", "short"):
            assert not col.entries(side).iloc[:s.warmup].any(), (s, side)
            assert not col.exits(side).iloc[:s.warmup].any(), (s, side)


def _params(cls: type[Strategy], sets: list[Strategy]):  # type: ignore[no-untyped-def]
    from strategies.base import ParamArrays

    return ParamArrays({k: np.asarray([getattr(s, k) for s in sets]) for k in cls.param_specs()})


def _first_complete_row(frame: pd.DataFrame, sets: list[Strategy]) -> int:
    cols = sorted({c for s in sets for c in s.columns_needed()})
    ok = frame[cols].notna().all(axis=1).to_numpy()
    return int(np.argmax(ok))


@pytest.mark.parametrize("cls", STRATEGIES, ids=IDS)
def test_no_look_ahead(cls: type[Strategy], real_frame: pd.DataFrame) -> None:
    """Signals on data truncated at day t equal the full-data signals up to t."""
    sets = _examples(cls)
    full = cls.grid(real_frame, sets)
    start = _first_complete_row(real_frame, sets)
    # 30 cut-offs spread over the span where every column exists, plus edge rows
    cuts = np.unique(np.r_[np.linspace(start + 1, len(real_frame) - 2, 30).astype(int),
                           start + max(s.warmup for s in sets) + np.arange(3)])
    for t in cuts:
        part = cls.grid(real_frame.iloc[:t + 1], sets)
        for field in ("long_entries", "long_exits", "short_entries", "short_exits"):
            got = getattr(part, field)
            want = getattr(full, field).iloc[:t + 1]
            if not got.equals(want):
                diff = (got != want).any(axis=1)
                raise AssertionError(f"{cls.name} {field}: truncated at "
                                     f"{real_frame.index[t].date()} differs on "
                                     f"{list(got.index[diff].date[:5])}")


@pytest.mark.parametrize("cls", STRATEGIES, ids=IDS)
def test_grid_column_equals_single_run(cls: type[Strategy], real_frame: pd.DataFrame) -> None:
    sets = _examples(cls)
    grid = cls.grid(real_frame, sets)
    assert list(grid.long_entries.columns.names) == list(cls.param_specs())
    for i, s in enumerate(sets):
        single = s.signals(real_frame)
        col = grid.column(i)
        for side in ("long", "short"):
            assert_same(col.entries(side), single.entries(side))
            assert_same(col.exits(side), single.exits(side))
    # reversed order gives the same columns
    rev = cls.grid(real_frame, sets[::-1])
    for i in range(len(sets)):
        assert_same(rev.column(len(sets) - 1 - i).long_entries,
                                       grid.column(i).long_entries)


@pytest.mark.parametrize("cls", STRATEGIES, ids=IDS)
def test_missing_column_named(cls: type[Strategy], real_frame: pd.DataFrame) -> None:
    for s in _examples(cls):
        for col in s.columns_needed():
            frame = real_frame.drop(columns=[col])
            with pytest.raises(MissingDataError, match=rf"needs column\(s\) {col}\b"):
                s.signals(frame)
            empty = real_frame.assign(**{col: np.nan})
            with pytest.raises(MissingDataError, match=rf"{cls.name}.*{col}"):
                s.signals(empty)


@pytest.mark.parametrize("cls", STRATEGIES, ids=IDS)
def test_short_history(cls: type[Strategy], real_frame: pd.DataFrame) -> None:
    """A frame shorter than the warm-up gives aligned, signal-free output (no crash)."""
    sets = _examples(cls)
    start = _first_complete_row(real_frame, sets)
    for length in (1, 2, 5):
        part = real_frame.iloc[start:start + length]
        grid = cls.grid(part, sets)
        for i, s in enumerate(sets):
            col = grid.column(i)
            assert len(col.long_entries) == length
            if s.warmup >= length:
                for side in ("long", "short"):
                    assert not col.entries(side).any() and not col.exits(side).any()


@pytest.mark.parametrize("cls", STRATEGIES, ids=IDS)
def test_numeric_parameters_normalised(cls: type[Strategy]) -> None:
    """``10.0`` or ``np.int64(10)`` for an integer parameter is the same strategy as ``10``."""
    types = {f.name: str(f.type) for f in dataclasses.fields(cls)}
    default = cls()
    for name, value in cls.defaults().items():
        if types[name] == "int":
            for alt in (float(value), np.int64(value)):
                s = cls.from_params(**{name: alt})
                assert s == default and type(getattr(s, name)) is int
        elif types[name] == "float":
            s = cls.from_params(**{name: np.float64(value)})
            assert s == default and type(getattr(s, name)) is float
