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

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from backtest.evidence.benchmarks import excess_returns, exposure_from_returns
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

if TYPE_CHECKING:
    from backtest.sweep.result import SweepResult

__all__ = ["SweepEvidence", "evidence_of_sweep", "sweep_evidence"]


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
    spa_capm, stepm_capm, dsr_capm : SpaResult, StepMResult, DsrResult or None
        The same tests on CAPM alpha against the market.
    spa_buy_and_hold, stepm_buy_and_hold : SpaResult, StepMResult or None
        Secondary view: raw returns against buy-and-hold.
    dsr_vs_zero : DsrResult or None
        Secondary view: DSR of raw returns against a Sharpe ratio of 0.
    exposure : pandas.Series or None
        Average exposure of each set (the primary benchmark's weight on the market).
    cash : str
        Source of the cash return ("none" or e.g. "dtb3").

    ``spa``, ``stepm``, ``dsr``, ``split``, ``walk_forward`` and ``pbo`` are on
    the primary measure: returns in excess of the exposure-matched benchmark.
    """

    spa: SpaResult
    stepm: StepMResult
    dsr: DsrResult
    pbo: PboResult | None
    split: SplitResult | None
    walk_forward: WalkForwardResult | None
    notes: tuple[str, ...] = ()
    metric: str = "sharpe"
    spa_capm: SpaResult | None = None
    stepm_capm: StepMResult | None = None
    dsr_capm: DsrResult | None = None
    spa_buy_and_hold: SpaResult | None = None
    stepm_buy_and_hold: StepMResult | None = None
    dsr_vs_zero: DsrResult | None = None
    exposure: pd.Series | None = None
    cash: str = "none"

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
        for name, part in (("spa_capm", self.spa_capm), ("spa_buy_and_hold",
                                                         self.spa_buy_and_hold)):
            if part is not None:
                rows.append((name, "pvalue_consistent", part.pvalue))
        for name, sm_part in (("stepm_capm", self.stepm_capm),
                              ("stepm_buy_and_hold", self.stepm_buy_and_hold)):
            if sm_part is not None:
                rows.append((name, "n_superior", len(sm_part.superior)))
        for name, d in (("dsr_capm", self.dsr_capm), ("dsr_vs_zero", self.dsr_vs_zero)):
            if d is not None:
                rows.append((name, "dsr", d.dsr))
        if self.exposure is not None:
            rows.append(("benchmark", "mean_exposure", float(self.exposure.mean())))
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
        """Every test's paragraph, the primary (exposure-matched) view first."""
        parts = [f"Primary: returns in excess of the exposure-matched benchmark "
                 f"(cash: {self.cash}).", self.spa.summary(), self.stepm.summary(),
                 self.dsr.summary()]
        if self.spa_capm is not None and self.stepm_capm is not None:
            parts += ["CAPM alpha against the market:", self.spa_capm.summary(),
                      self.stepm_capm.summary()]
            if self.dsr_capm is not None:
                parts.append(self.dsr_capm.summary())
        if self.spa_buy_and_hold is not None and self.stepm_buy_and_hold is not None:
            parts += ["Secondary (not a test of timing): raw returns against buy-and-hold, "
                      "and the DSR against a Sharpe ratio of 0:",
                      self.spa_buy_and_hold.summary(), self.stepm_buy_and_hold.summary()]
            if self.dsr_vs_zero is not None:
                parts.append(self.dsr_vs_zero.summary())
        if self.pbo is not None:
            parts.append(self.pbo.summary())
        if self.split is not None:
            parts.append(self.split.summary())
        if self.walk_forward is not None:
            parts.append(self.walk_forward.summary())
        return "\n".join([*parts, *self.notes])

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready figures: ``spa``, ``stepm``, ``dsr``, ``pbo``, ``split``,
        ``walk_forward`` (primary measure; each an object or ``None``), ``notes``,
        ``benchmark`` (``{primary, cash, mean_exposure, description}``),
        ``capm_alpha`` (``{spa, stepm, dsr}`` or ``None``) and ``buy_and_hold``
        (secondary: ``{spa, stepm, dsr_vs_zero}`` or ``None``)."""
        from backtest.report.metadata import frame_records

        wf: dict[str, Any] | None = None
        if self.walk_forward is not None:
            w = self.walk_forward
            wf = {"metric": w.metric, "n_windows": len(w.windows),
                  "start": w.oos_returns.index[0], "end": w.oos_returns.index[-1],
                  "oos_total_return": float(w.oos_equity.iloc[-1] - 1.0),
                  "benchmark_total_return": float(w.benchmark_equity.iloc[-1] - 1.0),
                  "windows": frame_records(w.windows.drop(columns="chosen_index"))}
        def stepm_doc(x: StepMResult | None) -> dict[str, Any] | None:
            return None if x is None else {"superior": list(x.superior), "size": x.size,
                                           "n_models": x.n_models}

        def one(x: SpaResult | DsrResult | None) -> dict[str, Any] | None:
            return None if x is None else frame_records(x.to_frame())[0]

        capm = (None if self.spa_capm is None else
                {"spa": one(self.spa_capm), "stepm": stepm_doc(self.stepm_capm),
                 "dsr": one(self.dsr_capm)})
        bh = (None if self.spa_buy_and_hold is None else
              {"spa": one(self.spa_buy_and_hold), "stepm": stepm_doc(self.stepm_buy_and_hold),
               "dsr_vs_zero": one(self.dsr_vs_zero)})
        return {
            "benchmark": {"primary": "exposure_matched", "cash": self.cash,
                          "mean_exposure": (None if self.exposure is None
                                            else float(self.exposure.mean())),
                          "description": "each set against its own average exposure to the "
                                         "market, the rest in cash; spa, stepm, dsr, split, "
                                         "walk_forward and pbo use these excess returns"},
            "capm_alpha": capm,
            "buy_and_hold": bh,
            "spa": frame_records(self.spa.to_frame())[0],
            "stepm": stepm_doc(self.stepm),
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
        Randomness of the bootstraps (one Generator: the primary SPA and StepM,
        then the CAPM and buy-and-hold views).
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
    rel, zero = _relative(strategy_returns, benchmark_returns)  # validates the inputs
    n = strategy_returns.shape[1]
    e = np.ones(n) if exposure is None else np.asarray(exposure, dtype=float).reshape(-1)
    if e.size != n or not np.isfinite(e).all():
        raise ValueError(f"exposure needs one finite value per parameter set ({n}), "
                         f"got {e.size}")
    market = (benchmark_returns if isinstance(benchmark_returns, pd.DataFrame)
              else benchmark_returns.astype(float))
    if cash is not None and not cash.index.equals(strategy_returns.index):
        cash = cash.reindex(strategy_returns.index).fillna(0.0)
    excess = excess_returns(strategy_returns, market, "exposure_matched", exposure=e, cash=cash)
    rng = make_rng(seed)
    label = "the exposure-matched benchmark"
    spa = replace(spa_test(excess, zero, reps=reps, seed=rng), benchmark=label)
    sm_ = replace(stepm(excess, zero, size=size, reps=reps, seed=rng), benchmark=label)
    dsr = deflated_sharpe(excess) if n >= 2 else _single_dsr(excess)
    extra: dict[str, Any] = {}
    if views:
        capm = excess_returns(strategy_returns, market, "capm_alpha", cash=cash)
        lab = "CAPM alpha (zero)"
        extra = {
            "spa_capm": replace(spa_test(capm, zero, reps=reps, seed=rng), benchmark=lab),
            "stepm_capm": replace(stepm(capm, zero, size=size, reps=reps, seed=rng),
                                  benchmark=lab),
            "dsr_capm": deflated_sharpe(capm) if n >= 2 else _single_dsr(capm),
            "spa_buy_and_hold": spa_test(rel, zero, reps=reps, seed=rng),
            "stepm_buy_and_hold": stepm(rel, zero, size=size, reps=reps, seed=rng),
            "dsr_vs_zero": (deflated_sharpe(strategy_returns) if n >= 2
                            else _single_dsr(strategy_returns)),
        }
    S = min(int(n_partitions), len(strategy_returns) // 2)
    S -= S % 2
    pbo = (pbo_cscv(excess, S, "mean" if metric == "total" else metric)
           if n >= 2 and S >= 2 else None)
    notes: list[str] = []
    if pbo is None:
        notes.append("PBO needs at least two parameter sets and four days")
    matched = strategy_returns.astype(float) - excess  # each set's own benchmark returns
    sp: SplitResult | None
    try:
        sp = split_is_oos(strategy_returns, matched, split, metric, select_on="excess")
    except ValueError as exc:
        sp = None
        notes.append(f"no in-sample/out-of-sample split: {exc}")
    wf = None
    if len(strategy_returns) > train:
        wf = walk_forward(strategy_returns, matched, train=train, test=test, metric=metric,
                          select_on="excess")
    else:
        notes.append(f"no walk-forward: {len(strategy_returns)} days do not exceed one "
                     f"training window of {train}")
    labels = [", ".join(map(str, c)) if isinstance(c, tuple) else str(c)
              for c in strategy_returns.columns]
    expo = pd.Series(e, index=labels, name="exposure")
    return SweepEvidence(spa, sm_, dsr, pbo, sp, wf, tuple(notes), str(metric),
                         exposure=expo, cash=cash_label if cash is not None else "none",
                         **extra)


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
    expo = exposure_from_returns(rets, per_set).mean().to_numpy(dtype=float)
    if cash is not None:
        cash = cash.reindex(rets.index).fillna(0.0)
    return sweep_evidence(rets, per_set, exposure=expo, cash=cash, **kwargs)


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
