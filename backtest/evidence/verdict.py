"""The verdict table: every strategy side, horizon by horizon, judged in one place.

:func:`verdict_table` runs :func:`~backtest.evidence.strategy_study.study_strategy`
for every registered strategy with default parameters (or the ones given),
stacks the per-horizon rows of every side and hands them to
:func:`backtest.evidence.judge.judge_table` -- the one verdict function -- which
forms the families, adjusts, runs the equivalence test, computes power and
writes the word.  A Romano-Wolf stepdown over the whole table from one joint
block bootstrap (:mod:`.stepdown`) is reported beside Holm.
:func:`family_study` judges one parameter set of a strategy inside the same
family (the registry with that set in its strategy's place), so a single-strategy
command prints the same word as the table.

Columns of :meth:`VerdictTable.to_frame` (one row per strategy, side, horizon)
------------------------------------------------------------------------------
``strategy``, ``side`` ("long" | "short"), ``expect`` ("higher" | "lower"),
``horizon`` (trading days), ``primary`` (bool: the side's pre-specified
horizon, ``Strategy.primary_horizons()``), ``family`` ("primary" |
"exploratory"), ``n_days`` (sample days), ``signal_days``, ``episodes`` (runs
of signal days at most ``max_gap`` trading days apart), ``mean_signal``,
``median_signal``, ``hit_rate``, ``mean_nonsignal``, ``mean_uncond`` (simple
forward returns as fractions), ``effect`` (**signal minus non-signal mean**;
the interval, the tests and the placebo all refer to it), ``se_hac``,
``ci_low`` / ``ci_high`` (block-bootstrap interval of ``effect``), ``t_hac``,
``p_raw`` (one-sided HAC p of the expected direction, **raw**: never drives a
word), ``adjustment`` ("holm" | "by"), ``p_adj`` / ``p_opposite_adj``
(adjusted p of the expected / opposite direction in the row's family),
``p_holm`` (primary rows), ``p_by`` (exploratory rows), ``p_rw`` /
``p_rw_opposite`` (Romano-Wolf over every testable row of the table, both
directions), ``delta`` (equivalence bound), ``p_tost_raw``, ``p_tost_adj``,
``level`` (per-test level of a lone effect in the family), ``mde`` (minimum
detectable effect at 80 % power), ``power`` (at the observed effect),
``verdict`` (:data:`backtest.evidence.judge.VERDICTS`), ``event_effect``,
``event_se``, ``event_p_raw``, ``event_ci_low``, ``event_ci_high``
(event-weighted: first day of each episode), ``effect_ex_largest``,
``t_ex_largest``, ``largest_episode`` ("YYYY-MM-DD..YYYY-MM-DD"),
``largest_episode_days``, ``placebo_p_raw`` (episode-shuffled placebo, raw).

The rules of every word and adjustment are in :mod:`backtest.evidence.judge`.

JSON schema (``schema: "vixbt.verdict_table/2"``)
-------------------------------------------------
An object with keys ``schema``, ``settings`` (``horizons``, ``fill``,
``alpha``, ``conf``, ``n_boot``, ``seed``, ``bootstrap``, ``min_block``,
``min_episodes``, ``max_gap``, ``n_placebo``, ``rw_reps``, ``delta_per_5d``,
``hac_lags`` = ``"horizon"``, and the sentences ``effect``, ``p_value``,
``adjustment``, ``verdict_rule``), ``headline`` (``power_statement``: one
line; ``primary``: counts of each word among the primary rows; ``exploratory``:
the same for the other rows), ``data`` (``first``, ``last``, ``rows``),
``strategies`` (list of ``{"name", "params", "sides", "primary_horizon"}``),
``skipped`` (list of ``{"strategy", "reason"}``) and ``rows`` (objects with
exactly the columns above; NaN as ``null``).  The CSV holds the ``rows``.
Version 2 (this layout) replaced ``n_signal``/``n_episodes`` by
``signal_days``/``episodes`` (episodes no longer depend on the horizon), the
effect by signal minus non-signal, and the verdict words of version 1 ("no
evidence" is gone: it is now "no effect" or "inconclusive").
"""

from __future__ import annotations

