"""Does the VIX tell us anything SPX does not already know?

* :mod:`.controls` -- what SPX itself tells at each close (past 1/5/21-day
  returns, 21-day realised volatility, the VIX level, the 200-day trend);
* :mod:`.regression` -- forward returns on a signal or predictor, alone and
  with the controls (HAC, partial R^2);
* :mod:`.answer` -- "adds information beyond SPX?" for every primary row;
* :mod:`.deciles` -- forward returns by real-time decile of a predictor
  (:mod:`strategies.predictors`), spread and Patton-Timmermann monotonicity;
* :mod:`.regimes`, :mod:`.publication` (via :mod:`.conditional`) -- event
  studies by market regime and before/after the idea's publication;
* :mod:`.scaling` -- forward returns scaled by ex-ante volatility;
* :mod:`.overview` -- all of it in one call, for reports.
"""

from backtest.information.answer import (
    ANSWERS,
    InformationTable,
    adds_information,
    information_table,
)
from backtest.information.conditional import ConditionalTable, split_table
from backtest.information.controls import CONTROLS, DEFAULT_CONTROLS, control_frame
from backtest.information.deciles import DecileResult, decile_analysis, realtime_buckets
from backtest.information.overview import (
    InformationOverview,
    information_overview,
    predictor_spreads,
)
from backtest.information.publication import publication_table
from backtest.information.regimes import regime_masks, regime_table
from backtest.information.regression import (
    InformationResult,
    StrategyInformation,
    predictor_information,
    signal_information,
    strategy_information,
)
from backtest.information.scaling import scaled_forward_returns, scaled_study

__all__ = [
    "ANSWERS",
    "CONTROLS",
    "DEFAULT_CONTROLS",
    "ConditionalTable",
    "DecileResult",
    "InformationOverview",
    "InformationResult",
    "InformationTable",
    "StrategyInformation",
    "adds_information",
    "control_frame",
    "decile_analysis",
    "information_overview",
    "information_table",
    "predictor_information",
    "predictor_spreads",
    "publication_table",
    "realtime_buckets",
    "regime_masks",
    "regime_table",
    "scaled_forward_returns",
    "scaled_study",
    "signal_information",
    "split_table",
    "strategy_information",
]
