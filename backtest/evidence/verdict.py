"""The verdict table: every strategy side, horizon by horizon, in one family of tests.

:func:`verdict_table` runs :func:`~backtest.evidence.strategy_study.study_strategy`
for every registered strategy with default parameters (or the ones given),
stacks the per-horizon results of every side and adjusts the p-values across
the whole table.

Columns of :meth:`VerdictTable.to_frame` (one row per strategy, side, horizon)
------------------------------------------------------------------------------
``strategy`` (str), ``side`` ("long" | "short"), ``expect`` ("higher" |
"lower"), ``horizon`` (int, trading days), ``n_days`` (sample days),
``n_signal`` (signal days), ``n_episodes`` (independent episodes),
``mean_signal``, ``median_signal``, ``hit_rate``, ``mean_uncond`` (simple
forward returns as fractions), ``effect`` (``mean_signal - mean_uncond``),
``ci_low`` / ``ci_high`` (block-bootstrap interval of ``effect``), ``t_hac``
(Newey-West t of the signal dummy), ``p_raw`` (one-sided HAC p-value in the
expected direction), ``p_holm`` and ``p_by`` (``p_raw`` adjusted by Holm and
by Benjamini-Yekutieli), ``p_opposite_holm`` (the Holm-adjusted one-sided
p-value of the *opposite* direction, ``1 - p_raw`` before adjustment),
``verdict``:

* ``"too few"`` -- ``n_episodes < min_episodes`` (default 10): too few
  independent episodes for any claim.  A HAC t-test on one or two clusters of
  overlapping windows measures those few market moves, not a repeatable
  effect, so no direction is claimed; ``p_raw`` is still shown, the adjusted
  p-values are NaN;
* ``"supports"`` -- ``p_holm < alpha``: SPX moved the way the signal expects,
  beyond what chance across the whole table explains;
* ``"contradicts"`` -- ``p_opposite_holm < alpha``: it moved the other way,
  beyond chance; ``p_opposite_holm`` is the p-value behind this verdict;
* ``"no evidence"`` -- neither.

The family of tests
-------------------
Every row with at least ``min_episodes`` episodes (and a finite ``p_raw``)
contributes **two** one-sided hypotheses, "higher than unconditional" and
"lower than unconditional", because either can produce a verdict.  Holm
(family-wise error) and Benjamini-Yekutieli (false discovery rate, valid under
any dependence) run once over all ``2 x testable rows`` p-values, so
``p_holm`` and ``p_opposite_holm`` come from the same family and the chance
of *any* wrong "supports" or "contradicts" in the table is at most ``alpha``.
``p_by`` is the BY value of the expected direction from that family.

"too few" rows are left out of the family.  That is honest because whether a
row is tested depends only on its episode count -- fixed by the signal dates
before any return is looked at -- not on its p-value; keeping untestable rows
would only make every other test stricter for hypotheses no verdict is
drawn from.

JSON schema (``schema: "vixbt.verdict_table/1"``)
-------------------------------------------------
An object with keys ``schema`` (str), ``settings`` (object: ``horizons``,
``fill``, ``alpha``, ``conf``, ``n_boot``, ``seed``, ``bootstrap``,
``min_block``, ``min_episodes``, ``hac_lags`` = ``"horizon"``, ``p_value``,
``adjustment``, ``verdict_rule``; the last three are sentences), ``data``
(``first``, ``last`` ISO dates and ``rows``),
``strategies`` (list of ``{"name", "params", "sides"}``), ``skipped`` (list of
``{"strategy", "reason"}``) and ``rows`` (list of objects with exactly the
columns above; NaN is written as ``null``; ``verdict`` is one of
``"supports"``, ``"no evidence"``, ``"contradicts"``, ``"too few"``).  The CSV
holds the ``rows`` only.  The keys are unchanged since the first layout; the
``"too few"`` verdict, the ``min_episodes`` setting and the one family for both
directions were added later under the same identifier.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from backtest.errors import MissingDataError
from backtest.evidence.event_study import (
    DEFAULT_HORIZONS,
    DEFAULT_MIN_EPISODES,
    fmt,
)
from backtest.evidence.inference import BootstrapKind
from backtest.evidence.multiple import adjust_pvalues
from backtest.evidence.strategy_study import StrategyStudy, resolve_strategy, study_strategy
from backtest.execution.fills import Fill
from strategies.base import Strategy

__all__ = ["SCHEMA", "VERDICT_COLUMNS", "VerdictTable", "adjust_both_directions",
           "verdict_table"]

#: Identifier of the JSON layout written by :meth:`VerdictTable.to_json`.
SCHEMA = "vixbt.verdict_table/1"

#: Columns of :meth:`VerdictTable.to_frame`, in order.
VERDICT_COLUMNS: tuple[str, ...] = (
    "strategy", "side", "expect", "horizon", "n_days", "n_signal", "n_episodes",
    "mean_signal", "median_signal", "hit_rate", "mean_uncond", "effect", "ci_low", "ci_high",
    "t_hac", "p_raw", "p_holm", "p_by", "p_opposite_holm", "verdict",
)


def _verdicts(p_holm: np.ndarray, p_opp: np.ndarray, testable: np.ndarray,
              alpha: float) -> list[str]:
    out = []
    for a, b, ok in zip(p_holm, p_opp, testable, strict=True):
        if not ok:
            out.append("too few")
        elif np.isfinite(a) and a < alpha:
            out.append("supports")
        elif np.isfinite(b) and b < alpha:
            out.append("contradicts")
        else:
            out.append("no evidence")
    return out


def adjust_both_directions(p_raw: np.ndarray, testable: np.ndarray
                           ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Holm and BY p-values of both one-sided directions in one family.

    Parameters
    ----------
    p_raw : numpy.ndarray of float
        One-sided p-values in the expected direction (NaN: not testable).
    testable : numpy.ndarray of bool
        Rows allowed into the family (e.g. enough episodes).

    Returns
    -------
    (p_holm, p_by, p_opposite_holm) : tuple of numpy.ndarray
        NaN outside the family.  The family holds ``p_raw`` and ``1 - p_raw``
        of every testable row with a finite ``p_raw``.
    """
    p = np.asarray(p_raw, dtype=float)
    m = np.asarray(testable, dtype=bool) & np.isfinite(p)
    k = int(m.sum())
    holm = np.full(p.shape, np.nan)
    by = np.full(p.shape, np.nan)
    opp = np.full(p.shape, np.nan)
    if k:
        both = np.concatenate([p[m], 1.0 - p[m]])
        h = adjust_pvalues(both, "holm")
        holm[m], opp[m] = h[:k], h[k:]
        by[m] = adjust_pvalues(both, "by")[:k]
    return holm, by, opp


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
        Full per-strategy studies (for eras and details).
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
            "data": {"first": self.data_span[0], "last": self.data_span[1],
                     "rows": self.n_rows_data},
            "strategies": [{"name": s.strategy,
                            "params": {k: _jsonable(v) for k, v in s.params.items()},
                            "sides": list(s.sides)} for s in self.studies.values()],
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
        """Every strategy side per era (HAC only, raw p-values).

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
        lines = [f"Verdict table  {self.data_span[0]}..{self.data_span[1]}  fill {s['fill']}, "
                 f"one-sided alpha {s['alpha']:g} after Holm over both directions of "
                 f"{int(self.table['p_holm'].notna().sum())} rows with >= "
                 f"{s.get('min_episodes', 0)} episodes",
                 f"{'strategy':<22} {'side':<5} {'h':>3} {'days':>5} {'epis':>5} "
                 f"{'effect':>8} {'ci_low':>8} {'ci_high':>8} {'p_raw':>6} {'p_holm':>6} "
                 f"{'p_by':>6} {'p_opp':>6}  verdict"]
        for r in self.table.itertuples(index=False):
            lines.append(f"{r.strategy:<22} {r.side:<5} {r.horizon:>3} {r.n_signal:>5} "
                         f"{r.n_episodes:>5} {fmt(r.effect, '.2%', 8)} "
                         f"{fmt(r.ci_low, '.2%', 8)} {fmt(r.ci_high, '.2%', 8)} "
                         f"{fmt(r.p_raw, '.3f', 6)} {fmt(r.p_holm, '.3f', 6)} "
                         f"{fmt(r.p_by, '.3f', 6)} {fmt(r.p_opposite_holm, '.3f', 6)}  "
                         f"{r.verdict}")
        for name, reason in self.skipped:
            lines.append(f"skipped {name}: {reason}")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()


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
    horizons, fill, n_boot, alpha, conf, bootstrap, min_block
        As in :func:`backtest.evidence.event_study.event_study`.
    seed : int, default 0
        Seed of the bootstrap intervals; every strategy's study starts from it
        (so a row's interval equals the one-strategy study's with the same seed).
    min_episodes : int, default 10
        Fewest independent episodes a row needs to enter the family of tests
        and get a verdict; rows below it read ``"too few"`` (module docstring).

    Returns
    -------
    VerdictTable
    """
    if strategies is None:
        from strategies.registry import REGISTRY

        chosen: list[Strategy | type[Strategy] | str] = list(REGISTRY.values())
    else:
        chosen = list(strategies)
    if not chosen:
        raise ValueError("verdict_table needs at least one strategy")
    studies: dict[str, StrategyStudy] = {}
    skipped: list[tuple[str, str]] = []
    for item in chosen:
        strat = resolve_strategy(item)
        key = strat.name if strat.name not in studies else f"{strat.name}#{len(studies)}"
        try:
            # each strategy from the seed itself: its intervals are the same as in
            # `vixbt run` / `vixbt study STRATEGY` with that seed, whatever comes before it
            studies[key] = study_strategy(strat, data, horizons, fill, n_boot=n_boot,
                                          seed=int(seed),
                                          alpha=alpha, conf=conf, bootstrap=bootstrap,
                                          min_block=min_block, min_episodes=min_episodes)
        except MissingDataError as exc:
            skipped.append((strat.name, str(exc)))
    settings: dict[str, Any] = {
        "horizons": [int(h) for h in horizons], "fill": fill, "alpha": float(alpha),
        "conf": float(conf), "n_boot": int(n_boot), "seed": int(seed), "bootstrap": bootstrap,
        "min_block": int(min_block), "min_episodes": int(min_episodes), "hac_lags": "horizon",
        "p_value": "one-sided, HAC (Newey-West) t-test of the signal dummy, expected direction",
        "adjustment": "Holm and Benjamini-Yekutieli in one family holding both one-sided "
                      "directions of every row with at least min_episodes episodes; rows "
                      "with fewer are left out (adjusted p-values null)",
        "verdict_rule": "too few if n_episodes < min_episodes; else supports if p_holm < alpha; "
                        "contradicts if p_opposite_holm < alpha; else no evidence",
    }
    frames = []
    for key, st in studies.items():
        f = st.to_frame().reset_index()
        f.insert(0, "strategy", key)
        frames.append(f)
    if frames:
        t = pd.concat(frames, ignore_index=True).rename(columns={"p_one_sided": "p_raw"})
    else:
        t = pd.DataFrame(columns=[c for c in VERDICT_COLUMNS if not c.startswith("p_")]
                         + ["p_raw"])
    raw = t["p_raw"].to_numpy(dtype=float)
    testable = t["n_episodes"].to_numpy(dtype=float) >= int(min_episodes)
    p_holm, p_by, p_opp = adjust_both_directions(raw, testable)
    t["p_holm"], t["p_by"], t["p_opposite_holm"] = p_holm, p_by, p_opp
    t["verdict"] = _verdicts(p_holm, p_opp, testable, float(alpha))
    t = t.loc[:, list(VERDICT_COLUMNS)].reset_index(drop=True)
    span = ((data.index[0].date().isoformat(), data.index[-1].date().isoformat())
            if len(data) else ("", ""))
    return VerdictTable(t, settings, span, len(data), studies, skipped)
