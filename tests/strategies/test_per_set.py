"""The per-set path and the @strategy decorator: equal to the vectorised built-ins."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
import pandas as pd
import pytest
from per_set_bollinger import PerSetBollinger

from backtest.execution.portfolio import run
from backtest.sweep import Sweep
from strategies.base import Side, Strategy, param
from strategies.bollinger_break import BollingerBreak
from strategies.compare import above, at_or_below, crosses_above
from strategies.decorator import strategy
from strategies.ma_cross import MaCross
from strategies.registry import REGISTRY, get_strategy, restored

FIELDS = ("long_entries", "long_exits", "short_entries", "short_exits")

#: 20 parameter sets: 5 windows x 4 widths, the exit styles in turn.
GRID20 = [(w, k, e) for (w, k), e in zip(itertools.product([10, 21, 63, 126, 252],
                                                            [1.0, 1.5, 2.0, 2.5]),
                                          ["inside", "middle", "none"] * 7, strict=False)]


def _same_grid(a: Any, b: Any) -> None:
    for f in FIELDS:
        x, y = getattr(a, f).to_numpy(), getattr(b, f).to_numpy()
        assert x.shape == y.shape
        diff = np.argwhere(x != y)
        assert len(diff) == 0, f"{f} differ first at row {diff[0]}"


@pytest.mark.slow
def test_per_set_bollinger_equals_vectorised_on_real_data(real_frame: pd.DataFrame) -> None:
    """A per-set re-implementation of bollinger_break equals the vectorised one: 20 sets."""
    per_set = [PerSetBollinger(window=w, num_std=k, exit_style=e) for w, k, e in GRID20]
    vector = [BollingerBreak(window=w, num_std=k, exit_style=e) for w, k, e in GRID20]
    a = PerSetBollinger.grid(real_frame, per_set)
    b = BollingerBreak.grid(real_frame, vector)
    _same_grid(a, b)
    assert a.long_entries.to_numpy().sum() > 1000 and a.short_exits.to_numpy().sum() > 1000
    assert list(a.long_entries.columns.names) == ["window", "num_std", "exit_style"]
    assert [s.warmup for s in per_set] == [s.warmup for s in vector]
    assert [s.default_holding_period for s in per_set] == [s.default_holding_period
                                                           for s in vector]


@pytest.mark.slow
def test_per_set_runs_and_sweeps_like_the_builtin(real_frame: pd.DataFrame) -> None:
    """Runs and sweeps take a per-set strategy unchanged and give the built-in's numbers."""
    frame = real_frame.loc["2000":]
    grid = {"window": [21, 63], "num_std": [1.5, 2.0], "exit_style": ["inside", "none"]}
    a = Sweep(PerSetBollinger, grid).run(frame).to_frame()
    b = Sweep(BollingerBreak, grid).run(frame).to_frame()
    pd.testing.assert_frame_equal(a, b)
    ra = run(PerSetBollinger(num_std=1.5), frame).stats
    rb = run(BollingerBreak(num_std=1.5), frame).stats
    pd.testing.assert_series_equal(ra, rb, check_names=False)
    assert ra["trades"] > 20


# -- the per-set path on hand-built frames ---------------------------------------------


def _frame(vix: list[float]) -> pd.DataFrame:
    idx = pd.bdate_range("2020-01-01", periods=len(vix), name="date")
    spx = np.linspace(100.0, 110.0, len(vix))
    return pd.DataFrame({"vix_close": vix, "spx_close": spx}, index=idx)


@dataclass(frozen=True)
class Jump(Strategy):
    """VIX up more than ``rise`` over one day; exit when it falls back below ``level``.

    Known at the close; the trade fills on the next day.
    """

    name: ClassVar[str] = "test_jump"
    idea: ClassVar[str] = "VIX jumps"
    sides: ClassVar[tuple[Side, ...]] = ("long",)

    rise: float = param(0.1, "one-day rise", low=0.0)
    level: float = param(20.0, "exit level", low=0.0)

    def entries(self, data: pd.DataFrame) -> pd.Series:
        vix = data["vix_close"]
        return vix > vix.shift(1) * (1 + self.rise)

    def exits(self, data: pd.DataFrame) -> pd.Series:
        return data["vix_close"] < self.level


