"""Multiple-testing adjustments of p-values (Holm, Benjamini-Yekutieli).

Thin, NaN-aware wrappers over :func:`statsmodels.stats.multitest.multipletests`:
untestable entries (NaN) are left NaN and do not count towards the family
size.

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

_METHODS = {"holm": "holm", "by": "fdr_by"}


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
        from statsmodels.stats.multitest import multipletests

        adj = multipletests(flat[ok], method=_METHODS[method])[1]
        res = out.ravel()
        res[ok] = adj
        out = res.reshape(p.shape)
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
