"""VIX signal strategies: one frozen-dataclass class per idea, and their registry."""

from strategies.base import GridSignals, ParamArrays, RawSignals, Signals, Strategy, param
from strategies.registry import REGISTRY, get_strategy, list_strategies

__all__ = [
    "REGISTRY",
    "GridSignals",
    "ParamArrays",
    "RawSignals",
    "Signals",
    "Strategy",
    "get_strategy",
    "list_strategies",
    "param",
]
