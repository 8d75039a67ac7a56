"""A sweep's report: the ranked grid, heatmaps, and the data-snooping corrections.

:func:`sweep_evidence` computes Hansen's SPA test and Romano-Wolf StepM of every
parameter set against buy-and-hold, the Deflated Sharpe Ratio of the best set
and the Probability of Backtest Overfitting (CSCV); :func:`sweep_report`
assembles the page.  Both only call :mod:`backtest.evidence`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from backtest.report.writer import Report

if TYPE_CHECKING:
    from backtest.evidence.dsr import DsrResult
    from backtest.evidence.pbo import PboResult
    from backtest.evidence.snooping import SpaResult, StepMResult
    from backtest.sweep.result import SweepResult

__all__ = ["SweepEvidence", "sweep_evidence", "sweep_report"]


@dataclass(frozen=True)
class SweepEvidence:
    """Data-snooping corrections of a sweep (``None`` where not computable).

    Attributes
    ----------
    spa : SpaResult or None
        Hansen's SPA, all sets vs buy-and-hold (consistent p-value reported).
    stepm : StepMResult or None
        Romano-Wolf StepM at FWER 5 %.
    dsr : DsrResult or None
        Deflated Sharpe Ratio of the best set given all trials.
    pbo : PboResult or None
        Probability of Backtest Overfitting by CSCV.
    notes : tuple of str
        Why a part is missing.
    """

    spa: SpaResult | None
    stepm: StepMResult | None
    dsr: DsrResult | None
    pbo: PboResult | None
    notes: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready figures."""
        from backtest.report.metadata import frame_records

        return {
            "spa": frame_records(self.spa.to_frame())[0] if self.spa else None,
            "stepm": {"superior": list(self.stepm.superior), "size": self.stepm.size,
                      "n_models": self.stepm.n_models} if self.stepm else None,
            "dsr": frame_records(self.dsr.to_frame())[0] if self.dsr else None,
            "pbo": {"pbo": float(self.pbo.pbo)} if self.pbo is not None else None,
            "notes": list(self.notes),
        }


def sweep_evidence(result: SweepResult, *, reps: int = 1000, seed: int = 0,
                   pbo_partitions: int = 16) -> SweepEvidence:
    """SPA, StepM, DSR and PBO of a sweep run with ``keep_returns=True``."""
    from backtest.evidence.dsr import deflated_sharpe
    from backtest.evidence.pbo import pbo_cscv
    from backtest.evidence.snooping import spa_test, stepm

    notes: list[str] = []
    rets = result.returns().fillna(0.0)
    bench_all = result.benchmark_returns
    bench = (bench_all.iloc[:, 0] if isinstance(bench_all, pd.DataFrame) else bench_all)
    bench = bench.reindex(rets.index).fillna(0.0)
    if isinstance(bench_all, pd.DataFrame) and bench_all.shape[1] > 1:
        notes.append("several cost variants: SPA/StepM use the first variant's buy-and-hold")
    spa = st = dsr = pbo = None
    if rets.shape[1] >= 1:
        spa = spa_test(rets, bench, reps=reps, seed=seed)
        st = stepm(rets, bench, reps=reps, seed=seed)
    if rets.shape[1] >= 2:
        dsr = deflated_sharpe(rets)
        try:
            pbo = pbo_cscv(rets, n_partitions=pbo_partitions)
        except ValueError as exc:
            notes.append(f"PBO not computed: {exc}")
    else:
        notes.append("DSR and PBO need at least two parameter sets")
    return SweepEvidence(spa, st, dsr, pbo, tuple(notes))


def _axes(result: SweepResult, x: str | None, y: str | None) -> tuple[str | None, str | None]:
    varied = [p for p in result.parameters if len(result.grid.get(p, [])) > 1]
    x = x or (varied[0] if varied else None)
    y = y or next((p for p in varied if p != x), None)
    return x, y


