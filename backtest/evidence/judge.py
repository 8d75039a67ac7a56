"""The one verdict: five words, one rule, used by every command, page and document.

Every row of evidence (a strategy side at one horizon) gets exactly one of
:data:`VERDICTS`, from :func:`judge_table` (a table of rows, the families
formed inside) or, for one row whose adjusted p-values are already known, from
:func:`verdict`.  Nothing else in the project turns a p-value into a word.

The words
---------
``"too few"``
    Fewer than ``min_episodes`` independent episodes (see
    :mod:`backtest.evidence.episodes`): a test on a handful of market moves
    measures those moves, not a repeatable effect.  No claim either way.
``"supports"``
    The family-adjusted one-sided p-value in the direction the signal expects
    is below ``alpha``.
``"contradicts"``
    The family-adjusted one-sided p-value of the *opposite* direction is below
    ``alpha``.
``"no effect"``
    An equivalence test (TOST, two one-sided tests) rejects both "effect
    <= -delta" and "effect >= +delta" after the family's adjustment: the effect
    lies inside the economic bound ``+-delta``.
``"inconclusive"``
    None of the above: the interval is too wide to tell an effect of economic
    size from none.  The row's ``mde`` says how large an effect the test could
    have found.

Raw p-values never drive a word.  Wherever one is shown it is named ``p_raw``
(or labelled "raw").

The estimand
------------
``effect`` is the mean forward return on signal days **minus the mean on the
other days of the same sample** (the slope of the HAC regression on the signal
dummy); ``se_hac`` is its Newey-West standard error.  The interval, the test
and the displayed effect all refer to this difference.

Families
--------
*Primary*: each strategy side declares one pre-specified horizon
(``Strategy.primary_horizon``); those rows form the headline family, adjusted
by **Holm** (family-wise error).  *Exploratory*: every other row, adjusted by
**Benjamini-Yekutieli** (false discovery rate under any dependence) in its own
family, and labelled exploratory.  Within a family both one-sided directions of
every testable row are hypotheses (so "supports" and "contradicts" share one
error budget).  The equivalence p-values of a family are adjusted by the same
method in a family of their own, so a wrong "no effect" is controlled too.
Rows with too few episodes stay out of every family (whether a row is tested
depends only on its signal dates, never on returns).

The bound ``delta``
-------------------
Default ``delta = 0.1 % per 5 trading days``, scaled linearly with the horizon
(``delta(h) = 0.001 * h / 5``: 0.02 % at 1 day, 0.42 % at 21, 1.26 % at 63).
Why: 0.1 % a week is about 5 % a year (0.001 x 252 / 5), roughly half the
S&P 500's long-run price drift, and about one round trip of realistic costs
(fees plus slippage of 5 basis points each way); an edge smaller than that
could not pay for trading it and would not change what a trader does.
Scaling with the horizon keeps the bound a constant *rate*, as a drift is.
Change it with ``delta_per_5d``.

Power
-----
``level`` is the one-sided per-test level at which a lone true effect would be
judged in its family: ``alpha / m`` for Holm (its first, strictest step, ``m``
hypotheses) and ``alpha / (m * c(m))`` for BY (``c(m) = sum 1/i``; BY with a
single discovery).  With ``z = Phi^-1(1 - level)``:

* ``mde = (z + Phi^-1(power)) * se_hac`` -- the smallest effect (in the expected
  direction) found with 80 % power;
* ``power = Phi(effect_expected / se_hac - z)`` -- the chance to find an effect
  as large as the one observed (``effect_expected`` is the effect signed so
  that the expected direction is positive).

Both use the normal reference of the HAC test.  :func:`power_statement` writes
the one-line summary for a report header.

Columns added by :func:`judge_table`
------------------------------------
``family`` ("primary" | "exploratory"), ``adjustment`` ("holm" | "by"),
``p_adj`` (adjusted p of the expected direction), ``p_opposite_adj``,
``p_holm`` (primary rows, else NaN), ``p_by`` (exploratory rows, else NaN),
``delta``, ``p_tost_raw``, ``p_tost_adj``, ``level``, ``mde``, ``power``,
``verdict``.  Required input columns: ``expect``, ``horizon``, ``effect``,
``se_hac``, ``p_raw`` (one-sided HAC p of the expected direction),
``episodes`` and ``primary`` (bool).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

from backtest.evidence.multiple import adjust_pvalues
from backtest.evidence.normal import ndtr, ndtri  # the normal cdf and its inverse

__all__ = [
    "DEFAULT_DELTA_PER_5D",
    "DEFAULT_MIN_EPISODES",
    "DEFAULT_POWER",
    "JUDGED_COLUMNS",
    "VERDICTS",
    "FamilyRule",
    "Verdict",
    "equivalence_bound",
    "family_level",
    "judge_table",
    "minimum_detectable_effect",
    "power_at",
    "power_statement",
    "tost_pvalue",
    "verdict",
]

Verdict = Literal["supports", "contradicts", "no effect", "inconclusive", "too few"]

#: Every verdict word, in display order.
VERDICTS: tuple[Verdict, ...] = ("supports", "contradicts", "no effect", "inconclusive",
                                 "too few")

#: Default economic bound of the equivalence test: 0.1 % per 5 trading days.
DEFAULT_DELTA_PER_5D = 0.001

#: Default fewest independent episodes behind a verdict.
DEFAULT_MIN_EPISODES = 10

#: Power at which the minimum detectable effect is stated.
DEFAULT_POWER = 0.8

#: Columns :func:`judge_table` adds, in order.
JUDGED_COLUMNS: tuple[str, ...] = (
    "family", "adjustment", "p_adj", "p_opposite_adj", "p_holm", "p_by", "delta",
    "p_tost_raw", "p_tost_adj", "level", "mde", "power", "verdict",
)

FamilyRule = Literal["holm", "by"]
FloatArray = npt.NDArray[np.float64]


def equivalence_bound(horizon: int, delta_per_5d: float = DEFAULT_DELTA_PER_5D) -> float:
    """The equivalence bound ``delta`` at a horizon: ``delta_per_5d * h / 5``.

    Parameters
    ----------
    horizon : int
        Forward horizon in trading days, ``>= 1``.
    delta_per_5d : float, default 0.001
        Bound per 5 trading days (fraction), ``> 0``.

    Returns
    -------
    float

    Examples
    --------
    >>> round(equivalence_bound(21), 6)
    0.0042
    """
    if int(horizon) < 1:
        raise ValueError(f"horizon must be an integer >= 1, got {horizon!r}")
    if not delta_per_5d > 0:
        raise ValueError(f"delta_per_5d must be > 0, got {delta_per_5d!r}")
    return float(delta_per_5d) * int(horizon) / 5.0


def family_level(alpha: float, m: int, rule: FamilyRule = "holm") -> float:
    """One-sided per-test level of a lone true effect in a family of ``m`` hypotheses.

    ``alpha / m`` for Holm, ``alpha / (m * sum_{i<=m} 1/i)`` for
    Benjamini-Yekutieli; ``alpha`` when ``m <= 1``.

    Examples
    --------
    >>> family_level(0.05, 10)
    0.005
    """
    if not 0.0 < alpha < 1.0:
        raise ValueError(f"alpha must lie in (0, 1), got {alpha!r}")
    m = int(m)
    if m <= 1:
        return float(alpha)
    if rule == "holm":
        return float(alpha) / m
    if rule == "by":
        return float(alpha) / (m * float(np.sum(1.0 / np.arange(1, m + 1))))
    raise ValueError(f"rule must be 'holm' or 'by', got {rule!r}")


def minimum_detectable_effect(se: float | npt.ArrayLike, level: float | npt.ArrayLike,
                              power: float = DEFAULT_POWER) -> FloatArray | float:
    """Smallest effect a one-sided test at ``level`` finds with probability ``power``.

    ``(Phi^-1(1 - level) + Phi^-1(power)) * se``.
    """
    z = -ndtri(np.asarray(level, dtype=float)) + ndtri(power)
    out = z * np.asarray(se, dtype=float)
    return float(out) if np.ndim(out) == 0 else np.asarray(out, dtype=float)


def power_at(effect: float | npt.ArrayLike, se: float | npt.ArrayLike,
             level: float | npt.ArrayLike) -> FloatArray | float:
    """Power of the one-sided test at ``level`` when the true effect is ``effect``.

    ``Phi(effect / se - Phi^-1(1 - level))``; ``effect`` signed so that the
    tested direction is positive.
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        z = (np.asarray(effect, dtype=float) / np.asarray(se, dtype=float)
             + ndtri(np.asarray(level, dtype=float)))
    out = ndtr(z)
    return float(out) if np.ndim(out) == 0 else np.asarray(out, dtype=float)


