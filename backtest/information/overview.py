"""Everything "does the VIX add information?" asks, in one call for reports.

:func:`information_overview` gathers, on one market frame:

* ``answers`` -- every strategy side's primary row alone and with the SPX
  controls, and the answer "adds information beyond SPX?" (:mod:`.answer`);
* ``predictors`` -- one row per predictor: its real-time decile spread at each
  horizon asked, with the HAC t and the Patton-Timmermann monotonicity p-value
  (:mod:`.deciles`; predictors whose data are absent are listed with the reason);
* ``publication`` -- every strategy side before and after its publication year
  (:mod:`.publication`);
* ``regimes`` -- every strategy side by SPX trend and real-time VIX tercile
  (:mod:`.regimes`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from backtest.errors import MissingDataError
from backtest.evidence.event_study import fmt
from backtest.execution.fills import Fill
from backtest.information.answer import InformationTable, information_table
from backtest.information.conditional import ConditionalTable
from backtest.information.deciles import DecileResult, decile_analysis
from backtest.information.publication import publication_table
from backtest.information.regimes import regime_table
from strategies.predictors import list_predictors

__all__ = ["PREDICTOR_COLUMNS", "InformationOverview", "information_overview",
           "predictor_spreads"]

#: Columns of :attr:`InformationOverview.predictors`.
PREDICTOR_COLUMNS: tuple[str, ...] = (
    "predictor", "title", "horizon", "first", "n_days", "bottom", "top", "spread", "t_hac",
    "p_spread_raw", "mr_p", "mr_p_opposite",
)


def predictor_spreads(data: pd.DataFrame, horizons: Sequence[int] = (21,), *,
                      fill: Fill = "next_open", n_boot: int = 1000,
                      seed: int | np.random.Generator | None = 0,
                      ) -> tuple[pd.DataFrame, dict[str, DecileResult], list[tuple[str, str]]]:
    """The decile analysis of every registered predictor, one row per predictor and horizon.

    Returns
    -------
    (table, results, skipped)
        ``table`` with columns :data:`PREDICTOR_COLUMNS` (``first``: first day
        with a bucket), sorted by predictor then horizon; the full
        :class:`~backtest.information.deciles.DecileResult` of each; the
        predictors left out and why.
    """
    rows: list[dict[str, Any]] = []
    results: dict[str, DecileResult] = {}
    skipped: list[tuple[str, str]] = []
    for pred in list_predictors():
        try:
            res = decile_analysis(pred, data, horizons, fill=fill, n_boot=n_boot, seed=seed)
        except MissingDataError as exc:
            skipped.append((pred.name, str(exc)))
            continue
        results[pred.name] = res
        recs: list[dict[Any, Any]] = res.spread.reset_index().to_dict(orient="records")
        for sp in recs:
            rows.append({"predictor": pred.name, "title": pred.title,
                         "horizon": int(sp["horizon"]), "first": res.data_span[0],
                         **{k: sp[k] for k in PREDICTOR_COLUMNS[4:]}})
    return pd.DataFrame(rows, columns=list(PREDICTOR_COLUMNS)), results, skipped


@dataclass(frozen=True, eq=False)
class InformationOverview:
    """The four views of :func:`information_overview`.

    Attributes
    ----------
    answers : InformationTable
        Primary rows with and without controls, and the answer.
    predictors : pandas.DataFrame
        Decile spreads, columns :data:`PREDICTOR_COLUMNS`.
    deciles : dict of str to DecileResult
        The full decile analysis of each predictor (for charts).
    predictors_skipped : list of (str, str)
        Predictors without their data.
    publication : ConditionalTable
        Before / after publication.
    regimes : ConditionalTable
        By SPX trend and real-time VIX tercile.
    """

    answers: InformationTable
    predictors: pd.DataFrame
    deciles: dict[str, DecileResult] = field(repr=False)
    predictors_skipped: list[tuple[str, str]]
    publication: ConditionalTable
    regimes: ConditionalTable

    def strongest_predictor(self, horizon: int = 21) -> pd.Series:
        """The predictor row with the largest decile-spread HAC t at ``horizon``."""
        t = self.predictors[self.predictors["horizon"] == int(horizon)]
        if t.empty or t["t_hac"].isna().all():
            raise ValueError(f"no predictor has a decile spread at horizon {horizon}")
        best: pd.Series = t.iloc[int(np.nanargmax(t["t_hac"].to_numpy(dtype=float)))]
        return best

    def summary(self) -> str:
        """All four views in plain text."""
        lines = [self.answers.summary(), "",
                 "Predictors: spread of forward returns, top minus bottom real-time decile "
                 "(HAC t; raw p; Patton-Timmermann monotonicity p, raw)",
                 f"{'predictor':<18} {'h':>3} {'from':>10} {'spread':>8} {'t':>6} "
                 f"{'p_raw':>6} {'mono_p':>6}"]
        for r in self.predictors.itertuples(index=False):
            lines.append(f"{r.predictor:<18} {r.horizon:>3} {r.first:>10} "
                         f"{fmt(r.spread, '.2%', 8)} {fmt(r.t_hac, '.2f', 6)} "
                         f"{fmt(r.p_spread_raw, '.3f', 6)} {fmt(r.mr_p, '.3f', 6)}")
        for name, reason in self.predictors_skipped:
            lines.append(f"skipped {name}: {reason}")
        lines += ["", self.publication.summary(), "", self.regimes.summary()]
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()


def information_overview(data: pd.DataFrame, horizons: Sequence[int] = (21,), *,
                         controls: Sequence[str] | str | None = None,
                         fill: Fill = "next_open", n_boot: int = 1000,
                         seed: int | np.random.Generator | None = 0) -> InformationOverview:
    """The answers, predictor deciles, publication split and regimes on ``data``.

    Parameters
    ----------
    data : pandas.DataFrame
        Market table frame (full history).
    horizons : sequence of int, default (21,)
        Horizons of the predictor deciles (the strategy views use each side's
        primary horizon).
    controls : sequence of str, str or None
        Control set of the answers (default: the standard set).
    fill : {"next_open", "next_close"}, default "next_open"
        Fill timing.
    n_boot, seed
        Bootstrap of the monotonicity tests.

    Returns
    -------
    InformationOverview
    """
    answers = information_table(data, None, controls, fill=fill)
    preds, results, skipped = predictor_spreads(data, horizons, fill=fill, n_boot=n_boot,
                                                seed=seed)
    return InformationOverview(answers, preds, results, skipped,
                               publication_table(data, fill=fill),
                               regime_table(data, fill=fill))
