"""vectorbt's float tolerances, compiled: the one copy the simulators share.

vectorbt's order execution decides "is this zero / are these equal" with
``is_close_nb`` and snaps sums that vanish within tolerance to zero with
``add_nb`` (``vectorbt.utils.math_``: relative 1e-9, absolute 1e-12).  The
run's simulator (:mod:`backtest.execution.simulator`) and the sweep kernel
(:mod:`backtest.sweep.kernel`) use these two functions, so both reproduce
vectorbt's arithmetic with the same rule.
"""

from __future__ import annotations

import numpy as np
from numba import njit

__all__ = ["ABS_TOL", "REL_TOL", "add", "is_close"]

REL_TOL = 1e-9
"""vectorbt's relative tolerance."""

ABS_TOL = 1e-12
"""vectorbt's absolute tolerance."""


@njit(cache=True)
def is_close(a: float, b: float) -> bool:  # pragma: no cover - compiled
    """``a`` and ``b`` equal within tolerance (never for a NaN or an infinity)."""
    if np.isnan(a) or np.isnan(b):
        return False
    if np.isinf(a) or np.isinf(b):
        return False
    if a == b:
        return True
    return abs(a - b) <= max(REL_TOL * max(abs(a), abs(b)), ABS_TOL)


@njit(cache=True)
def add(a: float, b: float) -> float:  # pragma: no cover - compiled
    """``a + b``, snapped to 0 when the sum is zero within tolerance."""
    if np.sign(a) != np.sign(b):
        if is_close(abs(a), abs(b)):
            return 0.0
    elif is_close(a + b, 0.0):
        return 0.0
    return a + b
