"""One strategy's part of a report: statistics against buy-and-hold and its charts.

:func:`evaluate` runs a parameter set through the library (signals, the
vectorbt portfolio, the event study of each side); :func:`add_strategy_section`
puts the result into a :class:`~backtest.report.writer.Report`:

* statistics of the strategy next to buy-and-hold SPX over the same days;
* SPX with the trades' entry and exit fills marked;
* the VIX (or the term-structure ratio) with the rule's bands or thresholds and
  the signal days, plus a lower pane where the rule reads a derived series;
* equity and drawdown against buy-and-hold;
* mean SPX forward returns after signal days by horizon, with the bootstrap
  interval, next to the unconditional mean.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from backtest.errors import MissingDataError

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from backtest.evidence.strategy_study import StrategyStudy
    from backtest.execution.config import Execution
    from backtest.execution.result import RunResult
    from backtest.report.overlays import SignalPanes
    from backtest.report.writer import Report
    from strategies.base import Signals, Strategy

__all__ = ["StrategyEvaluation", "add_strategy_section", "backtest", "evaluate", "forward_table",
           "sentence", "split_display", "start_charts", "stats_table", "strategy_summary",
           "study_display"]


@dataclass(frozen=True)
class StrategyEvaluation:
    """Everything a report shows about one parameter set.

    Attributes
    ----------
    strategy : Strategy
        The parameter set.
    signals : Signals or None
        Its signals on the data (``None`` when skipped).
    result : RunResult or None
        The backtest.
    study : StrategyStudy or None
        The event study of each side.
    skipped : str or None
        Why the strategy was not run (missing data), else ``None``.
    """

    strategy: Strategy
    signals: Signals | None = None
    result: RunResult | None = None
    study: StrategyStudy | None = None
    skipped: str | None = None


def backtest(strategy: Strategy, frame: pd.DataFrame,
             execution: Execution) -> StrategyEvaluation:
    """Signals and backtest of one parameter set, without its event study.

    What :func:`evaluate` computes first; ``evaluate(..., study=st)`` equals
    ``dataclasses.replace(backtest(...), study=st)`` for a strategy that runs.
    A strategy whose columns the data lacks is returned with ``skipped`` set.
    """
    from backtest.execution.portfolio import run

    if execution.side in ("long", "short") and execution.side not in strategy.sides:
        return StrategyEvaluation(strategy, skipped=f"{strategy.name} has no {execution.side} "
                                                    f"side (its sides: "
                                                    f"{', '.join(strategy.sides)})")
    try:
        signals = strategy.signals(frame)
        result = run(strategy, frame, execution)
    except MissingDataError as exc:
        return StrategyEvaluation(strategy, skipped=str(exc))
    return StrategyEvaluation(strategy, signals, result)


def evaluate(strategy: Strategy, frame: pd.DataFrame, execution: Execution, *,
             study: StrategyStudy | None = None, n_boot: int = 1000, seed: int = 0,
             horizons: tuple[int, ...] = (1, 5, 10, 21, 63)) -> StrategyEvaluation:
    """Signals, backtest and event study of one parameter set.

    A strategy whose columns the data lacks is returned with ``skipped`` set
    (the library's message), never raised.

    Parameters
    ----------
    strategy : Strategy
        The parameter set.
    frame : pandas.DataFrame
        Market table frame.
    execution : Execution
        Fill, costs, sides, exits.
    study : StrategyStudy or None, default None
        A study already computed (e.g. by the verdict table); computed here if
        ``None``, judged inside the registry's family
        (:func:`backtest.evidence.verdict.family_study`).
    n_boot, seed, horizons
        Event-study settings when the study is computed here.
    """
    from backtest.evidence.verdict import family_study

    ev = backtest(strategy, frame, execution)
    if ev.skipped is not None:
        return ev
    if study is not None:
        return dataclasses.replace(ev, study=study)
    try:
        study = family_study(strategy, frame, horizons, execution.fill, n_boot=n_boot,
                             seed=seed, returns=execution.returns)[0]
    except MissingDataError as exc:
        return StrategyEvaluation(strategy, skipped=str(exc))
    return dataclasses.replace(ev, study=study)


#: Statistics shown in the per-strategy table, with display names.
_STAT_LABELS: dict[str, str] = {
    "total_return": "total return",
    "annualized_return": "annualised return",
    "annualized_volatility": "annualised volatility",
    "sharpe": "Sharpe ratio",
    "sortino": "Sortino ratio",
    "max_drawdown": "max drawdown",
    "max_drawdown_duration": "max drawdown duration (days)",
    "calmar": "Calmar ratio",
    "trades": "trades",
    "win_rate": "win rate",
    "average_win": "average win",
    "average_loss": "average loss",
    "profit_factor": "profit factor",
    "time_in_market": "time in market",
}
_PERCENT = {"total_return", "annualized_return", "annualized_volatility", "max_drawdown",
            "win_rate", "average_win", "average_loss", "time_in_market"}


def stats_table(result: RunResult) -> pd.DataFrame:
    """The strategy's statistics next to buy-and-hold's (raw numbers, one row each)."""
    both = pd.DataFrame({"strategy": result.stats, "buy_and_hold": result.benchmark_stats})
    both.index.name = "statistic"
    return both


def _display_stats(table: pd.DataFrame) -> pd.DataFrame:
    rows = {}
    for key, row in table.iterrows():
        k = str(key)
        label = _STAT_LABELS.get(k, k.replace("_", " "))
        if k in _PERCENT:
            rows[label + " (%)"] = [f"{v * 100:,.2f}" if np.isfinite(v) else ""
                                    for v in row.to_numpy(dtype=float)]
        else:
            rows[label] = [f"{v:,.3f}".rstrip("0").rstrip(".") if np.isfinite(v) else ""
                           for v in row.to_numpy(dtype=float)]
    out = pd.DataFrame.from_dict(rows, orient="index", columns=["strategy", "buy-and-hold SPX"])
    out.index.name = "statistic"
    return out


def forward_table(study: StrategyStudy) -> pd.DataFrame:
    """Per side and horizon: the effect (mean forward return after signal days minus
    after the other days) with the interval of that difference, signal days,
    episodes and the verdict of the row's family (input of the forward-return chart)."""
    rows = _study_rows(study).reset_index()
    return pd.DataFrame({
        "side": rows["side"].astype(str),
        "horizon": rows["horizon"].astype(int),
        "effect": rows["effect"].to_numpy(dtype=float),
        "ci_low": rows["ci_low"].to_numpy(dtype=float),
        "ci_high": rows["ci_high"].to_numpy(dtype=float),
        "n_signal": rows["signal_days"].to_numpy(dtype=float),
        "n_episodes": rows["episodes"].to_numpy(dtype=float),
        "verdict": (rows["verdict"].astype(str) if "verdict" in rows.columns
                    else pd.Series("", index=rows.index)).to_numpy(),
    })


def _study_rows(study: StrategyStudy) -> pd.DataFrame:
    """The judged rows when the study was judged in a family, else the raw figures."""
    return study.judged.copy() if study.judged is not None else study.to_frame()


def _trade_dates(result: RunResult, side: str, which: str) -> pd.DatetimeIndex:
    t = result.trades
    t = t[t["side"] == side]
    if which == "exit":
        t = t[t["status"] == "closed"]
    return pd.DatetimeIndex(t[f"{which}_date"])


_ZOOM_DAYS = 756


def _zoom_panes(panes: SignalPanes, index: pd.Index) -> SignalPanes:
    """The same panes cut to ``index`` (indicators computed on the full run first)."""
    import dataclasses

    from backtest.report.charts import Pane

    def cut(p: Pane) -> Pane:
        return dataclasses.replace(
            p, series=p.series.reindex(index),
            lines={k: v.reindex(index) for k, v in p.lines.items()},
            marks={k: (v.reindex(index).fillna(False).astype(bool)
                       if isinstance(v, pd.Series) else v) for k, v in p.marks.items()},
            log=False)

    return dataclasses.replace(panes, main=cut(panes.main),
                               lower=cut(panes.lower) if panes.lower is not None else None)


def _param_text(strategy: Strategy) -> str:
    return ", ".join(f"{k}={v!r}" for k, v in strategy.params().items()) or "no parameters"


def strategy_summary(ev: StrategyEvaluation) -> dict[str, Any]:
    """The JSON summary of one evaluated strategy (the *strategy object* of
    :mod:`backtest.cli.schema`), without building any chart.

    Parameters
    ----------
    ev : StrategyEvaluation
        The evaluated strategy.

    Returns
    -------
    dict
        ``strategy``, ``params``, ``sides``, then either ``skipped`` or
        ``period``, ``stats``, ``buy_and_hold``, ``timing_placebo``
        (``{timing_excess, p_raw, n_placebo}``: the mean daily return over the
        exposure-matched benchmark and its raw placebo p-value from re-timed
        holding spells, :func:`backtest.evidence.placebo.strategy_timing_placebo`)
        and (with a study) ``event_study``.
    """
    s = ev.strategy
    out: dict[str, Any] = {"strategy": s.name, "params": s.params(), "sides": list(s.sides)}
    if ev.skipped is not None or ev.result is None or ev.signals is None:
        out["skipped"] = ev.skipped
        return out
    res = ev.result
    stats = stats_table(res)
    out["period"] = [res.index[0].strftime("%Y-%m-%d"), res.index[-1].strftime("%Y-%m-%d")]
    out["stats"] = stats["strategy"].to_dict()
    out["buy_and_hold"] = stats["buy_and_hold"].to_dict()
    if ev.study is not None:
        out["event_study"] = _study_rows(ev.study).reset_index().to_dict(orient="records")
    from backtest.evidence.placebo import strategy_timing_placebo

    pl = strategy_timing_placebo(res.exposure, res.benchmark_equity.pct_change(), seed=0)
    out["timing_placebo"] = {"timing_excess": pl.observed, "p_raw": pl.p_raw,
                             "n_placebo": int(pl.placebos.size)}
    return out


def add_strategy_section(report: Report, ev: StrategyEvaluation, frame: pd.DataFrame, *,
                         heading_level: int = 2, key: str | None = None,
                         charts: bool = True) -> dict[str, Any]:
    """Add one strategy's section to ``report`` and return its JSON summary
    (:func:`strategy_summary`).

    Parameters
    ----------
    report : Report
        The report being built.
    ev : StrategyEvaluation
        The evaluated strategy.
    frame : pandas.DataFrame
        The market data it ran on.
    heading_level : int, default 2
        Level of the section heading.
    key : str or None, default None
        Prefix of the chart file names (default: the strategy name).
    charts : bool, default True
        Draw the charts.  ``False`` adds only the text and tables (for a report
        that is not written, e.g. ``--no-report``); matplotlib is then not
        imported.
    """
    s = ev.strategy
    key = key or s.name
    page = report.page
    title = f"{s.title or s.name} ({s.name})"
    page.heading(title, heading_level)
    if s.idea:
        page.paragraph(sentence(s.idea), css="lead")
    page.paragraph(f"Parameters: {_param_text(s)}.", css="note")
    out = strategy_summary(ev)
    if ev.skipped is not None or ev.result is None or ev.signals is None:
        page.callout(f"Skipped: {ev.skipped}")
        return out
    res = ev.result
    stats = stats_table(res)
    ex = res.execution
    page.table(_display_stats(stats),
               caption=f"Performance {out['period'][0]} .. {out['period'][1]}, fills at "
                       f"{ex.fill.replace('_', ' ')}, fees {ex.fees:g}, slippage {ex.slippage:g}")
    tp = out["timing_placebo"]
    page.paragraph(f"Timing against the exposure-matched benchmark: "
                   f"{tp['timing_excess'] * 252:+.2%} a year; placebo p (raw, "
                   f"{tp['n_placebo']} re-timed holding spells) {tp['p_raw']:.3f}.",
                   css="note")
    if charts:
        _add_charts(report, ev, frame, key, min(heading_level + 1, 4))
    if ev.study is not None:
        page.table(study_display(_study_rows(ev.study)),
                   caption="Event study by side and horizon: effect = signal days minus other "
                           "days; p raw: one-sided HAC p-value in the expected direction, "
                           "before any adjustment; p adj.: adjusted in the row's family; the "
                           "verdict comes from the family-adjusted tests",
                   verdict_column="verdict")
    return out


def start_charts(report: Report, ev: StrategyEvaluation, frame: pd.DataFrame, *,
                 key: str | None = None) -> None:
    """Start drawing the charts of ``ev`` that :func:`add_strategy_section` will add
    (:meth:`~backtest.report.writer.Report.prefetch`): with a backtest and no event
    study yet, the trades, signal and equity charts.  Nothing is added to the page."""
    if ev.result is None or ev.signals is None:
        return
    with report.prefetch():
        _add_charts(report, ev, frame, key or ev.strategy.name, 3)


def sentence(text: str) -> str:
    """``text`` ending in one full stop (so two sentences never run together)."""
    t = text.strip()
    return t if not t or t[-1] in ".!?" else t + "."


def study_display(table: pd.DataFrame) -> pd.DataFrame:
    """An event-study table (index ``(side, horizon)`` or ``(side, era, horizon)``) as
    page text: at most twelve columns, percentages with fixed decimals, the verdict
    last (era tables have no verdict words, only raw p-values)."""
    from backtest.numbers import pct, pval

    t = table.reset_index()
    na = pd.Series(np.nan, index=t.index)
    cols: dict[str, Any] = {"side": t["side"]}
    if "era" in t.columns:
        cols["era"] = t["era"]
    cols.update({
        "h": t["horizon"].astype(int),
        "days": t["signal_days"].map(lambda v: f"{int(v):,}"),
        "episodes": t["episodes"].map(lambda v: f"{int(v):,}"),
        "after signals": t.get("mean_signal", na).map(pct),
        "other days": t.get("mean_nonsignal", na).map(pct),
        "effect": t["effect"].map(pct),
    })
    if "ci_low" in t.columns:
        cols["interval"] = [f"{pct(a)} .. {pct(b)}" if pd.notna(a) else ""
                            for a, b in zip(t["ci_low"], t["ci_high"], strict=True)]
    if "mde" in t.columns:
        cols["mde"] = t["mde"].map(lambda v: pct(v, sign=False))
    cols["p raw"] = t["p_raw"].map(pval)
    if "p_adj" in t.columns:
        cols["p adj."] = t["p_adj"].map(pval)
    if "verdict" in t.columns:
        cols["verdict"] = t["verdict"]
    keys = [k for k in ("side", "era", "h") if k in cols]
    return pd.DataFrame(cols).set_index(keys)


def _add_charts(report: Report, ev: StrategyEvaluation, frame: pd.DataFrame, key: str,
                sub: int) -> None:
    """The section's charts, each under its own heading."""
    from backtest.report import interactive
    from backtest.report.charts import (
        equity_chart,
        forward_returns_chart,
        price_trades_chart,
        ratio_chart,
        signal_chart,
    )
    from backtest.report.overlays import signal_panes

    s, page = ev.strategy, report.page
    res, sig = ev.result, ev.signals
    assert res is not None and sig is not None
    close = frame["spx_close"].loc[res.index[0]:res.index[-1]]
    page.heading(f"{s.name}: trades on the S&P 500", sub, toc=False)
    le, lx = _trade_dates(res, "long", "entry"), _trade_dates(res, "long", "exit")
    se, sx = _trade_dates(res, "short", "entry"), _trade_dates(res, "short", "exit")
    trade_title = f"S&P 500 with {s.name} trades (fill days)"
    # figures are passed as functions building them: with several processes drawing,
    # they are built where they are drawn
    report.add_chart(
        lambda: price_trades_chart(close, long_entries=le, long_exits=lx, short_entries=se,
                                   short_exits=sx, title=trade_title),
        f"{key}-spx-trades", alt=f"SPX with {s.name} entries and exits",
        caption="Markers sit on the fill day (the trading day after the signal), at that "
                "day's SPX close.",
        interactive=lambda: interactive.price_trades_figure(
            close, long_entries=le, long_exits=lx, short_entries=se, short_exits=sx,
            title=trade_title))
    panes = signal_panes(s, frame.loc[res.index[0]:res.index[-1]], sig)
    page.heading(f"{s.name}: the signal", sub, toc=False)
    sig_title = f"{s.title or s.name}: signal days"

    def signal_fig() -> Figure:
        if panes.ratio_band is not None:
            return ratio_chart(panes.main.series, name=panes.main.label,
                               band=panes.ratio_band, marks=panes.main.marks,
                               title=panes.main.title)
        return signal_chart(panes.main, panes.lower, title=sig_title)

    report.add_chart(signal_fig, f"{key}-signal", alt=f"{s.name} signal chart",
                     caption="Signal days are marked on the close that triggered them; the "
                             "trade fills on the next trading day.",
                     interactive=lambda: interactive.signal_figure(panes.main, panes.lower,
                                                                   title=sig_title))
    if len(res.index) > _ZOOM_DAYS * 2:
        zp = _zoom_panes(panes, res.index[-_ZOOM_DAYS:])

        def zoom_fig() -> Figure:
            if zp.ratio_band is not None:
                return ratio_chart(zp.main.series, name=zp.main.label, band=zp.ratio_band,
                                   marks=zp.main.marks,
                                   title=zp.main.title + " (last 3 years)")
            return signal_chart(zp.main, zp.lower,
                                title=f"{s.title or s.name}: the last 3 years")

        report.add_chart(zoom_fig, f"{key}-signal-recent", alt=f"{s.name} signal chart, recent",
                         caption="The same chart over the last three years of the run.")
    page.heading(f"{s.name}: equity and drawdown", sub, toc=False)
    eq_title = f"{s.name}: growth of $1 and drawdown vs buy-and-hold"
    report.add_chart(lambda: equity_chart(res.equity, res.benchmark_equity, title=eq_title),
                     f"{key}-equity", alt=f"{s.name} equity and drawdown",
                     interactive=lambda: interactive.equity_figure(
                         res.equity, res.benchmark_equity, title=eq_title))
    if ev.study is not None:
        fwd = forward_table(ev.study)
        page.heading(f"{s.name}: SPX forward returns after signals", sub, toc=False)
        report.add_chart(
            lambda: forward_returns_chart(
                fwd, title=f"{s.name}: SPX after signal days minus the other days"),
            f"{key}-forward-returns", alt=f"{s.name} forward returns by horizon",
            caption="Points: mean forward return from the next day's fill over h trading "
                    "days after signal days minus the mean over all days of the same sample; "
                    "lines: the 95% block-bootstrap interval of that difference; a line "
                    "crossing zero cannot be told from no difference.")
        from backtest.evidence.strategy_study import strategy_sample
        from backtest.report.charts import event_path_chart
        from backtest.report.event_paths import event_paths

        sample = strategy_sample(s, frame)
        page.heading(f"{s.name}: SPX around the fill", sub, toc=False)
        for side in ev.study.sides:
            entries = sig.long_entries if side == "long" else sig.short_entries
            word = "fear" if side == "long" else "complacency"

            def path_fig(entries: pd.Series = entries, side: str = side,
                         word: str = word) -> Figure:
                paths = event_paths(entries, frame, sample=sample, fill=res.execution.fill)
                return event_path_chart(paths, title=f"{s.name}, {word} side ({side}): SPX "
                                                     "around the fill")

            report.add_chart(
                path_fig,
                f"{key}-path-{side}", alt=f"{s.name} {side} event path",
                caption="Mean cumulative SPX return from the fill price, 10 trading days "
                        "before to 63 after: solid, one path per episode start (signals "
                        "more than 10 trading days after the previous one), with its 95% "
                        "band; dashed, one path per signal day; grey, every day of the "
                        "strategy's sample.")


def split_display(table: pd.DataFrame) -> pd.DataFrame:
    """A split/regime table (:data:`backtest.information.conditional.SPLIT_COLUMNS`, plus
    ``change`` columns where present) as page text narrow enough for the page: the
    part, its horizon and sample, the effect, mde, p-values and the verdict last
    (every column stays in the JSON)."""
    from backtest.numbers import pct, pval

    t = table.reset_index(drop=True)
    cols: dict[str, Any] = {"side": t["side"], "part": t["part"],
                            "h": t["horizon"].astype(int),
                            "part days": t["part_days"].map(lambda v: f"{int(v):,}"),
                            "days": t["signal_days"].map(lambda v: f"{int(v):,}"),
                            "episodes": t["episodes"].map(lambda v: f"{int(v):,}"),
                            "effect": t["effect"].map(pct),
                            "mde": t["mde"].map(lambda v: pct(v, sign=False)),
                            "p raw": t["p_raw"].map(pval), "p adj.": t["p_adj"].map(pval)}
    if "change" in t.columns:
        cols["change"] = t["change"].map(pct)
        cols["p change (raw)"] = t["p_change_raw"].map(pval)
    cols["verdict"] = t["verdict"]
    return pd.DataFrame(cols)
