"""Does a strategy's signal add information beyond SPX?  One answer per primary row.

For every strategy side at its pre-specified primary horizon
(:meth:`strategies.base.Strategy.primary_horizons`), the forward SPX return is
regressed on the side's entry dummy with and without the standard controls
(:mod:`.regression`, :mod:`.controls`).  The *controlled* coefficient then gets
a verdict from the evidence package's one verdict function
(:func:`backtest.evidence.judge.judge_table`: the primary rows form one Holm
family, "no effect" by the same equivalence bound, "too few" by the same
episode count), and :func:`adds_information` turns that verdict into the
answer to "does the signal add information, in the direction it claims, beyond
what SPX's own past returns, volatility and trend (and the VIX level) tell?":

* ``"yes"`` -- the controlled coefficient *supports* the expected direction;
* ``"no"`` -- it is shown to be within the economic bound (*no effect*) or
  significantly the other way (*contradicts*);
* ``"cannot tell"`` -- *inconclusive* or *too few* episodes.

Columns of :attr:`InformationTable.table`
-----------------------------------------
``strategy``, ``side``, ``expect``, ``horizon`` (the primary one),
``signal_days``, ``episodes``, ``n_obs``, ``coef_alone``, ``se_alone``,
``t_alone``, ``p_alone_raw``, ``coef_controlled``, ``se_controlled``,
``t_controlled``, ``p_controlled_raw``, ``partial_r2`` (see
:mod:`.regression`), then from the verdict function applied to the controlled
coefficient: ``p_controlled_holm`` (Holm over the primary rows, expected
direction), ``p_tost_controlled_adj``, ``mde_controlled``,
``verdict_controlled`` and ``adds_information``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import pandas as pd

from backtest.errors import MissingDataError
from backtest.evidence.event_study import fmt
from backtest.evidence.judge import DEFAULT_MIN_EPISODES, VERDICTS, Verdict, judge_table
from backtest.evidence.strategy_study import StrategyStudy, resolve_strategy, strategy_sample
from backtest.execution.fills import Fill
from backtest.information.controls import control_frame, parse_controls
from backtest.information.regression import StrategyInformation, _strategy_information
from backtest.information.scaling import ReturnScale, scaled_forward_returns
from strategies.base import Strategy

__all__ = ["ANSWERS", "INFORMATION_COLUMNS", "Answer", "InformationTable", "adds_information",
           "information_table"]

Answer = Literal["yes", "no", "cannot tell"]

#: Every answer, in display order.
ANSWERS: tuple[Answer, ...] = ("yes", "no", "cannot tell")

#: Columns of :attr:`InformationTable.table`, in order.
INFORMATION_COLUMNS: tuple[str, ...] = (
    "strategy", "side", "expect", "horizon", "signal_days", "episodes", "n_obs",
    "coef_alone", "se_alone", "t_alone", "p_alone_raw",
    "coef_controlled", "se_controlled", "t_controlled", "p_controlled_raw", "partial_r2",
    "p_controlled_holm", "p_tost_controlled_adj", "mde_controlled", "verdict_controlled",
    "adds_information",
)


def adds_information(verdict: Verdict | str) -> Answer:
    """The answer for one row from the verdict of its *controlled* coefficient.

    Parameters
    ----------
    verdict : {"supports", "contradicts", "no effect", "inconclusive", "too few"}
        Word of :func:`backtest.evidence.judge.verdict` for the controlled test.

    Returns
    -------
    {"yes", "no", "cannot tell"}

    Examples
    --------
    >>> adds_information("supports"), adds_information("contradicts")
    ('yes', 'no')
    """
    try:
        return _ANSWER_OF[verdict]
    except KeyError:
        raise ValueError(f"not a verdict: {verdict!r}") from None


# the judge's words, in its display order: supports, contradicts, no effect,
# inconclusive, too few (the words themselves are written only in backtest.evidence.judge)
_ANSWER_OF: dict[str, Answer] = dict(zip(VERDICTS, ("yes", "no", "no", "cannot tell",
                                                    "cannot tell"), strict=True))


@dataclass(frozen=True, eq=False)
class InformationTable:
    """The primary rows with and without controls, and the answer for each.

    Attributes
    ----------
    table : pandas.DataFrame
        Columns :data:`INFORMATION_COLUMNS`.
    controls : tuple of str
        Control names used.
    settings : dict
        ``fill``, ``scale``, ``alpha``, ``min_episodes``, ``controls`` and the rule.
    studies : dict of str to StrategyInformation
        Per strategy, every side at the primary horizons.
    skipped : list of (str, str)
        Strategies left out and why.
    """

    table: pd.DataFrame
    controls: tuple[str, ...]
    settings: dict[str, Any]
    studies: dict[str, StrategyInformation] = field(repr=False)
    skipped: list[tuple[str, str]]

    def to_frame(self) -> pd.DataFrame:
        """The table (a copy)."""
        return self.table.copy()

    def answer(self, strategy: str, side: str) -> Answer:
        """The answer of one strategy side."""
        t = self.table
        row = t[(t["strategy"] == strategy) & (t["side"] == side)]
        if row.empty:
            raise KeyError(f"no primary row for {strategy}:{side}")
        out: Answer = row["adds_information"].iloc[0]
        return out

    def summary(self) -> str:
        """One line per primary row: effect alone and controlled, and the answer."""
        lines = [f"Adds information beyond SPX? Primary rows, controls: "
                 f"{', '.join(self.controls) or 'none'} (verdict of the controlled "
                 "coefficient, Holm over the primary rows)",
                 f"{'strategy':<22} {'side':<5} {'h':>3} {'epis':>5} {'alone':>8} {'t':>6} "
                 f"{'ctl':>8} {'t':>6} {'p_holm':>6}  {'verdict (controlled)':<21} adds?"]
        for r in self.table.itertuples(index=False):
            lines.append(f"{r.strategy:<22} {r.side:<5} {r.horizon:>3} "
                         f"{fmt(r.episodes, '.0f', 5)} {fmt(r.coef_alone, '.2%', 8)} "
                         f"{fmt(r.t_alone, '.2f', 6)} {fmt(r.coef_controlled, '.2%', 8)} "
                         f"{fmt(r.t_controlled, '.2f', 6)} {fmt(r.p_controlled_holm, '.3f', 6)}"
                         f"  {r.verdict_controlled:<21} {r.adds_information}")
        for name, reason in self.skipped:
            lines.append(f"skipped {name}: {reason}")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()


def information_table(
    data: pd.DataFrame,
    strategies: Sequence[Strategy | type[Strategy] | str] | None = None,
    controls: Sequence[str] | str | None = None,
    *,
    fill: Fill = "next_open",
    scale: ReturnScale = "raw",
    alpha: float = 0.05,
    min_episodes: int = DEFAULT_MIN_EPISODES,
    episodes: pd.DataFrame | None = None,
    studies: Mapping[str, StrategyStudy] | None = None,
) -> InformationTable:
    """Controlled regressions of every primary row and the answer for each.

    Parameters
    ----------
    data : pandas.DataFrame
        Market table frame.
    strategies : sequence of Strategy, class or name, or None
        Parameter sets; ``None``: every registered strategy with defaults.
        One whose data is absent is skipped with the reason.
    controls : sequence of str, str or None
        Control names (default: the standard set).
    fill, scale
        As in :func:`backtest.information.regression.signal_information`.
    alpha, min_episodes
        Passed to the verdict function.
    episodes : pandas.DataFrame or None
        Episode counts to use instead of the regression's own, e.g. the
        headline verdict table's: columns ``strategy``, ``side``, ``horizon``
        and ``episodes`` (so the same row is counted the same way everywhere).
    studies : mapping of str to StrategyStudy or None
        Event studies of the same ``data`` (e.g. the verdict table's
        ``studies``): a strategy whose study has the same name and parameters
        takes its entry signals and sample from it instead of computing them
        again.

    Returns
    -------
    InformationTable
    """
    if strategies is None:
        from strategies.registry import REGISTRY

        chosen: list[Strategy | type[Strategy] | str] = list(REGISTRY.values())
    else:
        chosen = list(strategies)
    names = parse_controls(controls)
    rows: list[dict[str, Any]] = []
    infos: dict[str, StrategyInformation] = {}
    skipped: list[tuple[str, str]] = []
    strats = [resolve_strategy(item) for item in chosen]
    # computed once for every strategy: the controls, the forward returns of every horizon
    ctrl: pd.DataFrame | MissingDataError
    try:
        ctrl = control_frame(data, names)
    except MissingDataError as exc:
        ctrl = exc
    fwd: pd.DataFrame | None = None
    for strat in strats:
        prim = type(strat).primary_horizons()
        hs = sorted(set(prim.values()))
        try:
            entries, sample = _entries_and_sample(strat, data, studies)
            if isinstance(ctrl, MissingDataError):
                raise ctrl
            if fwd is None:
                every = sorted({int(h) for s in strats
                                for h in type(s).primary_horizons().values()})
                fwd = scaled_forward_returns(data, every, fill, scale)
            info = _strategy_information(strat, data, hs, names, fill, scale, ctrl, fwd,
                                         entries, sample)
        except MissingDataError as exc:
            skipped.append((strat.name, str(exc)))
            continue
        infos[strat.name] = info
        for side, res in info.sides.items():
            h = prim[side]  # type: ignore[index]
            r = res.table.loc[h]
            rows.append({"strategy": strat.name, "side": side, "expect": res.expect,
                         "horizon": h, **{k: r[k] for k in INFORMATION_COLUMNS if k in r}})
    base = [c for c in INFORMATION_COLUMNS if not c.startswith(("p_controlled_h", "p_tost",
                                                                "mde", "verdict", "adds"))]
    t = pd.DataFrame(rows, columns=base)
    if episodes is not None and not t.empty:
        key = ["strategy", "side", "horizon"]
        ep = episodes.loc[:, [*key, "episodes"]].rename(columns={"episodes": "_ep"})
        t = t.merge(ep, on=key, how="left")
        t["episodes"] = t["_ep"].where(t["_ep"].notna(), t["episodes"])
        t = t.drop(columns="_ep")
    judged = judge_table(
        t.assign(effect=t["coef_controlled"], se_hac=t["se_controlled"],
                 p_raw=t["p_controlled_raw"], episodes=t["episodes"].fillna(0),
                 primary=True), alpha=alpha, min_episodes=min_episodes)
    t["p_controlled_holm"] = judged["p_adj"].to_numpy()
    t["p_tost_controlled_adj"] = judged["p_tost_adj"].to_numpy()
    t["mde_controlled"] = judged["mde"].to_numpy()
    t["verdict_controlled"] = judged["verdict"].to_numpy()
    t["adds_information"] = [adds_information(v) for v in t["verdict_controlled"]]
    settings = {"fill": fill, "scale": scale, "alpha": float(alpha),
                "min_episodes": int(min_episodes), "controls": list(names),
                "rule": "verdict of the controlled coefficient (evidence.judge, Holm over "
                        "the primary rows): supports -> yes; no effect or contradicts -> no; "
                        "inconclusive or too few -> cannot tell"}
    return InformationTable(t.loc[:, list(INFORMATION_COLUMNS)], names, settings, infos,
                            skipped)


def _entries_and_sample(strat: Strategy, data: pd.DataFrame,
                        studies: Mapping[str, StrategyStudy] | None
                        ) -> tuple[dict[str, pd.Series], pd.Series]:
    """Each side's entry signal and the strategy's sample: from its event study when one
    of the same name and parameters is given, else computed."""
    st = studies.get(strat.name) if studies is not None else None
    if (st is not None and st.params == strat.params() and set(st.sides) == set(strat.sides)
            and st.sides[strat.sides[0]]._forward.index.equals(data.index)):
        idx = data.index
        entries: dict[str, pd.Series] = {
            side: pd.Series(st.sides[side]._signal, index=idx, name=side)
            for side in strat.sides}
        first = st.sides[strat.sides[0]]
        return entries, pd.Series(first._valid, index=idx, name="sample")
    sig = strat.signals(data)
    computed: dict[str, pd.Series] = {side: sig.entries(side) for side in strat.sides}
    return computed, strategy_sample(strat, data)
