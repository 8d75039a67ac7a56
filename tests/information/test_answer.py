"""The answer "adds information beyond SPX?" and the overview for reports."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import pandas as pd
import pytest

from backtest.evidence.judge import VERDICTS, judge_table
from backtest.information import adds_information, information_overview, information_table
from backtest.information.overview import predictor_spreads
from strategies.base import ParamArrays, RawSignals, Side, Strategy
from tests.information.conftest import random_market
from tests.information.test_regression import planted_market


@dataclass(frozen=True)
class Planted(Strategy):
    """Test strategy: enters on the days of the frame's ``planted`` column."""

    name: ClassVar[str] = "planted"
    required_columns: ClassVar[tuple[str, ...]] = ("planted",)
    sides: ClassVar[tuple[Side, ...]] = ("long",)
    primary_horizon: ClassVar[dict[str, int]] = {"long": 1}

    @classmethod
    def generate(cls, data: pd.DataFrame, p: ParamArrays) -> RawSignals:
        col = data["planted"].to_numpy(dtype=bool)[:, None]
        return RawSignals(long_entries=np.repeat(col, p.n, axis=1))


def test_answer_of_every_verdict() -> None:
    want = {"supports": "yes", "contradicts": "no", "no effect": "no",
            "inconclusive": "cannot tell", "too few": "cannot tell"}
    assert {v: adds_information(v) for v in VERDICTS} == want
    with pytest.raises(ValueError, match="not a verdict: 'no evidence'"):
        adds_information("no evidence")


def test_planted_incremental_signal_adds_information() -> None:
    f, proxy, inc = planted_market(6)
    yes = information_table(f.assign(planted=inc), [Planted()]).table.iloc[0]
    assert yes.adds_information == "yes" and yes.verdict_controlled == "supports"
    no = information_table(f.assign(planted=proxy), [Planted()]).table.iloc[0]
    assert no.t_alone > 4.0  # the proxy "works" on its own ...
    assert no.adds_information != "yes"  # ... but adds nothing beyond SPX
    assert no.verdict_controlled in ("inconclusive", "no effect")


def test_verdict_is_the_judge_on_the_controlled_coefficient() -> None:
    f = random_market(3, T=1500)
    f["vix_close"] = f["vix_close"].ffill()
    it = information_table(f, ["spike_reversal", "bollinger_break"])
    t = it.table
    judged = judge_table(t.assign(effect=t.coef_controlled, se_hac=t.se_controlled,
                                  p_raw=t.p_controlled_raw, primary=True))
    assert t["verdict_controlled"].tolist() == judged["verdict"].tolist()
    np.testing.assert_allclose(t["p_controlled_holm"], judged["p_adj"], equal_nan=True)
    assert it.answer("bollinger_break", "short") in ("yes", "no", "cannot tell")


def test_missing_data_is_skipped_with_reason() -> None:
    f = random_market(4, T=400).drop(columns=["vix3m"])
    it = information_table(f, ["contango_flip", "spike_reversal"])
    assert [n for n, _ in it.skipped] == ["contango_flip"]
    assert "vix3m" in it.skipped[0][1]


def test_predictor_spreads_and_overview() -> None:
    f = random_market(5, T=900, with_skew=False)
    f["vix_close"] = f["vix_close"].ffill()
    table, results, skipped = predictor_spreads(f, [5], n_boot=0)
    assert [n for n, _ in skipped] == ["skew"]
    assert set(table["predictor"]) == set(results) and len(table) == len(results)
    for r in table.itertuples(index=False):
        assert r.spread == pytest.approx(results[r.predictor].spread.loc[5, "spread"],
                                         nan_ok=True)
    ov = information_overview(f, [5], n_boot=0)
    best = ov.strongest_predictor(5)
    assert best.t_hac == pytest.approx(np.nanmax(ov.predictors["t_hac"]))
    assert "Predictors" in ov.summary()


def test_signals_taken_from_the_verdict_tables_studies_give_the_same_table() -> None:
    """information_table with the verdict table's studies (signals not recomputed) equals
    the table computed from scratch; a study of other parameters is not used."""
    from backtest.evidence.verdict import verdict_table
    from strategies.bollinger_break import BollingerBreak
    from strategies.spike_reversal import SpikeReversal

    f = random_market(5, T=1500)
    f["vix_close"] = f["vix_close"].ffill()
    names = ["spike_reversal", "bollinger_break"]
    vt = verdict_table(f, names, n_boot=0, n_placebo=0, rw_reps=0)
    plain = information_table(f, names).table
    shared = information_table(f, names, studies=vt.studies).table
    pd.testing.assert_frame_equal(plain, shared, check_exact=True)
    other = verdict_table(f, [SpikeReversal(), BollingerBreak(window=40)], n_boot=0,
                          n_placebo=0, rw_reps=0)
    mixed = information_table(f, names, studies=other.studies).table
    pd.testing.assert_frame_equal(plain, mixed, check_exact=True)
