"""Event studies of strategies: each side separately, and whole parameter grids.

A strategy's ``"long"`` side answers a fear extreme and expects SPX forward
returns *higher* than unconditional; its ``"short"`` side answers complacency
and expects them *lower*.  The sample of a strategy starts once its input
columns exist and its warm-up has passed, so days the strategy could not have
judged do not dilute the unconditional mean.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from backtest.evidence.episodes import DEFAULT_MAX_GAP
from backtest.evidence.event_study import (
    DEFAULT_HORIZONS,
    DEFAULT_MIN_EPISODES,
    EventStudyResult,
    Expect,
    event_study,
    fmt,
    make_rng,
)
from backtest.evidence.inference import BootstrapKind
from backtest.evidence.multiple import add_adjusted
from backtest.execution.basis import ReturnsMode
from backtest.execution.fills import FILL_COLUMNS, Fill
from backtest.validate import check_market_frame
from strategies.base import Side, Strategy

__all__ = [
    "ERA_COLUMNS",
    "ERA_SPLITS",
    "GridStudy",
    "StrategyStudy",
    "expect_of",
    "grid_event_study",
    "judged_text",
    "resolve_strategy",
    "strategy_sample",
    "study_strategy",
]


#: Columns of :meth:`StrategyStudy.era_table`, in order.
ERA_COLUMNS: tuple[str, ...] = (
    "n_days", "signal_days", "episodes", "mean_signal", "mean_nonsignal", "effect", "hit_rate",
    "se_hac", "t_hac", "p_raw",
)

#: Era splits of :meth:`StrategyStudy.era_table`: calendar decades, then before/after 2008.
ERA_SPLITS: tuple[str, ...] = ("decade", "2008")


def expect_of(side: Side) -> Expect:
    """``"higher"`` for the long (fear) side, ``"lower"`` for the short (complacency) side."""
    if side not in ("long", "short"):
        raise ValueError(f"side must be 'long' or 'short', got {side!r}")
    return "higher" if side == "long" else "lower"


def resolve_strategy(strategy: Strategy | type[Strategy] | str) -> Strategy:
    """An instance from an instance, a class (default parameters) or a registry name."""
    if isinstance(strategy, str):
        from strategies.registry import get_strategy

        return get_strategy(strategy)()
    if isinstance(strategy, type) and issubclass(strategy, Strategy):
        return strategy()
    if isinstance(strategy, Strategy):
        return strategy
    raise TypeError(f"expected a Strategy instance, class or registry name, got {strategy!r}")


def strategy_sample(strategy: Strategy, data: pd.DataFrame, warmup: int | None = None
                    ) -> pd.Series:
    """Days a strategy can judge: its columns present and its warm-up passed.

    Parameters
    ----------
    strategy : Strategy
        Parameter set.
    data : pandas.DataFrame
        Market table frame.
    warmup : int or None, default None
        Rows to skip after the first day with every column present (default:
        ``strategy.warmup``).

    Returns
    -------
    pandas.Series of bool
        Indexed like ``data``.
    """
    cols = [c for c in strategy.columns_needed() if c in data.columns]
    avail = (data[cols].notna().all(axis=1).to_numpy() if cols
             else np.ones(len(data), dtype=bool))
    wu = strategy.warmup if warmup is None else int(warmup)
    ok = np.zeros(len(data), dtype=bool)
    if avail.any():
        first = int(np.argmax(avail))
        ok[first + wu:] = True
    return pd.Series(ok & avail, index=data.index, name="sample")


@dataclass(frozen=True, eq=False)
class StrategyStudy:
    """Event study of every side of one strategy parameter set.

    Attributes
    ----------
    strategy : str
        Registry name.
    params : dict
        Parameter values.
    sides : dict of str to EventStudyResult
        ``"long"`` (fear extreme, expects SPX higher) and/or ``"short"``
        (complacency, expects SPX lower).
    judged : pandas.DataFrame or None
        The strategy's rows of the verdict table it was judged in (index
        ``(side, horizon)``, columns of
        :data:`backtest.evidence.verdict.VERDICT_COLUMNS`), set by
        :func:`backtest.evidence.verdict.verdict_table`; ``None``: not judged
        (raw figures only, no verdict word).
    """

    strategy: str
    params: dict[str, Any]
    sides: dict[str, EventStudyResult]
    judged: pd.DataFrame | None = None

    def to_frame(self) -> pd.DataFrame:
        """Both sides stacked: index ``(side, horizon)``, with an ``expect`` column."""
        parts = {s: r.to_frame().assign(expect=r.expect) for s, r in self.sides.items()}
        return pd.concat(parts, names=["side", "horizon"])

    def by_era(self, eras: str | Sequence[str] = "decade", *, n_boot: int = 0,
               seed: int | np.random.Generator | None = None) -> pd.DataFrame:
        """Per-era studies of both sides: index ``(side, era, horizon)``."""
        rng = make_rng(seed)
        parts = {s: r.by_era(eras, n_boot=n_boot, seed=rng) for s, r in self.sides.items()}
        return pd.concat(parts, names=["side", "era", "horizon"])

    def era_table(self, splits: Sequence[str] = ERA_SPLITS) -> pd.DataFrame:
        """Compact per-era results of every side: is the edge stable over time?

        Each era is studied on its own (signal days dated inside it against
        the other days inside it), HAC test only.  ``p_raw`` is raw -- not
        adjusted for the number of eras -- so an era row carries no verdict
        word: it is a stability check.

        Parameters
        ----------
        splits : sequence of {"decade", "2008"}, default ("decade", "2008")
            Era splits, stacked in order (:func:`backtest.evidence.eras.era_masks`).

        Returns
        -------
        pandas.DataFrame
            Index ``(side, era, horizon)``, columns :data:`ERA_COLUMNS`.
        """
        if isinstance(splits, str):
            raise TypeError("splits must be a sequence of era specs, e.g. ('decade', '2008')")
        parts = {side: pd.concat([r.by_era(sp) for sp in splits])
                 for side, r in self.sides.items()}
        out = pd.concat(parts, names=["side", "era", "horizon"])
        return out.loc[:, list(ERA_COLUMNS)]

    def summary(self) -> str:
        """Both sides' tables in plain text, then the verdicts when judged."""
        head = f"{self.strategy} ({', '.join(f'{k}={v!r}' for k, v in self.params.items())})"
        parts = [head, *(r.summary() for r in self.sides.values())]
        if self.judged is not None:
            parts.append(judged_text(self.judged.reset_index().assign(strategy=self.strategy)))
        return "\n\n".join(parts)

    def __str__(self) -> str:
        return self.summary()


