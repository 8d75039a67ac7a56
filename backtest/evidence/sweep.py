"""All data-snooping evidence for one sweep in one call.

:func:`sweep_evidence` takes the ``(T, n)`` daily returns of every parameter
set of a sweep and the market (buy-and-hold) returns over the same days, and
asks whether any set's **timing** has value once the search is accounted for:

* primary: Hansen's SPA, Romano-Wolf StepM and the Deflated Sharpe Ratio on the
  returns in excess of the **exposure-matched benchmark** -- each set's own
  average exposure to the market, the rest in cash at the T-bill rate when a
  cash series is given (:mod:`backtest.evidence.benchmarks`).  The split and
  the walk-forward pick and judge on the same excess measure;
* a second view: the same tests on CAPM alpha against the market;
* secondary, labelled: SPA/StepM of raw returns against buy-and-hold and the
  DSR of raw returns against a Sharpe ratio of 0 -- the comparison the project
  used first.  A strategy in the market a fifth of the time cannot beat an
  always-invested benchmark on mean return, whatever its timing, and any long
  exposure passes a DSR against 0, so neither speaks to timing skill;
* the Probability of Backtest Overfitting (CSCV) on the primary excess returns.

:func:`evidence_of_sweep` does the same for a
:class:`~backtest.sweep.result.SweepResult`: each set's market is buy-and-hold
under that set's own costs, its exposure is read from its returns
(:func:`~backtest.evidence.benchmarks.exposure_from_returns`).

SPA and StepM receive excess returns with a zero benchmark: model loss
``-(r_i - b_i)``, benchmark loss ``0``.  arch's tests use only the loss
differentials, so this equals a test against per-set benchmarks.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from backtest.evidence.metrics import Metric
from backtest.evidence.stream import EvidenceStream
from backtest.evidence.sweep_result import SweepEvidence

if TYPE_CHECKING:
    from backtest.sweep.result import SweepResult

__all__ = ["SweepEvidence", "evidence_of_sweep", "sweep_evidence"]

#: Sets per chunk when an in-memory matrix is fed to the evidence stream.
_CHUNK_SETS = 2048


def sweep_evidence(
    strategy_returns: pd.DataFrame,
    benchmark_returns: pd.Series | pd.DataFrame,
    *,
    reps: int = 1000,
    seed: int | np.random.Generator | None = 0,
    size: float = 0.05,
    n_partitions: int = 16,
    split: str | float = 0.5,
    train: int = 756,
    test: int = 252,
    metric: Metric = "sharpe",
    exposure: npt.ArrayLike | None = None,
    cash: pd.Series | None = None,
    cash_label: str = "none",
    views: bool = True,
) -> SweepEvidence:
    """Run every data-snooping check on a sweep's returns.

    Parameters
    ----------
    strategy_returns : pandas.DataFrame
        ``(T, n)`` daily returns, one column per parameter set, no NaN.
    benchmark_returns : pandas.Series or pandas.DataFrame
        Market (buy-and-hold) daily returns on the same index, or one column per
        parameter set (in the order of ``strategy_returns``' columns).
    reps : int, default 1000
        Bootstrap replicates of SPA and StepM.
    seed : int, Generator or None, default 0
        Randomness of the bootstraps: one Generator draws one index plan,
        shared by the three views (primary, CAPM alpha, buy-and-hold); each
        view's SPA and StepM share one bootstrap pass.
    size : float, default 0.05
        FWER of StepM.
    n_partitions : int, default 16
        CSCV blocks ``S`` (even); lowered to the largest even number that leaves
        at least 2 rows per block.
    split : str or float, default 0.5
        First out-of-sample date or in-sample share of the rows.
    train, test : int, default 756 and 252
        Walk-forward window lengths in rows (three years, one year).
    metric : {"sharpe", "mean", "total"}, default "sharpe"
        Selection metric of the split, walk-forward and PBO (``"total"`` ranks
        PBO by mean), applied to the excess returns.
    exposure : array_like of float, shape (n,), or None, default None
        Average exposure of each set to the market (the exposure-matched
        benchmark's weight).  ``None``: 1 for every set, which makes the
        primary view the plain comparison with the market.
    cash : pandas.Series or None, default None
        Daily cash return (e.g. :func:`~backtest.evidence.benchmarks.cash_from_dtb3`);
        ``None``: 0.
    cash_label : str, default "none"
        Name of the cash source, for the summary.
    views : bool, default True
        Also run the CAPM-alpha and the secondary buy-and-hold views.

    Returns
    -------
    SweepEvidence
    """
    _relative(strategy_returns, benchmark_returns)  # validates the inputs
    n = strategy_returns.shape[1]
    e = np.ones(n) if exposure is None else np.asarray(exposure, dtype=float).reshape(-1)
    if e.size != n or not np.isfinite(e).all():
        raise ValueError(f"exposure needs one finite value per parameter set ({n}), "
                         f"got {e.size}")
    return _streamed(strategy_returns, benchmark_returns, e, cash, cash_label,
                     reps=reps, seed=seed, size=size, n_partitions=n_partitions, split=split,
                     train=train, test=test, metric=metric, views=views)


def _streamed(strategy_returns: pd.DataFrame, benchmark_returns: pd.Series | pd.DataFrame,
              exposure: npt.NDArray[np.float64] | None, cash: pd.Series | None,
              cash_label: str, **kwargs: Any) -> SweepEvidence:
    """The evidence of an in-memory matrix, fed to the stream in chunks of sets."""
    x = strategy_returns.to_numpy(dtype=float).T
    market = np.ascontiguousarray(benchmark_returns.to_numpy(dtype=float).T
                                  if isinstance(benchmark_returns, pd.DataFrame)
                                  else benchmark_returns.to_numpy(dtype=float)[None, :])
    if cash is not None:
        cash = cash.reindex(strategy_returns.index).fillna(0.0)
    stream = EvidenceStream(strategy_returns.index, cash=cash, cash_label=cash_label,
                            top_k=max(1, x.shape[0]), **kwargs)
    labels = [_label(c) for c in strategy_returns.columns]
    for lo in range(0, x.shape[0], _CHUNK_SETS):
        hi = lo + _CHUNK_SETS
        m = market if market.shape[0] == 1 else market[lo:hi]
        stream.add(lo, x[lo:hi], m, labels[lo:hi],
                   None if exposure is None else exposure[lo:hi])
    return stream.result()


def _label(c: object) -> str:
    return ", ".join(str(v) for v in c) if isinstance(c, tuple) else str(c)


def _relative(strategy_returns: pd.DataFrame, benchmark_returns: pd.Series | pd.DataFrame,
              ) -> tuple[pd.DataFrame, pd.Series]:
    """Returns in excess of each set's benchmark, and a zero benchmark."""
    if not isinstance(strategy_returns, pd.DataFrame):
        raise TypeError("strategy_returns must be a DataFrame (T days x n parameter sets), "
                        f"got {type(strategy_returns).__name__}")
    if isinstance(benchmark_returns, pd.DataFrame):
        if benchmark_returns.shape[1] != strategy_returns.shape[1]:
            raise ValueError("benchmark_returns needs one column per parameter set: "
                             f"{benchmark_returns.shape[1]} columns for "
                             f"{strategy_returns.shape[1]} sets")
        if not strategy_returns.index.equals(benchmark_returns.index):
            raise ValueError("strategy_returns and benchmark_returns must share one index "
                             f"({len(strategy_returns)} vs {len(benchmark_returns)} rows)")
        b = benchmark_returns.to_numpy(dtype=float)
        if not np.isfinite(b).all():
            raise ValueError("benchmark_returns has NaN/inf")
        rel = strategy_returns.astype(float) - b
    elif isinstance(benchmark_returns, pd.Series):
        if not strategy_returns.index.equals(benchmark_returns.index):
            raise ValueError("strategy_returns and benchmark_returns must share one index "
                             f"({len(strategy_returns)} vs {len(benchmark_returns)} rows)")
        if not np.isfinite(benchmark_returns.to_numpy(dtype=float)).all():
            raise ValueError("benchmark_returns has NaN/inf")
        rel = strategy_returns.astype(float).sub(benchmark_returns.astype(float), axis=0)
    else:
        raise TypeError("benchmark_returns must be a Series or a DataFrame, got "
                        f"{type(benchmark_returns).__name__}")
    return rel, pd.Series(0.0, index=strategy_returns.index)


def evidence_of_sweep(result: SweepResult, *, cash: pd.Series | None = None,
                      **kwargs: Any) -> SweepEvidence:
    """:func:`sweep_evidence` of a sweep run with ``keep_returns=True``.

    Every parameter set's market is buy-and-hold under its own execution
    variant (fees, slippage); days before a set's first return count as flat;
    each set's average exposure is read from its returns
    (:func:`~backtest.evidence.benchmarks.exposure_from_returns`).

    Parameters
    ----------
    result : SweepResult
        A sweep that kept its daily returns.
    cash : pandas.Series or None, default None
        Daily cash returns (e.g. from a ``dtb3`` column through
        :func:`~backtest.evidence.benchmarks.cash_from_dtb3`); ``None``: 0.
    **kwargs
        Passed to :func:`sweep_evidence` (``reps``, ``seed``, ``split``,
        ``train``, ``test``, ``metric``, ``cash_label``, ...).

    Returns
    -------
    SweepEvidence
    """
    rets = result.returns().fillna(0.0)
    bench = result.benchmark_returns.reindex(rets.index).fillna(0.0)
    per_set = pd.DataFrame(bench.to_numpy(dtype=float)[:, np.asarray(result.variant_of)],
                           index=rets.index, columns=rets.columns)
    _relative(rets, per_set)
    label = str(kwargs.pop("cash_label", "none"))
    return _streamed(rets, per_set, None, cash, label, **kwargs)
