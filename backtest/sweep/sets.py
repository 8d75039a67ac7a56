"""The parameter sets of a grid, by position: index arithmetic over the cartesian product.

A grid of a million parameter sets is a few short lists of values, not a
million strategy instances.  :class:`ParameterSets` numbers the combinations
of a strategy's grid in the order of :meth:`strategies.base.Strategy.product`
(``itertools.product``: the last parameter varies fastest) and turns a
position into its parameter values with a division and a remainder per
parameter, so a sweep builds the instances of one chunk at a time and the
result's row index from small integer codes.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from strategies.base import Strategy

__all__ = ["ParameterSets"]

#: Instances built at a time when every combination must be visited (a strategy
#: with cross-field checks, or whose columns depend on its parameters).
_CHUNK = 65_536


@dataclass(frozen=True)
class ParameterSets:
    """Every combination of a strategy's parameter grid, addressed by position.

    Parameters
    ----------
    strategy : type[Strategy]
    grid : Mapping[str, Sequence]
        The strategy's own parameters (no execution settings), in the order
        the combinations are enumerated; others keep their defaults.

    Raises
    ------
    ValueError
        A value the strategy rejects (its own message): each value is checked
        once, and every combination when the strategy has cross-field checks
        (:meth:`~strategies.base.Strategy.validate` overridden).

    Examples
    --------
    >>> from strategies.bollinger_break import BollingerBreak
    >>> p = ParameterSets(BollingerBreak, {"window": [21, 63], "num_std": [1.5, 2.0]})
    >>> p.params_at(1)
    {'window': 21, 'num_std': 2.0}
    """

    strategy: type[Strategy]
    grid: Mapping[str, Sequence[Any]]
    _names: tuple[str, ...] = field(init=False, repr=False, compare=False)
    _values: tuple[tuple[Any, ...], ...] = field(init=False, repr=False, compare=False)
    _strides: tuple[int, ...] = field(init=False, repr=False, compare=False)
    _levels: tuple[tuple[pd.Index, npt.NDArray[np.int64]], ...] = field(
        init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        names = tuple(self.grid)
        raw = [list(self.grid[k]) for k in names]
        first = {k: v[0] for k, v in zip(names, raw, strict=True) if v}
        values: list[tuple[Any, ...]] = []
        for k, vals in zip(names, raw, strict=True):
            if not vals:
                raise ValueError(f"parameter {k!r} has no values in the grid")
            # each value once, the others at their first value: the per-field checks
            # and the normalised value (10.0 -> 10 for an int field)
            values.append(tuple(getattr(self.strategy.from_params(**{**first, k: v}), k)
                                for v in vals))
        strides = [1] * len(names)
        for j in range(len(names) - 2, -1, -1):
            strides[j] = strides[j + 1] * len(values[j + 1])
        object.__setattr__(self, "_names", names)
        object.__setattr__(self, "_values", tuple(values))
        object.__setattr__(self, "_strides", tuple(strides))
        object.__setattr__(self, "_levels", tuple(_level(v) for v in values))
        if self.cross_checked:
            for _ in self.iter_chunks():  # every combination once, none kept
                pass

    # -- shape ---------------------------------------------------------------------

    @property
    def names(self) -> list[str]:
        """The swept parameters, in enumeration order."""
        return list(self._names)

    @property
    def values(self) -> dict[str, list[Any]]:
        """Parameter -> its values as the strategy holds them (normalised)."""
        return {k: list(v) for k, v in zip(self._names, self._values, strict=True)}

    def __len__(self) -> int:
        return math.prod(len(v) for v in self._values)

    @property
    def cross_checked(self) -> bool:
        """Whether the strategy may check combinations (overrides ``validate`` or
        ``__post_init__``): then every combination is built once to check it."""
        return (self.strategy.validate is not Strategy.validate
                or self.strategy.__post_init__ is not Strategy.__post_init__)

    @property
    def varying_columns(self) -> bool:
        """Whether the columns a set reads depend on its parameters."""
        return self.strategy.columns_needed is not Strategy.columns_needed

    # -- positions -----------------------------------------------------------------

    def codes(self, start: int = 0, stop: int | None = None) -> list[npt.NDArray[np.int64]]:
        """Per parameter, the position of each set's value in its value list."""
        stop = len(self) if stop is None else stop
        pos = np.arange(start, stop, dtype=np.int64)
        return [(pos // s) % len(v) for s, v in zip(self._strides, self._values, strict=True)]

    def params_at(self, i: int) -> dict[str, Any]:
        """The parameter values of set ``i``."""
        if not 0 <= i < len(self):
            raise IndexError(f"parameter set {i} is outside the {len(self):,} sets")
        return {k: v[(i // s) % len(v)]
                for k, v, s in zip(self._names, self._values, self._strides, strict=True)}

    def sets(self, start: int = 0, stop: int | None = None) -> list[Strategy]:
        """The strategy instances of sets ``start:stop`` (in product order)."""
        stop = len(self) if stop is None else min(stop, len(self))
        return [self.strategy.from_params(**self.params_at(i)) for i in range(start, stop)]

    def iter_chunks(self, width: int = _CHUNK) -> Iterator[tuple[int, list[Strategy]]]:
        """``(start, sets)`` of consecutive chunks of at most ``width`` sets."""
        for start in range(0, len(self), width):
            yield start, self.sets(start, start + width)

    def distinct_columns(self) -> dict[tuple[str, ...], Strategy]:
        """Columns read -> the first set reading exactly those (one entry unless a
        parameter picks the source)."""
        if not self.varying_columns:
            first = self.strategy.from_params(**self.params_at(0))
            return {tuple(first.columns_needed()): first}
        out: dict[tuple[str, ...], Strategy] = {}
        for _, chunk in self.iter_chunks():
            for s in chunk:
                out.setdefault(tuple(s.columns_needed()), s)
        return out

    def index_arrays(self, start: int = 0, stop: int | None = None
                     ) -> list[tuple[pd.Index, npt.NDArray[np.int64]]]:
        """Per parameter, its level (sorted distinct values, dtype as pandas infers it
        for a column of them) and each set's code in that level."""
        return [(level, remap[codes])
                for (level, remap), codes in zip(self._levels, self.codes(start, stop),
                                                 strict=True)]


def _level(values: Sequence[Any]) -> tuple[pd.Index, npt.NDArray[np.int64]]:
    """The sorted level of a column holding ``values`` and each value's code in it
    (as ``MultiIndex.from_frame`` of an inferred object column makes them)."""
    col = pd.Series(np.asarray(list(values), dtype=object)).infer_objects()
    mi = pd.MultiIndex.from_arrays([col])
    return mi.levels[0], np.asarray(mi.codes[0], dtype=np.int64)