def study_strategy(
    strategy: Strategy | type[Strategy] | str,
    data: pd.DataFrame,
    horizons: Sequence[int] = DEFAULT_HORIZONS,
    fill: Fill = "next_open",
    *,
    n_boot: int = 1000,
    seed: int | np.random.Generator | None = None,
    alpha: float = 0.05,
    conf: float = 0.95,
    bootstrap: BootstrapKind = "circular",
    min_block: int = 21,
    min_episodes: int = DEFAULT_MIN_EPISODES,
    max_gap: int = DEFAULT_MAX_GAP,
    n_placebo: int = 0,
    returns: ReturnsMode = "total",
    forward: pd.DataFrame | None = None,
) -> StrategyStudy:
    """Event study of each side of a strategy on its entry signals.

    Parameters
    ----------
    strategy : Strategy, Strategy subclass or str
        Parameter set (a class or registry name means default parameters).
    data : pandas.DataFrame
        Market table frame.
    horizons, fill, n_boot, seed, alpha, conf, bootstrap, min_block, min_episodes, returns
        As in :func:`backtest.evidence.event_study.event_study`.
    max_gap, n_placebo
        As in :func:`backtest.evidence.event_study.event_study`; one seeded
        Generator serves both sides in turn.
    forward : pandas.DataFrame or None, default None
        The forward returns of ``horizons`` (``forward_returns(data, horizons,
        fill, returns)``), when the caller has them already (a table of many
        strategies computes them once); ``None``: computed here.

    Returns
    -------
    StrategyStudy

    Raises
    ------
    MissingDataError
        If ``data`` lacks a column the strategy needs.
    """
    strat = resolve_strategy(strategy)
    check_market_frame(data, strat.columns_needed(),
                       prices=dict.fromkeys(["spx_close", FILL_COLUMNS.get(fill, "spx_close")]))
    sig = strat.signals(data)
    sample = strategy_sample(strat, data)
    rng = make_rng(seed)
    sides: dict[str, EventStudyResult] = {
        side: event_study(sig.entries(side), data, horizons, fill, expect_of(side),
                          n_boot=n_boot, seed=rng, alpha=alpha, conf=conf,
                          bootstrap=bootstrap, min_block=min_block,
                          min_episodes=min_episodes, max_gap=max_gap,
                          n_placebo=n_placebo, valid=sample,
                          name=f"{strat.name}:{side}", returns=returns, forward=forward)
        for side in strat.sides
    }
    return StrategyStudy(strat.name, strat.params(), sides)


