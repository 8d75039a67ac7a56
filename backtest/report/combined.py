"""The headline report: every strategy with its defaults, one page.

:func:`headline_report` runs the whole question -- the verdict table across
strategies, then each strategy's backtest and charts -- and returns a
:class:`~backtest.report.writer.Report` ready to :meth:`~Report.write`.  It is
what ``vixbt report`` calls, and what a notebook calls to get the same page.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any

import pandas as pd

from backtest.numbers import pct, pval
from backtest.report.answer import (
    EMBEDDED_WARNING,
    answer_frame,
    headline,
    is_embedded,
    sample_text,
    strategy_samples,
)
from backtest.report.strategy_report import (
    StrategyEvaluation,
    add_strategy_section,
    backtest,
    evaluate,
    start_charts,
)
from backtest.report.writer import Report

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from backtest.data.table import MarketTable
    from backtest.evidence.verdict import VerdictTable
    from backtest.execution.config import Execution
    from strategies.base import Strategy

__all__ = ["add_answer_section", "era_matrix", "headline_report", "overview_table",
           "samples_display", "verdict_display", "verdict_matrix"]

_OVERVIEW = ("total_return", "annualized_return", "annualized_volatility", "sharpe",
             "max_drawdown", "trades", "win_rate", "time_in_market")


def verdict_matrix(vt: VerdictTable) -> pd.DataFrame:
    """Verdict words by (strategy, side) and horizon, the page's first table."""
    t = vt.table
    m = t.pivot_table(index=["strategy", "side"], columns="horizon", values="verdict",
                      aggfunc="first", sort=False)
    m.columns = [f"{h} day{'' if str(h) == '1' else 's'}" for h in m.columns]
    return m


def _effect_matrix(vt: VerdictTable) -> pd.DataFrame:
    t = vt.table.assign(effect_pct=vt.table["effect"].map(pct))
    m = t.pivot_table(index=["strategy", "side"], columns="horizon", values="effect_pct",
                      aggfunc="first", sort=False)
    m.columns = [f"{h} day{'' if str(h) == '1' else 's'}" for h in m.columns]
    return m


def _answer(vt: VerdictTable) -> dict[str, str]:
    """The headline in numbers: verdict counts per side of the question, primaries first."""
    from backtest.evidence.judge import VERDICTS

    t = vt.table
    out = {}
    for side, label in (("long", "after fear (VIX high, expect SPX up)"),
                        ("short", "after complacency (VIX low, expect SPX down)")):
        for fam in ("primary", "exploratory"):
            rows = t[(t["side"] == side) & (t["family"] == fam)]
            if rows.empty:
                continue
            counts = rows["verdict"].value_counts()
            out[f"{label}, {fam}"] = (", ".join(f"{int(counts.get(w, 0))} {w}"
                                                for w in VERDICTS)
                                      + f" ({len(rows)} rows)")
    return out


def samples_display(samples: pd.DataFrame) -> pd.DataFrame:
    """The per-strategy samples as page text (dates, day counts)."""
    out = pd.DataFrame({
        "first signal-eligible day": [f"{d:%Y-%m-%d}" if pd.notna(d) else "no data"
                                      for d in samples["first"]],
        "last": [f"{d:%Y-%m-%d}" if pd.notna(d) else "" for d in samples["last"]],
        "days": [f"{int(n):,}" for n in samples["days"]],
    }, index=samples.index)
    return out


def verdict_display(t: pd.DataFrame) -> pd.DataFrame:
    """The verdict table as page text: twelve columns, percentages and p-values in one
    convention each, so the verdict stays on screen (every column is in the CSV)."""
    return pd.DataFrame({
        "strategy": t["strategy"], "side": t["side"], "h": t["horizon"].astype(int),
        "family": t["family"] if "family" in t.columns else "",
        "days": t["signal_days"].map(lambda v: f"{int(v):,}"),
        "episodes": t["episodes"].map(lambda v: f"{int(v):,}"),
        "effect": t["effect"].map(pct),
        "interval": [f"{pct(a)} .. {pct(b)}" if pd.notna(a) else ""
                     for a, b in zip(t["ci_low"], t["ci_high"], strict=True)],
        "mde": t["mde"].map(lambda v: pct(v, sign=False)),
        "p raw": t["p_raw"].map(pval),
        "p adj.": t["p_adj"].map(pval),
        "verdict": t["verdict"],
    })


