"""Evidence: do VIX extremes predict SPX reversals?

Event studies of any signal or strategy side (:mod:`.event_study`), the
significance glue for overlapping windows (:mod:`.inference`), and, for
parameter sweeps, data-snooping corrections: Hansen's SPA and Romano-Wolf StepM
(:mod:`.snooping`), multiple-testing adjustments (:mod:`.multiple`), the
Deflated Sharpe Ratio (:mod:`.dsr`), the Probability of Backtest Overfitting
(:mod:`.pbo`) and walk-forward selection (:mod:`.walkforward`).  The verdict
table across every registered strategy lives in :mod:`.verdict`.

Public API others build on (stable)
-----------------------------------
* The one verdict: :mod:`.judge` -- ``VERDICTS`` ("supports", "contradicts",
  "no effect", "inconclusive", "too few"), ``verdict(p_supports,
  p_contradicts, p_equivalent, episodes, *, min_episodes=10, alpha=0.05)``,
  ``judge_table(rows, *, alpha=0.05, min_episodes=10, delta_per_5d=0.001,
  power=0.8)`` (needs columns ``expect, horizon, effect, se_hac, p_raw,
  episodes, primary``; adds ``JUDGED_COLUMNS``), ``equivalence_bound(h,
  delta_per_5d=0.001)``, ``family_level``, ``minimum_detectable_effect``,
  ``power_at``, ``tost_pvalue``, ``power_statement(rows, horizon=None)``.
* Primary horizons: ``Strategy.primary_horizons()`` (side -> trading days;
  class variable ``primary_horizon``; default 21).
* The table: :func:`.verdict.verdict_table` (columns
  ``VERDICT_COLUMNS``, schema ``vixbt.verdict_table/2``),
  :func:`.verdict.family_study` (one parameter set judged in the registry's
  family), ``StrategyStudy.judged``.
* Episodes: :func:`.episodes.episodes`, ``episode_ids(signal, max_gap=10)``,
  ``count_episodes(signal, max_gap=10)``.
* Placebos: :mod:`.placebo`; Romano-Wolf: :mod:`.stepdown`; exposure-matched
  sweep losses: :mod:`.benchmarks`.
"""

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from backtest.evidence.dsr import (
        DsrResult,
        deflated_sharpe,
        deflated_sharpe_ratio,
        expected_max_sharpe,
        probabilistic_sharpe_ratio,
    )
    from backtest.evidence.episodes import (
        DEFAULT_MAX_GAP,
        Episodes,
        count_episodes,
        episode_ids,
        episodes,
    )
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
    from backtest.evidence.judge import (
        VERDICTS,
        Verdict,
        equivalence_bound,
        judge_table,
        power_statement,
        verdict,
    )
    from backtest.evidence.multiple import add_adjusted, adjust_pvalues
    from backtest.evidence.pbo import PboResult, pbo_cscv
    from backtest.evidence.placebo import placebo_effects, placebo_timing, shuffle_index
    from backtest.evidence.snooping import SpaResult, StepMResult, spa_test, stepm
    from backtest.evidence.stepdown import RomanoWolf, romano_wolf
    from backtest.evidence.strategy_study import (
        GridStudy,
        StrategyStudy,
        grid_event_study,
        study_strategy,
    )
    from backtest.evidence.sweep import sweep_evidence
    from backtest.evidence.sweep_result import SweepEvidence
    from backtest.evidence.verdict import VerdictTable, family_study, verdict_table
    from backtest.evidence.walkforward import (
        SplitResult,
        WalkForwardResult,
        split_is_oos,
        walk_forward,
    )

