"""The one definition of "above" and "below" used by every signal.

The VIX is quoted in cents, so a close can equal its moving average or a band
*exactly* (a 10-day mean of closes is a multiple of 0.001; ``22.0`` is exactly
10 % above ``20.0``).  Computed in floating point, such a tie can land a few
ulps either side of zero depending on the summation order of a rolling mean,
which would make a signal depend on rounding noise.  Every comparison in
``strategies`` therefore goes through this module: ``a`` is *above* ``b`` only
if it exceeds ``b`` by more than a tolerance of ``RTOL`` times the larger
magnitude plus ``ATOL``.  A mathematically exact tie is never a break, and
genuine differences in cent-quoted data (relative size above 1e-7) are never
lost.  A ``NaN`` on either side (warm-up, missing data) compares as ``False``
in every function, including the "at or" ones.

All functions broadcast like NumPy ufuncs and accept scalars, 1-D and 2-D
arrays; they run one compiled loop built on :func:`tolerance`, whose scalar forms
:func:`scalar_above` / :func:`scalar_below` serve compiled kernels, so every
path applies the identical rule.  The shift in :func:`crosses_above` /
:func:`crosses_below` runs along axis 0 (time).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
from numba import njit

__all__ = [
    "ATOL",
    "RTOL",
    "above",
    "at_or_above",
    "at_or_below",
    "below",
    "crosses_above",
    "crosses_below",
    "scalar_above",
    "scalar_below",
    "tolerance",
]

RTOL: float = 1e-9
"""Relative tolerance of a tie."""

ATOL: float = 1e-12
"""Absolute tolerance of a tie (matters only for values near zero, e.g. residuals)."""

FloatLike = npt.ArrayLike
BoolArray = npt.NDArray[np.bool_]



_MAX_TOL = 1e290  # keeps the tolerance finite when a value is infinite


@njit(cache=True)
def tolerance(a: float, b: float) -> float:  # pragma: no cover - compiled
    """Tie tolerance of two floats: ``min(RTOL * max(|a|, |b|), 1e290) + ATOL``."""
    scale = max(abs(a), abs(b)) * RTOL
    if scale > _MAX_TOL:
        scale = _MAX_TOL
    return scale + ATOL


@njit(cache=True)
def scalar_above(a: float, b: float) -> bool:  # pragma: no cover - compiled
    """:func:`above` for two floats, callable from compiled kernels."""
    return a - b > tolerance(a, b)


@njit(cache=True)
def scalar_below(a: float, b: float) -> bool:  # pragma: no cover - compiled
    """:func:`below` for two floats, callable from compiled kernels."""
    return b - a > tolerance(a, b)


_ABOVE, _BELOW, _AT_OR_BELOW, _AT_OR_ABOVE = 0, 1, 2, 3


@njit(cache=True)
def _compare_2d(a: Any, b: Any, op: int, out: Any) -> None:  # pragma: no cover - compiled
    # a, b: 2-D views broadcast to out's shape (zero strides where broadcast)
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            x = a[i, j]
            y = b[i, j]
            if op == 0:
                out[i, j] = x - y > tolerance(x, y)
            elif op == 1:
                out[i, j] = y - x > tolerance(x, y)
            elif op == 2:
                out[i, j] = x - y <= tolerance(x, y)
            else:
                out[i, j] = y - x <= tolerance(x, y)


def _apply(op: int, a: FloatLike, b: FloatLike) -> BoolArray:
    """The comparison ``op`` element by element, broadcast like a NumPy ufunc.

    One compiled loop (:func:`_compare_2d`, cached on disk) over broadcast views:
    no copy of a broadcast operand.  (Compiled ufuncs built with
    ``numba.vectorize`` apply the same rule but rebuild their wrappers at every
    import, about a second.)  A NaN compares as False.
    """
    xa, ya = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    shape = np.broadcast_shapes(xa.shape, ya.shape)
    x, y = np.broadcast_to(xa, shape), np.broadcast_to(ya, shape)  # read-only views
    if x.ndim != 2:
        x2 = x.reshape(1, -1) if x.ndim < 2 else x.reshape(-1, shape[-1])
        y2 = y.reshape(1, -1) if y.ndim < 2 else y.reshape(-1, shape[-1])
    else:
        x2, y2 = x, y
    out = np.empty(x2.shape, dtype=np.bool_)
    _compare_2d(x2, y2, op, out)
    return out.reshape(shape)


def above(a: FloatLike, b: FloatLike) -> BoolArray:
    """``a`` strictly above ``b`` beyond the tie tolerance; ``False`` where either is NaN.

    Parameters
    ----------
    a, b : array_like of float
        Broadcastable values.

    Returns
    -------
    numpy.ndarray of bool
    """
    return _apply(_ABOVE, a, b)


def below(a: FloatLike, b: FloatLike) -> BoolArray:
    """``a`` strictly below ``b`` beyond the tie tolerance; ``False`` where either is NaN.

    Parameters
    ----------
    a, b : array_like of float
        Broadcastable values.

    Returns
    -------
    numpy.ndarray of bool
    """
    return _apply(_BELOW, a, b)


def at_or_below(a: FloatLike, b: FloatLike) -> BoolArray:
    """Not :func:`above` (a tie counts), and both values known.

    Parameters
    ----------
    a, b : array_like of float
        Broadcastable values.

    Returns
    -------
    numpy.ndarray of bool
    """
    return _apply(_AT_OR_BELOW, a, b)


def at_or_above(a: FloatLike, b: FloatLike) -> BoolArray:
    """Not :func:`below` (a tie counts), and both values known.

    Parameters
    ----------
    a, b : array_like of float
        Broadcastable values.

    Returns
    -------
    numpy.ndarray of bool
    """
    return _apply(_AT_OR_ABOVE, a, b)


def _prev(mask: BoolArray) -> BoolArray:
    out = np.zeros_like(mask)
    out[1:] = mask[:-1]
    return out


def crosses_above(a: FloatLike, b: FloatLike) -> BoolArray:
    """``a`` is :func:`above` ``b`` today and was :func:`at_or_below` it the day before.

    Parameters
    ----------
    a, b : array_like of float
        Broadcastable arrays with time on axis 0 (at least 1-D).

    Returns
    -------
    numpy.ndarray of bool
        ``False`` on the first row (no previous day).
    """
    return above(a, b) & _prev(at_or_below(a, b))


def crosses_below(a: FloatLike, b: FloatLike) -> BoolArray:
    """``a`` is :func:`below` ``b`` today and was :func:`at_or_above` it the day before.

    Parameters
    ----------
    a, b : array_like of float
        Broadcastable arrays with time on axis 0 (at least 1-D).

    Returns
    -------
    numpy.ndarray of bool
        ``False`` on the first row (no previous day).
    """
    return below(a, b) & _prev(at_or_above(a, b))
