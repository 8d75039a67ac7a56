"""Event studies split into parts of the sample: regimes, before/after publication.

:func:`split_table` runs the evidence package's event study
(:func:`backtest.evidence.event_study.event_study`, HAC only) of every side of
every strategy inside each part of a split (e.g. SPX above / below its 200-day
average): the signal days dated inside the part against the other days of the
part.  Every row then gets its word from the one verdict function
(:func:`backtest.evidence.judge.judge_table`) as an **exploratory** row: the
split rows of one table form one Benjamini-Yekutieli family, because a split
is a look for where an effect lives, not a pre-specified hypothesis.

Columns of :attr:`ConditionalTable.table`
-----------------------------------------
``strategy``, ``side``, ``expect``, ``split`` (e.g. ``"trend"``), ``part``
(e.g. ``"SPX above 200-day"``), ``horizon``, ``part_days`` (sample days of the
part: the regime's sample size), ``signal_days``, ``episodes``,
``mean_signal``, ``mean_other`` (mean forward return on the part's other
days), ``effect`` (``mean_signal - mean_other``: the slope of the HAC
regression on the signal dummy), ``se_hac``, ``t_hac``, ``p_raw`` (one-sided,
expected direction), ``p_adj`` (BY over the table), ``mde`` and ``verdict``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from backtest.errors import MissingDataError
from backtest.evidence.event_study import event_study, fmt
from backtest.evidence.judge import DEFAULT_MIN_EPISODES, judge_table
from backtest.evidence.strategy_study import expect_of, resolve_strategy, strategy_sample
from backtest.execution.fills import Fill
from backtest.information.scaling import ReturnScale, scaled_forward_returns
from strategies.base import Strategy

__all__ = ["SPLIT_COLUMNS", "ConditionalTable", "split_table"]

BoolArray = npt.NDArray[np.bool_]
Masks = Mapping[str, BoolArray]

#: Columns of :attr:`ConditionalTable.table`, in order.
SPLIT_COLUMNS: tuple[str, ...] = (
    "strategy", "side", "expect", "split", "part", "horizon", "part_days", "signal_days",
    "episodes", "mean_signal", "mean_other", "effect", "se_hac", "t_hac", "p_raw", "p_adj",
    "mde", "verdict",
)


@dataclass(frozen=True, eq=False)
class ConditionalTable:
    """Event studies inside the parts of one or more splits (module docstring).

    Attributes
    ----------
    table : pandas.DataFrame
        Columns :data:`SPLIT_COLUMNS`.
    settings : dict
        How the table was made.
    skipped : list of (str, str)
        Strategies left out and why.
    """

    table: pd.DataFrame
    settings: dict[str, Any]
    skipped: list[tuple[str, str]]

    def to_frame(self) -> pd.DataFrame:
        """The table (a copy)."""
        return self.table.copy()

    def summary(self) -> str:
        """One line per strategy side, part and horizon."""
        unit = "vol-scaled" if self.settings.get("scale") == "vol" else "simple"
        lines = [f"{self.settings.get('title', 'Split event studies')} ({unit} forward "
                 "returns; exploratory rows, BY over the table; p_raw is raw)",
                 f"{'strategy':<20} {'side':<5} {'part':<30} {'h':>3} {'days':>6} "
                 f"{'sig':>5} {'epis':>5} {'effect':>8} {'t':>6} {'p_raw':>6}  verdict"]
        spec = ".3f" if self.settings.get("scale") == "vol" else ".2%"
        change = "change" in self.table.columns
        if change:
            lines[1] += "   change (after-before, t, raw two-sided p)"
        for r in self.table.itertuples(index=False):
            lines.append(f"{r.strategy:<20} {r.side:<5} {r.part:<30} {r.horizon:>3} "
                         f"{r.part_days:>6} {r.signal_days:>5} {fmt(r.episodes, '.0f', 5)} "
                         f"{fmt(r.effect, spec, 8)} {fmt(r.t_hac, '.2f', 6)} "
                         f"{fmt(r.p_raw, '.3f', 6)}  {r.verdict:<12}"
                         + (f" {fmt(r.change, spec, 8)} {fmt(r.t_change, '.2f', 6)} "
                            f"{fmt(r.p_change_raw, '.3f', 6)}" if change else ""))
        for name, reason in self.skipped:
            lines.append(f"skipped {name}: {reason}")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()


def _strategy_rows(strat: Strategy, data: pd.DataFrame, splits: Mapping[str, Masks],
                   horizons: Sequence[int] | None, fill: Fill, fwd_all: pd.DataFrame,
                   min_episodes: int) -> list[dict[str, Any]]:
    sig = strat.signals(data)
    sample = strategy_sample(strat, data).to_numpy(dtype=bool)
    prim = type(strat).primary_horizons()
    rows: list[dict[str, Any]] = []
    for side in strat.sides:
        hs = tuple(horizons) if horizons is not None else (prim[side],)
        entries = sig.entries(side)
        for split, masks in splits.items():
            for part, mask in masks.items():
                valid = pd.Series(sample & mask, index=data.index)
                res = event_study(entries, data, hs, fill, expect_of(side), n_boot=0,
                                  valid=valid, min_episodes=min_episodes,
                                  forward=fwd_all.loc[:, list(hs)])
                t = res.to_frame()
                recs: list[dict[Any, Any]] = t.to_dict(orient="records")
                for h, r in zip(t.index, recs, strict=True):
                    rows.append({
                        "strategy": strat.name, "side": side, "expect": expect_of(side),
                        "split": split, "part": part, "horizon": int(h),
                        "part_days": int(r["n_days"]), "signal_days": int(r["signal_days"]),
                        "episodes": float(r["episodes"]),
                        "mean_signal": float(r["mean_signal"]),
                        "mean_other": float(r["mean_nonsignal"]), "effect": float(r["effect"]),
                        "se_hac": float(r["se_hac"]), "t_hac": float(r["t_hac"]),
                        "p_raw": float(r["p_raw"])})
    return rows


def split_table(
    data: pd.DataFrame,
    splits: Mapping[str, Masks] | Callable[[pd.DataFrame], Mapping[str, Masks]],
    strategies: Sequence[Strategy | type[Strategy] | str] | None = None,
    horizons: Sequence[int] | None = None,
    *,
    fill: Fill = "next_open",
    scale: ReturnScale = "raw",
    min_episodes: int = DEFAULT_MIN_EPISODES,
    alpha: float = 0.05,
    per_strategy: Callable[[Strategy, pd.DataFrame], Mapping[str, Masks]] | None = None,
    title: str = "Split event studies",
) -> ConditionalTable:
    """Event studies of every strategy side inside each part of each split.

    Parameters
    ----------
    data : pandas.DataFrame
        Market table frame.
    splits : mapping or callable
        ``{split name: {part name: boolean row mask}}`` (masks indexed like
        ``data``), or a function of ``data`` returning it.
    strategies : sequence or None
        Parameter sets (default: every registered strategy with defaults);
        one whose data is absent is skipped with the reason.
    horizons : sequence of int or None, default None
        Horizons for every side; ``None``: each side's primary horizon.
    fill, scale
        Fill timing and raw or vol-scaled forward returns (:mod:`.scaling`).
    min_episodes, alpha
        Passed to the event study and the verdict function.
    per_strategy : callable or None
        ``f(strategy, data) -> splits`` for splits that depend on the strategy
        (e.g. its publication year); used instead of ``splits`` when given.
    title : str
        Heading of :meth:`ConditionalTable.summary`.

    Returns
    -------
    ConditionalTable
    """
    if strategies is None:
        from strategies.registry import REGISTRY

        chosen: list[Strategy | type[Strategy] | str] = list(REGISTRY.values())
    else:
        chosen = list(strategies)
    all_h = sorted({int(h) for h in horizons} if horizons is not None else
                   {h for s in chosen for h in resolve_strategy(s).primary_horizons().values()})
    fwd = scaled_forward_returns(data, all_h, fill, scale)
    base = splits(data) if callable(splits) else splits
    rows: list[dict[str, Any]] = []
    skipped: list[tuple[str, str]] = []
    for item in chosen:
        strat = resolve_strategy(item)
        try:
            sp = per_strategy(strat, data) if per_strategy is not None else base
            rows.extend(_strategy_rows(strat, data, sp, horizons, fill, fwd, min_episodes))
        except MissingDataError as exc:
            skipped.append((strat.name, str(exc)))
    t = pd.DataFrame(rows, columns=[c for c in SPLIT_COLUMNS
                                    if c not in ("p_adj", "mde", "verdict")])
    judged = judge_table(t.assign(episodes=t["episodes"].fillna(0), primary=False),
                         alpha=alpha, min_episodes=min_episodes)
    t["p_adj"] = judged["p_adj"].to_numpy()
    t["mde"] = judged["mde"].to_numpy()
    t["verdict"] = judged["verdict"].to_numpy()
    settings = {"fill": fill, "scale": scale, "alpha": float(alpha),
                "min_episodes": int(min_episodes), "title": title,
                "horizons": "primary" if horizons is None else list(all_h),
                "family": "exploratory: Benjamini-Yekutieli over every row of the table"}
    return ConditionalTable(t.loc[:, list(SPLIT_COLUMNS)], settings, skipped)