import json
import math
import zlib
from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from backtest.errors import MissingDataError, VixbtError
from backtest.evidence.episodes import DEFAULT_MAX_GAP
from backtest.evidence.event_study import DEFAULT_HORIZONS
from backtest.evidence.inference import BootstrapKind
from backtest.evidence.judge import (
    DEFAULT_DELTA_PER_5D,
    DEFAULT_MIN_EPISODES,
    VERDICTS,
    judge_table,
    power_statement,
)
from backtest.evidence.stepdown import romano_wolf
from backtest.evidence.strategy_study import (
    StrategyStudy,
    judged_text,
    resolve_strategy,
    study_strategy,
)
from backtest.execution.basis import ReturnsMode
from backtest.execution.fills import FILL_COLUMNS, Fill
from backtest.validate import check_market_frame
from strategies.base import Strategy

__all__ = ["SCHEMA", "VERDICT_COLUMNS", "VerdictTable", "family_study", "judged_text",
           "strategy_rng", "verdict_table"]

#: Identifier of the JSON layout written by :meth:`VerdictTable.to_json`.
SCHEMA = "vixbt.verdict_table/2"

#: Columns of :meth:`VerdictTable.to_frame`, in order.
VERDICT_COLUMNS: tuple[str, ...] = (
    "strategy", "side", "expect", "horizon", "primary", "family", "n_days", "signal_days",
    "episodes", "mean_signal", "median_signal", "hit_rate", "mean_nonsignal", "mean_uncond",
    "effect", "se_hac", "ci_low", "ci_high", "t_hac", "p_raw", "adjustment", "p_adj",
    "p_opposite_adj", "p_holm", "p_by", "p_rw", "p_rw_opposite", "delta", "p_tost_raw",
    "p_tost_adj", "level", "mde", "power", "verdict", "event_effect", "event_se",
    "event_p_raw", "event_ci_low", "event_ci_high", "effect_ex_largest", "t_ex_largest",
    "largest_episode", "largest_episode_days", "placebo_p_raw",
)


def _jsonable(v: Any) -> Any:
    if isinstance(v, float | np.floating):
        return None if not math.isfinite(float(v)) else float(v)
    if isinstance(v, np.integer):
        return int(v)
    if isinstance(v, np.bool_):
        return bool(v)
    if isinstance(v, pd.Timestamp):
        return v.isoformat()
    return v


def _counts(rows: pd.DataFrame) -> dict[str, int]:
    c = Counter(rows["verdict"])
    return {w: int(c.get(w, 0)) for w in VERDICTS}


