"""Grid parsing: command-line syntax, TOML experiment files, and their errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from backtest.execution.config import Execution
from backtest.sweep import Sweep, load_experiment, parse_assignment, parse_grid, parse_values
from strategies.bollinger_break import BollingerBreak


def test_list_values_are_typed() -> None:
    assert parse_values(BollingerBreak, "window", "20, 63,126") == [20, 63, 126]
    assert parse_values(BollingerBreak, "num_std", "2,2.5") == [2.0, 2.5]
    assert all(isinstance(v, float) for v in parse_values(BollingerBreak, "num_std", "2,3"))
    assert parse_values(BollingerBreak, "exit_style", "inside,none") == ["inside", "none"]
    assert parse_values(BollingerBreak, "window", "20,20,63") == [20, 63]


def test_ranges_include_a_stop_they_land_on() -> None:
    assert parse_values(BollingerBreak, "window", "20:100:20") == [20, 40, 60, 80, 100]
    assert parse_values(BollingerBreak, "window", "20:90:20") == [20, 40, 60, 80]
    # decimal steps give the decimal values, not binary-float drift
    assert parse_values(BollingerBreak, "num_std", "1.5:3.0:0.1")[:4] == [1.5, 1.6, 1.7, 1.8]
    assert parse_values(BollingerBreak, "num_std", "1.5:3.0:0.1")[-1] == 3.0
    assert len(parse_values(BollingerBreak, "num_std", "1.5:3.0:0.1")) == 16
    assert parse_values(BollingerBreak, "fees", "0:0.002:0.001") == [0.0, 0.001, 0.002]


def test_execution_settings_parse() -> None:
    assert parse_values(BollingerBreak, "holding_period", "none,5,10") == [None, 5, 10]
    assert parse_values(BollingerBreak, "side", "long,both") == ["long", "both"]
    assert parse_values(BollingerBreak, "exit_on_signal", "true,false") == [True, False]
    assert parse_assignment(BollingerBreak, "holding_period=5:15:5") == ("holding_period",
                                                                         [5, 10, 15])


def test_unknown_parameter_suggests_the_name() -> None:
    with pytest.raises(ValueError, match=r"no parameter 'windw'\. Did you mean 'window'\?"):
        parse_values(BollingerBreak, "windw", "20")
    with pytest.raises(ValueError, match=r"no parameter 'holding'\. Did you mean "
                                         r"'holding_period'\?"):
        Sweep(BollingerBreak, {"holding": [5]})


@pytest.mark.parametrize(("text", "match"), [
    ("window=abc", r"parameter 'window': 'abc' is not a number"),
    ("window=20,,63", r"parameter 'window': empty value in the list"),
    ("window=", r"parameter 'window': no values given"),
    ("window=20:10:5", r"parameter 'window': range '20:10:5' is empty"),
    ("window=20:60:0", r"parameter 'window': range '20:60:0' has step 0"),
    ("window=20:60", r"parameter 'window': range '20:60' must be start:stop:step"),
    ("window=1:10000000:1", r"parameter 'window': range .* has 10,000,000 values"),
    ("num_std=nan", r"parameter 'num_std': 'nan' is not a finite number"),
    ("exit_on_signal=maybe", r"parameter 'exit_on_signal': 'maybe' is not a boolean"),
    ("window 20", r"grid assignment 'window 20' must look like name=v1,v2"),
])
def test_bad_assignments_name_the_parameter(text: str, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        parse_assignment(BollingerBreak, text)


def test_twice_given_parameter() -> None:
    with pytest.raises(ValueError, match="parameter 'window' is given twice"):
        parse_grid(BollingerBreak, ["window=20", "window=63"])


def test_bad_values_raise_the_strategys_own_error() -> None:
    grid = parse_grid(BollingerBreak, ["window=1,20"])
    with pytest.raises(ValueError, match=r"BollingerBreak\.window=1 is not allowed: must be >= 2"):
        Sweep(BollingerBreak, grid)
    grid = parse_grid(BollingerBreak, ["exit_style=inside,sideways"])
    with pytest.raises(ValueError, match=r"BollingerBreak\.exit_style='sideways' is not allowed"):
        Sweep(BollingerBreak, grid)
    with pytest.raises(ValueError, match=r"BollingerBreak\.window must be an integer, got 20\.5"):
        Sweep(BollingerBreak, parse_grid(BollingerBreak, ["window=20.5"]))


def test_bad_execution_values_raise_executions_error() -> None:
    with pytest.raises(ValueError, match=r"Execution\.fees=1\.5 is not allowed"):
        Sweep(BollingerBreak, parse_grid(BollingerBreak, ["fees=0,1.5"]))
    with pytest.raises(ValueError, match=r"Execution\.holding_period=0\.5 is not allowed"):
        Sweep(BollingerBreak, {"holding_period": [0.5]})
    with pytest.raises(ValueError, match="Execution needs an exit"):
        Sweep(BollingerBreak, {"exit_on_signal": [False]})


def test_grid_and_exec_grid_are_kept_apart() -> None:
    with pytest.raises(ValueError, match="exec_grid may only vary"):
        Sweep(BollingerBreak, {}, exec_grid={"window": [20]})
    with pytest.raises(ValueError, match="'fees' is given in both grid and exec_grid"):
        Sweep(BollingerBreak, {"fees": [0.0]}, exec_grid={"fees": [0.001]})
    with pytest.raises(ValueError, match="'window' has no values"):
        Sweep(BollingerBreak, {"window": []})


def test_sweep_shape_and_levels() -> None:
    sw = Sweep(BollingerBreak, {"num_std": [1.5, 2.0, 2.5], "window": [21, 63],
                                "holding_period": [None, 5]}, execution=Execution(fees=0.001))
    assert sw.n_sets == 6 and sw.n_combinations == 12
    assert sw.levels == ["window", "num_std", "holding_period"]  # strategy field order
    assert [v.fees for v in sw.variants] == [0.001, 0.001]


def _write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "exp.toml"
    p.write_text(text, encoding="utf-8")
    return p


def test_experiment_file(tmp_path: Path) -> None:
    p = _write(tmp_path, """
