"""Data-snooping tests for sweeps: Hansen's SPA and Romano-Wolf StepM.

A sweep that keeps the best of many parameter sets will find one that beat
buy-and-hold by luck.  Both tests here ask the honest question with a block
bootstrap of the whole set of strategies at once (:mod:`arch.bootstrap`):

* :func:`spa_test` -- Hansen's (2005) Superior Predictive Ability test.  Null:
  *no* parameter set beats the benchmark.  Losses are negative daily returns
  (``loss = -return``), so a model with lower loss earns more.  arch reports
  three p-values: ``lower`` (liberal, recentres only models that look
  good), ``consistent`` (Hansen's recommended one) and ``upper`` (White's
  Reality Check, conservative).  :attr:`SpaResult.pvalue` is the
  **consistent** p-value; all three are kept.
* :func:`stepm` -- Romano and Wolf's (2005) StepM: the set of parameter sets
  that beat the benchmark, controlling the family-wise error rate at ``size``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
from arch.bootstrap import SPA, StepM

from backtest.evidence.event_study import make_rng

__all__ = ["SnoopBootstrap", "SpaResult", "StepMResult", "spa_test", "stepm"]

SnoopBootstrap = Literal["stationary", "circular", "moving block"]


def _losses(strategy_returns: pd.DataFrame, benchmark_returns: pd.Series,
            ) -> tuple[pd.DataFrame, pd.Series]:
    if not isinstance(strategy_returns, pd.DataFrame):
        raise TypeError("strategy_returns must be a DataFrame (T days x n parameter sets), "
                        f"got {type(strategy_returns).__name__}")
    if not isinstance(benchmark_returns, pd.Series):
        raise TypeError(f"benchmark_returns must be a Series, got "
                        f"{type(benchmark_returns).__name__}")
    if not strategy_returns.index.equals(benchmark_returns.index):
        raise ValueError("strategy_returns and benchmark_returns must share one index "
                         f"({len(strategy_returns)} vs {len(benchmark_returns)} rows)")
    if strategy_returns.shape[1] < 1:
        raise ValueError("strategy_returns has no columns")
    bad = strategy_returns.columns[~np.isfinite(strategy_returns.to_numpy(float)).all(axis=0)]
    if len(bad):
        raise ValueError(f"strategy_returns has NaN/inf in column(s) {list(bad)[:5]}; "
                         "fill flat days with 0 and drop the warm-up rows first")
    if not np.isfinite(benchmark_returns.to_numpy(float)).all():
        first = benchmark_returns.index[~np.isfinite(benchmark_returns.to_numpy(float))][0]
        raise ValueError(f"benchmark_returns has NaN/inf (first at {first})")
    models = -strategy_returns.astype(float)
    models.columns = [_label(c) for c in strategy_returns.columns]
    return models, -benchmark_returns.astype(float)


def _label(c: object) -> str:
    return ", ".join(str(x) for x in c) if isinstance(c, tuple) else str(c)


def _block(block_size: int | None, n: int) -> int:
    if block_size is None:
        return max(1, int(np.round(n ** (1 / 3))))
    if int(block_size) < 1:
        raise ValueError(f"block_size must be >= 1, got {block_size!r}")
    return int(block_size)


@dataclass(frozen=True, eq=False)
class SpaResult:
    """Result of :func:`spa_test`.

    Attributes
    ----------
    pvalue : float
        The **consistent** SPA p-value (Hansen's recommendation).
    pvalues : pandas.Series
        ``lower``, ``consistent`` and ``upper`` p-values.
    best : str
        Column with the highest mean return.
    best_excess : float
        Its mean daily return minus the benchmark's.
    n_models, n_obs, block_size, reps : int
        Sizes of the test.
    benchmark : str
        What the sets were compared with (for the summary).
    """

    pvalue: float
    pvalues: pd.Series
    best: str
    best_excess: float
    n_models: int
    n_obs: int
    block_size: int
    reps: int
    benchmark: str = "buy-and-hold"

    def to_frame(self) -> pd.DataFrame:
        """One row with every figure."""
        return pd.DataFrame([{"pvalue_consistent": self.pvalue,
                              "pvalue_lower": float(self.pvalues["lower"]),
                              "pvalue_upper": float(self.pvalues["upper"]),
                              "best": self.best, "best_excess": self.best_excess,
                              "n_models": self.n_models, "n_obs": self.n_obs,
                              "block_size": self.block_size, "reps": self.reps}])

    def summary(self) -> str:
        """One paragraph in words."""
        return (f"Hansen SPA vs {self.benchmark} over {self.n_models} parameter sets, "
                f"{self.n_obs} days (block {self.block_size}, {self.reps} reps): consistent "
                f"p = {self.pvalue:.3f} (lower {self.pvalues['lower']:.3f}, upper "
                f"{self.pvalues['upper']:.3f}).  Best set {self.best}: mean excess "
                f"{self.best_excess:.3e}/day.  Null: no set beats {self.benchmark}.")


def spa_test(strategy_returns: pd.DataFrame, benchmark_returns: pd.Series, *,
             block_size: int | None = None, reps: int = 1000,
             bootstrap: SnoopBootstrap = "stationary", studentize: bool = True,
             seed: int | np.random.Generator | None = None) -> SpaResult:
    """Hansen's SPA test of every parameter set against a benchmark.

    Parameters
    ----------
    strategy_returns : pandas.DataFrame
        Daily returns, one column per parameter set (``T x n``), no NaN.
    benchmark_returns : pandas.Series
        Daily benchmark (buy-and-hold) returns on the same index.
    block_size : int or None, default None
        Bootstrap block length (``None``: ``round(T ** (1/3))``).
    reps : int, default 1000
        Bootstrap replicates.
    bootstrap : {"stationary", "circular", "moving block"}, default "stationary"
        Bootstrap scheme (arch's names).
    studentize : bool, default True
        Studentize the loss differentials.
    seed : int, numpy.random.Generator or None
        Randomness of the bootstrap.

    Returns
    -------
    SpaResult
    """
    models, bench = _losses(strategy_returns, benchmark_returns)
    b = _block(block_size, len(models))
    spa = SPA(bench, models, block_size=b, reps=int(reps), bootstrap=bootstrap,
              studentize=studentize, seed=make_rng(seed))
    spa.compute()
    excess = (strategy_returns.astype(float).sub(benchmark_returns.astype(float), axis=0)).mean()
    i = int(np.argmax(excess.to_numpy()))
    pv = pd.Series(spa.pvalues, dtype=float)
    return SpaResult(pvalue=float(pv["consistent"]), pvalues=pv, best=str(models.columns[i]),
                     best_excess=float(excess.iloc[i]), n_models=models.shape[1],
                     n_obs=len(models), block_size=b, reps=int(reps))


@dataclass(frozen=True, eq=False)
class StepMResult:
    """Result of :func:`stepm`.

    Attributes
    ----------
    superior : list of str
        Parameter sets (column labels) that beat the benchmark at FWER ``size``.
    size : float
        Family-wise error rate.
    mean_excess : pandas.Series
        Mean daily return minus the benchmark's, per parameter set.
    n_models, n_obs, block_size, reps : int
        Sizes of the test.
    benchmark : str
        What the sets were compared with (for the summary).
    """

    superior: list[str]
    size: float
    mean_excess: pd.Series
    n_models: int
    n_obs: int
    block_size: int
    reps: int
    benchmark: str = "buy-and-hold"

    def to_frame(self) -> pd.DataFrame:
        """One row per parameter set: mean excess and whether it is superior."""
        return pd.DataFrame({"mean_excess": self.mean_excess,
                             "superior": self.mean_excess.index.isin(self.superior)})

    def summary(self) -> str:
        """One paragraph in words."""
        names = ", ".join(self.superior[:10]) + (" ..." if len(self.superior) > 10 else "")
        return (f"Romano-Wolf StepM vs {self.benchmark}, FWER {self.size:g}: "
                f"{len(self.superior)} of {self.n_models} parameter sets superior"
                + (f" ({names})." if self.superior else "."))


def stepm(strategy_returns: pd.DataFrame, benchmark_returns: pd.Series, *,
          size: float = 0.05, block_size: int | None = None, reps: int = 1000,
          bootstrap: SnoopBootstrap = "stationary", studentize: bool = True,
          seed: int | np.random.Generator | None = None) -> StepMResult:
    """Romano-Wolf StepM: which parameter sets beat the benchmark.

    Parameters
    ----------
    strategy_returns, benchmark_returns
        As in :func:`spa_test`.
    size : float, default 0.05
        Family-wise error rate, ``0 < size < 1``.
    block_size, reps, bootstrap, studentize, seed
        As in :func:`spa_test`.

    Returns
    -------
    StepMResult
    """
    if not 0.0 < size < 1.0:
        raise ValueError(f"size must lie in (0, 1), got {size!r}")
    models, bench = _losses(strategy_returns, benchmark_returns)
    b = _block(block_size, len(models))
    sm_ = StepM(bench, models, size=size, block_size=b, reps=int(reps), bootstrap=bootstrap,
                studentize=studentize, seed=make_rng(seed))
    sm_.compute()
    excess = strategy_returns.astype(float).sub(benchmark_returns.astype(float), axis=0).mean()
    excess.index = models.columns
    return StepMResult(superior=[str(s) for s in sm_.superior_models], size=float(size),
                       mean_excess=excess, n_models=models.shape[1], n_obs=len(models),
                       block_size=b, reps=int(reps))
