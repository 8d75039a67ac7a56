"""The information parts of ``vixbt study`` (:mod:`backtest.information`): for one
strategy ``--controls``, before/after publication, ``--regimes`` and ``--vol-scaled``;
for the headline the column "adds information beyond SPX?"."""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Mapping

    import pandas as pd

    from backtest.data.table import MarketTable
    from backtest.evidence.strategy_study import StrategyStudy
    from backtest.information.answer import InformationTable
    from backtest.information.conditional import ConditionalTable
    from backtest.information.regression import StrategyInformation
    from backtest.report.writer import Report
    from strategies.base import Strategy

__all__ = ["StudyExtras", "answers_column", "headline_information", "study_extras"]

_CAPTION = ("Forward SPX returns on the entry dummy alone and with controls for what SPX "
            "already tells ({controls}); same days in both, HAC lags = horizon, p-values raw "
            "(one-sided, expected direction); partial R^2 of the signal given the controls")


@dataclass(frozen=True)
class StudyExtras:
    """The information parts of ``vixbt study STRATEGY``.

    ``controls`` (``--controls``), ``publication`` (always: before/after the
    idea's publication year at every horizon), ``regimes`` (``--regimes``) and
    ``vol_scaled`` (``--vol-scaled``: the event study on vol-scaled returns).
    """

    controls: StrategyInformation | None
    publication: ConditionalTable | None
    regimes: ConditionalTable | None
    vol_scaled: pd.DataFrame | None

    def doc(self) -> dict[str, Any]:
        """The study document's keys ``controls``, ``publication``, ``regimes``,
        ``vol_scaled`` (each null when not computed)."""
        info = self.controls
        ctl = None
        if info is not None:
            first = next(iter(info.sides.values()))
            ctl = {"controls": list(first.controls), "hac_lags": "horizon",
                   "fill": first.fill, "rows": info.to_frame()}
        return {"controls": ctl,
                "publication": None if self.publication is None else self.publication.table,
                "regimes": None if self.regimes is None else self.regimes.table,
                "vol_scaled": self.vol_scaled}

    def add_sections(self, rep: Report) -> None:
        """The report's sections."""
        if self.controls is not None:
            first = next(iter(self.controls.sides.values()))
            rep.page.heading("Beyond what SPX already tells")
            rep.page.table(self.controls.to_frame(), caption=_CAPTION.format(
                controls=", ".join(first.controls) or "none"))
        for title, tab, caption in (
                ("Before and after publication", self.publication,
                 "McLean-Pontiff style: signal days dated up to the end of the publication "
                 "year against after it; change = after-minus-before effect (interaction "
                 "regression, HAC, raw two-sided p); exploratory verdicts"),
                ("By regime", self.regimes,
                 "Event study inside each regime (SPX vs its 200-day average; real-time VIX "
                 "tercile); part_days is the regime's sample size; exploratory verdicts")):
            if tab is not None:
                rep.page.heading(title)
                from backtest.report.strategy_report import split_display

                rep.page.table(split_display(tab.table), index=False,
                               verdict_column="verdict", caption=caption)
        if self.vol_scaled is not None:
            rep.page.heading("Risk-adjusted: vol-scaled forward returns")
            rep.page.table(self.vol_scaled, caption="Forward returns divided by the ex-ante "
                                                    "21-day realised volatility over the "
                                                    "horizon; p-values raw")

    def text(self) -> str:
        """Plain-text blocks to print after the study."""
        parts = [x.summary() for x in (self.controls, self.publication, self.regimes)
                 if x is not None]
        if self.vol_scaled is not None:
            cols = ["signal_days", "episodes", "mean_signal", "effect", "t_hac", "p_raw"]
            parts.append("Vol-scaled forward returns (ex-ante standard deviations; p raw)\n"
                         + self.vol_scaled.loc[:, cols].to_string(float_format="%.3f"))
        return "".join(f"\n\n{p}" for p in parts)


def study_extras(args: argparse.Namespace, strategy: Strategy, table: MarketTable,
                 horizons: tuple[int, ...]) -> StudyExtras:
    """Compute what the options ask for (see :class:`StudyExtras`)."""
    from backtest.information.publication import publication_table
    from backtest.information.regimes import regime_table

    frame = table.frame
    info = None
    if getattr(args, "controls", None) is not None:
        from backtest.information.regression import strategy_information

        info = strategy_information(strategy, frame, horizons, args.controls, fill=args.fill)
    pub = (publication_table(frame, [strategy], horizons, fill=args.fill)
           if type(strategy).published is not None else None)
    reg = (regime_table(frame, [strategy], horizons, fill=args.fill)
           if getattr(args, "regimes", False) else None)
    vol = None
    if getattr(args, "vol_scaled", False):
        from backtest.information.scaling import scaled_study

        vol = scaled_study(strategy, frame, horizons, args.fill, n_boot=args.n_boot,
                           seed=args.seed).to_frame()
    return StudyExtras(info, pub, reg, vol)


def headline_information(args: argparse.Namespace, table: MarketTable, verdicts: pd.DataFrame,
                         doc: dict[str, Any],
                         studies: Mapping[str, StrategyStudy] | None = None
                         ) -> InformationTable:
    """Answer "adds information beyond SPX?" for every primary row of the verdict table.

    Adds the key ``adds_information`` to every object of ``doc["rows"]`` (the
    answer on the row of a strategy side's primary horizon, ``null`` on the
    others) and returns the table behind it.  Episodes are the verdict table's, and
    so are the entry signals where ``studies`` (the verdict table's) are given.
    """
    from backtest.information.answer import information_table

    ep_col = "episodes" if "episodes" in verdicts.columns else "n_episodes"
    episodes = verdicts.loc[:, ["strategy", "side", "horizon", ep_col]].rename(
        columns={ep_col: "episodes"})
    info = information_table(table.frame, None, getattr(args, "controls", None),
                             fill=args.fill, episodes=episodes, studies=studies)
    t = info.table
    answers = {(str(a), str(b), int(h)): str(v) for a, b, h, v in
               zip(t["strategy"], t["side"], t["horizon"], t["adds_information"], strict=True)}
    for row in doc.get("rows", []):
        row["adds_information"] = answers.get((row["strategy"], row["side"],
                                               int(row["horizon"])))
    return info


def answers_column(frame: pd.DataFrame, info: InformationTable) -> pd.DataFrame:
    """``frame`` (verdict rows) with the ``adds_information`` column (primary rows only)."""
    key = ["strategy", "side", "horizon"]
    ans = info.table.loc[:, [*key, "adds_information"]]
    return frame.merge(ans, on=key, how="left")