#: Public name -> the submodule defining it; submodules load on first use (PEP 562),
#: so importing one part (an event study on the `vixbt run` path) does not import
#: SciPy, statsmodels or the sweep statistics with it.
_EXPORTS: dict[str, str] = {
    "BootstrapInterval": "backtest.evidence.inference",
    "DEFAULT_HORIZONS": "backtest.evidence.event_study",
    "DEFAULT_MAX_GAP": "backtest.evidence.episodes",
    "DsrResult": "backtest.evidence.dsr",
    "Episodes": "backtest.evidence.episodes",
    "EventStudyConfig": "backtest.evidence.event_study",
    "EventStudyResult": "backtest.evidence.event_study",
    "GridStudy": "backtest.evidence.strategy_study",
    "HacTest": "backtest.evidence.inference",
    "PboResult": "backtest.evidence.pbo",
    "RomanoWolf": "backtest.evidence.stepdown",
    "SpaResult": "backtest.evidence.snooping",
    "SplitResult": "backtest.evidence.walkforward",
    "StepMResult": "backtest.evidence.snooping",
    "StrategyStudy": "backtest.evidence.strategy_study",
    "SweepEvidence": "backtest.evidence.sweep_result",
    "VERDICTS": "backtest.evidence.judge",
    "Verdict": "backtest.evidence.judge",
    "VerdictTable": "backtest.evidence.verdict",
    "WalkForwardResult": "backtest.evidence.walkforward",
    "add_adjusted": "backtest.evidence.multiple",
    "adjust_pvalues": "backtest.evidence.multiple",
    "bootstrap_difference": "backtest.evidence.inference",
    "count_episodes": "backtest.evidence.episodes",
    "deflated_sharpe": "backtest.evidence.dsr",
    "deflated_sharpe_ratio": "backtest.evidence.dsr",
    "episode_ids": "backtest.evidence.episodes",
    "episodes": "backtest.evidence.episodes",
    "equivalence_bound": "backtest.evidence.judge",
    "era_masks": "backtest.evidence.eras",
    "event_study": "backtest.evidence.event_study",
    "expected_max_sharpe": "backtest.evidence.dsr",
    "family_study": "backtest.evidence.verdict",
    "grid_event_study": "backtest.evidence.strategy_study",
    "hac_dummy_test": "backtest.evidence.inference",
    "hac_lags": "backtest.evidence.inference",
    "judge_table": "backtest.evidence.judge",
    "pbo_cscv": "backtest.evidence.pbo",
    "placebo_effects": "backtest.evidence.placebo",
    "placebo_timing": "backtest.evidence.placebo",
    "power_statement": "backtest.evidence.judge",
    "probabilistic_sharpe_ratio": "backtest.evidence.dsr",
    "romano_wolf": "backtest.evidence.stepdown",
    "shuffle_index": "backtest.evidence.placebo",
    "spa_test": "backtest.evidence.snooping",
    "split_is_oos": "backtest.evidence.walkforward",
    "stepm": "backtest.evidence.snooping",
    "study_strategy": "backtest.evidence.strategy_study",
    "sweep_evidence": "backtest.evidence.sweep",
    "verdict": "backtest.evidence.judge",
    "verdict_table": "backtest.evidence.verdict",
    "walk_forward": "backtest.evidence.walkforward",
}


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'backtest.evidence' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_EXPORTS])


__all__ = [
    "DEFAULT_HORIZONS",
    "DEFAULT_MAX_GAP",
    "VERDICTS",
    "BootstrapInterval",
    "DsrResult",
    "Episodes",
    "EventStudyConfig",
    "EventStudyResult",
    "GridStudy",
    "HacTest",
    "PboResult",
    "RomanoWolf",
    "SpaResult",
    "SplitResult",
    "StepMResult",
    "StrategyStudy",
    "SweepEvidence",
    "Verdict",
    "VerdictTable",
    "WalkForwardResult",
    "add_adjusted",
    "adjust_pvalues",
    "bootstrap_difference",
    "count_episodes",
    "deflated_sharpe",
    "deflated_sharpe_ratio",
    "episode_ids",
    "episodes",
    "equivalence_bound",
    "era_masks",
    "event_study",
    "expected_max_sharpe",
    "family_study",
    "grid_event_study",
    "hac_dummy_test",
    "hac_lags",
    "judge_table",
    "pbo_cscv",
    "placebo_effects",
    "placebo_timing",
    "power_statement",
    "probabilistic_sharpe_ratio",
    "romano_wolf",
    "shuffle_index",
    "spa_test",
    "split_is_oos",
    "stepm",
    "study_strategy",
    "sweep_evidence",
    "verdict",
    "verdict_table",
    "walk_forward",
]

# Three public functions share their name with a submodule (``episodes``, ``event_study``,
# ``verdict``).  Importing a submodule for the first time binds it as an attribute of this
# package, which would hide the lazily exported function of the same name (and make
# ``from backtest.evidence import event_study`` depend on what was imported before).  So
# those submodules are imported here, once, and the functions bound over them.
import backtest.evidence.episodes  # noqa: E402
import backtest.evidence.event_study  # noqa: E402
import backtest.evidence.verdict  # noqa: E402, F401
from backtest.evidence.episodes import episodes  # noqa: E402
from backtest.evidence.event_study import event_study  # noqa: E402
from backtest.evidence.judge import verdict  # noqa: E402