strategy = "bollinger-break"
[grid]
window = [21, 63]
num_std = "1.5:2.5:0.5"
holding_period = [5, 10]
exit_style = "none"
[execution]
fees = 0.0005
fill = "next_close"
""")
    exp = load_experiment(p)
    assert exp.strategy is BollingerBreak
    assert exp.grid == {"window": [21, 63], "num_std": [1.5, 2.0, 2.5],
                        "holding_period": [5, 10], "exit_style": ["none"]}
    assert exp.execution == Execution(fees=0.0005, fill="next_close")
    assert Sweep(exp.strategy, exp.grid, execution=exp.execution).n_combinations == 12


@pytest.mark.parametrize(("text", "match"), [
    ("strategy = ", r"exp\.toml: not valid TOML"),
    ("[grid]\nwindow = [20]", r"exp\.toml: needs a line strategy = "),
    ('strategy = "bolinger_break"', r"exp\.toml: unknown strategy 'bolinger_break'\. "
                                    r"Did you mean 'bollinger_break'"),
    ('strategy = "bollinger_break"\n[grid]\nwidow = [20]',
     r"exp\.toml: \[grid\] .*no parameter 'widow'\. Did you mean 'window'\?"),
    ('strategy = "bollinger_break"\n[grid]\nwindow = "a,b"',
     r"exp\.toml: \[grid\] parameter 'window': 'a' is not a number"),
    ('strategy = "bollinger_break"\n[execution]\nfess = 0.001',
     r"exp\.toml: \[execution\] has no setting 'fess'\. Did you mean 'fees'\?"),
    ('strategy = "bollinger_break"\n[execution]\nfees = 2.0',
     r"exp\.toml: \[execution\] Execution\.fees=2\.0 is not allowed"),
    ('strategy = "bollinger_break"\ngrids = 1', r"exp\.toml: unknown top-level key\(s\) grids"),
])
def test_experiment_file_errors(tmp_path: Path, text: str, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        load_experiment(_write(tmp_path, text))


def test_with_grid_replaces_and_adds_values() -> None:
    sw = Sweep(BollingerBreak, {"window": [21, 63], "fees": [0.0, 0.001]})
    wider = sw.with_grid(window=[10, 21, 63], num_std=[2.0, 2.5])
    assert wider.n_sets == 6 and wider.n_combinations == 12
    assert wider.levels == ["window", "num_std", "fees"]
    assert sw.n_combinations == 4  # the original is unchanged
