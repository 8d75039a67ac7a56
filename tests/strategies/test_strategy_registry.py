"""The registry names every strategy and helps with typos."""

from __future__ import annotations

import pytest

from strategies.base import Strategy
from strategies.registry import REGISTRY, get_strategy, list_strategies


def test_registry_keys_are_names() -> None:
    for key, cls in REGISTRY.items():
        assert issubclass(cls, Strategy) and cls.name == key
    assert list_strategies() == list(REGISTRY.values())


def test_get_strategy() -> None:
    assert get_strategy("bollinger_break") is REGISTRY["bollinger_break"]
    assert get_strategy("Bollinger-Break") is REGISTRY["bollinger_break"]


def test_unknown_name_with_hint() -> None:
    with pytest.raises(ValueError, match=r"unknown strategy 'bolinger_brake'\. "
                                         r"Did you mean 'bollinger_break'\?"):
        get_strategy("bolinger_brake")
    with pytest.raises(ValueError, match=r"unknown strategy 'zzz'\. Known strategies: "):
        get_strategy("zzz")


def _fresh(code: str) -> set[str]:
    """The modules a fresh interpreter has imported after running ``code``."""
    import subprocess
    import sys

    out = subprocess.run(
        [sys.executable, "-c", code + "\nimport sys\nprint('\\n'.join(sys.modules))"],
        capture_output=True, text=True, check=True, timeout=120)
    return set(out.stdout.split())


BUILTIN_MODULES = {f"strategies.{name}" for name in (
    "spike_reversal", "bollinger_break", "contango_flip", "vol_of_vol", "complacency_low",
    "ma_cross", "divergence", "residual_surprise")}


def test_looking_up_one_strategy_imports_only_its_module() -> None:
    mods = _fresh("from strategies.registry import REGISTRY, get_strategy\n"
                  "names = list(REGISTRY)\n"
                  "assert get_strategy('bollinger_break').name == 'bollinger_break'")
    assert "strategies.bollinger_break" in mods
    assert not (BUILTIN_MODULES - {"strategies.bollinger_break"}) & mods
    # and the check can fail: the classes of every built-in import every module
    mods = _fresh("from strategies.registry import REGISTRY\nlist(REGISTRY.values())")
    assert mods >= BUILTIN_MODULES


def test_every_builtin_entry_names_its_class() -> None:
    from strategies.registry import BUILTINS

    assert len(BUILTIN_MODULES) == len(BUILTINS) == 8
    for name in BUILTINS:
        cls = BUILTINS[name]
        assert cls.name == name and cls.__module__ == f"strategies.{name}"
        assert REGISTRY[name] is cls


def test_a_wrong_builtin_entry_is_refused() -> None:
    from strategies.registry import LazyRegistry

    reg = LazyRegistry({"ma_cross": "strategies.vol_of_vol:VolOfVol"})
    with pytest.raises(TypeError, match="not a Strategy class named 'ma_cross'"):
        reg["ma_cross"]
