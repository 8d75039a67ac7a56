"""A sweep's report: the ranked grid, heatmaps, and the data-snooping corrections.

:func:`sweep_report` assembles the page from a sweep and its
:class:`~backtest.evidence.sweep.SweepEvidence` (computed by
:func:`backtest.evidence.sweep.evidence_of_sweep`): SPA and StepM against
buy-and-hold, the Deflated Sharpe Ratio, PBO, the in-sample/out-of-sample split
and the walk-forward with its stitched out-of-sample equity.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from backtest.report.writer import Report

if TYPE_CHECKING:
    from backtest.evidence.sweep import SweepEvidence
    from backtest.evidence.walkforward import SplitResult, WalkForwardResult
    from backtest.sweep.result import SweepResult

__all__ = ["sweep_report"]

_YEAR = 252


def metric_name(metric: str) -> str:
    return {"sharpe": "Sharpe (annualised)", "mean": "mean daily return",
            "total": "total return"}.get(metric, metric)


def shown_metric(metric: str, value: float) -> float:
    """Per-day Sharpe ratios shown annualised (x sqrt(252)); other metrics as they are."""
    return value * np.sqrt(_YEAR) if metric == "sharpe" else value


def _split_table(sp: SplitResult, metric: str) -> pd.DataFrame:
    rows = {
        f"chosen set ({sp.chosen})": [sp.is_return, sp.oos_return,
                                      shown_metric(metric, sp.is_metric),
                                      shown_metric(metric, sp.oos_metric)],
        "buy-and-hold SPX": [sp.benchmark_is_return, sp.benchmark_oos_return,
                             shown_metric(metric, sp.benchmark_is),
                             shown_metric(metric, sp.benchmark_oos)],
    }
    name = metric_name(metric)
    return pd.DataFrame.from_dict(
        rows, orient="index",
        columns=["in-sample total return", "out-of-sample total return",
                 f"in-sample {name}", f"out-of-sample {name}"])


def _windows_table(wf: WalkForwardResult) -> pd.DataFrame:
    w = wf.windows
    name = metric_name(wf.metric)
    out = pd.DataFrame({
        "train from": [f"{d:%Y-%m-%d}" for d in w.train_start],
        "test from": [f"{d:%Y-%m-%d}" for d in w.test_start],
        "test to": [f"{d:%Y-%m-%d}" for d in w.test_end],
        "chosen set": w.chosen,
        f"in-sample {name}": [shown_metric(wf.metric, v) for v in w.is_metric],
        f"out-of-sample {name}": [shown_metric(wf.metric, v) for v in w.oos_metric],
        "out-of-sample return": w.oos_return,
        "buy-and-hold return": w.benchmark_return,
    })
    out.index = pd.RangeIndex(1, len(out) + 1, name="window")
    return out


def _split_section(rep: Report, sp: SplitResult, metric: str, names: str) -> None:
    page = rep.page
    page.heading("In-sample / out-of-sample split")
    page.paragraph(
        f"The parameter set with the best {metric_name(metric)} in sample, from "
        f"{sp.start:%Y-%m-%d} up to (not including) {sp.split:%Y-%m-%d}, is judged on the "
        f"untouched rest, {sp.split:%Y-%m-%d} .. {sp.end:%Y-%m-%d} (out of sample), against "
        f"buy-and-hold over the same days and with the same costs. Parameters: {names}.")
    page.key_values({
        "Chosen in sample": sp.chosen,
        "Best out of sample (hindsight)": sp.oos_best,
        "Chosen set's out-of-sample rank": f"better than {sp.oos_percentile:.0%} of the sets",
    })
    page.table(_split_table(sp, metric),
               caption="Chosen set vs buy-and-hold, in and out of sample (returns as fractions)")


def _walk_forward_section(rep: Report, wf: WalkForwardResult, name: str, names: str) -> None:
    from backtest.report.charts import walk_forward_chart

    page = rep.page
    w = wf.windows
    page.heading("Walk-forward")
    oos = float(wf.oos_equity.iloc[-1] - 1.0)
    bh = float(wf.benchmark_equity.iloc[-1] - 1.0)
    beat = float((w.oos_return > w.benchmark_return).mean())
    years = len(wf.oos_returns) / _YEAR
    page.paragraph(
        f"Each window chooses the set with the best {metric_name(wf.metric)} on the training "
        f"rows only, then holds it through the next, untouched test window; the test windows' "
        f"returns are stitched into one out-of-sample record. Parameters: {names}.")
    cagr = (1 + oos) ** (1 / years) - 1 if years > 0 and oos > -1 else float("nan")
    bcagr = (1 + bh) ** (1 / years) - 1 if years > 0 and bh > -1 else float("nan")
    page.key_values({
        "Out-of-sample span": f"{wf.oos_returns.index[0]:%Y-%m-%d} .. "
                              f"{wf.oos_returns.index[-1]:%Y-%m-%d} ({len(w)} test windows)",
        "Stitched out-of-sample total return (annualised)": f"{oos:.1%} ({cagr:.2%}/yr)",
        "Buy-and-hold over the same days (annualised)": f"{bh:.1%} ({bcagr:.2%}/yr)",
        "Test windows beating buy-and-hold": f"{beat:.0%}",
        "Distinct sets chosen": f"{w.chosen.nunique()}",
    })
    fig = walk_forward_chart(wf.oos_equity, wf.benchmark_equity,
                             pd.DatetimeIndex(w.test_start),
                             title=f"{name}: walk-forward out-of-sample equity vs "
                                   "buy-and-hold SPX")
    rep.add_chart(fig, "walk-forward-equity",
                  alt="stitched out-of-sample equity and drawdown against buy-and-hold")
    page.table(_windows_table(wf),
               caption="Walk-forward windows: chosen set and its out-of-sample result "
                       "(training ends the day before the test; returns as fractions)")


def _axes(result: SweepResult, x: str | None, y: str | None) -> tuple[str | None, str | None]:
    varied = [p for p in result.parameters if len(result.grid.get(p, [])) > 1]
    x = x or (varied[0] if varied else None)
    y = y or next((p for p in varied if p != x), None)
    return x, y


#: Statistics shown as percentages.
PERCENT_STATS = frozenset({"total_return", "annualized_return", "annualized_volatility",
                           "max_drawdown", "win_rate", "average_win", "average_loss",
                           "time_in_market"})
_RATIO_STATS = frozenset({"sharpe", "sortino", "calmar", "profit_factor"})
_SIGNED = frozenset({"total_return", "annualized_return", "max_drawdown", "average_win",
                     "average_loss"})


def stat_label(name: str) -> str:
    """Display name of a statistic (Sharpe and Sortino say they are annualised)."""
    labels = {"sharpe": "Sharpe (annualised)", "sortino": "Sortino (annualised)",
              "calmar": "Calmar"}
    return labels.get(name, name.replace("_", " ").replace("annualized", "annualised"))


def stats_display(frame: pd.DataFrame) -> pd.DataFrame:
    """Statistic columns as page text: percentages with two decimals, ratios with
    two, counts with separators; other columns (parameters, costs) unchanged."""
    from backtest.numbers import pct

    out = pd.DataFrame(index=frame.index)
    for c in frame.columns:
        col = frame[c]
        if c in PERCENT_STATS:
            out[stat_label(c)] = [pct(v, sign=c in _SIGNED) for v in col]
        elif c in _RATIO_STATS:
            out[stat_label(c)] = ["" if pd.isna(v) else f"{float(v):.2f}" for v in col]
        elif c in ("trades", "max_drawdown_duration"):
            out[stat_label(c)] = ["" if pd.isna(v) else f"{int(v):,}" for v in col]
        else:
            out[c] = col
    return out


def _benchmark_value(result: SweepResult, metric: str) -> float | None:
    """Buy-and-hold's value of ``metric`` (the first cost variant), if it has one."""
    b = result.benchmark
    if metric not in b.columns or b.empty:
        return None
    v = float(b[metric].iloc[0])
    return v if np.isfinite(v) else None


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
    page.table(stats_display(top), caption=f"Top {len(top)} by {stat_label(metric)}")
    page.table(stats_display(result.benchmark.drop_duplicates()), index=False,
               caption="Buy-and-hold SPX, same period and costs")

    page.heading("Data-snooping corrections")
    page.paragraph("The best of many parameter sets looks good by chance. These tests ask "
                   "whether any set's timing beats the exposure-matched benchmark once the "
                   "search is accounted for: each set against its own average exposure to "
                   "buy-and-hold (same costs), the rest in cash "
                   f"({'at the T-bill rate' if evidence.cash != 'none' else 'at 0'}). The "
                   "split and the walk-forward pick and judge on the same excess returns. "
                   "CAPM alpha is a second view; raw returns against buy-and-hold (and the "
                   "DSR against a Sharpe ratio of 0) are shown last, as a secondary view that "
                   "does not test timing.")
    items: dict[str, Any] = {}
    if evidence.exposure is not None:
        items["Mean exposure of the sets"] = f"{float(evidence.exposure.mean()):.1%}"
    if evidence.spa is not None:
        items["Hansen SPA vs exposure-matched (consistent p-value)"] = f"{evidence.spa.pvalue:.3f}"
        items["SPA lower / upper p-values"] = (f"{float(evidence.spa.pvalues['lower']):.3f} / "
                                               f"{float(evidence.spa.pvalues['upper']):.3f}")
    if evidence.stepm is not None:
        items["StepM superior sets vs exposure-matched (FWER 5%)"] = (
            f"{len(evidence.stepm.superior)} of {evidence.stepm.n_models}")
    if evidence.dsr is not None:
        items["Deflated Sharpe Ratio of the best excess return"] = f"{evidence.dsr.dsr:.3f}"
    if evidence.spa_capm is not None and evidence.stepm_capm is not None:
        items["CAPM alpha: SPA p / StepM superior"] = (
            f"{evidence.spa_capm.pvalue:.3f} / {len(evidence.stepm_capm.superior)}")
    if evidence.spa_buy_and_hold is not None and evidence.stepm_buy_and_hold is not None:
        items["Secondary, raw vs buy-and-hold: SPA p / StepM superior"] = (
            f"{evidence.spa_buy_and_hold.pvalue:.3f} / "
            f"{len(evidence.stepm_buy_and_hold.superior)}")
    if evidence.dsr_vs_zero is not None:
        items["Secondary, DSR of raw returns against Sharpe 0"] = f"{evidence.dsr_vs_zero.dsr:.3f}"
    if evidence.pbo is not None:
        items["Probability of Backtest Overfitting (CSCV)"] = f"{float(evidence.pbo.pbo):.3f}"
    page.key_values(items)
    for part in (evidence.spa, evidence.stepm, evidence.dsr, evidence.pbo):
        if part is not None and hasattr(part, "summary"):
            page.paragraph(part.summary(), css="note")
    for n in evidence.notes:
        page.callout(n)
    names = ", ".join(result.parameters)
    if evidence.split is not None:
        _split_section(rep, evidence.split, evidence.metric, names)
    if evidence.walk_forward is not None:
        _walk_forward_section(rep, evidence.walk_forward, name, names)

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
                bench = _benchmark_value(result, m)
                pct_metric = m in PERCENT_STATS
                fig = heatmap_chart(hm * (100 if pct_metric else 1), metric=stat_label(m),
                                    title=f"{name}: {stat_label(m)}{note}; centre (white) = "
                                          "buy-and-hold",
                                    center=(None if bench is None
                                            else bench * (100 if pct_metric else 1)),
                                    fmt="{:+.1f}%" if pct_metric else "{:.2f}")
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
    page.table(stats_display(shown), caption="Statistics per combination")
    rep.stats = result.to_frame()
    return rep