def add_answer_section(report: Report, vt: VerdictTable, *, charts: bool = True) -> None:
    """The answer first: one sentence per side, then the forest plot of each side."""
    from backtest.report.answer import SIDE_WORDS

    page = report.page
    answer = answer_frame(vt)
    page.heading("The answer")
    lines = headline(answer)
    for h in lines:
        page.paragraph(h.sentence, css="answer")
    if not lines:
        page.callout("No strategy could be studied on this data.")
    page.key_values(_answer(vt))
    page.paragraph(
        "Primary horizon: one pre-specified horizon per strategy side (declared by the "
        "strategy, shown by `vixbt list`); the other horizons are exploratory. 'Could "
        "detect': the minimum detectable effect at 80% power of the one-sided test under the "
        "family's adjustment. " + vt.power_statement, css="note")
    if not charts:
        return
    from backtest.report.charts import forest_chart

    def forest(side: str) -> Callable[[], Figure]:
        return lambda: forest_chart(answer, side)

    for side, word in SIDE_WORDS.items():
        if (answer["side"] == side).any():
            report.add_chart(
                forest(side), f"forest-{word}",
                alt=f"forest plot of the effects after {word} extremes",
                caption="Each strategy and horizon: the effect (point) and its 95% bootstrap "
                        "interval (line), coloured by its verdict; diamonds mark the primary "
                        "horizon; the vertical line is no difference from the other days.")


def era_matrix(era_table: pd.DataFrame, min_episodes: int) -> pd.DataFrame:
    """One strategy's eras in one compact table: a cell per (side, era) and horizon.

    Parameters
    ----------
    era_table : pandas.DataFrame
        :meth:`backtest.evidence.strategy_study.StrategyStudy.era_table`.
    min_episodes : int
        Episodes a cell needs before its raw p-value is shown.

    Returns
    -------
    pandas.DataFrame
        Index ``(side, era)``; cells read ``"+0.40% (100 ep, raw p 0.006)"``:
        effect in percent, episodes, raw one-sided HAC p-value.
    """
    t = era_table.reset_index()
    eff = t["effect"].map(lambda v: "n/a" if pd.isna(v) else pct(v))
    p = t["p_raw"].map(lambda v: "n/a" if pd.isna(v) else pval(v))
    # below min_episodes no p-value is shown (an era cell carries no verdict word)
    tail = ["" if n < min_episodes else f", raw p {q}"
            for n, q in zip(t["episodes"], p, strict=True)]
    t["cell"] = [f"{e} ({n} ep{x})" for e, n, x in zip(eff, t["episodes"], tail, strict=True)]
    m = t.pivot_table(index=["side", "era"], columns="horizon", values="cell",
                      aggfunc="first", sort=False)
    m.columns = [f"{h} day{'' if str(h) == '1' else 's'}" for h in m.columns]
    return m


def overview_table(evaluations: Iterable[StrategyEvaluation]) -> pd.DataFrame:
    """Key statistics of every strategy that ran, plus buy-and-hold over each one's period."""
    rows: dict[str, Any] = {}
    for ev in evaluations:
        if ev.result is None:
            continue
        s = ev.result.stats
        b = ev.result.benchmark_stats
        rows[ev.strategy.name] = {k: float(s.get(k, float("nan"))) for k in _OVERVIEW}
        rows[f"{ev.strategy.name} / buy-and-hold"] = {k: float(b.get(k, float("nan")))
                                                      for k in _OVERVIEW}
    out = pd.DataFrame.from_dict(rows, orient="index", columns=list(_OVERVIEW))
    out.index.name = "strategy"
    return out


_PCT = ("total_return", "annualized_return", "annualized_volatility", "max_drawdown",
        "win_rate", "time_in_market")


