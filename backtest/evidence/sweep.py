"""All data-snooping evidence for one sweep in one call.

:func:`sweep_evidence` takes the ``(T, n)`` daily returns of every parameter
set of a sweep and the buy-and-hold returns over the same days, and runs
Hansen's SPA and Romano-Wolf StepM against buy-and-hold, the Deflated Sharpe
Ratio of the best set, the Probability of Backtest Overfitting (CSCV), an
in-sample/out-of-sample split and a walk-forward.  :func:`evidence_of_sweep`
does the same for a :class:`~backtest.sweep.result.SweepResult`, comparing
every parameter set with buy-and-hold under that set's own costs.

With one benchmark per parameter set, SPA and StepM receive relative losses:
model loss ``-(r_i - b_i)`` and benchmark loss ``0``.  arch's tests use only
the loss differentials ``benchmark - model`` = ``r_i - b_i``, so this equals
the single-benchmark test whenever all ``b_i`` are the same series.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from backtest.evidence.dsr import DsrResult
from backtest.evidence.metrics import Metric
from backtest.evidence.pbo import PboResult
from backtest.evidence.snooping import SpaResult, StepMResult
from backtest.evidence.stream import EvidenceStream
from backtest.evidence.walkforward import SplitResult, WalkForwardResult

if TYPE_CHECKING:
    from backtest.sweep.result import SweepResult

__all__ = ["SweepEvidence", "evidence_of_sweep", "sweep_evidence"]

#: Sets per chunk when an in-memory matrix is fed to the evidence stream.
_CHUNK_SETS = 2048


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
    notes : tuple of str
        Why a part is missing.
    metric : str
        Selection metric of the split, walk-forward and PBO.
    """

    spa: SpaResult
    stepm: StepMResult
    dsr: DsrResult
    pbo: PboResult | None
    split: SplitResult | None
    walk_forward: WalkForwardResult | None
    notes: tuple[str, ...] = ()
    metric: str = "sharpe"

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
        ]
        if self.split is not None:
            sp = self.split
            rows += [("split", "chosen", sp.chosen), ("split", "is_metric", sp.is_metric),
                     ("split", "oos_metric", sp.oos_metric),
                     ("split", "oos_percentile", sp.oos_percentile),
                     ("split", "benchmark_oos", sp.benchmark_oos)]
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
        if self.split is not None:
            parts.append(self.split.summary())
        if self.walk_forward is not None:
            parts.append(self.walk_forward.summary())
        return "\n".join([*parts, *self.notes])

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready figures: ``spa``, ``stepm``, ``dsr``, ``pbo``, ``split``,
        ``walk_forward`` (each an object or ``None``) and ``notes``."""
        from backtest.report.metadata import frame_records

        wf: dict[str, Any] | None = None
        if self.walk_forward is not None:
            w = self.walk_forward
            wf = {"metric": w.metric, "n_windows": len(w.windows),
                  "start": w.oos_returns.index[0], "end": w.oos_returns.index[-1],
                  "oos_total_return": float(w.oos_equity.iloc[-1] - 1.0),
                  "benchmark_total_return": float(w.benchmark_equity.iloc[-1] - 1.0),
                  "windows": frame_records(w.windows.drop(columns="chosen_index"))}
        return {
            "spa": frame_records(self.spa.to_frame())[0],
            "stepm": {"superior": list(self.stepm.superior), "size": self.stepm.size,
                      "n_models": self.stepm.n_models},
            "dsr": frame_records(self.dsr.to_frame())[0],
            "pbo": ({"pbo": float(self.pbo.pbo), "prob_oos_loss": float(self.pbo.prob_oos_loss)}
                    if self.pbo is not None else None),
            "split": ({**frame_records(self.split.to_frame())[0], "metric": self.metric}
                      if self.split is not None else None),
            "walk_forward": wf,
            "notes": list(self.notes),
        }

    def __str__(self) -> str:
        return self.summary()


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
) -> SweepEvidence:
    """Run every data-snooping check on a sweep's returns.

    Parameters
    ----------
    strategy_returns : pandas.DataFrame
        ``(T, n)`` daily returns, one column per parameter set, no NaN.
    benchmark_returns : pandas.Series or pandas.DataFrame
        Buy-and-hold daily returns on the same index, or one column per
        parameter set (in the order of ``strategy_returns``' columns): each set
        is then compared with its own benchmark in every test.
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
    _relative(strategy_returns, benchmark_returns)  # validates
    x = strategy_returns.to_numpy(dtype=float).T
    bench = np.ascontiguousarray(benchmark_returns.to_numpy(dtype=float).T
                                 if isinstance(benchmark_returns, pd.DataFrame)
                                 else benchmark_returns.to_numpy(dtype=float)[None, :])
    stream = EvidenceStream(strategy_returns.index, reps=reps, seed=seed, size=size,
                            n_partitions=n_partitions, split=split, train=train, test=test,
                            metric=metric, top_k=max(1, x.shape[0]))
    labels = [_label(c) for c in strategy_returns.columns]
    for lo in range(0, x.shape[0], _CHUNK_SETS):
        hi = lo + _CHUNK_SETS
        b = bench if bench.shape[0] == 1 else bench[lo:hi]
        stream.add(lo, x[lo:hi], b, labels[lo:hi])
    result: SweepEvidence = stream.result()
    return result


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


def evidence_of_sweep(result: SweepResult, **kwargs: Any) -> SweepEvidence:
    """:func:`sweep_evidence` of a sweep run with ``keep_returns=True``.

    Every parameter set is compared with buy-and-hold under its own execution
    variant (fees, slippage); days before a set's first return count as flat.

    Parameters
    ----------
    result : SweepResult
        A sweep that kept its daily returns.
    **kwargs
        Passed to :func:`sweep_evidence` (``reps``, ``seed``, ``split``,
        ``train``, ``test``, ``metric``, ...).

    Returns
    -------
    SweepEvidence
    """
    rets = result.returns().fillna(0.0)
    bench = result.benchmark_returns.reindex(rets.index).fillna(0.0)
    per_set = pd.DataFrame(bench.to_numpy(dtype=float)[:, np.asarray(result.variant_of)],
                           index=rets.index, columns=rets.columns)
    return sweep_evidence(rets, per_set, **kwargs)
