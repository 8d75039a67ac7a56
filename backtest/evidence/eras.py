"""Eras: calendar slices of the sample, to see whether an edge is stable over time."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
import pandas as pd

__all__ = ["DEFAULT_BREAK", "era_masks"]

#: Default regime break: the 2008 financial crisis (``"before 2008"`` / ``"2008 on"``).
DEFAULT_BREAK = "2008-01-01"


def era_masks(
    index: pd.DatetimeIndex, eras: str | Sequence[str] = "decade"
) -> dict[str, npt.NDArray[np.bool_]]:
    """Boolean row masks, one per era, in time order.

    Parameters
    ----------
    index : pandas.DatetimeIndex
        Dates of the sample.
    eras : "decade", "2008" or sequence of date strings, default "decade"
        ``"decade"``: one era per calendar decade present (``"1990s"``, ...).
        ``"2008"``: ``"before 2008"`` and ``"2008 on"``.  A sequence of dates:
        break points; eras are labelled ``"start..end"`` by first and last date.

    Returns
    -------
    dict of str to numpy.ndarray of bool
        Only eras with at least one row.
    """
    if not isinstance(index, pd.DatetimeIndex):
        raise TypeError(f"era_masks needs a DatetimeIndex, got {type(index).__name__}")
    years = np.asarray(index.year)
    out: dict[str, npt.NDArray[np.bool_]] = {}
    if isinstance(eras, str) and eras == "decade":
        decades = years // 10 * 10
        for dec in np.unique(decades):
            out[f"{dec}s"] = decades == dec
        return out
    if isinstance(eras, str) and eras == "2008":
        breaks = [pd.Timestamp(DEFAULT_BREAK)]
        labels = ["before 2008", "2008 on"]
    elif isinstance(eras, str):
        raise ValueError(f"eras must be 'decade', '2008' or a sequence of dates, got {eras!r}")
    else:
        try:
            breaks = sorted(pd.Timestamp(b) for b in eras)
        except (ValueError, TypeError) as exc:
            raise ValueError(f"eras: cannot read break dates {list(eras)!r}: {exc}") from None
        labels = []
    edges = [pd.Timestamp.min, *breaks, pd.Timestamp.max]
    for i in range(len(edges) - 1):
        m = np.asarray((index >= edges[i]) & (index < edges[i + 1]))
        if not m.any():
            continue
        label = labels[i] if labels else (
            f"{index[m][0]:%Y-%m-%d}..{index[m][-1]:%Y-%m-%d}")
        out[label] = m
    return out
