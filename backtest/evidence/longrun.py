"""Newey-West (Bartlett) long-run covariance of regression scores, in one compiled loop.

``S = sum_t u_t u_t' + sum_{l=1..L} (1 - l / (L + 1)) sum_t (u_t u_{t-l}' + u_{t-l} u_t')``
for the scores ``u_t = x_t e_t`` of an OLS fit -- what statsmodels'
``S_hac_simple`` computes (no small-sample factor).  The event study runs this
for three regressions of every row at lags up to the horizon; a loop over the
rows of a thin score matrix is several times faster than one matrix product
per lag.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from numba import njit

__all__ = ["newey_west"]

FloatArray = npt.NDArray[np.float64]


@njit(cache=True, fastmath=True)  # lets the dot products vectorise (sums reassociated)
def _newey_west(u: FloatArray, lags: int) -> FloatArray:  # pragma: no cover - compiled
    # u is (k, n): each score a contiguous row, so every inner loop is a plain dot product
    k, n = u.shape
    s = np.zeros((k, k))
    top = min(lags, n - 1)
    for a in range(k):
        ua = u[a]
        for b in range(k):
            ub = u[b]
            if b >= a:
                acc = 0.0
                for t in range(n):
                    acc += ua[t] * ub[t]
                s[a, b] += acc
                if b > a:
                    s[b, a] += acc
            for lag in range(1, top + 1):
                acc = 0.0
                for t in range(lag, n):
                    acc += ua[t] * ub[t - lag]
                w = (1.0 - lag / (lags + 1.0)) * acc
                s[a, b] += w
                s[b, a] += w
    return s


def newey_west(scores: npt.ArrayLike, lags: int) -> FloatArray:
    """Bartlett-weighted long-run covariance of ``scores`` (module docstring).

    Parameters
    ----------
    scores : array_like of float, shape (n, k)
        Scores ``x_t e_t`` in time order.
    lags : int
        Maximum lag ``L >= 0``.

    Returns
    -------
    numpy.ndarray of float, shape (k, k)
    """
    u = np.asarray(scores, dtype=np.float64)
    if u.ndim != 2:
        raise ValueError(f"scores must be 2-D (n, k), got shape {u.shape}")
    return np.asarray(_newey_west(np.ascontiguousarray(u.T), int(lags)))
