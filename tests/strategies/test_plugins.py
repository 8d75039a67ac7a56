"""Discovery: strategies from installed packages (entry points) and from files."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from strategies import registry
from strategies.registry import (
    BUILTINS,
    REGISTRY,
    entry_point_strategies,
    get_strategy,
    load_entry_points,
    load_strategy_file,
    register,
    restored,
    unregister,
)

ROOT = Path(__file__).resolve().parents[2]

PLUGIN = '''
"""A small strategy package, installed for the tests."""

import pandas as pd

from strategies import strategy


@strategy(name="plugin_jump", idea="VIX up 30 % in a day", registered=False)
def plugin_jump(data: pd.DataFrame, rise: float = 0.3) -> pd.Series:
    vix = data["vix_close"]
    return vix > vix.shift(1) * (1 + rise)


@strategy(name="spike_reversal", idea="a plugin taking a built-in's name", registered=False)
def impostor(data: pd.DataFrame, rise: float = 0.3) -> pd.Series:
    return data["vix_close"] > rise
'''


def _install(site: Path, entries: dict[str, str]) -> None:
    """An installed distribution without a network: the package and its dist-info."""
    (site / "vixbt_test_plugin").mkdir(parents=True)
    (site / "vixbt_test_plugin" / "__init__.py").write_text(PLUGIN, encoding="utf-8")
    info = site / "vixbt_test_plugin-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: vixbt-test-plugin\n"
                                   "Version: 0.1\n", encoding="utf-8")
    lines = "\n".join(f"{k} = {v}" for k, v in entries.items())
    (info / "entry_points.txt").write_text(f"[vixbt.strategies]\n{lines}\n", encoding="utf-8")


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "site"
    monkeypatch.syspath_prepend(str(path))
    monkeypatch.delitem(sys.modules, "vixbt_test_plugin", raising=False)
    return path


def test_entry_point_discovered(site: Path) -> None:
    _install(site, {"plugin_jump": "vixbt_test_plugin:plugin_jump"})
    found = entry_point_strategies()
    assert [(w, c.name) for w, c in found] == [
        ("entry point plugin_jump = vixbt_test_plugin:plugin_jump (package vixbt-test-plugin)",
         "plugin_jump")]
    with restored():
        assert [c.name for c in load_entry_points(force=True)] == ["plugin_jump"]
        cls = get_strategy("plugin_jump")
        assert cls is found[0][1] and list(REGISTRY)[-1] == "plugin_jump"
        assert cls(rise=0.5).params() == {"rise": 0.5}
    assert "plugin_jump" not in REGISTRY


def test_entry_point_clash_and_failure_skipped_with_warning(site: Path) -> None:
    _install(site, {"spike_reversal": "vixbt_test_plugin:impostor",
                    "plugin_jump": "vixbt_test_plugin:plugin_jump"})
    with restored():
        with pytest.warns(UserWarning, match=r"strategy plugin skipped: strategy "
                                             r"'spike_reversal' from entry point spike_reversal "
                                             r"= vixbt_test_plugin:impostor \(package "
                                             r"vixbt-test-plugin\) has the name of a built-in"):
            added = load_entry_points(force=True)
        assert [c.name for c in added] == ["plugin_jump"]
        assert REGISTRY["spike_reversal"] is BUILTINS["spike_reversal"]


@pytest.mark.parametrize(("value", "message"), [
    ("vixbt_test_plugin:missing", r"entry point plugin_jump = vixbt_test_plugin:missing "
                                  r"\(package vixbt-test-plugin\) failed to load: "
                                  r"AttributeError"),
    ("vixbt_test_plugin:pd", r"names <module 'pandas'.*not a Strategy subclass"),
])
def test_broken_entry_point_named(site: Path, value: str, message: str) -> None:
    _install(site, {"plugin_jump": value})
    with pytest.raises(ValueError, match=message):
        entry_point_strategies()
    with restored(), pytest.warns(UserWarning, match=r"strategy plugins not loaded: "):
        assert load_entry_points(force=True) == []


def test_entry_point_name_must_be_the_strategy_name(site: Path) -> None:
    _install(site, {"jump": "vixbt_test_plugin:plugin_jump"})
    with pytest.raises(ValueError, match=r"the entry point's name must be the strategy's "
                                         r"name 'plugin_jump'"):
        entry_point_strategies()


def test_vixbt_list_shows_an_installed_plugin(site: Path) -> None:
    """A fresh ``vixbt`` process finds the installed package's strategy."""
    _install(site, {"plugin_jump": "vixbt_test_plugin:plugin_jump"})
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(site), str(ROOT)])}
    out = subprocess.run([sys.executable, "-m", "backtest.cli.main", "list"], env=env,
                         capture_output=True, text=True, timeout=300, check=True).stdout
    assert "plugin_jump  [long; needs vix_close; primary horizon long 21 days]" in out
    assert "rise=0.3" in out


def test_register_rules() -> None:
    cls = BUILTINS["bollinger_break"]
    assert register(cls) is cls  # a built-in again: no change
    with pytest.raises(ValueError, match="'bollinger_break' is a built-in strategy"):
        unregister("bollinger_break")
    with pytest.raises(TypeError, match="register\\(\\) takes a Strategy subclass"):
        register(int)  # type: ignore[arg-type]


def test_strategy_file_registers_its_own_classes(tmp_path: Path) -> None:
    path = tmp_path / "two.py"
    path.write_text(textwrap.dedent('''
        from dataclasses import dataclass
        from typing import ClassVar

        import pandas as pd

        from strategies import Strategy, param, strategy
        from strategies.bollinger_break import BollingerBreak  # imported: not the file's


        @dataclass(frozen=True)
        class Above(Strategy):
            """VIX above a level."""

            name: ClassVar[str] = "file_above"
            idea: ClassVar[str] = "VIX above a level"
            holding_period: ClassVar[int | None] = 10
            level: float = param(30.0, "level", low=0.0)

            def entries(self, data: pd.DataFrame) -> pd.Series:
                return data["vix_close"] > self.level


        @strategy(name="file_below", idea="VIX below a level")
        def below(data: pd.DataFrame, level: float = 12.0) -> pd.Series:
            return data["vix_close"] < level
    '''), encoding="utf-8")
    with restored():
        got = load_strategy_file(path)
        assert [c.name for c in got] == ["file_above", "file_below"]
        assert list(REGISTRY)[-2:] == ["file_above", "file_below"]
        assert registry._ORIGINS["file_above"] == f"Above in {path}"
        assert not got[0]().has_exit_rule and got[0]().default_holding_period == 10
        assert load_strategy_file(path)  # loading the file again is allowed
    assert "file_above" not in REGISTRY
    bad = tmp_path / "notes.txt"
    bad.write_text("x", encoding="utf-8")
    with pytest.raises(ValueError, match="must be a Python file"):
        load_strategy_file(bad)
