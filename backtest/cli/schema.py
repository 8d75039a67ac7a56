"""The JSON documents ``vixbt ... --format json`` prints (and ``summary.json`` holds).

Every document is one JSON object whose ``"schema"`` key names its kind and
version, ``"vixbt.<command>/<version>"``.  A version changes only when a key
is removed or changes meaning; new keys may be added within a version.
Numbers are plain JSON numbers (returns and rates as fractions, not percent);
missing or undefined values (NaN) are ``null``; dates are ``"YYYY-MM-DD"``.

Every document of a command that trades or studies has ``basis``: the one
line stating the return basis, cash rate, costs, fill rule and the share of
fills that fell back to the close (:func:`backtest.execution.basis.describe_basis`).

``vixbt.report/2`` (``vixbt report``)
    ``report`` (folder or null), ``data`` (see below), ``execution``,
    ``verdicts`` (the verdict table document, schema of
    :mod:`backtest.evidence.verdict`), ``strategies`` (list of strategy
    objects), ``skipped`` (list of ``{strategy, reason}``).
``vixbt.run/2`` (``vixbt run``)
    ``report``, ``data``, ``execution`` (the Execution settings),
    ``fallback_share`` (share of the run's fills taken at the close for want of
    a real open), ``strategy`` (one strategy object).
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
    ``report``, ``data``, ``strategy``, ``params``, ``fallback_share`` (side ->
    share of its signal days whose entry fill fell back to the close), ``rows`` (one object per side
    and horizon: the strategy's rows of the verdict table it is judged in, columns
    of :data:`backtest.evidence.verdict.VERDICT_COLUMNS` without ``strategy``),
    ``eras`` (or null; raw figures, no verdict words), ``controls``
    (null without ``--controls``; else ``{controls, hac_lags, fill, rows}``:
    the control names, ``"horizon"``, the fill, and one object per side and
    horizon with the columns of :mod:`backtest.information.regression` --
    ``n_obs, signal_days, episodes, coef_alone, se_alone, t_alone, p_alone_raw,
    coef_controlled, se_controlled, t_controlled, p_controlled_raw, partial_r2,
    r2_controls, n_controls, hac_lags, expect``; p-values raw), ``publication``
    (one object per side, part and horizon: the columns of
    :mod:`backtest.information.conditional` -- ``strategy, side, expect, split,
    part, horizon, part_days, signal_days, episodes, mean_signal, mean_other,
    effect, se_hac, t_hac, p_raw, p_adj, mde, verdict`` -- plus ``change,
    t_change, p_change_raw``: before vs after the idea's publication year;
    null for a strategy without one), ``regimes`` (null without ``--regimes``;
    else the same columns, ``split`` "trend" or "vix_tercile", ``part`` the
    regime and ``part_days`` its sample size) and ``vol_scaled`` (null without
    ``--vol-scaled``; else one object per side and horizon with the
    event-study columns on forward returns in ex-ante standard deviations).
``vixbt.verdict_table/2`` (``vixbt study`` without a strategy)
    the verdict table document of :mod:`backtest.evidence.verdict`
    (``settings``, ``headline``, ``data``, ``strategies``, ``skipped``,
    ``rows``), plus ``report``.  Every object of ``rows`` also has
    ``adds_information``: on the row of a strategy side's primary horizon,
    ``"yes"``, ``"no"`` or ``"cannot tell"`` -- does the entry signal add
    information, in the direction it claims, beyond SPX's past 1/5/21-day
    returns, 21-day realised volatility, the VIX level and the 200-day trend
    (or the ``--controls`` given)?  Decided by
    :func:`backtest.information.answer.adds_information` from the verdict of
    the controlled coefficient (Holm over the primary rows): supports -> yes;
    no effect or contradicts -> no; inconclusive or too few -> cannot tell.
    ``null`` on the other rows.  The CSV has the same column.
``vixbt.deciles/1`` (``vixbt deciles PREDICTOR``)
    ``report``, ``data``, ``predictor`` (``{name, title, doc, unit, window, fear,
    columns}``), ``settings`` (``{horizons, n_bins, min_history, fill, scale,
    n_boot, seed, conf, min_block, hac_lags, monotonicity}``; ``scale`` is
    ``"raw"`` or ``"vol"``), ``buckets`` (one object per horizon and bucket:
    ``{horizon, bucket, n_days, x_low, x_high, mean, se_hac, ci_low, ci_high,
    hit_rate}``: days in the bucket, the predictor's range there, mean forward
    return with its HAC standard error and interval, share of positive
    returns), ``spread`` (one object per horizon: ``{horizon, n_days, top,
    bottom, spread, se_hac, t_hac, p_spread_raw, mr_stat, mr_p, mr_p_opposite,
    block_size, n_boot}``: top-minus-bottom bucket mean, its HAC standard error
    and t, the raw one-sided p of the direction the predictor's fear end
    expects; the Patton-Timmermann MR statistic and its raw bootstrap p-values
    for a monotonic rise in that direction and in the opposite one).  See
    :mod:`backtest.information.deciles`.  The CSV holds the bucket rows with the
    horizon's spread figures (prefixed ``spread_``).
``vixbt.list/1`` (``vixbt list``)
    ``strategies``: list of ``{name, title, idea, sides, primary_horizon (side ->
    trading days), required_columns,
    params: [{name, default, allowed, doc}]}``.
``vixbt.check/1`` (``vixbt check``)
    ``passed`` (every check of every strategy), ``strategies``: list of
    ``{strategy, passed, start, end, sets, checks: [{name, passed, message,
    seconds}]}`` (:meth:`strategies.check.CheckReport.to_dict`), ``skipped``
    (list of ``{strategy, reason}``), ``data``.
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
    "report": frozenset({"schema", "report", "data", "execution", "basis", "verdicts",
                         "strategies", "skipped"}),
    "run": frozenset({"schema", "report", "data", "execution", "basis", "fallback_share",
                      "strategy"}),
    "sweep": frozenset({"schema", "report", "data", "basis", "strategy", "grid", "execution",
                        "metric",
                        "n_combinations", "period", "best", "spa", "stepm", "dsr", "pbo",
                        "split", "walk_forward", "notes", "rows", "benchmark", "capm_alpha",
                        "buy_and_hold"}),
    "study": frozenset({"schema", "report", "data", "strategy", "params", "basis",
                        "fallback_share", "rows", "eras", "controls", "publication", "regimes",
                        "vol_scaled"}),
    "verdict_table": frozenset({"schema", "report", "settings", "headline", "data", "strategies",
                                "skipped", "rows", "basis"}),
    "deciles": frozenset({"schema", "report", "data", "predictor", "settings", "buckets",
                          "spread"}),
    "list": frozenset({"schema", "strategies"}),
    "check": frozenset({"schema", "passed", "strategies", "skipped", "data"}),
    "data-info": frozenset({"schema", "start", "end", "rows", "content_hash", "columns"}),
    "data-import": frozenset({"schema", "data_dir", "entry"}),
    "data-update": frozenset({"schema", "data_dir", "ok", "files"}),
    "weekly": frozenset({"schema", "report", "week", "data"}),
    "payoff": frozenset({"schema", "report", "position", "table"}),
}


def schema_id(kind: str) -> str:
    """Schema identifier of a command's JSON document, e.g. ``"vixbt.run/1"``."""
    return f"vixbt.{kind}/{VERSIONS.get(kind, VERSION)}"
