"""All data-snooping evidence for one sweep in one call.

:func:`sweep_evidence` takes the ``(T, n)`` daily returns of every parameter
set of a sweep and the buy-and-hold returns over the same days, and runs
Hansen's SPA and Romano-Wolf StepM against buy-and-hold, the Deflated Sharpe
Ratio of the best set, the Probability of Backtest Overfitting (CSCV), an
in-sample/out-of-sample split and a walk-forward.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from backtest.evidence.dsr import DsrResult, deflated_sharpe
from backtest.evidence.event_study import make_rng
from backtest.evidence.metrics import Metric
from backtest.evidence.pbo import PboResult, pbo_cscv
from backtest.evidence.snooping import SpaResult, StepMResult, spa_test, stepm
from backtest.evidence.walkforward import (
    SplitResult,
    WalkForwardResult,
    split_is_oos,
    walk_forward,
)

__all__ = ["SweepEvidence", "sweep_evidence"]


@dataclass(frozen=True, eq=False)
class SweepEvidence:
    """Data-snooping evidence of one sweep (see :func:`sweep_evidence`).

    Attributes
    ----------
    spa : SpaResult
        Hansen's SPA (consistent p-value reported).
    stepm : StepMResult
        Romano-Wolf StepM.
    dsr : DsrResult
        Deflated Sharpe Ratio of the best set.
    pbo : PboResult or None
        Probability of Backtest Overfitting (None with fewer than 2 sets).
    split : SplitResult
        In-sample / out-of-sample split.
    walk_forward : WalkForwardResult or None
        Walk-forward (None when the data are too short for one window).
    """

    spa: SpaResult
    stepm: StepMResult
    dsr: DsrResult
    pbo: PboResult | None
    split: SplitResult
    walk_forward: WalkForwardResult | None

    def to_frame(self) -> pd.DataFrame:
        """One row per figure: ``test``, ``figure``, ``value``."""
        rows: list[tuple[str, str, object]] = [
            ("spa", "pvalue_consistent", self.spa.pvalue),
            ("spa", "pvalue_lower", float(self.spa.pvalues["lower"])),
            ("spa", "pvalue_upper", float(self.spa.pvalues["upper"])),
            ("spa", "best", self.spa.best),
            ("stepm", "n_superior", len(self.stepm.superior)),
            ("stepm", "superior", "; ".join(self.stepm.superior)),
            ("dsr", "best", self.dsr.best),
            ("dsr", "sharpe", self.dsr.sharpe),
            ("dsr", "sr0", self.dsr.sr0),
            ("dsr", "dsr", self.dsr.dsr),
            ("split", "chosen", self.split.chosen),
            ("split", "is_metric", self.split.is_metric),
            ("split", "oos_metric", self.split.oos_metric),
            ("split", "oos_percentile", self.split.oos_percentile),
            ("split", "benchmark_oos", self.split.benchmark_oos),
        ]
        if self.pbo is not None:
            rows += [("pbo", "pbo", self.pbo.pbo), ("pbo", "prob_oos_loss",
                                                    self.pbo.prob_oos_loss)]
        if self.walk_forward is not None:
            wf = self.walk_forward
            rows += [("walk_forward", "oos_total_return", float(wf.oos_equity.iloc[-1] - 1)),
                     ("walk_forward", "benchmark_total_return",
                      float(wf.benchmark_equity.iloc[-1] - 1)),
                     ("walk_forward", "windows", len(wf.windows))]
        return pd.DataFrame(rows, columns=["test", "figure", "value"])

    def summary(self) -> str:
        """Every test's paragraph."""
        parts = [self.spa.summary(), self.stepm.summary(), self.dsr.summary()]
        if self.pbo is not None:
            parts.append(self.pbo.summary())
        parts.append(self.split.summary())
        if self.walk_forward is not None:
            parts.append(self.walk_forward.summary())
        return "\n".join(parts)

    def __str__(self) -> str:
        return self.summary()


def sweep_evidence(
    strategy_returns: pd.DataFrame,
    benchmark_returns: pd.Series,
    *,
    reps: int = 1000,
    seed: int | np.random.Generator | None = 0,
    size: float = 0.05,
    n_partitions: int = 16,
    split: str | float = 0.5,
    train: int = 756,
    test: int = 252,
    metric: Metric = "sharpe",
) -> SweepEvidence:
    """Run every data-snooping check on a sweep's returns.

    Parameters
    ----------
    strategy_returns : pandas.DataFrame
        ``(T, n)`` daily returns, one column per parameter set, no NaN.
    benchmark_returns : pandas.Series
        Buy-and-hold daily returns on the same index.
    reps : int, default 1000
        Bootstrap replicates of SPA and StepM.
    seed : int, Generator or None, default 0
        Randomness of the bootstraps (one Generator, SPA then StepM).
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
        PBO by mean).

    Returns
    -------
    SweepEvidence
    """
    rng = make_rng(seed)
    spa = spa_test(strategy_returns, benchmark_returns, reps=reps, seed=rng)
    sm_ = stepm(strategy_returns, benchmark_returns, size=size, reps=reps, seed=rng)
    n = strategy_returns.shape[1]
    dsr = deflated_sharpe(strategy_returns) if n >= 2 else _single_dsr(strategy_returns)
    S = min(int(n_partitions), len(strategy_returns) // 2)
    S -= S % 2
    pbo = (pbo_cscv(strategy_returns, S, "mean" if metric == "total" else metric)
           if n >= 2 and S >= 2 else None)
    sp = split_is_oos(strategy_returns, benchmark_returns, split, metric)
    wf = (walk_forward(strategy_returns, benchmark_returns, train=train, test=test,
                       metric=metric) if len(strategy_returns) > train else None)
    return SweepEvidence(spa, sm_, dsr, pbo, sp, wf)


def _single_dsr(returns: pd.DataFrame) -> DsrResult:
    from scipy import stats

    from backtest.evidence.dsr import probabilistic_sharpe_ratio

    x = returns.to_numpy(dtype=float)[:, 0]
    sr = float(x.mean() / x.std(ddof=1))
    sk = float(stats.skew(x))
    ku = float(stats.kurtosis(x, fisher=False))
    return DsrResult(best=str(returns.columns[0]), sharpe=sr, sr0=0.0,
                     dsr=probabilistic_sharpe_ratio(sr, 0.0, len(x), sk, ku), n_trials=1,
                     n_obs=len(x), var_sharpe=0.0, skew=sk, kurtosis=ku)
