"""The JSON documents ``vixbt ... --format json`` prints (and ``summary.json`` holds).

Every document is one JSON object whose ``"schema"`` key names its kind and
version, ``"vixbt.<command>/<version>"``.  A version changes only when a key
is removed or changes meaning; new keys may be added within a version.
Numbers are plain JSON numbers (returns and rates as fractions, not percent);
missing or undefined values (NaN) are ``null``; dates are ``"YYYY-MM-DD"``.

``vixbt.report/2`` (``vixbt report``)
    ``report`` (folder or null), ``data`` (see below), ``execution``,
    ``verdicts`` (the verdict table document, schema of
    :mod:`backtest.evidence.verdict`), ``strategies`` (list of strategy
    objects), ``skipped`` (list of ``{strategy, reason}``).
``vixbt.run/2`` (``vixbt run``)
    ``report``, ``data``, ``execution`` (the Execution settings), ``strategy``
    (one strategy object).
``vixbt.sweep/2`` (``vixbt sweep``)
    ``report``, ``data``, ``strategy``, ``grid`` (name -> values), ``execution``,
    ``metric``, ``n_combinations``, ``period`` (first and last day), ``best``
    (``{params, stats}`` of the best row), ``spa`` (``{pvalue_consistent,
    pvalue_lower, pvalue_upper, best, best_excess, n_models, n_obs, block_size,
    reps}``), ``stepm`` (``{superior: [labels], size, n_models}``), ``dsr``
    (Deflated Sharpe Ratio figures), ``pbo`` (``{pbo, prob_oos_loss}`` or null),
    ``split`` (``{chosen, is_metric, oos_metric, oos_percentile, oos_best,
    benchmark_is, benchmark_oos, split, is_return, oos_return,
    benchmark_is_return, benchmark_oos_return, start, end, metric}`` or null:
    the set chosen on ``start`` .. the day before ``split`` and its figures in
    and out of sample, the ``benchmark_*`` ones of buy-and-hold with the same
    costs over the same days; ``*_metric`` per day, ``*_return`` compounded),
    ``walk_forward`` (``{metric, n_windows, start, end, oos_total_return,
    benchmark_total_return, windows: [{train_start, train_end, test_start,
    test_end, chosen, is_metric, oos_metric, oos_return, benchmark_return}]}``
    or null), ``notes``, ``rows`` (one object per combination: parameters then
    statistics), ``benchmark`` (``{primary, cash, mean_exposure, description}``),
    ``capm_alpha`` (``{spa, stepm, dsr}``) and ``buy_and_hold`` (secondary:
    ``{spa, stepm, dsr_vs_zero}``).  ``spa``, ``stepm``, ``dsr``, ``split``,
    ``walk_forward`` and ``pbo`` are on returns in excess of each set's
    exposure-matched benchmark (its own average exposure to buy-and-hold under
    its own costs, the rest in cash at the T-bill rate when the data have a
    ``dtb3`` column); the ``benchmark_*`` figures of ``split`` and
    ``walk_forward`` are that benchmark's.  A set label is its parameter values
    joined by ``", "``.
``vixbt.study/2`` (``vixbt study STRATEGY``)
    ``report``, ``data``, ``strategy``, ``params``, ``rows`` (one object per side
    and horizon: the strategy's rows of the verdict table it is judged in, columns
    of :data:`backtest.evidence.verdict.VERDICT_COLUMNS` without ``strategy``),
    ``eras`` (or null; raw figures, no verdict words).
``vixbt.verdict_table/2`` (``vixbt study`` without a strategy)
    the verdict table document of :mod:`backtest.evidence.verdict`
    (``settings``, ``headline``, ``data``, ``strategies``, ``skipped``,
    ``rows``), plus ``report``.
``vixbt.list/1`` (``vixbt list``)
    ``strategies``: list of ``{name, title, idea, sides, primary_horizon (side ->
    trading days), required_columns,
    params: [{name, default, allowed, doc}]}``.
``vixbt.data-info/1`` (``vixbt data info``)
    ``start``, ``end``, ``rows``, ``content_hash``, ``columns``: list of
    ``{column, source, path, first, last, rows, gaps, repairs, notes}``.
``vixbt.data-import/1`` / ``vixbt.data-update/1``
    ``data_dir`` and ``entry`` (the manifest row written) / ``data_dir``, ``ok``
    and ``files`` (one row per file with its status).
``vixbt.weekly/1`` (``vixbt weekly``)
    ``report``, ``data``, ``week`` (:meth:`backtest.weekly.WeeklyView.to_dict`).
``vixbt.payoff/1`` (``vixbt payoff``)
    ``report``, ``position`` (:meth:`backtest.payoff.PayoffResult.to_dict`),
    ``table`` (``[{settlement, profit, profit_usd}]``).

A *strategy object* is ``{strategy, params, sides, period, stats,
buy_and_hold, timing_placebo, event_study}`` (``stats`` and ``buy_and_hold``:
statistic -> value; ``timing_placebo``: ``{timing_excess, p_raw, n_placebo}``;
``event_study``: the strategy's verdict-table rows per side and horizon), or ``{strategy, params,
sides, skipped}`` when its data was absent.  *data* is ``{start, end, rows,
columns, content_hash, sources: [...]}``.
"""

from __future__ import annotations

__all__ = ["SCHEMA_KEYS", "schema_id"]

VERSION = 1

#: Kinds whose layout changed since version 1: the event-study rows of ``study``,
#: ``run`` and ``report`` (and the verdict table) carry ``signal_days`` / ``episodes``,
#: the signal-minus-other-days effect and the verdict words of
#: :mod:`backtest.evidence.judge`.
#: ``sweep``: SPA, StepM, DSR, split and walk-forward on returns in excess of the
#: exposure-matched benchmark (:mod:`backtest.evidence.sweep`).
VERSIONS: dict[str, int] = {"verdict_table": 2, "study": 2, "run": 2, "report": 2, "sweep": 2}

#: Top-level keys of each command's JSON document (the contract tests hold them to).
SCHEMA_KEYS: dict[str, frozenset[str]] = {
    "report": frozenset({"schema", "report", "data", "execution", "verdicts", "strategies",
                         "skipped"}),
    "run": frozenset({"schema", "report", "data", "execution", "strategy"}),
    "sweep": frozenset({"schema", "report", "data", "strategy", "grid", "execution", "metric",
                        "n_combinations", "period", "best", "spa", "stepm", "dsr", "pbo",
                        "split", "walk_forward", "notes", "rows", "benchmark", "capm_alpha",
                        "buy_and_hold"}),
    "study": frozenset({"schema", "report", "data", "strategy", "params", "rows", "eras"}),
    "verdict_table": frozenset({"schema", "report", "settings", "headline", "data", "strategies",
                                "skipped", "rows"}),
    "list": frozenset({"schema", "strategies"}),
    "data-info": frozenset({"schema", "start", "end", "rows", "content_hash", "columns"}),
    "data-import": frozenset({"schema", "data_dir", "entry"}),
    "data-update": frozenset({"schema", "data_dir", "ok", "files"}),
    "weekly": frozenset({"schema", "report", "week", "data"}),
    "payoff": frozenset({"schema", "report", "position", "table"}),
}


def schema_id(kind: str) -> str:
    """Schema identifier of a command's JSON document, e.g. ``"vixbt.run/1"``."""
    return f"vixbt.{kind}/{VERSIONS.get(kind, VERSION)}"