@dataclass(frozen=True, eq=False)
class GridStudy:
    """Event-study tests of every parameter set of a grid, adjusted as one family.

    Attributes
    ----------
    strategy : str
        Registry name.
    side : {"long", "short"}
        Side studied.
    table : pandas.DataFrame
        Index: the parameter levels plus ``horizon``; columns of
        :meth:`EventStudyResult.to_frame` plus ``p_holm`` and ``p_by``: Holm and
        Benjamini-Yekutieli adjustments of ``p_raw`` across *all* rows
        (every parameter set and horizon is one family).
    alpha : float
        Level for :meth:`n_significant`.
    """

    strategy: str
    side: Side
    table: pd.DataFrame
    alpha: float

    def to_frame(self) -> pd.DataFrame:
        """The table (a copy)."""
        return self.table.copy()

    def n_significant(self, column: str = "p_holm") -> int:
        """Number of tests with ``column < alpha``."""
        return int((self.table[column] < self.alpha).sum())

    def summary(self) -> str:
        """One paragraph in words."""
        n = len(self.table)
        return (f"{self.strategy}:{self.side} grid, {n} tests (parameter sets x horizons): "
                f"{self.n_significant('p_raw')} significant raw, "
                f"{self.n_significant('p_holm')} after Holm, "
                f"{self.n_significant('p_by')} after Benjamini-Yekutieli "
                f"(one-sided alpha {self.alpha:g}).")


def grid_event_study(
    strategy_cls: type[Strategy],
    data: pd.DataFrame,
    instances: Sequence[Strategy],
    side: Side = "long",
    horizons: Sequence[int] = DEFAULT_HORIZONS,
    fill: Fill = "next_open",
    *,
    alpha: float = 0.05,
    returns: ReturnsMode = "total",
) -> GridStudy:
    """HAC event-study tests of many parameter sets, with Holm and BY adjustment.

    The signals come from one :meth:`Strategy.grid` call; each set is studied
    on its own sample (its warm-up), without bootstrap (HAC only).

    Parameters
    ----------
    strategy_cls : type[Strategy]
        Strategy class.
    data : pandas.DataFrame
        Market table frame.
    instances : sequence of Strategy
        Parameter sets (e.g. ``strategy_cls.product(window=[10, 20])``).
    side : {"long", "short"}, default "long"
        Side to study; must be one of the strategy's sides.
    horizons, fill, alpha, returns
        As in :func:`backtest.evidence.event_study.event_study`.

    Returns
    -------
    GridStudy
    """
    if side not in strategy_cls.sides:
        raise ValueError(f"strategy {strategy_cls.name!r} has no {side!r} side; "
                         f"its sides: {strategy_cls.sides}")
    needed = [c for s in instances for c in s.columns_needed()]
    check_market_frame(data, needed,
                       prices=dict.fromkeys(["spx_close", FILL_COLUMNS.get(fill, "spx_close")]))
    grid = strategy_cls.grid(data, instances)
    entries = grid.entries(side)
    expect = expect_of(side)
    warm: npt.NDArray[np.int64] = np.asarray([s.warmup for s in instances], dtype=np.int64)
    parts = []
    for i, inst in enumerate(instances):
        sample = strategy_sample(inst, data, int(warm[i]))
        res = event_study(entries.iloc[:, i].rename(None), data, horizons, fill, expect,
                          n_boot=0, alpha=alpha, valid=sample, returns=returns)
        parts.append(res.to_frame())
    table = pd.concat(parts, keys=list(entries.columns), names=[*entries.columns.names,
                                                               "horizon"])
    table = add_adjusted(table, "p_raw")
    return GridStudy(strategy_cls.name, side, table, float(alpha))


def judged_text(rows: pd.DataFrame) -> str:
    """Judged rows in plain text: effect, standard error, MDE, power, p-values, word.

    Parameters
    ----------
    rows : pandas.DataFrame
        Rows with the columns of
        :data:`~backtest.evidence.verdict.VERDICT_COLUMNS` (``strategy`` optional).
    """
    lines = [f"{'strategy':<20} {'side':<5} {'h':>3} {'family':<11} {'days':>5} {'epis':>5} "
             f"{'effect':>8} {'se_hac':>7} {'mde':>7} {'power':>5} {'p_raw':>6} "
             f"{'p_adj':>6} {'p_rw':>6} {'p_tost':>6} {'event':>8}  verdict"]
    for r in rows.itertuples(index=False):
        lines.append(
            f"{getattr(r, 'strategy', ''):<20} {r.side:<5} {r.horizon:>3} {r.family:<11} "
            f"{r.signal_days:>5} {r.episodes:>5} {fmt(r.effect, '.2%', 8)} "
            f"{fmt(r.se_hac, '.2%', 7)} {fmt(r.mde, '.2%', 7)} {fmt(r.power, '.0%', 5)} "
            f"{fmt(r.p_raw, '.3f', 6)} {fmt(r.p_adj, '.3f', 6)} {fmt(r.p_rw, '.3f', 6)} "
            f"{fmt(r.p_tost_adj, '.3f', 6)} {fmt(r.event_effect, '.2%', 8)}  {r.verdict}")
    return "\n".join(lines)