@dataclass(frozen=True, eq=False)
class VerdictTable:
    """Verdicts of every strategy side and horizon (see the module docstring).

    Attributes
    ----------
    table : pandas.DataFrame
        Columns :data:`VERDICT_COLUMNS`, one row per strategy, side and horizon.
    settings : dict
        Settings the table was computed with.
    data_span : tuple of str
        First and last date of the market data, ISO format.
    n_rows_data : int
        Rows of the market data.
    studies : dict of str to StrategyStudy
        Full per-strategy studies, each with its ``judged`` rows.
    skipped : list of (str, str)
        Strategies left out and why (e.g. a missing data column).
    """

    table: pd.DataFrame
    settings: dict[str, Any]
    data_span: tuple[str, str]
    n_rows_data: int
    studies: dict[str, StrategyStudy] = field(repr=False)
    skipped: list[tuple[str, str]]

    def to_frame(self) -> pd.DataFrame:
        """The table (a copy)."""
        return self.table.copy()

    def rows_of(self, strategy: str) -> pd.DataFrame:
        """One strategy's rows, indexed by ``(side, horizon)``."""
        t = self.table[self.table["strategy"] == strategy]
        return t.drop(columns="strategy").set_index(["side", "horizon"])

    @property
    def power_statement(self) -> str:
        """One line for a report header (:func:`backtest.evidence.judge.power_statement`)."""
        return power_statement(self.table)

    def headline(self) -> dict[str, Any]:
        """The power statement and the counts of each word, primary and exploratory."""
        t = self.table
        return {"power_statement": self.power_statement,
                "primary": _counts(t[t["family"] == "primary"]),
                "exploratory": _counts(t[t["family"] == "exploratory"])}

    def to_csv(self, path: str | Path) -> Path:
        """Write the rows as CSV (columns :data:`VERDICT_COLUMNS`); returns the path."""
        p = Path(path)
        self.table.to_csv(p, index=False)
        return p

    def to_dict(self) -> dict[str, Any]:
        """The JSON document as a Python object (schema in the module docstring)."""
        rows = [{k: _jsonable(v) for k, v in rec.items()}
                for rec in self.table.to_dict(orient="records")]
        return {
            "schema": SCHEMA,
            "settings": {k: _jsonable(v) for k, v in self.settings.items()},
            "headline": self.headline(),
            "data": {"first": self.data_span[0], "last": self.data_span[1],
                     "rows": self.n_rows_data},
            "strategies": [{"name": s.strategy,
                            "params": {k: _jsonable(v) for k, v in s.params.items()},
                            "sides": list(s.sides),
                            "primary_horizon": _primary_of(s)} for s in self.studies.values()],
            "skipped": [{"strategy": n, "reason": r} for n, r in self.skipped],
            "rows": rows,
        }

    def to_json(self, path: str | Path) -> Path:
        """Write :meth:`to_dict` as JSON (NaN as ``null``); returns the path."""
        p = Path(path)
        p.write_text(json.dumps(self.to_dict(), indent=2, allow_nan=False) + "\n",
                     encoding="utf-8")
        return p

    def by_era(self, eras: str | Sequence[str] = "decade") -> pd.DataFrame:
        """Every strategy side per era (HAC only, raw p-values, no verdict words).

        Parameters
        ----------
        eras : "decade", "2008" or sequence of break dates, default "decade"
            See :func:`backtest.evidence.eras.era_masks`.

        Returns
        -------
        pandas.DataFrame
            Index ``(strategy, side, era, horizon)``, columns of
            :meth:`backtest.evidence.event_study.EventStudyResult.to_frame`.
        """
        parts = {k: s.by_era(eras) for k, s in self.studies.items()}
        if not parts:
            return pd.DataFrame()
        return pd.concat(parts, names=["strategy", "side", "era", "horizon"])

    def summary(self) -> str:
        """The table in plain text, one line per strategy, side and horizon."""
        s = self.settings
        t = self.table
        n_prim = int(((t["family"] == "primary") & t["p_adj"].notna()).sum())
        n_expl = int(((t["family"] == "exploratory") & t["p_adj"].notna()).sum())
        lines = [f"Verdict table  {self.data_span[0]}..{self.data_span[1]}  fill {s['fill']}, "
                 f"alpha {s['alpha']:g}; primary family: {n_prim} rows (Holm, both directions); "
                 f"exploratory: {n_expl} rows (Benjamini-Yekutieli); rows need >= "
                 f"{s['min_episodes']} episodes (signal days <= {s['max_gap']} days apart); "
                 f"no effect = TOST within +-{s['delta_per_5d']:.2%} per 5 days",
                 self.power_statement,
                 judged_text(t)]
        for name, reason in self.skipped:
            lines.append(f"skipped {name}: {reason}")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()


def strategy_rng(seed: int, key: str) -> np.random.Generator:
    """The Generator of one strategy's bootstraps and placebos: seeded by ``seed`` and
    a stable hash (CRC-32) of its key, independent of the other strategies."""
    return np.random.default_rng([int(seed), zlib.crc32(key.encode("utf-8"))])


def _primary_of(study: StrategyStudy) -> dict[str, int]:
    from strategies.registry import REGISTRY

    cls = REGISTRY.get(study.strategy)
    if cls is None:
        return {}
    return {str(k): int(v) for k, v in cls.primary_horizons().items()}


def _settings(horizons: Sequence[int], fill: Fill, alpha: float, conf: float, n_boot: int,
              seed: int, bootstrap: BootstrapKind, min_block: int, min_episodes: int,
              max_gap: int, n_placebo: int, rw_reps: int, delta_per_5d: float
              ) -> dict[str, Any]:
    return {
        "horizons": [int(h) for h in horizons], "fill": fill, "alpha": float(alpha),
        "conf": float(conf), "n_boot": int(n_boot), "seed": int(seed), "bootstrap": bootstrap,
        "min_block": int(min_block), "min_episodes": int(min_episodes),
        "max_gap": int(max_gap), "n_placebo": int(n_placebo), "rw_reps": int(rw_reps),
        "delta_per_5d": float(delta_per_5d), "hac_lags": "horizon",
        "effect": "mean forward return on signal days minus the mean on the other days of "
                  "the same sample (interval, tests and placebo refer to it)",
        "p_value": "p_raw: one-sided HAC (Newey-West) t-test of the signal dummy in the "
                   "expected direction, raw (never drives a verdict)",
        "adjustment": "primary rows (each side's pre-specified horizon): Holm over both "
                      "one-sided directions; other rows: Benjamini-Yekutieli, exploratory; "
                      "TOST p-values adjusted the same way; Romano-Wolf over the whole table "
                      "(joint block bootstrap) shown beside; rows with fewer than "
                      "min_episodes episodes are left out",
        "verdict_rule": "too few if episodes < min_episodes; else supports if p_adj < alpha; "
                        "contradicts if p_opposite_adj < alpha; no effect if p_tost_adj < "
                        "alpha (effect within +-delta); else inconclusive",
    }


