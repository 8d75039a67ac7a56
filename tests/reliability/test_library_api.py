"""The Python API refuses inputs that would give silently wrong results."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from backtest.data import load_market_data
from backtest.data.embedded import load_embedded
from backtest.evidence import event_study, grid_event_study, study_strategy
from backtest.execution import Execution, run
from backtest.payoff import payoff
from backtest.validate import check_market_frame
from strategies.bollinger_break import BollingerBreak

EX = Execution(fill="next_close")


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    return load_embedded().frame.loc["2010":"2014"].copy()


def _bad_frames(frame: pd.DataFrame) -> list[tuple[str, pd.DataFrame, type, str]]:
    rev = frame.iloc[::-1]
    dup = pd.concat([frame.iloc[:100], frame.iloc[99:]])
    ints = frame.reset_index(drop=True)
    hourly = frame.copy()
    hourly.index = pd.date_range("2010-01-04", periods=len(frame), freq="h")
    fifth = frame.iloc[::5]
    inf = frame.copy()
    inf.iloc[50, inf.columns.get_loc("spx_close")] = np.inf
    neg = frame.copy()
    neg.iloc[60, neg.columns.get_loc("spx_close")] = -5.0
    multi = frame.copy()
    multi.columns = pd.MultiIndex.from_product([["x"], frame.columns])
    tz = frame.tz_localize("UTC")
    text = frame.copy()
    text["spx_close"] = text["spx_close"].astype(str)
    d = frame.index
    return [
        ("reversed", rev, ValueError, f"not sorted: {d[-2].date()} comes after {d[-1].date()}"),
        ("duplicated", dup, ValueError, f"{d[99].date()} appears more than once"),
        ("integer index", ints, TypeError, "DatetimeIndex of days, got RangeIndex"),
        ("hourly", hourly, ValueError, "times of day (first 2010-01-04 01:00:00)"),
        ("every 5th day", fifth, ValueError, "is not daily: rows are 7 calendar days apart"),
        ("inf price", inf, ValueError, f"'spx_close' has an infinite value (inf) on "
                                       f"{d[50].date()}"),
        ("negative price", neg, ValueError, f"non-positive price (-5) on {d[60].date()}"),
        ("MultiIndex columns", multi, TypeError, "MultiIndex columns"),
        ("tz-aware", tz, ValueError, "time-zone aware (UTC)"),
        ("text column", text, TypeError, "column 'spx_close' must be numeric"),
    ]


def test_run_and_studies_refuse_bad_frames(frame: pd.DataFrame) -> None:
    strat = BollingerBreak()
    for label, bad, exc, msg in _bad_frames(frame):
        calls = [
            lambda b=bad: run(strat, b, EX),
            lambda b=bad: study_strategy(strat, b, (5,), "next_close", n_boot=0),
            lambda b=bad: grid_event_study(BollingerBreak, b, [strat], "long", (5,),
                                           "next_close"),
            lambda b=bad: event_study(pd.Series(False, index=b.index), b, (5,), "next_close",
                                      n_boot=0),
        ]
        for call in calls:
            with pytest.raises(exc) as info:
                call()
            assert msg in str(info.value), (label, str(info.value))


def test_the_valid_frame_passes_unchanged(frame: pd.DataFrame) -> None:
    assert check_market_frame(frame, ["vix_close"], ["spx_close"]) is frame
    res = run(BollingerBreak(), frame, EX)
    assert len(res.returns) > 0


def test_run_accepts_a_name_a_class_and_a_mapping(frame: pd.DataFrame) -> None:
    ref = run(BollingerBreak(), frame, EX).stats_frame
    for strategy in ("bollinger_break", BollingerBreak):
        pd.testing.assert_frame_equal(run(strategy, frame, EX).stats_frame, ref)
    pd.testing.assert_frame_equal(
        run(BollingerBreak(), frame, {"fill": "next_close"}).stats_frame, ref)


@pytest.mark.parametrize(("kwargs", "exc", "msg"), [
    ({"strategy": None}, TypeError, "run needs a Strategy instance"),
    ({"strategy": 3}, TypeError, "run needs a Strategy instance"),
    ({"strategy": "no_such_strategy"}, ValueError, "no_such_strategy"),
    ({"execution": {"fees": 0.001, "colour": 1}}, TypeError, "no setting(s) colour"),
    ({"execution": "fast"}, TypeError, "execution must be an Execution"),
    ({"fees": 0.001}, TypeError, "for one value use Execution(fees=0.001)"),
])
def test_run_refuses_unclear_arguments(frame: pd.DataFrame, kwargs: dict[str, object],
                                       exc: type, msg: str) -> None:
    args: dict[str, object] = {"strategy": BollingerBreak(), "execution": EX, **kwargs}
    strategy, execution = args.pop("strategy"), args.pop("execution")
    with pytest.raises(exc) as info:
        run(strategy, frame, execution, **args)  # type: ignore[arg-type]
    assert msg in str(info.value)


@pytest.mark.parametrize("value", ["false", "true", 0, 1, None, "maybe"])
def test_execution_booleans_are_booleans(value: object) -> None:
    with pytest.raises(TypeError, match="exit_on_signal must be True or False"):
        Execution(exit_on_signal=value, holding_period=5)  # type: ignore[arg-type]
    assert Execution(exit_on_signal=np.bool_(False), holding_period=5).exit_on_signal is not True


@pytest.mark.parametrize(("kwargs", "exc", "msg"), [
    ({"start": 2020}, TypeError, "load_market_data(start=...) must be a date string"),
    ({"end": 2020.5}, TypeError, "load_market_data(end=...)"),
    ({"start": "garbage"}, ValueError, "load_market_data(start='garbage'): not a date"),
    ({"start": pd.Timestamp("2010-01-04", tz="UTC")}, ValueError, "has a time zone"),
    ({"start": "2010-01-04T00:00+01:00"}, ValueError, "has a time zone"),
    ({"data_dir": ["a", "b"]}, TypeError, "load_market_data(data_dir=...) must be a path"),
])
def test_load_market_data_names_the_bad_argument(kwargs: dict[str, object], exc: type,
                                                 msg: str) -> None:
    with pytest.raises(exc) as info:
        load_market_data(**kwargs)  # type: ignore[arg-type]
    assert msg in str(info.value)


@pytest.mark.parametrize(("kwargs", "msg"), [
    ({"multiplier": float("nan")}, "multiplier=nan is not allowed"),
    ({"multiplier": -200.0}, "multiplier=-200.0 is not allowed"),
    ({"multiplier": float("inf")}, "multiplier=inf is not allowed"),
    ({"legs": ["long:1e12:call:14:1"]}, "quantity=1000000000000.0 is not allowed"),
    ({"legs": ["long:1:call:900000:1"]}, "more than 1,000,000 points"),
    ({"settlement": np.arange(0, 2_000_001, dtype=float)}, "at most 1,000,000"),
])
def test_payoff_inputs_are_bounded(kwargs: dict[str, object], msg: str) -> None:
    legs = kwargs.pop("legs", ["long:1:call:14:1"])
    with pytest.raises(ValueError) as info:
        payoff(legs, **kwargs)  # type: ignore[arg-type]
    assert msg in str(info.value)
