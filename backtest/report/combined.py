"""The headline report: every strategy with its defaults, one page.

:func:`headline_report` runs the whole question -- the verdict table across
strategies, then each strategy's backtest and charts -- and returns a
:class:`~backtest.report.writer.Report` ready to :meth:`~Report.write`.  It is
what ``vixbt report`` calls, and what a notebook calls to get the same page.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any

import pandas as pd

from backtest.report.strategy_report import (
    StrategyEvaluation,
    add_strategy_section,
    evaluate,
)
from backtest.report.writer import Report

if TYPE_CHECKING:
    from backtest.data.table import MarketTable
    from backtest.evidence.verdict import VerdictTable
    from backtest.execution.config import Execution
    from strategies.base import Strategy

__all__ = ["era_matrix", "headline_report", "overview_table", "verdict_matrix"]

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
    t = vt.table.assign(effect_pct=vt.table["effect"] * 100)
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
    eff = (t["effect"] * 100).map(lambda v: "n/a" if pd.isna(v) else f"{v:+.2f}%")
    p = t["p_raw"].map(lambda v: "n/a" if pd.isna(v) else f"{v:.3f}")
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
    out = overview.copy()
    for c in _PCT:
        if c in out.columns:
            out[c] = out[c] * 100
    out = out.rename(columns={c: f"{c.replace('_', ' ')} (%)" if c in _PCT
                              else c.replace("_", " ") for c in out.columns})
    return out.round(2)


def headline_report(table: MarketTable, strategies: Sequence[Strategy], execution: Execution,
                    *, horizons: Sequence[int] = (1, 5, 10, 21, 63), n_boot: int = 1000,
                    seed: int = 0,
                    progress: Callable[[Iterable[Any]], Iterable[Any]] | None = None,
                    charts: bool = True
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

    Returns
    -------
    (Report, VerdictTable, list of StrategyEvaluation)
    """
    from backtest.evidence.verdict import verdict_table

    frame = table.frame
    vt = verdict_table(frame, list(strategies), tuple(horizons), execution.fill,
                       n_boot=n_boot, seed=seed)
    loop: Iterable[Strategy] = progress(strategies) if progress else strategies
    skipped = dict(vt.skipped)
    evaluations = []
    for s in loop:
        if s.name in skipped:
            evaluations.append(StrategyEvaluation(s, skipped=skipped[s.name]))
            continue
        evaluations.append(evaluate(s, frame, execution, study=vt.studies.get(s.name)))

    vix = frame["vix_close"].dropna() if "vix_close" in frame.columns else pd.Series(dtype=float)
    span = (f"{vix.index[0]:%Y-%m-%d} .. {vix.index[-1]:%Y-%m-%d}" if len(vix)
            else f"{table.start:%Y-%m-%d} .. {table.end:%Y-%m-%d}")
    rep = Report(
        title="When the VIX hits an extreme, does the S&P 500 reverse?",
        name="report",
        subtitle=f"Every registered VIX signal with its default parameters, VIX data "
                 f"{span}. Signals use only each day's close; trades fill at the "
                 f"{execution.fill.replace('_', ' ')}.")
    page = rep.page
    page.heading("Verdicts")
    page.paragraph(vt.power_statement, css="lead")
    page.paragraph(
        "For each strategy side and horizon: does the mean SPX forward return after signal "
        "days differ from the mean after the other days in the direction the idea expects "
        "(higher after fear, lower after complacency)? One-sided HAC (Newey-West) tests at "
        f"alpha {vt.settings['alpha']:g}. Each side's pre-specified primary horizon forms the "
        "headline family (Holm over both directions); the other horizons are exploratory "
        "(Benjamini-Yekutieli). 'supports' / 'contradicts': the adjusted p-value of that "
        "direction is below alpha; 'no effect': an equivalence test (TOST) puts the effect "
        f"within +-{vt.settings['delta_per_5d']:.2%} per 5 trading days (scaled with the "
        "horizon); 'inconclusive': neither -- mde is the smallest effect the test could have "
        f"found with 80% power; 'too few': fewer than {vt.settings['min_episodes']} episodes "
        f"(runs of signal days at most {vt.settings['max_gap']} trading days apart). Raw "
        "p-values are labelled p_raw and never decide a word; p_rw is the Romano-Wolf "
        "stepdown over the whole table (joint block bootstrap), shown beside Holm.")
    page.key_values(_answer(vt))
    page.table(verdict_matrix(vt), caption="Verdict by horizon (trading days)",
               verdict_column="*")
    page.table(_effect_matrix(vt), caption="Effect: mean forward return after signal days "
                                           "minus after the other days, in percent",
               float_format="{:+.2f}")
    for name, reason in vt.skipped:
        page.callout(f"{name} skipped: {reason}")
    cols = ["strategy", "side", "horizon", "family", "signal_days", "episodes", "effect",
            "ci_low", "ci_high", "se_hac", "p_raw", "p_adj", "p_opposite_adj", "p_rw", "mde",
            "power", "p_tost_adj", "event_effect", "effect_ex_largest", "placebo_p_raw",
            "verdict"]
    page.heading("Verdict table in full", 3, toc=False)
    page.table(vt.table[[c for c in cols if c in vt.table.columns]], index=False,
               caption="Effects, intervals, se_hac and mde are fractions (0.01 = 1%); effect "
                       "= signal days minus other days; p_raw (raw) and p_adj (Holm for "
                       "primary rows, BY for exploratory) one-sided in the expected "
                       "direction; p_opposite_adj is the p-value behind 'contradicts'",
               verdict_column="verdict")
    page.heading("Stability by era", 3, toc=False)
    page.paragraph(
        "Each strategy side inside each decade and before/after 2008, every era studied on its "
        "own (signal days dated in the era against the era's other days). Cells: "
        "effect in percent, episodes, raw one-sided HAC p-value in the expected "
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
    sections = [add_strategy_section(rep, ev, frame, charts=charts) for ev in evaluations]

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