def _overview_display(overview: pd.DataFrame) -> pd.DataFrame:
    out = pd.DataFrame(index=overview.index)
    for c in overview.columns:
        label = c.replace("_", " ").replace("annualized", "annualised")
        if c in _PCT:
            signed = c in ("total_return", "annualized_return", "max_drawdown")
            out[label] = [pct(v, sign=signed) for v in overview[c]]
        elif c == "trades":
            out[label] = overview[c].map(lambda v: "" if pd.isna(v) else f"{int(v):,}")
        else:
            out[label + (" (annualised)" if c == "sharpe" else "")] = overview[c].map(
                lambda v: "" if pd.isna(v) else f"{v:.2f}")
    return out


def headline_report(table: MarketTable, strategies: Sequence[Strategy], execution: Execution,
                    *, horizons: Sequence[int] = (1, 5, 10, 21, 63), n_boot: int = 1000,
                    seed: int = 0,
                    progress: Callable[[Iterable[Any]], Iterable[Any]] | None = None,
                    charts: bool = True, jobs: int = 1
                    ) -> tuple[Report, VerdictTable, list[StrategyEvaluation]]:
    """Build the combined report of ``strategies`` on ``table``.

    Parameters
    ----------
    table : MarketTable
        The market data.
    strategies : sequence of Strategy
        Parameter sets (usually every registered strategy with defaults).
    execution : Execution
        Fill, costs, sides and exits of the backtests; the event studies use
        its fill timing.
    horizons, n_boot, seed
        Event-study settings (see :func:`backtest.evidence.verdict.verdict_table`).
    progress : callable or None
        Wraps the per-strategy loop (e.g. a tqdm bar).
    charts : bool, default True
        Draw each strategy's charts; ``False`` when the report will not be
        written (the summary and the verdict table are the same).
    jobs : int, default 1
        Processes drawing the charts, this one included (see
        :class:`~backtest.report.writer.Report`); the PNGs are the same for
        every value.

    Returns
    -------
    (Report, VerdictTable, list of StrategyEvaluation)
    """
    from backtest.evidence.verdict import verdict_table

    frame = table.frame
    samples = strategy_samples(list(strategies), frame)
    rep = Report(
        title="When the VIX hits an extreme, does the S&P 500 reverse?",
        name="report",
        jobs=jobs,
        subtitle=f"Every registered VIX signal with its default parameters; each strategy is "
                 f"judged on its own sample, {sample_text(samples)}. Signals use only each "
                 f"day's close; trades fill at the {execution.fill.replace('_', ' ')}.")
    # the backtests first, and the charts that need no event study start drawing in other
    # processes (jobs > 1) while the event studies are computed here
    backtests: dict[str, StrategyEvaluation] = {}
    for s in strategies:
        backtests[s.name] = backtest(s, frame, execution)
        if charts and rep.parallel:  # the first child starts after the first backtest
            start_charts(rep, backtests[s.name], frame)
    vt = verdict_table(frame, list(strategies), tuple(horizons), execution.fill,
                       n_boot=n_boot, seed=seed)
    loop: Iterable[Strategy] = progress(strategies) if progress else strategies
    skipped = dict(vt.skipped)
    evaluations: list[StrategyEvaluation] = []
    sections, fragments = [], []
    for s in loop:
        bt, study = backtests[s.name], vt.studies.get(s.name)
        if s.name in skipped:
            ev = StrategyEvaluation(s, skipped=skipped[s.name])
        elif bt.result is not None and study is not None:
            ev = dataclasses.replace(bt, study=study)  # = evaluate(..., study=study)
        else:
            ev = evaluate(s, frame, execution, study=study)
        evaluations.append(ev)
        # each strategy's section (and its charts) now: the charts are drawn in other
        # processes (jobs > 1) while the next strategy is evaluated; the section goes
        # into the page after the overview below
        with rep.fragment() as part:
            sections.append(add_strategy_section(rep, ev, frame, charts=charts))
        fragments.append(part)

    page = rep.page
    if is_embedded(table):
        page.callout(EMBEDDED_WARNING)
    add_answer_section(rep, vt, charts=charts)
    page.heading("Verdicts")
    page.paragraph(vt.power_statement, css="lead")
    page.paragraph(
        "For each strategy side and horizon: does the mean SPX forward return after signal "
        "days differ from the mean after the other days in the direction the idea expects "
        "(higher after fear, lower after complacency)? One-sided HAC (Newey-West) tests at "
        f"alpha {vt.settings['alpha']:g}.")
    page.paragraph(
        "Each side's pre-specified primary horizon forms the headline family (Holm over both "
        "directions); the other horizons are exploratory (Benjamini-Yekutieli). 'supports' / "
        "'contradicts': the adjusted p-value of that direction is below alpha; 'no effect': an "
        f"equivalence test (TOST) puts the effect within +-{vt.settings['delta_per_5d']:.2%} "
        "per 5 trading days (scaled with the horizon); 'inconclusive': neither -- mde is the "
        "smallest effect the test could have found with 80% power; 'too few': fewer than "
        f"{vt.settings['min_episodes']} episodes (runs of signal days at most "
        f"{vt.settings['max_gap']} trading days apart). Raw p-values are labelled raw and never "
        "decide a word; p_rw (in the CSV) is the Romano-Wolf stepdown over the whole table.",
        css="note")
    page.table(verdict_matrix(vt), caption="Verdict by horizon (trading days)",
               verdict_column="*")
    page.table(_effect_matrix(vt), caption="Effect: mean forward return after signal days "
                                           "minus after the other days")
    for name, reason in vt.skipped:
        page.callout(f"{name} skipped: {reason}")
    page.table(samples_display(samples), caption="The sample of each strategy: first and last "
                                                 "signal-eligible day (its data present, its "
                                                 "warm-up passed)")
    page.heading("Verdict table in full", 3, toc=False)
    page.table(verdict_display(vt.table), index=False,
               caption="effect = signal days minus other days; interval: its 95% "
                       "block-bootstrap interval; mde: the smallest effect the test could "
                       "detect (80% power); p raw (before adjustment, never a verdict on its "
                       "own) and p adj. (Holm for primary rows, BY for exploratory) one-sided "
                       "in the expected direction; every column is in the CSV",
               verdict_column="verdict")
    page.heading("Stability by era", 3, toc=False)
    page.paragraph(
        "Each strategy side inside each decade and before/after 2008, every era studied on its "
        "own (signal days dated in the era against the era's unconditional mean). Cells: "
        "effect in percent, independent episodes, raw one-sided HAC p-value in the expected "
        "direction -- not adjusted for the number of eras, so read it as a stability check, "
        "not as extra verdicts.")
    min_ep = int(vt.settings["min_episodes"])
    for key, st in vt.studies.items():
        page.table(era_matrix(st.era_table(), min_ep), caption=f"{key}: effect by era")

    page.heading("Performance against buy-and-hold")
    overview = overview_table(evaluations)
    page.table(_overview_display(overview),
               caption="Backtests with default parameters; each strategy's buy-and-hold row "
                       "covers the same days and costs")
    for part in fragments:
        page.extend(part)

    from backtest.report.data_section import add_data_section

    add_data_section(rep, table)
    page.heading("Method", 3, toc=False)
    page.bullets([
        "Signals are computed from data known at each day's close; orders fill on the next "
        "trading day (the VIX closes 15 minutes after SPX, so a same-day fill would be "
        "look-ahead).",
        "Forward returns run from the fill price over h trading days; overlapping windows "
        "are handled with HAC standard errors (lags = h) and block-bootstrap intervals "
        "(blocks of at least the horizon); clustered signals are counted as episodes.",
        f"Bootstrap replications: {n_boot}, seed {seed}. Costs: fees {execution.fees:g}, "
        f"slippage {execution.slippage:g} per fill.",
    ])
    rep.stats = overview
    rep.summary = {
        "verdicts": vt.to_dict(),
        "strategies": sections,
        "skipped": [{"strategy": ev.strategy.name, "reason": ev.skipped}
                    for ev in evaluations if ev.skipped is not None],
    }
    return rep, vt, evaluations