def verdict_table(
    data: pd.DataFrame,
    strategies: Sequence[Strategy | type[Strategy] | str] | None = None,
    horizons: Sequence[int] = DEFAULT_HORIZONS,
    fill: Fill = "next_open",
    *,
    n_boot: int = 1000,
    seed: int = 0,
    alpha: float = 0.05,
    conf: float = 0.95,
    bootstrap: BootstrapKind = "circular",
    min_block: int = 21,
    min_episodes: int = DEFAULT_MIN_EPISODES,
    returns: ReturnsMode = "total",
    max_gap: int = DEFAULT_MAX_GAP,
    n_placebo: int = 200,
    rw_reps: int = 1000,
    delta_per_5d: float = DEFAULT_DELTA_PER_5D,
    boot_only: Collection[str] | None = None,
) -> VerdictTable:
    """One table of verdicts across strategies, sides and horizons.

    Parameters
    ----------
    data : pandas.DataFrame
        Market table frame (full history).
    strategies : sequence of Strategy, class or registry name, or None
        Parameter sets to judge; ``None``: every registered strategy with
        default parameters.  A strategy whose columns the data lacks is skipped
        and the reason recorded.
    horizons, fill, n_boot, alpha, conf, bootstrap, min_block, returns
        As in :func:`backtest.evidence.event_study.event_study`.
    seed : int, default 0
        Seed of every bootstrap and placebo.  Each strategy draws from its own
        Generator, seeded by ``seed`` and its registry name
        (:func:`strategy_rng`), and the Romano-Wolf bootstrap from another, so
        a strategy's intervals do not depend on which other strategies are in
        the table (``vixbt report``, ``study`` and ``run`` agree).
    min_episodes : int, default 10
        Fewest episodes a row needs to enter a family and get a word other
        than ``"too few"``.
    max_gap : int, default 10
        Episode rule (:mod:`backtest.evidence.episodes`).
    n_placebo : int, default 200
        Episode-shuffled placebos per row (0: none).
    rw_reps : int, default 1000
        Replicates of the joint Romano-Wolf bootstrap (0: no ``p_rw``).
    delta_per_5d : float, default 0.001
        Equivalence bound per 5 trading days (:mod:`backtest.evidence.judge`).
    boot_only : collection of str or None, default None
        Registry names whose rows get the bootstrap intervals and placebos;
        ``None``: every strategy.  The others get HAC figures only (their
        verdicts do not depend on the bootstrap, so the words are the same).

    Returns
    -------
    VerdictTable
    """
    if strategies is None:
        from strategies.registry import list_strategies

        chosen: list[Strategy | type[Strategy] | str] = list(list_strategies())
    else:
        chosen = list(strategies)
    if not chosen:
        raise ValueError("verdict_table needs at least one strategy")
    studies: dict[str, StrategyStudy] = {}
    skipped: list[tuple[str, str]] = []
    primaries: dict[str, dict[str, int]] = {}
    forward = _shared_forward(data, horizons, fill, returns)  # one computation for all
    for item in chosen:
        strat = resolve_strategy(item)
        key = strat.name if strat.name not in studies else f"{strat.name}#{len(studies)}"
        full = boot_only is None or strat.name in boot_only
        try:
            studies[key] = study_strategy(strat, data, horizons, fill,
                                          n_boot=n_boot if full else 0,
                                          seed=strategy_rng(int(seed), key),
                                          alpha=alpha, conf=conf, bootstrap=bootstrap,
                                          min_block=min_block, min_episodes=min_episodes,
                                          max_gap=max_gap, n_placebo=n_placebo if full else 0,
                                          returns=returns, forward=forward)
            primaries[key] = {str(k): int(v) for k, v in type(strat).primary_horizons().items()}
        except MissingDataError as exc:
            skipped.append((strat.name, str(exc)))
    settings = _settings(horizons, fill, alpha, conf, n_boot, seed, bootstrap, min_block,
                         min_episodes, max_gap, n_placebo, rw_reps, delta_per_5d)
    settings["returns"] = returns
    frames = []
    for key, st in studies.items():
        f = st.to_frame().reset_index()
        f.insert(0, "strategy", key)
        f["primary"] = [primaries[key].get(str(sd)) == int(h)
                        for sd, h in zip(f["side"], f["horizon"], strict=True)]
        frames.append(f)
    if frames:
        t = pd.concat(frames, ignore_index=True)
    else:
        t = pd.DataFrame({c: pd.Series(dtype=object) for c in VERDICT_COLUMNS})
        t["primary"] = t["primary"].astype(bool)
    t = judge_table(t, alpha=alpha, min_episodes=min_episodes, delta_per_5d=delta_per_5d)
    t["p_rw"], t["p_rw_opposite"] = _romano_wolf(t, studies, horizons, min_block, rw_reps,
                                                 strategy_rng(int(seed), "romano-wolf"),
                                                 bootstrap)
    t = t.loc[:, list(VERDICT_COLUMNS)].reset_index(drop=True)
    studies = {k: replace(st, judged=t[t["strategy"] == k].drop(columns="strategy")
                          .set_index(["side", "horizon"]))
               for k, st in studies.items()}
    span = ((data.index[0].date().isoformat(), data.index[-1].date().isoformat())
            if len(data) else ("", ""))
    return VerdictTable(t, settings, span, len(data), studies, skipped)


