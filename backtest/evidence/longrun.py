"""Newey-West (Bartlett) long-run covariance of regression scores, in one compiled loop.

``S = sum_t u_t u_t' + sum_{l=1..L} (1 - l / (L + 1)) sum_t (u_t u_{t-l}' + u_{t-l} u_t')``
for the scores ``u_t = x_t e_t`` of an OLS fit -- what statsmodels'
``S_hac_simple`` computes (no small-sample factor).  The event study runs this
for three regressions of every row at lags up to the horizon.  The Bartlett
weights fall linearly with the lag, so the weighted lag sum is carried from one
day to the next in O(1) (one pass whatever the lag count) instead of one matrix
product per lag.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from numba import njit

__all__ = ["newey_west"]

FloatArray = npt.NDArray[np.float64]


@njit(cache=True)
def _newey_west(u: FloatArray, lags: int) -> FloatArray:  # pragma: no cover - compiled
    # u is (k, n), each score a contiguous row.  With L = lags and only lags up to
    # top = min(L, n - 1) present, the Bartlett-weighted lag sum is
    #   sum_{l=1..top} (1 - l/(L+1)) u_a[t] u_b[t-l]  =  u_a[t] * V_b[t] / (L + 1),
    #   V_b[t] = sum_{l=1..top} (L + 1 - l) u_b[t-l]     (u_b[t] = 0 before the first day),
    # and V is updated in O(1) per day,
    #   V[t+1] = V[t] + L u[t] - (L + 1 - top) u[t-top] - sum_{m=1..top-1} u[t-m],
    # so the whole sum costs O(n) per pair of scores instead of O(n L).
    k, n = u.shape
    top = min(lags, n - 1)
    s = np.zeros((k, k))
    v = np.zeros((k, n))
    if top > 0:
        for b in range(k):
            ub = u[b]
            vb = v[b]
            mp = 0.0  # sum_{m=1..top-1} u[t-m]
            for t in range(n - 1):
                nxt = vb[t] + lags * ub[t] - mp
                if t - top >= 0:
                    nxt -= (lags + 1 - top) * ub[t - top]
                vb[t + 1] = nxt
                mp += ub[t]
                if t - top + 1 >= 0:
                    mp -= ub[t - top + 1]
    scale = 1.0 / (lags + 1.0)
    for a in range(k):
        ua = u[a]
        for b in range(a, k):
            ub = u[b]
            acc0 = 0.0
            acc1 = 0.0
            for t in range(n):
                acc0 += ua[t] * ub[t]
                acc1 += ua[t] * v[b, t] + ub[t] * v[a, t]
            val = acc0 + scale * acc1 if top > 0 else acc0
            s[a, b] = val
            s[b, a] = val
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