def test_per_set_exact_on_a_tiny_frame() -> None:
    data = _frame([20, 23, 22, 25, 19, 30])
    g = Jump.grid(data, [Jump(), Jump(rise=0.2), Jump(level=24.0)])
    assert g.long_entries.to_numpy().T.tolist() == [
        [False, True, False, True, False, True],
        [False, False, False, False, False, True],
        [False, True, False, True, False, True],
    ]
    assert g.long_exits.iloc[:, 2].tolist() == [True, True, True, False, True, False]
    assert not g.short_entries.to_numpy().any() and not g.short_exits.to_numpy().any()
    assert g.sides == ("long",)
    assert Jump.is_per_set() and not BollingerBreak.is_per_set()
    assert Jump().has_exit_rule and Jump().default_holding_period is None


def test_per_set_output_checked() -> None:
    data = _frame([20, 21, 22])

    @dataclass(frozen=True)
    class Floaty(Strategy):
        name: ClassVar[str] = "floaty"

        def entries(self, data: pd.DataFrame) -> pd.Series:
            return data["vix_close"].shift(1) > 20  # bool (NaN compares False)

    @dataclass(frozen=True)
    class Shifted(Strategy):
        name: ClassVar[str] = "shifted"

        def entries(self, data: pd.DataFrame) -> pd.Series:
            return (data["vix_close"] > 20).shift(1)  # object dtype with NaN

    @dataclass(frozen=True)
    class Dropped(Strategy):
        name: ClassVar[str] = "dropped"

        def entries(self, data: pd.DataFrame) -> pd.Series:
            return (data["vix_close"] > 20).iloc[1:]

    assert Floaty().signals(data).long_entries.tolist() == [False, False, True]
    with pytest.raises(TypeError, match=r"Shifted\.entries returned a Series of dtype object; "
                                        r"it must be bool .*fillna\(False\)"):
        Shifted().signals(data)
    with pytest.raises(ValueError, match=r"Dropped\.entries returned a Series whose index "
                                         r"differs from the data's \(2 rows against 3\)"):
        Dropped().signals(data)


def test_per_set_class_sides_checked() -> None:
    with pytest.raises(TypeError, match=r"Both trades the short side .* defines no "
                                        r"short_entries\(self, data\)"):
        @dataclass(frozen=True)
        class Both(Strategy):
            sides: ClassVar[tuple[Side, ...]] = ("long", "short")

            def entries(self, data: pd.DataFrame) -> pd.Series:
                return data["vix_close"] > 0
    with pytest.raises(TypeError, match=r"Extra defines short_exits\(\) but sides=\('long',\) "
                                        r"has no 'short'"):
        @dataclass(frozen=True)
        class Extra(Strategy):
            def entries(self, data: pd.DataFrame) -> pd.Series:
                return data["vix_close"] > 0

            def short_exits(self, data: pd.DataFrame) -> pd.Series:
                return data["vix_close"] > 0

    @dataclass(frozen=True)
    class Nothing(Strategy):
        name: ClassVar[str] = "nothing"

    with pytest.raises(NotImplementedError, match="implements neither generate"):
        Nothing().signals(_frame([20.0]))


# -- the decorator ---------------------------------------------------------------------


def test_decorated_function_equals_builtin(real_frame: pd.DataFrame) -> None:
    """ma_cross as a decorated function: the built-in's signals, sets and warm-ups."""
    with restored():
        @strategy(name="golden_cross_fn", idea="VIX golden cross", sides=("short",),
                  exits=True, ranges={"fast": (1, 504), "slow": (2, 1260)},
                  warmup=lambda fast, slow: slow - 1)
        def golden_cross(data: pd.DataFrame, fast: int = 50, slow: int = 200
                         ) -> dict[str, pd.Series]:
            """VIX golden cross.

            Parameters
            ----------
            fast : int
                Fast window.
            slow : int
                Slow window.
            """
            vix = data["vix_close"].dropna()
            f = vix.rolling(fast).mean().to_numpy()
            s = vix.rolling(slow).mean().to_numpy()

            def on(mask: Any) -> pd.Series:
                return pd.Series(np.asarray(mask, bool), index=vix.index).reindex(
                    data.index, fill_value=False)

            return {"short_entries": on(crosses_above(f, s)),
                    "short_exits": on(at_or_below(f, s))}

        assert get_strategy("golden_cross_fn") is golden_cross
        sets = [(50, 200), (10, 50), (21, 63), (5, 252)]
        a = golden_cross.grid(real_frame, [golden_cross(fast=f, slow=s) for f, s in sets])
        b = MaCross.grid(real_frame, [MaCross(fast=f, slow=s) for f, s in sets])
        _same_grid(a, b)
        assert a.short_entries.to_numpy().sum() > 50
        assert [golden_cross(fast=f, slow=s).warmup for f, s in sets] == [
            MaCross(fast=f, slow=s).warmup for f, s in sets]
        assert golden_cross.param_specs()["fast"].doc == "Fast window."
        assert golden_cross().has_exit_rule and golden_cross.holding_period is None
    assert "golden_cross_fn" not in REGISTRY


