"""Column metrics used to rank parameter sets (pure functions of a returns matrix)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

import numpy as np
import numpy.typing as npt

__all__ = ["Metric", "column_metric", "resolve_metric"]

Metric = Literal["sharpe", "mean", "total"]
FloatArray = npt.NDArray[np.float64]


def _sharpe(x: FloatArray) -> FloatArray:
    sd = x.std(axis=0, ddof=1)
    mu = x.mean(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(sd > 0, mu / np.where(sd > 0, sd, 1.0), 0.0)
    return np.asarray(out, dtype=float)


def _mean(x: FloatArray) -> FloatArray:
    return np.asarray(x.mean(axis=0), dtype=float)


def _total(x: FloatArray) -> FloatArray:
    return np.asarray(np.prod(1.0 + x, axis=0) - 1.0, dtype=float)


_METRICS: dict[str, Callable[[FloatArray], FloatArray]] = {
    "sharpe": _sharpe, "mean": _mean, "total": _total}


def resolve_metric(metric: Metric | Callable[[FloatArray], FloatArray],
                   ) -> Callable[[FloatArray], FloatArray]:
    """The column-metric function for a name or a callable.

    Parameters
    ----------
    metric : {"sharpe", "mean", "total"} or callable
        ``"sharpe"``: per-period mean / standard deviation (0 for a flat
        column); ``"mean"``: mean return; ``"total"``: compounded return.  A
        callable maps a ``(T, n)`` array to ``n`` scores (higher is better).

    Returns
    -------
    callable
    """
    if callable(metric):
        return metric
    if metric not in _METRICS:
        raise ValueError(f"metric must be one of {sorted(_METRICS)} or a callable, "
                         f"got {metric!r}")
    return _METRICS[metric]


def column_metric(x: FloatArray, metric: Metric | Callable[[FloatArray], FloatArray]
                  ) -> FloatArray:
    """Score of every column of ``x`` (``(T, n)``) under ``metric``."""
    return np.asarray(resolve_metric(metric)(np.asarray(x, dtype=float)), dtype=float)
