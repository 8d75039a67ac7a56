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
arrays.  The shift in :func:`crosses_above` / :func:`crosses_below` runs along
axis 0 (time).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

__all__ = [
    "ATOL",
    "RTOL",
    "above",
    "at_or_above",
    "at_or_below",
    "below",
    "crosses_above",
    "crosses_below",
]

RTOL: float = 1e-9
"""Relative tolerance of a tie."""

ATOL: float = 1e-12
"""Absolute tolerance of a tie (matters only for values near zero, e.g. residuals)."""

FloatLike = npt.ArrayLike
BoolArray = npt.NDArray[np.bool_]


_MAX_TOL = 1e290  # keeps the tolerance finite when a value is infinite


def _pair(a: FloatLike, b: FloatLike) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64],
                                                npt.NDArray[np.float64]]:
    x = np.asarray(a, dtype=np.float64)
    y = np.asarray(b, dtype=np.float64)
    tol = np.asarray(np.maximum(np.abs(x), np.abs(y)))
    if tol.ndim == 0:
        return x, y, np.asarray(min(float(tol) * RTOL, _MAX_TOL) + ATOL)
    tol *= RTOL
    np.minimum(tol, _MAX_TOL, out=tol)
    tol += ATOL
    return x, y, tol


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
    x, y, tol = _pair(a, b)
    with np.errstate(invalid="ignore"):
        return np.asarray(x - y > tol)


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
    x, y, tol = _pair(a, b)
    with np.errstate(invalid="ignore"):
        return np.asarray(y - x > tol)


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
    x, y, tol = _pair(a, b)
    with np.errstate(invalid="ignore"):
        return np.asarray(x - y <= tol)


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
    x, y, tol = _pair(a, b)
    with np.errstate(invalid="ignore"):
        return np.asarray(y - x <= tol)


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
