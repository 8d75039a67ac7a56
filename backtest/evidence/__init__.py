"""Evidence: do VIX extremes predict SPX reversals?

Event studies of any signal or strategy side (:mod:`.event_study`), the
significance glue for overlapping windows (:mod:`.inference`), and, for
parameter sweeps, data-snooping corrections: Hansen's SPA and Romano-Wolf StepM
(:mod:`.snooping`), multiple-testing adjustments (:mod:`.multiple`), the
Deflated Sharpe Ratio (:mod:`.dsr`), the Probability of Backtest Overfitting
(:mod:`.pbo`) and walk-forward selection (:mod:`.walkforward`).  The verdict
table across every registered strategy lives in :mod:`.verdict`.
"""

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

__all__ = [
    "DEFAULT_HORIZONS",
    "BootstrapInterval",
    "EventStudyConfig",
    "EventStudyResult",
    "HacTest",
    "bootstrap_difference",
    "count_episodes",
    "episode_ids",
    "era_masks",
    "event_study",
    "hac_dummy_test",
    "hac_lags",
]
