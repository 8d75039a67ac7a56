"""Terminal tables of the command line: at most :data:`WIDTH` characters a line.

Numbers follow :mod:`backtest.numbers` (percentages with fixed decimals,
p-values to three decimals).  Prose lines longer than the width are wrapped;
table rows are built to fit.
"""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING

from backtest.numbers import pct, pval

if TYPE_CHECKING:
    import pandas as pd

    from backtest.evidence.strategy_study import StrategyStudy
    from backtest.evidence.sweep import SweepEvidence
    from backtest.evidence.verdict import VerdictTable
    from backtest.sweep.result import SweepResult

__all__ = ["WIDTH", "evidence_text", "fit", "samples_text", "study_text", "sweep_text",
           "verdict_text"]

#: Widest line the commands print (a terminal of 100 columns).
WIDTH = 100


def fit(text: str, width: int = WIDTH) -> str:
    """``text`` with every line longer than ``width`` wrapped (continuations indented)."""
    out: list[str] = []
    for line in text.splitlines():
        if len(line) <= width:
            out.append(line)
            continue
        indent = " " * (len(line) - len(line.lstrip()))
        out.extend(textwrap.wrap(line, width=width, subsequent_indent=indent + "  ",
                                 break_long_words=False, break_on_hyphens=False) or [""])
    return "\n".join(out)


def samples_text(samples: pd.DataFrame) -> str:
    """One line per strategy: its sample (first .. last signal-eligible day, days)."""
    lines = ["Samples (first .. last signal-eligible day of each strategy)"]
    for name, r in zip(samples.index, samples.to_dict(orient="records"), strict=True):
        if r["days"]:
            lines.append(f"  {name!s:<22} {r['first']:%Y-%m-%d} .. {r['last']:%Y-%m-%d}  "
                         f"{int(r['days']):>6,} days")
        else:
            lines.append(f"  {name!s:<22} no data for its columns")
    return "\n".join(lines)


def verdict_text(vt: VerdictTable, samples: pd.DataFrame | None = None) -> str:
    """The verdict table in at most 100 columns, each strategy's sample above it."""
    s = vt.settings
    lines = [samples_text(samples), ""] if samples is not None else []
    lines += [fit(vt.power_statement), "",
              f"Verdicts: fill {s['fill']}, one-sided alpha {s['alpha']:g}; primary rows Holm "
              "(P), exploratory BY (x); p_raw raw, p_adj adjusted; mde at 80% power",
              f"{'strategy':<17} {'side':<5} {'h':>3} {'f':1} {'days':>5} {'epis':>4} "
              f"{'effect':>7} {'ci_low':>7} {'ci_high':>7} {'mde':>6} {'p_raw':>6} "
              f"{'p_adj':>6}  verdict"]
    for r in vt.table.to_dict(orient="records"):
        fam = "P" if r.get("family") == "primary" else "x"
        lines.append(f"{str(r['strategy'])[:17]:<17} {r['side']:<5} {int(r['horizon']):>3} "
                     f"{fam:1} {int(r['signal_days']):>5} {int(r['episodes']):>4} "
                     f"{pct(r['effect'], na='na'):>7} "
                     f"{pct(r['ci_low'], na='na'):>7} {pct(r['ci_high'], na='na'):>7} "
                     f"{pct(r['mde'], sign=False, na='na'):>6} "
                     f"{pval(r['p_raw'], na='na'):>6} {pval(r['p_adj'], na='na'):>6}  "
                     f"{r['verdict']}")
    for name, reason in vt.skipped:
        lines.append(f"skipped {name}: {reason}")
    return fit("\n".join(lines))


def study_text(study: StrategyStudy) -> str:
    """One strategy's event study in at most 100 columns: its judged rows (the words
    of its family) when it was judged, else the raw figures without words."""
    rows = (study.judged if study.judged is not None else study.to_frame()).reset_index()
    params = ", ".join(f"{k}={v!r}" for k, v in study.params.items())
    lines = [fit(f"{study.strategy} ({params})"),
             "effect = mean after signal days minus after the other days; p_raw raw, p_adj "
             "adjusted in the family",
             f"{'side':<5} {'h':>3} {'f':1} {'days':>5} {'epis':>4} {'signal':>7} {'other':>7} "
             f"{'effect':>7} {'ci_low':>7} {'ci_high':>7} {'mde':>6} {'p_raw':>6} {'p_adj':>6}"
             "  verdict"]
    for r in rows.to_dict(orient="records"):
        fam = "P" if r.get("family") == "primary" else "x" if "family" in r else " "
        lines.append(f"{r['side']:<5} {int(r['horizon']):>3} {fam:1} {int(r['signal_days']):>5} "
                     f"{int(r['episodes']):>4} {pct(r['mean_signal'], na='na'):>7} "
                     f"{pct(r['mean_nonsignal'], na='na'):>7} {pct(r['effect'], na='na'):>7} "
                     f"{pct(r['ci_low'], na='na'):>7} {pct(r['ci_high'], na='na'):>7} "
                     f"{pct(r.get('mde'), sign=False, na='na'):>6} "
                     f"{pval(r['p_raw'], na='na'):>6} {pval(r.get('p_adj'), na='na'):>6}  "
                     f"{r.get('verdict', '')}")
    return "\n".join(lines)


