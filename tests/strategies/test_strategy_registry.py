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
