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

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from backtest.errors import MissingDataError

if TYPE_CHECKING:
    from backtest.evidence.strategy_study import StrategyStudy
    from backtest.execution.config import Execution
    from backtest.execution.result import RunResult
    from backtest.report.overlays import SignalPanes
    from backtest.report.writer import Report
    from strategies.base import Signals, Strategy

__all__ = ["StrategyEvaluation", "add_strategy_section", "evaluate", "forward_table",
           "stats_table", "strategy_summary"]


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
    from backtest.execution.portfolio import run

    if execution.side in ("long", "short") and execution.side not in strategy.sides:
        return StrategyEvaluation(strategy, skipped=f"{strategy.name} has no {execution.side} "
                                                    f"side (its sides: "
                                                    f"{', '.join(strategy.sides)})")
    try:
        signals = strategy.signals(frame)
        result = run(strategy, frame, execution)
        if study is None:
            study = family_study(strategy, frame, horizons, execution.fill, n_boot=n_boot,
                                 seed=seed)[0]
    except MissingDataError as exc:
        return StrategyEvaluation(strategy, skipped=str(exc))
    return StrategyEvaluation(strategy, signals, result, study)


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
    """Per side and horizon: mean forward return after signals with its interval,
    and the mean after the other days (input of the forward-return chart).

    The interval is the bootstrap interval of the effect (signal days minus
    other days), shifted by the other days' mean, so bar, interval and
    comparison bar refer to the same difference.  ``n`` counts episodes.
    """
    parts = []
    for side, res in study.sides.items():
        f = res.to_frame()
        parts.append(pd.DataFrame({
            "side": side,
            "horizon": f.index.to_numpy(),
            "mean": f["mean_signal"].to_numpy(dtype=float),
            "ci_low": (f["mean_nonsignal"] + f["ci_low"]).to_numpy(dtype=float),
            "ci_high": (f["mean_nonsignal"] + f["ci_high"]).to_numpy(dtype=float),
            "unconditional": f["mean_nonsignal"].to_numpy(dtype=float),
            "n": f["episodes"].to_numpy(dtype=float),
        }))
    return pd.concat(parts, ignore_index=True)


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


_STUDY_COLUMNS = ("family", "signal_days", "episodes", "mean_signal", "mean_nonsignal",
                  "effect", "ci_low", "ci_high", "se_hac", "p_raw", "p_adj", "mde", "power",
                  "event_effect", "effect_ex_largest", "placebo_p_raw", "verdict")


def _study_rows(study: StrategyStudy) -> pd.DataFrame:
    """The judged rows when the study was judged in a family, else the raw figures."""
    return study.judged.copy() if study.judged is not None else study.to_frame()


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
        page.paragraph(s.idea, css="lead")
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
        table = _study_rows(ev.study)
        show = [c for c in _STUDY_COLUMNS if c in table.columns]
        page.table(table[show], caption="Event study by side and horizon (returns as "
                                        "fractions; effect = signal days minus other days; "
                                        "p_raw one-sided HAC, raw; p_adj adjusted in the "
                                        "row's family; verdict from the family-adjusted "
                                        "tests)", verdict_column="verdict")
    return out


def _add_charts(report: Report, ev: StrategyEvaluation, frame: pd.DataFrame, key: str,
                sub: int) -> None:
    """The section's charts, each under its own heading."""
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
    report.add_chart(
        price_trades_chart(
            close,
            long_entries=_trade_dates(res, "long", "entry"),
            long_exits=_trade_dates(res, "long", "exit"),
            short_entries=_trade_dates(res, "short", "entry"),
            short_exits=_trade_dates(res, "short", "exit"),
            title=f"S&P 500 with {s.name} trades (fill days)"),
        f"{key}-spx-trades", alt=f"SPX with {s.name} entries and exits",
        caption="Markers sit on the fill day (the trading day after the signal), at that "
                "day's SPX close.")
    panes = signal_panes(s, frame.loc[res.index[0]:res.index[-1]], sig)
    page.heading(f"{s.name}: the signal", sub, toc=False)
    if panes.ratio_band is not None:
        fig = ratio_chart(panes.main.series, name=panes.main.label, band=panes.ratio_band,
                          marks=panes.main.marks, title=panes.main.title)
    else:
        fig = signal_chart(panes.main, panes.lower, title=f"{s.title or s.name}: signal days")
    report.add_chart(fig, f"{key}-signal", alt=f"{s.name} signal chart",
                     caption="Signal days are marked on the close that triggered them; the "
                             "trade fills on the next trading day.")
    if len(res.index) > _ZOOM_DAYS * 2:
        zp = _zoom_panes(panes, res.index[-_ZOOM_DAYS:])
        if zp.ratio_band is not None:
            zfig = ratio_chart(zp.main.series, name=zp.main.label, band=zp.ratio_band,
                               marks=zp.main.marks, title=zp.main.title + " (last 3 years)")
        else:
            zfig = signal_chart(zp.main, zp.lower,
                                title=f"{s.title or s.name}: the last 3 years")
        report.add_chart(zfig, f"{key}-signal-recent", alt=f"{s.name} signal chart, recent",
                         caption="The same chart over the last three years of the run.")
    page.heading(f"{s.name}: equity and drawdown", sub, toc=False)
    report.add_chart(equity_chart(res.equity, res.benchmark_equity,
                                  title=f"{s.name}: growth of $1 and drawdown vs buy-and-hold"),
                     f"{key}-equity", alt=f"{s.name} equity and drawdown")
    if ev.study is not None:
        fwd = forward_table(ev.study)
        page.heading(f"{s.name}: SPX forward returns after signals", sub, toc=False)
        report.add_chart(
            forward_returns_chart(fwd, title=f"{s.name}: mean SPX return after signal days"),
            f"{key}-forward-returns", alt=f"{s.name} forward returns by horizon",
            caption="Bars: mean forward return from the next day's fill over h trading days "
                    "after signal days; whiskers: 95% block-bootstrap interval of the "
                    "difference from the unconditional mean, shifted by that mean; grey: "
                    "mean over all days of the same sample.")