def _shared_forward(data: pd.DataFrame, horizons: Sequence[int], fill: Fill,
                    returns: ReturnsMode) -> pd.DataFrame | None:
    """The forward returns every strategy's event study uses, or None where the data
    cannot give them (each study then raises its own error)."""
    from backtest.execution.fills import forward_returns

    try:
        check_market_frame(data, prices=dict.fromkeys(
            ["spx_close", FILL_COLUMNS.get(fill, "spx_close")]))
        return forward_returns(data, horizons, fill, returns)
    except (VixbtError, ValueError, TypeError, KeyError):
        return None


def _romano_wolf(t: pd.DataFrame, studies: dict[str, StrategyStudy], horizons: Sequence[int],
                 min_block: int, reps: int, rng: np.random.Generator,
                 kind: BootstrapKind) -> tuple[np.ndarray, np.ndarray]:
    nan = np.full(len(t), np.nan)
    if reps <= 0 or t.empty:
        return nan, nan.copy()
    ys, ds, vs = [], [], []
    for name, side, h in zip(t["strategy"], t["side"], t["horizon"], strict=True):
        res = studies[str(name)].sides[str(side)]
        ys.append(res._forward[int(h)].to_numpy(dtype=float))
        ds.append(res._signal)
        vs.append(res._valid)
    testable = t["p_adj"].notna().to_numpy()
    sign = np.where(t["expect"].to_numpy() == "lower", -1.0, 1.0)
    block = max(max(int(h) for h in horizons), int(min_block))
    rw = romano_wolf(np.column_stack(ys), np.column_stack(ds), np.column_stack(vs), sign,
                     t["se_hac"].to_numpy(dtype=float), testable, block_size=block,
                     reps=int(reps), rng=rng, kind=kind)
    return rw.p_expected, rw.p_opposite


def family_study(
    strategy: Strategy,
    data: pd.DataFrame,
    horizons: Sequence[int] = DEFAULT_HORIZONS,
    fill: Fill = "next_open",
    **kwargs: Any,
) -> tuple[StrategyStudy, VerdictTable]:
    """Judge one parameter set inside the registry's family.

    The family is every registered strategy with default parameters, with
    ``strategy`` in its own strategy's place, so the words equal those of the
    verdict table whenever ``strategy`` has default parameters and the data are
    the same.  Only ``strategy`` gets bootstrap intervals and placebos.

    Parameters
    ----------
    strategy : Strategy
        The parameter set.
    data : pandas.DataFrame
        Market table frame.  Strategies whose columns it lacks are skipped
        (recorded in the table's ``skipped``).
    horizons, fill, **kwargs
        As in :func:`verdict_table`.

    Returns
    -------
    (StrategyStudy, VerdictTable)
        The strategy's study with its ``judged`` rows, and the whole table.

    Raises
    ------
    MissingDataError
        If ``data`` lacks a column ``strategy`` needs.
    """
    from strategies.registry import REGISTRY

    members: list[Strategy | type[Strategy] | str] = [
        strategy if name == strategy.name else cls for name, cls in REGISTRY.items()]
    if strategy.name not in REGISTRY:
        members.append(strategy)
    vt = verdict_table(data, members, horizons, fill, boot_only={strategy.name}, **kwargs)
    for name, reason in vt.skipped:
        if name == strategy.name:
            raise MissingDataError(reason)
    return vt.studies[strategy.name], vt
