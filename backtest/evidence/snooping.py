"""Data-snooping tests for sweeps: Hansen's SPA, White's Reality Check, Romano-Wolf StepM.

A sweep that keeps the best of many parameter sets will find one that beat
buy-and-hold by luck.  These tests ask the honest question with a block
bootstrap of the whole set of strategies at once:

* :func:`spa_test` -- Hansen's (2005) Superior Predictive Ability test.  Null:
  *no* parameter set beats the benchmark.  Losses are negative daily returns
  (``loss = -return``), so a model with lower loss earns more.  Three
  p-values: ``lower`` (liberal, recentres only models that look good),
  ``consistent`` (Hansen's recommended one) and ``upper`` (White's (2000)
  Reality Check, conservative).  :attr:`SpaResult.pvalue` is the
  **consistent** p-value; all three are kept.
* :func:`stepm` -- Romano and Wolf's (2005) StepM: the set of parameter sets
  that beat the benchmark, controlling the family-wise error rate at ``size``.
* :func:`spa_stepm` -- both from one bootstrap pass (StepM's steps reuse the
  SPA's simulated values, as arch's StepM does).

The numbers are those of :class:`arch.bootstrap.SPA` and
:class:`arch.bootstrap.StepM` (arch 8) given the same bootstrap indices;
the arithmetic (prefix sums over shared segments, FFT variances, streaming
over chunks of sets) is in :mod:`backtest.evidence.snoop_stats`, and arch is
the reference the tests compare with.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from backtest.evidence.event_study import make_rng
from backtest.evidence.snoop_stats import (
    BootstrapKind,
    BootstrapPlan,
    SnoopOutcome,
    merge_summaries,
    snoop_outcome,
    summarise_chunk,
)

__all__ = ["SnoopBootstrap", "SpaResult", "StepMResult", "snoop_block_size", "spa_stepm",
           "spa_test", "stepm"]

SnoopBootstrap = BootstrapKind

#: Sets per chunk when a loss matrix is reduced in memory (bounds the temporaries).
_CHUNK_SETS = 2048


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


def snoop_block_size(block_size: int | None, n: int) -> int:
    """Bootstrap block length: ``block_size``, or ``round(n ** (1/3))`` (at least 1)."""
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
                f"{self.best_excess * 100:+.4f}% a day.  Null: no set beats {self.benchmark}.")


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
        Accepted for arch's signature; as in arch 8 it changes nothing (the
        variances only select the sets the consistent p-value recentres).
    seed : int, numpy.random.Generator or None
        Randomness of the bootstrap.

    Returns
    -------
    SpaResult
    """
    models, bench = _losses(strategy_returns, benchmark_returns)
    b = snoop_block_size(block_size, len(models))
    out = _outcome(models, bench, b, int(reps), bootstrap, make_rng(seed), 0.05)
    return _spa_result(out, models, b, int(reps))


def _outcome(models: pd.DataFrame, bench: pd.Series, block: int, reps: int,
             bootstrap: SnoopBootstrap, rng: np.random.Generator, size: float) -> SnoopOutcome:
    """One bootstrap pass over the loss differentials ``bench - models``."""
    plan = BootstrapPlan.draw(len(models), block, reps, rng, bootstrap)
    diffs = (bench.to_numpy(dtype=float)[:, None] - models.to_numpy(dtype=float)).T
    n = diffs.shape[0]
    parts = [summarise_chunk(diffs[lo:lo + _CHUNK_SETS], plan, lo, top_k=n)
             for lo in range(0, n, _CHUNK_SETS)]
    return snoop_outcome(merge_summaries(parts, top_k=n), size)


def _spa_result(out: SnoopOutcome, models: pd.DataFrame, block: int, reps: int) -> SpaResult:
    i = int(np.argmax(out.means))
    pv = pd.Series(out.pvalues, dtype=float)
    return SpaResult(pvalue=float(pv["consistent"]), pvalues=pv, best=str(models.columns[i]),
                     best_excess=float(out.means[i]), n_models=models.shape[1],
                     n_obs=len(models), block_size=block, reps=reps)


def _stepm_result(out: SnoopOutcome, models: pd.DataFrame, size: float, block: int,
                  reps: int) -> StepMResult:
    excess = pd.Series(out.means, index=models.columns)
    return StepMResult(superior=[str(models.columns[i]) for i in out.superior],
                       size=float(size), mean_excess=excess, n_models=models.shape[1],
                       n_obs=len(models), block_size=block, reps=reps)


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
    b = snoop_block_size(block_size, len(models))
    out = _outcome(models, bench, b, int(reps), bootstrap, make_rng(seed), size)
    return _stepm_result(out, models, size, b, int(reps))


def spa_stepm(strategy_returns: pd.DataFrame, benchmark_returns: pd.Series, *,
              size: float = 0.05, block_size: int | None = None, reps: int = 1000,
              bootstrap: SnoopBootstrap = "stationary",
              seed: int | np.random.Generator | None = None,
              ) -> tuple[SpaResult, StepMResult]:
    """SPA (with the Reality Check) and StepM from one bootstrap pass.

    Parameters
    ----------
    strategy_returns, benchmark_returns, size, block_size, reps, bootstrap, seed
        As in :func:`stepm`.

    Returns
    -------
    tuple of SpaResult and StepMResult
    """
    if not 0.0 < size < 1.0:
        raise ValueError(f"size must lie in (0, 1), got {size!r}")
    models, bench = _losses(strategy_returns, benchmark_returns)
    b = snoop_block_size(block_size, len(models))
    out = _outcome(models, bench, b, int(reps), bootstrap, make_rng(seed), size)
    return _spa_result(out, models, b, int(reps)), _stepm_result(out, models, size, b, int(reps))
