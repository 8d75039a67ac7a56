"""The result object of a sweep's data-snooping evidence (:class:`SweepEvidence`).

Built by :func:`backtest.evidence.sweep.sweep_evidence` and the streamed run
(:func:`backtest.evidence.runner.stream_sweep`); kept in its own module so that
the stream, the cluster runner and the sweep functions all import it without
importing each other.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from backtest.evidence.dsr import DsrResult
from backtest.evidence.pbo import PboResult
from backtest.evidence.snooping import SpaResult, StepMResult
from backtest.evidence.walkforward import SplitResult, WalkForwardResult
from backtest.jsonable import frame_records

__all__ = ["SweepEvidence"]


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
