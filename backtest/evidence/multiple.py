"""Multiple-testing adjustments of p-values (Holm, Benjamini-Yekutieli).

NaN-aware: untestable entries (NaN) are left NaN and do not count towards the
family size.  The arithmetic is that of
:func:`statsmodels.stats.multitest.multipletests` (``"holm"``, ``"fdr_by"``),
written out in numpy -- importing statsmodels' module costs more than a second
(it pulls in ``scipy.stats``); statsmodels stays the reference in the tests,
which hold the two equal on random p-values with ties, zeros and ones.

* **Holm** (step-down Bonferroni) controls the family-wise error rate under any
  dependence between the tests.
* **Benjamini-Yekutieli** controls the false discovery rate under any
  dependence -- the right FDR method here, since tests of neighbouring
  parameter sets and overlapping horizons are strongly dependent.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

__all__ = ["Adjustment", "add_adjusted", "adjust_pvalues"]

Adjustment = Literal["holm", "by"]

_METHODS = ("holm", "by")


def adjust_pvalues(pvalues: npt.ArrayLike, method: Adjustment = "holm") -> npt.NDArray[np.float64]:
    """Adjusted p-values for a family of tests.

    Parameters
    ----------
    pvalues : array_like of float
        Raw p-values in [0, 1]; NaN marks a test that could not be run.
    method : {"holm", "by"}, default "holm"
        Holm step-down (FWER) or Benjamini-Yekutieli (FDR under dependence).

    Returns
    -------
    numpy.ndarray of float
        Same shape as ``pvalues``; NaN where the input was NaN.
    """
    if method not in _METHODS:
        raise ValueError(f"method must be one of {sorted(_METHODS)}, got {method!r}")
    p = np.asarray(pvalues, dtype=float)
    out = np.full(p.shape, np.nan)
    flat = p.ravel()
    ok = np.isfinite(flat)
    if ((flat[ok] < 0) | (flat[ok] > 1)).any():
        raise ValueError("p-values must lie in [0, 1]")
    if ok.any():
        adj = _holm(flat[ok]) if method == "holm" else _by(flat[ok])
        res = out.ravel()
        res[ok] = adj
        out = res.reshape(p.shape)
    return out


def _holm(p: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """Holm's step-down adjustment (statsmodels' ``multipletests(method="holm")``)."""
    order = np.argsort(p)
    n = p.size
    adj = np.maximum.accumulate(np.take(p, order) * np.arange(n, 0, -1))
    adj[adj > 1] = 1
    out = np.empty_like(adj)
    out[order] = adj
    return out


def _by(p: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """Benjamini-Yekutieli (statsmodels' ``multipletests(method="fdr_by")``)."""
    order = np.argsort(p)
    n = p.size
    cm = np.sum(1.0 / np.arange(1, n + 1))
    factor = np.arange(1, n + 1) / float(n) / cm
    adj = np.minimum.accumulate((np.take(p, order) / factor)[::-1])[::-1]
    adj[adj > 1] = 1
    out = np.empty_like(adj)
    out[order] = adj
    return out


def add_adjusted(frame: pd.DataFrame, column: str = "p_raw",
                 prefix: str = "p") -> pd.DataFrame:
    """Copy of ``frame`` with ``{prefix}_holm`` and ``{prefix}_by`` columns added.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per test.
    column : str, default "p_raw"
        Column with the raw p-values; the whole column is one family.
    prefix : str, default "p"
        Prefix of the new column names.

    Returns
    -------
    pandas.DataFrame
    """
    if column not in frame.columns:
        raise ValueError(f"frame has no column {column!r}; columns: {list(frame.columns)}")
    out = frame.copy()
    raw = out[column].to_numpy(dtype=float)
    out[f"{prefix}_holm"] = adjust_pvalues(raw, "holm")
    out[f"{prefix}_by"] = adjust_pvalues(raw, "by")
    return out