def sweep_report(result: SweepResult, evidence: SweepEvidence, *, metric: str = "sharpe",
                 x: str | None = None, y: str | None = None) -> Report:
    """The sweep's report page: best rows, heatmaps, corrections, the full table."""
    from backtest.report.charts import heatmap_chart, metric_bars_chart

    name = result.strategy.name or result.strategy.__name__
    rep = Report(title=f"Sweep: {name}", name=f"sweep-{name}",
                 subtitle=f"{len(result):,} parameter combinations, {result.period[0]:%Y-%m-%d}"
                          f" .. {result.period[1]:%Y-%m-%d} ({result.n_bars:,} days), fills at "
                          f"the {result.execution.fill.replace('_', ' ')}; ranked by {metric}.")
    page = rep.page
    page.heading("Grid")
    page.key_values({k: ", ".join(map(str, v)) for k, v in result.grid.items()})
    page.heading("Best parameter sets")
    top = result.ranked(metric).head(15)
    page.table(top, caption=f"Top {len(top)} by {metric} (fractions)")
    page.table(result.benchmark.drop_duplicates(), index=False,
               caption="Buy-and-hold SPX, same period and costs")

    page.heading("Data-snooping corrections")
    page.paragraph("The best of many parameter sets looks good by chance. These tests ask "
                   "whether any set beats buy-and-hold once the search is accounted for.")
    items: dict[str, Any] = {}
    if evidence.spa is not None:
        items["Hansen SPA (consistent p-value)"] = f"{evidence.spa.pvalue:.3f}"
        items["SPA lower / upper p-values"] = (f"{float(evidence.spa.pvalues['lower']):.3f} / "
                                               f"{float(evidence.spa.pvalues['upper']):.3f}")
    if evidence.stepm is not None:
        items["Romano-Wolf StepM superior sets (FWER 5%)"] = (
            f"{len(evidence.stepm.superior)} of {evidence.stepm.n_models}")
    if evidence.dsr is not None:
        items["Deflated Sharpe Ratio of the best set"] = f"{evidence.dsr.dsr:.3f}"
    if evidence.pbo is not None:
        items["Probability of Backtest Overfitting (CSCV)"] = f"{float(evidence.pbo.pbo):.3f}"
    page.key_values(items)
    for part in (evidence.spa, evidence.stepm, evidence.dsr, evidence.pbo):
        if part is not None and hasattr(part, "summary"):
            page.paragraph(part.summary(), css="note")
    for n in evidence.notes:
        page.callout(n)

    xa, ya = _axes(result, x, y)
    if xa is not None:
        page.heading("Heatmaps")
        metrics = list(dict.fromkeys([metric, "total_return", "max_drawdown"]))
        for m in metrics:
            if ya is not None:
                hm = result.heatmap(xa, ya, m)
                agg = hm.attrs.get("aggregated_over") or []
                if not np.isfinite(hm.to_numpy(dtype=float)).any():
                    continue
                note = f" (mean over {', '.join(agg)})" if agg else ""
                fig = heatmap_chart(hm, metric=m, title=f"{name}: {m}{note}",
                                    center=0.0 if m == "total_return" else None)
            else:
                bars = result.table[m].groupby(level=xa).mean()
                agg = [p for p in result.parameters if p != xa and
                       len(result.grid.get(p, [])) > 1]
                note = f" (mean over {', '.join(agg)})" if agg else ""
                fig = metric_bars_chart(bars, metric=m, title=f"{name}: {m} by {xa}{note}")
            rep.add_chart(fig, f"heatmap-{m}" if ya is not None else f"by-{xa}-{m}",
                          alt=f"{m} over the grid")
    page.heading("All combinations")
    shown = result.to_frame()
    if len(shown) > 500:
        page.paragraph(f"The first 500 of {len(shown):,} rows by {metric}; stats.csv has all.",
                       css="note")
        shown = result.ranked(metric).head(500)
    page.table(shown, caption="Statistics per combination (fractions)")
    rep.stats = result.to_frame()
    return rep