def tost_pvalue(effect: float | npt.ArrayLike, se: float | npt.ArrayLike,
                delta: float | npt.ArrayLike) -> FloatArray | float:
    """Raw TOST p-value of "|effect| >= delta" (normal reference).

    ``max(1 - Phi((effect + delta) / se), Phi((effect - delta) / se))``: small
    when the effect is surely inside ``(-delta, delta)``.
    """
    b = np.asarray(effect, dtype=float)
    s = np.asarray(se, dtype=float)
    d = np.asarray(delta, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        lower = ndtr(-(b + d) / s)
        upper = ndtr((b - d) / s)
    out = np.maximum(lower, upper)
    return float(out) if np.ndim(out) == 0 else np.asarray(out, dtype=float)


def verdict(p_supports: float, p_contradicts: float, p_equivalent: float, episodes: int,
            *, min_episodes: int = DEFAULT_MIN_EPISODES, alpha: float = 0.05) -> Verdict:
    """The word for one row from its **family-adjusted** p-values.

    Parameters
    ----------
    p_supports : float
        Adjusted one-sided p-value of the expected direction.
    p_contradicts : float
        Adjusted one-sided p-value of the opposite direction.
    p_equivalent : float
        Adjusted TOST p-value (effect within ``+-delta``).
    episodes : int
        Independent episodes of the row.
    min_episodes : int, default 10
        Fewest episodes for any word but ``"too few"``.
    alpha : float, default 0.05
        Level of every test.

    Returns
    -------
    {"supports", "contradicts", "no effect", "inconclusive", "too few"}
        Checked in that order after ``"too few"``; NaN p-values never reject.

    Examples
    --------
    >>> verdict(0.01, 0.99, 0.9, 30)
    'supports'
    >>> verdict(0.6, 0.4, 0.01, 30)
    'no effect'
    >>> verdict(0.01, 0.99, 0.9, 3)
    'too few'
    """
    if int(episodes) < int(min_episodes):
        return "too few"
    if np.isfinite(p_supports) and p_supports < alpha:
        return "supports"
    if np.isfinite(p_contradicts) and p_contradicts < alpha:
        return "contradicts"
    if np.isfinite(p_equivalent) and p_equivalent < alpha:
        return "no effect"
    return "inconclusive"


@dataclass(frozen=True)
class _Family:
    rule: FamilyRule
    rows: npt.NDArray[np.bool_]


def _signed(effect: FloatArray, expect: npt.NDArray[np.object_]) -> FloatArray:
    return np.where(expect == "lower", -effect, effect)


def judge_table(rows: pd.DataFrame, *, alpha: float = 0.05,
                min_episodes: int = DEFAULT_MIN_EPISODES,
                delta_per_5d: float = DEFAULT_DELTA_PER_5D,
                power: float = DEFAULT_POWER) -> pd.DataFrame:
    """Verdicts of a table of rows: families, adjustments, TOST, power and words.

    The one place a verdict is made (see the module docstring for every rule).

    Parameters
    ----------
    rows : pandas.DataFrame
        One row per strategy side and horizon with columns ``expect``
        ("higher" | "lower"), ``horizon``, ``effect`` (signal minus non-signal
        mean), ``se_hac``, ``p_raw`` (one-sided HAC p of the expected
        direction), ``episodes`` and ``primary`` (bool).
    alpha : float, default 0.05
        Level of every test.
    min_episodes : int, default 10
        Fewest independent episodes for a word other than ``"too few"``.
    delta_per_5d : float, default 0.001
        Equivalence bound per 5 trading days (:func:`equivalence_bound`).
    power : float, default 0.8
        Power of the minimum detectable effect.

    Returns
    -------
    pandas.DataFrame
        A copy of ``rows`` with :data:`JUDGED_COLUMNS` added (replaced if present).
    """
    need = ("expect", "horizon", "effect", "se_hac", "p_raw", "episodes", "primary")
    missing = [c for c in need if c not in rows.columns]
    if missing:
        raise ValueError(f"judge_table needs columns {missing}; it got {list(rows.columns)}")
    if not 0.0 < alpha < 0.5:
        raise ValueError(f"alpha must lie in (0, 0.5), got {alpha!r}")
    if not 0.0 < power < 1.0:
        raise ValueError(f"power must lie in (0, 1), got {power!r}")
    out = rows.drop(columns=[c for c in JUDGED_COLUMNS if c in rows.columns]).copy()
    n = len(out)
    p = out["p_raw"].to_numpy(dtype=float)
    eff = out["effect"].to_numpy(dtype=float)
    se = out["se_hac"].to_numpy(dtype=float)
    expect = out["expect"].to_numpy(dtype=object)
    primary = out["primary"].to_numpy(dtype=bool)
    delta = np.asarray([equivalence_bound(int(h), delta_per_5d) for h in out["horizon"]],
                       dtype=float)
    testable = ((out["episodes"].to_numpy(dtype=float) >= int(min_episodes))
                & np.isfinite(p) & np.isfinite(se) & (se > 0))
    p_tost = np.asarray(tost_pvalue(eff, se, delta), dtype=float).reshape(n)
    p_adj = np.full(n, np.nan)
    p_opp = np.full(n, np.nan)
    p_tost_adj = np.full(n, np.nan)
    level = np.full(n, np.nan)
    for fam in (_Family("holm", primary), _Family("by", ~primary)):
        m = fam.rows & testable
        k = int(m.sum())
        if not k:
            continue
        both = adjust_pvalues(np.concatenate([p[m], 1.0 - p[m]]), fam.rule)
        p_adj[m], p_opp[m] = both[:k], both[k:]
        p_tost_adj[m] = adjust_pvalues(p_tost[m], fam.rule)
        level[fam.rows] = family_level(alpha, 2 * k, fam.rule)
    # rows outside any testable family: the level their family would have with them alone
    level[np.isnan(level)] = alpha
    out["family"] = np.where(primary, "primary", "exploratory")
    out["adjustment"] = np.where(primary, "holm", "by")
    out["p_adj"] = p_adj
    out["p_opposite_adj"] = p_opp
    out["p_holm"] = np.where(primary, p_adj, np.nan)
    out["p_by"] = np.where(primary, np.nan, p_adj)
    out["delta"] = delta
    out["p_tost_raw"] = p_tost
    out["p_tost_adj"] = p_tost_adj
    out["level"] = level
    out["mde"] = minimum_detectable_effect(se, level, power)
    out["power"] = power_at(_signed(eff, expect), se, level)
    out["verdict"] = [verdict(a, b, c, int(e) if np.isfinite(e) else 0,
                              min_episodes=min_episodes, alpha=alpha)
                      for a, b, c, e in zip(p_adj, p_opp, p_tost_adj,
                                            out["episodes"].to_numpy(dtype=float),
                                            strict=True)]
    return out


def power_statement(rows: pd.DataFrame, horizon: int | None = None) -> str:
    """One line for a report header: how large an effect the headline tests can find.

    Parameters
    ----------
    rows : pandas.DataFrame
        Output of :func:`judge_table` (``mde``, ``horizon``, ``family``,
        ``verdict`` columns).
    horizon : int or None, default None
        Horizon to speak of; ``None``: the primary rows (their most common
        horizon), else every row at that horizon.

    Returns
    -------
    str
        E.g. ``"With this sample the primary tests (Holm) can detect effects of
        0.85 % or larger at 21 days (median over 11 strategy sides; 80 %
        power)."``
    """
    t = rows[rows["verdict"] != "too few"]
    if horizon is None:
        prim = t[t["family"] == "primary"]
        if prim.empty:
            return "No primary row has enough episodes to be tested."
        h = int(prim["horizon"].mode().iloc[0])
        sel, what = prim[prim["horizon"] == h], "the primary tests (Holm)"
    else:
        h = int(horizon)
        sel, what = t[t["horizon"] == h], "the tests"
    mde = sel["mde"].to_numpy(dtype=float)
    mde = mde[np.isfinite(mde)]
    if mde.size == 0:
        return f"No testable row at {h} days."
    return (f"With this sample {what} can detect effects of {np.median(mde):.2%} or larger "
            f"at {h} day{'s' if h != 1 else ''} (median over {mde.size} strategy side"
            f"{'s' if mde.size != 1 else ''}; {DEFAULT_POWER:.0%} power).")