def test_decorator_builds_a_strategy() -> None:
    with restored():
        @strategy(name="tiny_jump", idea="VIX up", ranges={"mode": ["close", "high"]},
                  holding_period=5)
        def tiny_jump(data: pd.DataFrame, rise: float = 0.1, lag: int = 1,
                      mode: str = "close") -> pd.Series:
            vix = data["vix_close"]
            return pd.Series(np.asarray(above(vix, vix.shift(lag) * (1 + rise))),
                             index=data.index)

        s = tiny_jump(rise=0.2)
        assert s.params() == {"rise": 0.2, "lag": 1, "mode": "close"}
        assert s.default_holding_period == 5 and not s.has_exit_rule
        assert tiny_jump.sides == ("long",) and tiny_jump.title == "Tiny jump"
        assert s.signals(_frame([20, 25, 26, 40])).long_entries.tolist() == [False, True,
                                                                             False, True]
        with pytest.raises(ValueError, match=r"tiny_jump\.lag must be an integer, got 1\.5"):
            tiny_jump(lag=1.5)
        with pytest.raises(ValueError, match=r"tiny_jump\.mode='open' is not allowed"):
            tiny_jump(mode="open")
        # running the cell again replaces the strategy; another function may not take its name
        again = strategy(name="tiny_jump", idea="VIX up", ranges={"mode": ["close"]})(
            tiny_jump.function)
        assert get_strategy("tiny_jump") is again

        def other(data: pd.DataFrame, x: float = 1.0) -> pd.Series:
            return data["vix_close"] > x
        with pytest.raises(ValueError, match=r"strategy name 'tiny_jump' from function .*other "
                                             r"\(test_per_set\.py, line \d+\) is already taken"):
            strategy(name="tiny_jump", idea="other")(other)


@pytest.mark.parametrize(("kwargs", "fn_src", "error", "message"), [
    ({"name": "bollinger_break", "idea": "x"}, "def f(data, x: float = 1.0): ...", ValueError,
     r"strategy 'bollinger_break' from function f .* has the name of a built-in strategy; "
     r"choose another name"),
    ({"name": "Bad Name", "idea": "x"}, "def f(data, x: float = 1.0): ...", ValueError,
     r"needs a snake_case name"),
    ({"name": "no_default", "idea": "x"}, "def f(data, x: float): ...", TypeError,
     r"parameter 'x' needs a default value"),
    ({"name": "text", "idea": "x"}, "def f(data, mode: str = 'a'): ...", TypeError,
     r"text parameter 'mode' needs its choices in ranges"),
    ({"name": "typo", "idea": "x", "ranges": {"y": (0, 1)}}, "def f(data, x: float = 1.0): ...",
     TypeError, r"ranges names unknown parameter\(s\) y"),
    ({"name": "star", "idea": "x"}, "def f(data, **kw): ...", TypeError,
     r"\*kw is not allowed"),
    ({"name": "out_of_range", "idea": "x", "ranges": {"x": (2, 3)}},
     "def f(data, x: float = 1.0): ...", ValueError,
     r"@strategy f: the defaults are refused: f\.x=1\.0 is not allowed: must be >= 2"),
    ({"name": "two_sides", "idea": "x", "sides": ("long", "up")},
     "def f(data, x: float = 1.0): ...", ValueError, r"sides must be"),
])
def test_decorator_refuses(kwargs: dict[str, Any], fn_src: str, error: type[Exception],
                           message: str) -> None:
    ns: dict[str, Any] = {}
    exec(compile(fn_src, "test_per_set.py", "exec"), ns)
    with restored(), pytest.raises(error, match=message):
        strategy(**kwargs)(ns["f"])


def test_decorated_output_checked() -> None:
    with restored():
        @strategy(name="wrong_shape", idea="x", sides=("long", "short"))
        def wrong_shape(data: pd.DataFrame, x: float = 1.0) -> pd.Series:
            return data["vix_close"] > x

        with pytest.raises(TypeError, match=r"returned one Series; with sides=\('long', "
                                            r"'short'\) .* mapping of long_entries, "
                                            r"short_entries"):
            wrong_shape().signals(_frame([20.0, 21.0]))
