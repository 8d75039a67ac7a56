"""Numba kernels for the hottest grid computations (band breaks over many columns).

The comparisons are :func:`strategies.compare.scalar_above` /
:func:`~strategies.compare.scalar_below`, the scalar forms of the one rule, so a
kernel and the array path agree on every tie; the tests check that they do.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from numba import njit

from strategies.compare import scalar_above, scalar_below

__all__ = ["STYLE_CODES", "band_kernel"]

STYLE_CODES = {"inside": 0, "middle": 1, "none": 2}
"""Exit styles of :func:`band_kernel`."""


@njit(cache=True)
def band_kernel(x: npt.NDArray[np.float64], xcode: npt.NDArray[np.intp],
                mid: npt.NDArray[np.float64], sd: npt.NDArray[np.float64],
                bcode: npt.NDArray[np.intp], k: npt.NDArray[np.float64],
                style: npt.NDArray[np.int64], warmup: npt.NDArray[np.int64],
                rows: npt.NDArray[np.intp], long_entries: npt.NDArray[np.bool_],
                long_exits: npt.NDArray[np.bool_], short_entries: npt.NDArray[np.bool_],
                short_exits: npt.NDArray[np.bool_]) -> None:  # pragma: no cover - compiled
    """Band breaks of ``n`` columns written into ``(T, n)`` outputs.

    Row ``i`` of the compact inputs lands on output row ``rows[i]``; column
    ``j`` reads ``x[:, xcode[j]]`` against ``mid[:, bcode[j]] +- k[j] *
    sd[:, bcode[j]]`` and carries no signal before compact row ``warmup[j]``.
    Outputs must be all ``False`` on entry.
    """
    m, n = x.shape[0], k.shape[0]
    for i in range(m):
        r = rows[i]
        for j in range(n):
            if i < warmup[j]:
                continue
            v = x[i, xcode[j]]
            c = mid[i, bcode[j]]
            s = sd[i, bcode[j]]
            up = c + k[j] * s
            lo = c - k[j] * s
            if scalar_above(v, up):
                long_entries[r, j] = True
            elif style[j] == 0 and v == v and up == up:
                long_exits[r, j] = True
            if scalar_below(v, lo):
                short_entries[r, j] = True
            elif style[j] == 0 and v == v and lo == lo:
                short_exits[r, j] = True
            if style[j] == 1 and v == v and c == c:
                if not scalar_above(v, c):
                    long_exits[r, j] = True
                if not scalar_below(v, c):
                    short_exits[r, j] = True