_SWEEP_SHOWN = ("total_return", "annualized_return", "sharpe", "max_drawdown", "trades",
                "win_rate")


def _stat_cell(name: str, value: object) -> str:
    if name in ("total_return", "annualized_return", "max_drawdown"):
        return pct(value, na="na")
    if name == "win_rate":
        return pct(value, 1, sign=False, na="na")
    if name == "trades":
        return "na" if value is None or value != value else f"{int(value):,}"  # type: ignore[call-overload]
    return "na" if value is None or value != value else f"{float(value):.2f}"  # type: ignore[arg-type]


def sweep_text(result: SweepResult, metric: str, top: int = 5) -> str:
    """The sweep's best rows and buy-and-hold in at most 100 columns (Sharpe annualised)."""
    name = result.strategy.name or result.strategy.__name__
    grid = ", ".join(f"{k}: {len(v)}" for k, v in result.grid.items()) or "defaults only"
    params = list(result.parameters)
    heads = ["total", "ann. ret.", "Sharpe", "max DD", "trades", "win rate"]
    ranked = result.top(metric, top).reset_index()
    pw = {p: max(len(p), *(len(f"{v}") for v in ranked[p])) for p in params}
    lines = [f"Sweep of {name}: {len(result):,} combinations ({grid})",
             f"Period {result.period[0]:%Y-%m-%d} .. {result.period[1]:%Y-%m-%d} "
             f"({result.n_bars:,} days), fill {result.execution.fill}; Sharpe annualised "
             "(252 days, no risk-free rate)",
             f"Top {len(ranked)} by {metric}:",
             "  ".join([*(f"{p:>{pw[p]}}" for p in params), *(f"{h:>9}" for h in heads)])]
    for r in ranked.to_dict(orient="records"):
        lines.append("  ".join([*(f"{r[p]!s:>{pw[p]}}" for p in params),
                                *(f"{_stat_cell(k, r[k]):>9}" for k in _SWEEP_SHOWN)]))
    b = result.benchmark.drop_duplicates(subset=list(_SWEEP_SHOWN)).iloc[0].to_dict()
    label_w = max(16, sum(pw.values()) + 2 * (len(params) - 1))
    lines.append("  ".join([f"{'buy-and-hold SPX':>{label_w}}",
                            *(f"{_stat_cell(k, b[k]):>9}" for k in _SWEEP_SHOWN)]))
    return fit("\n".join(lines))


def evidence_text(evidence: SweepEvidence) -> str:
    """The data-snooping paragraphs, with the in-sample/out-of-sample split's metric
    shown as the report shows it (a Sharpe ratio annualised, and said so)."""
    from backtest.report.sweep_report import metric_name, shown_metric

    parts = [evidence.spa.summary(), evidence.stepm.summary(), evidence.dsr.summary()]
    if evidence.pbo is not None:
        parts.append(evidence.pbo.summary())
    sp, m = evidence.split, evidence.metric
    if sp is not None:
        name = metric_name(m)
        parts.append(
            f"Chosen in sample (before {sp.split:%Y-%m-%d}): {sp.chosen}, {name} "
            f"{shown_metric(m, sp.is_metric):.2f} (buy-and-hold "
            f"{shown_metric(m, sp.benchmark_is):.2f}), total return {pct(sp.is_return)}.  Out "
            f"of sample: {name} {shown_metric(m, sp.oos_metric):.2f} (buy-and-hold "
            f"{shown_metric(m, sp.benchmark_oos):.2f}), total return {pct(sp.oos_return)}, "
            f"better than {sp.oos_percentile:.0%} of the sets.")
    if evidence.walk_forward is not None:
        parts.append(evidence.walk_forward.summary())
    return fit("\n".join([*parts, *evidence.notes]))
