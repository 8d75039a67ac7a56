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
def _compare(op: int, a: npt.NDArray[np.float64], b: npt.NDArray[np.float64],
             out: npt.NDArray[np.bool_]) -> None:  # pragma: no cover - compiled
    """One comparison over 1-D arrays of equal length (one compiled function for
    the four, so a process loads one function from numba's cache, not four ufuncs)."""
    for i in range(a.shape[0]):
        x = a[i]
        y = b[i]
        if op == 0:
            out[i] = x - y > tolerance(x, y)
        elif op == 1:
            out[i] = y - x > tolerance(x, y)
        elif op == 2:
            out[i] = x - y <= tolerance(x, y)
        else:
            out[i] = y - x <= tolerance(x, y)


def _apply(op: int, a: FloatLike, b: FloatLike) -> BoolArray:
    """Broadcast ``a`` and ``b`` like a NumPy ufunc and compare element by element."""
    x, y = np.broadcast_arrays(np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64))
    out = np.empty(x.shape, dtype=np.bool_)
    # An ordered comparison with a NaN (warm-up rows) sets the CPU's "invalid"
    # flag; NaN compares as False by design, so the flag carries no news.
    with np.errstate(invalid="ignore"):
        # writable C-ordered copies: one compiled signature whatever the inputs' layout
        _compare(op, np.array(x, order="C").reshape(-1), np.array(y, order="C").reshape(-1),
                 out.reshape(-1))
    return out


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
