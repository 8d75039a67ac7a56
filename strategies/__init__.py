"""VIX signal strategies: one frozen-dataclass class per idea, and their registry."""

from strategies.base import GridSignals, ParamArrays, RawSignals, Signals, Strategy, param

__all__ = ["GridSignals", "ParamArrays", "RawSignals", "Signals", "Strategy", "param"]
