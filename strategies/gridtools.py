"""Glue that runs a strategy's computation once per group of parameter sets.

A grid may mix parameter values that change *which* computation runs (a
categorical ``variant``, the term-structure ``pair``) or which columns it reads.
:func:`by_group` splits the grid's columns by the unique values of those
parameters, runs the computation once per group on the rows where that group's
columns all have values, and scatters the results back into ``(T, n)`` arrays
(``False`` on rows with missing inputs).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from strategies.base import BoolArray, ParamArrays, RawSignals
from strategies.indicators import complete_rows, expand_rows, factorize_keys

__all__ = ["by_group"]

_FIELDS = ("long_entries", "long_exits", "short_entries", "short_exits")


def by_group(data: pd.DataFrame, p: ParamArrays, names: Sequence[str],
             columns: Callable[[tuple[Any, ...]], Sequence[str]],
             compute: Callable[[pd.DataFrame, ParamArrays, tuple[Any, ...]], RawSignals],
             warmup: npt.ArrayLike | None = None) -> RawSignals:
    """Run ``compute`` once per unique combination of the ``names`` parameters.

    Parameters
    ----------
    data : pandas.DataFrame
        Market frame (``T`` rows).
    p : ParamArrays
        All ``n`` parameter sets.
    names : sequence of str
        Parameters that select the computation or its columns; empty for one group.
    columns : callable
        ``columns(key) -> column names`` the group reads; rows where any is
        missing are dropped before ``compute`` and get ``False`` signals.
    compute : callable
        ``compute(frame, p_group, key) -> RawSignals`` with ``(len(frame), k)``
        arrays for the group's ``k`` parameter sets.

    Returns
    -------
    RawSignals
        ``(T, n)`` arrays; a side no group produced is ``None``.
    """
    T, n = len(data), p.n
    if names:
        codes, uniques = factorize_keys([getattr(p, k) for k in names])
    else:
        codes, uniques = np.zeros(n, dtype=np.intp), [()]
    wu = None if warmup is None else np.asarray(warmup, dtype=np.int64).reshape(-1)
    out: dict[str, BoolArray | None] = dict.fromkeys(_FIELDS)
    for g, key in enumerate(uniques):
        idx = np.flatnonzero(codes == g)
        frame, pos = complete_rows(data, columns(key))
        raw = compute(frame, p.take(idx), key)
        for f in _FIELDS:
            arr = getattr(raw, f)
            if arr is None:
                continue
            arr = np.asarray(arr, dtype=bool)
            if arr.shape != (len(frame), len(idx)):
                raise ValueError(f"{f} has shape {arr.shape}, expected {(len(frame), len(idx))}")
            if wu is not None:
                arr = arr & (np.arange(len(frame))[:, None] >= wu[idx][None, :])
            target = out[f]
            if target is None:
                target = out[f] = np.zeros((T, n), dtype=bool)
            target[:, idx] = expand_rows(arr, pos, T)
    return RawSignals(**out)
