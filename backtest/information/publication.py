"""Post-publication decay: each strategy before and after its idea was published.

McLean and Pontiff (2016) found that published return predictors lose about a
third of their effect after publication.  Each strategy class carries
``published`` (:attr:`strategies.base.Strategy.published`): the year its idea
appeared in the commentary behind this project.  The sample splits at the end
of that year: signal days dated up to 31 December of the publication year are
"before", days from 1 January of the next year "after" (with only a year
known, the publication year itself counts as before).

The years (SIGNALS.md gives ranges; the choice is fixed here, before any test):

==========================================================  ====  ==============================
strategies                                                  year  why
==========================================================  ====  ==============================
spike_reversal, bollinger_break, complacency_low, ma_cross  2008  spike and Bollinger rules
                                                                  circulated 2005-2010: middle
contango_flip, vol_of_vol                                   2012  term-structure studies
                                                                  2012-2013; VVIX public 2012
divergence, residual_surprise                               2013  the divergence studies
==========================================================  ====  ==============================

(The weekly view, published 2015, is a display, not a strategy.)

Beside the two event studies (:mod:`.conditional`, exploratory verdicts),
:func:`publication_table` tests the change of the effect: an OLS of the forward
return on ``[1, after, signal, signal x after]`` over the strategy's whole
sample, HAC (lags = horizon); the coefficient of ``signal x after`` is the
after-minus-before change of the effect (each effect measured against its own
period's other days).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
import pandas as pd

from backtest.evidence.inference import hac_lags
from backtest.evidence.strategy_study import resolve_strategy, strategy_sample
from backtest.execution.fills import Fill
from backtest.information.conditional import ConditionalTable, split_table
from backtest.information.regression import hac_ols
from backtest.information.scaling import ReturnScale, scaled_forward_returns
from strategies.base import Strategy

__all__ = ["publication_masks", "publication_table"]


def publication_masks(index: pd.DatetimeIndex, year: int
                      ) -> dict[str, npt.NDArray[np.bool_]]:
    """``{"before publication (..YEAR)": ..., "after publication (YEAR+1..)": ...}``."""
    after = np.asarray(index >= pd.Timestamp(f"{int(year) + 1}-01-01"))
    return {f"before publication (..{int(year)})": ~after,
            f"after publication ({int(year) + 1}..)": after}


def _masks(strat: Strategy, data: pd.DataFrame) -> dict[str, dict[str, npt.NDArray[np.bool_]]]:
    year = type(strat).published
    if year is None:
        raise ValueError(f"strategy {strat.name!r} has no publication year")
    return {"publication": publication_masks(pd.DatetimeIndex(data.index), year)}


def _change(strat: Strategy, data: pd.DataFrame, fwd: pd.DataFrame, side: str,
            h: int) -> tuple[float, float, float]:
    year = type(strat).published
    assert year is not None
    sig = strat.signals(data).entries(side).to_numpy(dtype=float)  # type: ignore[arg-type]
    after = publication_masks(pd.DatetimeIndex(data.index), year)[
        f"after publication ({year + 1}..)"].astype(float)
    y = fwd[h].to_numpy(dtype=float)
    ok = strategy_sample(strat, data).to_numpy(dtype=bool) & np.isfinite(y)
    X = np.column_stack([np.ones(ok.sum()), after[ok], sig[ok], sig[ok] * after[ok]])
    if np.linalg.matrix_rank(X) < 4:
        return float("nan"), float("nan"), float("nan")
    res = hac_ols(y[ok], X, hac_lags(h))
    return float(res.params[3]), float(res.tvalues[3]), float(res.pvalues[3])


def publication_table(
    data: pd.DataFrame,
    strategies: Sequence[Strategy | type[Strategy] | str] | None = None,
    horizons: Sequence[int] | None = None,
    *,
    fill: Fill = "next_open",
    scale: ReturnScale = "raw",
) -> ConditionalTable:
    """Every strategy side before and after its publication year, and the change.

    Parameters
    ----------
    data : pandas.DataFrame
        Market table frame.
    strategies : sequence or None
        Parameter sets (default: every registered strategy with defaults).
    horizons : sequence of int or None, default None
        ``None``: each side's primary horizon.
    fill, scale
        Fill timing; raw or vol-scaled forward returns.

    Returns
    -------
    ConditionalTable
        The split table (``split == "publication"``) with three more columns on
        every row: ``change`` (after-minus-before effect), ``t_change`` and
        ``p_change_raw`` (two-sided, HAC), equal on a side's two rows.
    """
    if strategies is None:
        from strategies.registry import REGISTRY

        chosen: list[Strategy | type[Strategy] | str] = list(REGISTRY.values())
    else:
        chosen = list(strategies)
    by_name = {s.name: s for s in (resolve_strategy(c) for c in chosen)}
    res = split_table(data, {}, list(by_name.values()), horizons, fill=fill, scale=scale,
                      per_strategy=_masks, title="Before and after publication")
    t = res.table
    if t.empty:
        return ConditionalTable(t.assign(change=[], t_change=[], p_change_raw=[]),
                                res.settings, res.skipped)
    hs = sorted(set(t["horizon"].astype(int)))
    fwd = scaled_forward_returns(data, hs, fill, scale)
    changes = {(a, b, int(c)): _change(by_name[a], data, fwd, b, int(c))
               for a, b, c in t[["strategy", "side", "horizon"]].drop_duplicates().itertuples(
                   index=False)}
    vals = [changes[(a, b, int(c))] for a, b, c in zip(t["strategy"], t["side"], t["horizon"],
                                                  strict=True)]
    t = t.assign(change=[v[0] for v in vals], t_change=[v[1] for v in vals],
                 p_change_raw=[v[2] for v in vals])
    settings = {**res.settings, "change_test": "OLS of the forward return on [1, after, "
                "signal, signal x after], HAC lags = horizon; change = coefficient of "
                "signal x after; p two-sided, raw"}
    return ConditionalTable(t, settings, res.skipped)
