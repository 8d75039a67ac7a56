"""The answer first: one sentence per side of the question, from the primary verdicts.

:func:`answer_frame` is the single place the report reads verdicts from: it
takes the verdict table of :mod:`backtest.evidence.verdict` and returns one row
per strategy, side and horizon with the columns the headline, the forest plot
and the tables need.  Columns the verdict table provides are used as they are
(``verdict``, ``effect``, ``ci_low``/``ci_high``, and where present
``primary``, ``mde``, ``se_hac``); where the table does not carry them yet:

* ``primary`` -- the strategy's declared primary horizon if the class has one
  (``primary_horizon``), else 21 trading days;
* ``mde`` -- the minimum detectable effect at 80 % power of a one-sided test at
  ``alpha`` Bonferroni-adjusted over the primary rows (a conservative stand-in
  for Holm), from the HAC standard error ``|effect / t_hac|``:
  ``mde = (z(1 - alpha / m) + z(0.8)) * se``.

:func:`headline` turns the primary rows of each side into one plain-English
sentence; :func:`~backtest.report.charts.forest_chart` draws every row.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from backtest.evidence.judge import VERDICTS
from backtest.numbers import pct

if TYPE_CHECKING:
    from collections.abc import Sequence

    from backtest.data.table import MarketTable
    from backtest.evidence.strategy_study import StrategyStudy
    from backtest.evidence.verdict import VerdictTable
    from strategies.base import Strategy

__all__ = ["ANSWER_COLUMNS", "EMBEDDED_WARNING", "SIDE_WORDS", "Headline", "answer_frame",
           "headline", "is_embedded", "primary_horizon", "sample_text", "strategy_samples",
           "study_sentences"]

SUPPORTS, CONTRADICTS, NO_EFFECT, INCONCLUSIVE, TOO_FEW = VERDICTS

#: Default primary horizon (trading days) of a side that declares none.
DEFAULT_PRIMARY = 21

#: Columns of :func:`answer_frame`.
ANSWER_COLUMNS: tuple[str, ...] = (
    "strategy", "side", "horizon", "n_signal", "n_episodes", "effect", "ci_low", "ci_high",
    "se", "mde", "verdict", "primary",
)

#: How each side of the question is named in sentences.
SIDE_WORDS: dict[str, str] = {"long": "fear", "short": "complacency"}


def primary_horizon(strategy: str, side: str, horizons: list[int]) -> int:
    """The pre-specified primary horizon of a strategy side.

    The strategy class's ``primary_horizon`` (an int, or a mapping side -> int)
    when it declares one, else 21 trading days (or the horizon closest to it
    among ``horizons``).
    """
    declared: Any = None
    try:
        from strategies.registry import get_strategy

        declared = getattr(get_strategy(strategy.split("#")[0]), "primary_horizon", None)
    except (ValueError, KeyError, ImportError):
        declared = None
    if isinstance(declared, dict):
        declared = declared.get(side)
    target = int(declared) if isinstance(declared, int | np.integer) else DEFAULT_PRIMARY
    if target in horizons or not horizons:
        return target
    return min(horizons, key=lambda h: (abs(h - target), h))


def _z(p: float) -> float:
    from scipy.stats import norm

    return float(norm.ppf(p))


def answer_frame(vt: VerdictTable) -> pd.DataFrame:
    """One row per strategy, side and horizon: effect, interval, MDE, verdict, primary.

    Parameters
    ----------
    vt : VerdictTable
        The verdict table.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`ANSWER_COLUMNS` (effects, intervals, ``se`` and ``mde``
        as fractions).
    """
    t = vt.table
    if t.empty:
        return pd.DataFrame(columns=list(ANSWER_COLUMNS))
    out = pd.DataFrame({
        "strategy": t["strategy"].astype(str), "side": t["side"].astype(str),
        "horizon": t["horizon"].astype(int),
        "n_signal": t.get("signal_days", t.get("n_signal", pd.Series(np.nan, index=t.index))),
        "n_episodes": t.get("episodes", t.get("n_episodes", pd.Series(np.nan, index=t.index))),
        "effect": t["effect"].astype(float),
        "ci_low": t["ci_low"].astype(float), "ci_high": t["ci_high"].astype(float),
        "verdict": t["verdict"].astype(str),
    })
    horizons = sorted({int(h) for h in out["horizon"]})
    if "primary" in t.columns:
        out["primary"] = t["primary"].astype(bool).to_numpy()
    else:
        out["primary"] = [int(h) == primary_horizon(s, side, horizons)
                          for s, side, h in zip(out["strategy"], out["side"], out["horizon"],
                                                strict=True)]
    if "se_hac" in t.columns:
        se = t["se_hac"].astype(float).to_numpy()
    else:
        with np.errstate(divide="ignore", invalid="ignore"):
            se = np.abs(t["effect"].to_numpy(dtype=float) / t["t_hac"].to_numpy(dtype=float))
    out["se"] = se
    if "mde" in t.columns:
        out["mde"] = t["mde"].astype(float).to_numpy()
    else:
        alpha = float(vt.settings.get("alpha", 0.05))
        m = max(1, int((out["primary"] & (out["verdict"] != TOO_FEW)).sum()))
        out["mde"] = (_z(1 - alpha / m) + _z(0.8)) * out["se"]
    return out.loc[:, list(ANSWER_COLUMNS)].reset_index(drop=True)


@dataclass(frozen=True)
class Headline:
    """The answer for one side of the question.

    Attributes
    ----------
    side : str
        ``"long"`` (after fear) or ``"short"`` (after complacency).
    sentence : str
        The plain-English answer.
    rows : pandas.DataFrame
        The primary rows it was drawn from (:func:`answer_frame` columns).
    """

    side: str
    sentence: str
    rows: pd.DataFrame


def _names(rows: pd.DataFrame) -> str:
    items = [f"{r.strategy} ({pct(r.effect)} at {r.horizon} days)"
             for r in rows.itertuples(index=False)]
    return ", ".join(items[:-1]) + (" and " if len(items) > 1 else "") + items[-1]


def headline(answer: pd.DataFrame) -> list[Headline]:
    """One sentence per side from the primary rows of :func:`answer_frame`.

    The sentence says which way SPX went against the other days (the expected
    direction is *above* them after fear, *below* them after complacency), how
    many strategies support or contradict that at their primary horizon, how
    many show no effect (equivalence) or cannot tell, the smallest effect the
    tests could detect (median MDE of the tested primaries), and the largest
    observed effect.
    """
    out = []
    for side, word in SIDE_WORDS.items():
        rows = answer[(answer["side"] == side) & answer["primary"]]
        if rows.empty:
            continue
        expect = "beat" if side == "long" else "fall short of"
        n = rows["strategy"].nunique()
        tested = rows[rows["verdict"] != TOO_FEW]
        sup = tested[tested["verdict"] == SUPPORTS]
        con = tested[tested["verdict"] == CONTRADICTS]
        none = tested[tested["verdict"] == NO_EFFECT]
        eff = rows["effect"].astype(float)
        signed = eff if side == "long" else -eff
        big = rows.iloc[int(np.nanargmax(signed.to_numpy()))] if signed.notna().any() else None
        largest = (f"the largest observed in the expected direction was {pct(big['effect'])} "
                   f"({big['strategy']}, {int(big['horizon'])} days)"
                   if big is not None and float(signed.max()) > 0
                   else "no strategy moved in the expected direction")
        mde = tested["mde"].astype(float).dropna()
        hs = sorted({int(h) for h in tested["horizon"]})
        at = f"at {hs[0]} days" if len(hs) == 1 else "at their primary horizons"
        power = (f"the tests could detect effects of {pct(float(mde.median()), sign=False)} "
                 f"or larger {at}" if len(mde) else "no primary row had enough episodes to "
                                                     "test")
        few = n - tested["strategy"].nunique()
        untested = f"; {few} with too few episodes to test" if few and len(tested) else ""
        head = (f"After {word} extremes ({n} strateg{'y' if n == 1 else 'ies'}, primary "
                f"horizons{untested})")
        other = "the other days"
        if len(sup) and not len(con):
            s = (f"{head}, SPX did {expect} {other} in {len(sup)} of {len(tested)} tested: "
                 f"{_names(sup)}; {power}.")
        elif len(con) and not len(sup):
            s = (f"{head}, SPX went the opposite way to the idea in {len(con)} of {len(tested)} "
                 f"tested: {_names(con)}; {power}.")
        elif len(con) and len(sup):
            s = (f"{head}, the verdicts disagree: {len(sup)} support ({_names(sup)}) and "
                 f"{len(con)} contradict ({_names(con)}); {power}.")
        elif len(none) and len(none) == len(tested):
            s = (f"{head}, SPX did not {expect} {other}: in all {len(none)} tested the "
                 f"effect is within the equivalence bound (no effect); {largest}.")
        elif len(tested):
            extra = (f" ({len(none)} show no effect, {len(tested) - len(none)} cannot tell)"
                     if len(none) else "")
            s = (f"{head}, SPX did not {expect} {other} by a detectable amount{extra}: "
                 f"{power}; {largest}.")
        else:
            s = f"{head}: too few independent episodes to test any of them; {largest}."
        out.append(Headline(side, s, rows.reset_index(drop=True)))
    return out


def strategy_samples(strategies: Sequence[Strategy], frame: pd.DataFrame) -> pd.DataFrame:
    """The sample each strategy is judged on: first and last signal-eligible day.

    A day is signal-eligible when the strategy's input columns are present and
    its warm-up has passed (:func:`backtest.evidence.strategy_study.strategy_sample`);
    this, not the span of the longest data file, is the period a verdict speaks
    for.

    Returns
    -------
    pandas.DataFrame
        Index ``strategy``; columns ``first``, ``last`` (Timestamps, NaT when
        the data lack the strategy's columns) and ``days``.
    """
    from backtest.evidence.strategy_study import strategy_sample

    rows = {}
    for s in strategies:
        if not all(c in frame.columns for c in s.columns_needed()):
            rows[s.name] = {"first": pd.NaT, "last": pd.NaT, "days": 0}
            continue
        ok = strategy_sample(s, frame)
        days = ok.index[ok.to_numpy()]
        rows[s.name] = {"first": days[0] if len(days) else pd.NaT,
                        "last": days[-1] if len(days) else pd.NaT, "days": len(days)}
    out = pd.DataFrame.from_dict(rows, orient="index", columns=["first", "last", "days"])
    out.index.name = "strategy"
    return out


def sample_text(samples: pd.DataFrame) -> str:
    """``"2014-03-31 .. 2018-12-31"`` when every strategy shares one sample, else
    the range of starts and ends (``"from 1990-04-02 .. 2008-01-31 (by strategy) to
    2026-07-22"``)."""
    s = samples.dropna(subset=["first", "last"])
    if s.empty:
        return "no strategy has its data"
    firsts, lasts = sorted(set(s["first"])), sorted(set(s["last"]))
    f = (f"{firsts[0]:%Y-%m-%d}" if len(firsts) == 1
         else f"{firsts[0]:%Y-%m-%d} .. {firsts[-1]:%Y-%m-%d} (first signal-eligible day, "
              "by strategy)")
    last = (f"{lasts[0]:%Y-%m-%d}" if len(lasts) == 1
            else f"{lasts[0]:%Y-%m-%d} .. {lasts[-1]:%Y-%m-%d}")
    if len(firsts) == 1 and len(lasts) == 1:
        return f"{f} .. {last}"
    return f"from {f} to {last}"


def is_embedded(table: MarketTable) -> bool:
    """Whether ``table`` is the embedded 2014-2018 sample (no data directory)."""
    try:
        from backtest.data.embedded import embedded_files

        files = {str(p) for p in embedded_files()}
    except Exception:  # the arch package is absent: the table cannot be the sample
        return False
    src = table.sources.get("vix_close")
    return src is not None and str(src.path) in files


#: What the page says at the top when it runs on the embedded sample.
EMBEDDED_WARNING = (
    "This report runs on the embedded sample: five years of VIX closes (2014-2018) and no "
    "term-structure data. That cannot answer the question for most rows: most strategy sides "
    "have too few independent episodes in five years, and the term-structure strategies are "
    "skipped. For the full history (VIX since 1990, SPX since 1927, VIX3M and futures) run "
    "`vixbt data update --data-dir ~/vixdata` and then `vixbt report --data-dir ~/vixdata` "
    "(or set VIXBT_DATA_DIR).")


def study_sentences(study: StrategyStudy) -> list[str]:
    """One sentence per side of one strategy's study, at its primary horizon, with the
    verdict of its family (the judged rows) when it was judged."""
    from backtest.numbers import pct

    rows = study.judged.reset_index() if study.judged is not None else study.to_frame() \
        .reset_index()
    out = []
    for side in study.sides:
        t = rows[rows["side"] == side]
        hs = [int(h) for h in t["horizon"]]
        if "primary" in t.columns and t["primary"].astype(bool).any():
            h = int(t.loc[t["primary"].astype(bool), "horizon"].iloc[0])
        else:
            h = primary_horizon(study.strategy, side, hs)
        if h not in hs:
            continue
        r: dict[Any, Any] = t[t["horizon"] == h].iloc[0].to_dict()
        word = SIDE_WORDS.get(side, side)
        expect = "above" if side == "long" else "below"
        eff = float(r["effect"])
        where = "above" if eff > 0 else "below" if eff < 0 else "level with"
        days = int(r.get("signal_days", r.get("n_signal", 0)))
        eps = int(r.get("episodes", r.get("n_episodes", 0)))
        verdict = str(r.get("verdict", ""))
        tail = ""
        if verdict == INCONCLUSIVE and pd.notna(r.get("mde")):
            tail = f" (the test could detect {pct(r['mde'], sign=False)} or more)"
        out.append(
            f"After {word} signals ({side} side, expecting SPX {expect} the other days), SPX "
            f"ended the primary {h}-day horizon {pct(abs(eff), sign=False)} {where} the other "
            f"days' mean (interval {pct(r['ci_low'])} .. {pct(r['ci_high'])}; "
            f"{days:,} signal days in {eps:,} episodes): {verdict}{tail}.")
    return out
