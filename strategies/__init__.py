"""VIX signal strategies: one frozen-dataclass class per idea, and their registry.

Your own signal: a :class:`Strategy` subclass with per-set methods
(``entries(self, data) -> pd.Series`` ...), or a function decorated with
:func:`strategy`; ``vixbt check`` (:mod:`strategies.check`) tests either.
"""

from strategies.base import GridSignals, ParamArrays, RawSignals, Signals, Strategy, param
from strategies.decorator import strategy
from strategies.registry import REGISTRY, get_strategy, list_strategies, register

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
    "register",
    "strategy",
]
