"""Evidence: do VIX extremes predict SPX reversals?

Event studies of any signal or strategy side (:mod:`.event_study`), the
significance glue for overlapping windows (:mod:`.inference`), and, for
parameter sweeps, data-snooping corrections: Hansen's SPA and Romano-Wolf StepM
(:mod:`.snooping`), multiple-testing adjustments (:mod:`.multiple`), the
Deflated Sharpe Ratio (:mod:`.dsr`), the Probability of Backtest Overfitting
(:mod:`.pbo`) and walk-forward selection (:mod:`.walkforward`).  The verdict
table across every registered strategy lives in :mod:`.verdict`.
"""

from backtest.evidence.dsr import (
    DsrResult,
    deflated_sharpe,
    deflated_sharpe_ratio,
    expected_max_sharpe,
    probabilistic_sharpe_ratio,
)
from backtest.evidence.episodes import count_episodes, episode_ids
from backtest.evidence.eras import era_masks
from backtest.evidence.event_study import (
    DEFAULT_HORIZONS,
    EventStudyConfig,
    EventStudyResult,
    event_study,
)
from backtest.evidence.inference import (
    BootstrapInterval,
    HacTest,
    bootstrap_difference,
    hac_dummy_test,
    hac_lags,
)
from backtest.evidence.multiple import add_adjusted, adjust_pvalues
from backtest.evidence.pbo import PboResult, pbo_cscv
from backtest.evidence.snooping import SpaResult, StepMResult, spa_test, stepm
from backtest.evidence.strategy_study import (
    GridStudy,
    StrategyStudy,
    grid_event_study,
    study_strategy,
)
from backtest.evidence.sweep import SweepEvidence, sweep_evidence
from backtest.evidence.verdict import VerdictTable, verdict_table
from backtest.evidence.walkforward import (
    SplitResult,
    WalkForwardResult,
    split_is_oos,
    walk_forward,
)

__all__ = [
    "DEFAULT_HORIZONS",
    "BootstrapInterval",
    "DsrResult",
    "EventStudyConfig",
    "EventStudyResult",
    "GridStudy",
    "HacTest",
    "PboResult",
    "SpaResult",
    "SplitResult",
    "StepMResult",
    "StrategyStudy",
    "SweepEvidence",
    "VerdictTable",
    "WalkForwardResult",
    "add_adjusted",
    "adjust_pvalues",
    "bootstrap_difference",
    "count_episodes",
    "deflated_sharpe",
    "deflated_sharpe_ratio",
    "episode_ids",
    "era_masks",
    "event_study",
    "expected_max_sharpe",
    "grid_event_study",
    "hac_dummy_test",
    "hac_lags",
    "pbo_cscv",
    "probabilistic_sharpe_ratio",
    "spa_test",
    "split_is_oos",
    "stepm",
    "study_strategy",
    "sweep_evidence",
    "verdict_table",
    "walk_forward",
]
