"""The incremental-information parts of ``vixbt study``: ``--controls`` and the headline
column "adds information beyond SPX?" (:mod:`backtest.information`)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

    from backtest.data.table import MarketTable
    from backtest.information.answer import InformationTable
    from backtest.information.regression import StrategyInformation
    from backtest.report.writer import Report
    from strategies.base import Strategy

__all__ = ["controls_doc", "headline_information", "strategy_controls"]

_CAPTION = ("Forward SPX returns on the entry dummy alone and with controls for what SPX "
            "already tells ({controls}); same days in both, HAC lags = horizon, p-values raw "
            "(one-sided, expected direction); partial R^2 of the signal given the controls")


def strategy_controls(args: argparse.Namespace, strategy: Strategy, table: MarketTable,
                      horizons: tuple[int, ...]) -> StrategyInformation | None:
    """The controlled regressions of ``vixbt study STRATEGY --controls`` (None without it)."""
    if getattr(args, "controls", None) is None:
        return None
    from backtest.information.regression import strategy_information

    return strategy_information(strategy, table.frame, horizons, args.controls, fill=args.fill)


def controls_doc(info: StrategyInformation | None) -> dict[str, Any] | None:
    """The ``controls`` object of the study document (``null`` without ``--controls``)."""
    if info is None:
        return None
    first = next(iter(info.sides.values()))
    return {"controls": list(first.controls), "hac_lags": "horizon", "fill": first.fill,
            "rows": info.to_frame()}


def add_controls_section(rep: Report, info: StrategyInformation) -> None:
    """The report's section of the controlled regressions."""
    first = next(iter(info.sides.values()))
    rep.page.heading("Beyond what SPX already tells")
    rep.page.table(info.to_frame(), caption=_CAPTION.format(
        controls=", ".join(first.controls) or "none"))


def headline_information(args: argparse.Namespace, table: MarketTable, verdicts: pd.DataFrame,
                         doc: dict[str, Any]) -> InformationTable:
    """Answer "adds information beyond SPX?" for every primary row of the verdict table.

    Adds the key ``adds_information`` to every object of ``doc["rows"]`` (the
    answer on the row of a strategy side's primary horizon, ``null`` on the
    others) and returns the table behind it.  Episodes are the verdict table's.
    """
    from backtest.information.answer import information_table

    ep_col = "episodes" if "episodes" in verdicts.columns else "n_episodes"
    episodes = verdicts.loc[:, ["strategy", "side", "horizon", ep_col]].rename(
        columns={ep_col: "episodes"})
    info = information_table(table.frame, None, getattr(args, "controls", None),
                             fill=args.fill, episodes=episodes)
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
