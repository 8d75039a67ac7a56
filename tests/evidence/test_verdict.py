"""Strategy studies and the verdict table on the full real history.

One strategy's numbers (spike reversal with defaults: VIX close more than 10 %
above its 10-day SMA) are recomputed here with plain pandas and a direct
statsmodels regression, independent of the evidence and fill modules.
"""

from __future__ import annotations

import itertools
import json

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from backtest.evidence.episodes import DEFAULT_MAX_GAP
from backtest.evidence.judge import judge_table
from backtest.evidence.strategy_study import grid_event_study, study_strategy
from backtest.evidence.verdict import (
    SCHEMA,
    VERDICT_COLUMNS,
    family_study,
    verdict_table,
)
from strategies.registry import REGISTRY, get_strategy

HORIZONS = (1, 5, 21, 63)


@pytest.fixture(scope="module")
def table(real_frame: pd.DataFrame):  # type: ignore[no-untyped-def]
    return verdict_table(real_frame, horizons=HORIZONS, n_boot=200, seed=0, n_placebo=50,
                         rw_reps=300)


def _episodes(days: np.ndarray) -> int:
    return 1 + sum(1 for a, b in itertools.pairwise(days) if b - a > DEFAULT_MAX_GAP)


def _holm(p: np.ndarray) -> np.ndarray:
    order = np.argsort(p)
    m = len(p)
    adj = np.maximum.accumulate((m - np.arange(m)) * p[order]).clip(max=1.0)
    out = np.empty(m)
    out[order] = adj
    return out


def test_spike_reversal_matches_plain_pandas(table, real_frame: pd.DataFrame) -> None:  # type: ignore[no-untyped-def]
    f = real_frame
    vix = f["vix_close"]
    # the SMA runs over the VIX's own observations (days without a VIX print skipped)
    obs = vix.dropna()
    signal = (obs > 1.10 * obs.rolling(10).mean()).reindex(f.index, fill_value=False).to_numpy()
    pos = np.arange(len(f))
    first = int(np.flatnonzero(vix.notna().to_numpy())[0])
    sample = vix.notna().to_numpy() & (pos >= first + 9)  # warm-up: window - 1 rows
    rows = table.to_frame().query("strategy == 'spike_reversal'").set_index("horizon")
    assert rows.side.unique().tolist() == ["long"] and (rows.expect == "higher").all()
    for h in HORIZONS:
        fwd = (f["spx_open"].shift(-(1 + h)) / f["spx_open"].shift(-1) - 1.0).to_numpy()
        ok = sample & np.isfinite(fwd)
        y, d = fwd[ok], signal[ok]
        r = rows.loc[h]
        assert r.n_days == ok.sum()
        assert r.signal_days == d.sum()
        assert r.mean_signal == pytest.approx(y[d].mean(), rel=1e-9)
        assert r.median_signal == pytest.approx(np.median(y[d]), rel=1e-9)
        assert r.hit_rate == pytest.approx((y[d] > 0).mean(), rel=1e-12)
        assert r.mean_uncond == pytest.approx(y.mean(), rel=1e-9)
        assert r.mean_nonsignal == pytest.approx(y[~d].mean(), rel=1e-9)
        assert r.effect == pytest.approx(y[d].mean() - y[~d].mean(), rel=1e-7)
        days = np.flatnonzero(signal & ok)
        assert r.episodes == _episodes(days)
        fit = sm.OLS(y, sm.add_constant(d.astype(float))).fit(
            cov_type="HAC", cov_kwds={"maxlags": h})
        assert r.t_hac == pytest.approx(fit.tvalues[1], rel=1e-8)
        assert r.se_hac == pytest.approx(fit.bse[1], rel=1e-8)
        p_one = fit.pvalues[1] / 2 if fit.tvalues[1] > 0 else 1 - fit.pvalues[1] / 2
        assert r.p_raw == pytest.approx(p_one, rel=1e-8)
        assert r.ci_low < r.effect < r.ci_high


def test_table_schema_families_and_verdicts(table) -> None:  # type: ignore[no-untyped-def]
    t = table.to_frame()
    assert list(t.columns) == list(VERDICT_COLUMNS)
    assert set(t.strategy) == set(REGISTRY) - {n for n, _ in table.skipped}
    assert len(t) == len(HORIZONS) * sum(len(REGISTRY[s].sides) for s in set(t.strategy))
    for name in set(t.strategy):
        sides = t[t.strategy == name].side.unique().tolist()
        assert sides == list(REGISTRY[name].sides)
        prim = t[(t.strategy == name) & t.primary]
        assert dict(zip(prim.side, prim.horizon, strict=True)) == REGISTRY[name].primary_horizons()
    assert (t.expect == t.side.map({"long": "higher", "short": "lower"})).all()
    assert (t.family == np.where(t.primary, "primary", "exploratory")).all()
    few = (t.episodes < 10).to_numpy()
    for fam, prim in (("primary", True), ("exploratory", False)):
        ok = t.p_raw.notna().to_numpy() & ~few & (t.primary.to_numpy() == prim)
        p = t.p_raw.to_numpy()[ok]
        if fam == "primary":  # Holm over both one-sided directions of the primary rows
            both = _holm(np.concatenate([p, 1 - p]))
            assert t.p_holm.to_numpy()[ok] == pytest.approx(both[:len(p)])
            assert t.p_opposite_adj.to_numpy()[ok] == pytest.approx(both[len(p):])
            assert t.p_by.to_numpy()[ok] == pytest.approx(np.full(len(p), np.nan),
                                                          nan_ok=True)
        else:
            assert (t.p_by.to_numpy()[ok] >= p - 1e-15).all()
            assert np.isnan(t.p_holm.to_numpy()[ok]).all()
    assert t.loc[few, ["p_adj", "p_opposite_adj", "p_rw"]].isna().all().all()
    # the verdict is exactly the one function's, applied to the table's own inputs
    again = judge_table(t.drop(columns=["verdict"]))
    assert again.verdict.tolist() == t.verdict.tolist()
    assert set(t.verdict) <= {"supports", "contradicts", "no effect", "inconclusive",
                              "too few"}
    # Romano-Wolf is a valid adjustment: never below the raw p-value
    rw = t.p_rw.notna()
    assert (t.p_rw[rw] >= t.p_raw[rw] - 1e-12).all()
    assert table.settings["min_episodes"] == 10 and table.settings["max_gap"] == 10
    assert "spike_reversal" in table.summary() and "can detect effects of" in table.summary()


def test_family_study_gives_the_table_words(table, real_frame: pd.DataFrame) -> None:  # type: ignore[no-untyped-def]
    st, vt = family_study(get_strategy("spike_reversal")(), real_frame, HORIZONS, n_boot=50,
                          seed=0, n_placebo=0, rw_reps=0)
    assert st.judged is not None
    mine = st.judged.reset_index()
    ref = table.rows_of("spike_reversal").reset_index()
    assert mine.verdict.tolist() == ref.verdict.tolist()
    assert mine.p_adj.to_numpy() == pytest.approx(ref.p_adj.to_numpy(), nan_ok=True)
    # only the strategy itself was bootstrapped
    assert vt.rows_of("bollinger_break").ci_low.isna().all()
    assert mine.ci_low.notna().all()
    # with the table's settings and seed, a strategy's intervals and placebos are the
    # table's exactly, whatever else is bootstrapped (the report and run agree)
    same, _ = family_study(get_strategy("bollinger_break")(), real_frame, HORIZONS,
                           n_boot=200, seed=0, n_placebo=50, rw_reps=0)
    assert same.judged is not None
    ref2 = table.rows_of("bollinger_break")
    for col in ("ci_low", "ci_high", "event_ci_low", "placebo_p_raw"):
        assert same.judged[col].to_numpy() == pytest.approx(ref2[col].to_numpy(), nan_ok=True)


def test_csv_and_json_round_trip(table, tmp_path) -> None:  # type: ignore[no-untyped-def]
    csv = pd.read_csv(table.to_csv(tmp_path / "verdict.csv"))
    assert list(csv.columns) == list(VERDICT_COLUMNS)
    pd.testing.assert_series_equal(csv.effect, table.table.effect, check_exact=False)
    doc = json.loads(table.to_json(tmp_path / "verdict.json").read_text(encoding="utf-8"))
    assert doc["schema"] == SCHEMA
    assert set(doc) == {"schema", "settings", "headline", "data", "strategies", "skipped",
                        "rows"}
    assert set(doc["headline"]) == {"power_statement", "primary", "exploratory"}
    assert sum(doc["headline"]["primary"].values()) == int(table.table.primary.sum())
    assert doc["settings"]["horizons"] == list(HORIZONS)
    assert doc["settings"]["hac_lags"] == "horizon"
    assert [list(r) for r in doc["rows"]] == [list(VERDICT_COLUMNS)] * len(doc["rows"])
    assert doc["rows"][0]["effect"] == pytest.approx(table.table.effect.iloc[0])
    assert doc["data"]["rows"] == table.n_rows_data


def test_missing_column_is_skipped_with_reason(real_frame: pd.DataFrame) -> None:
    spike = get_strategy("spike_reversal")
    needs_open = spike(variant="turn", turn_reference="open")
    v = verdict_table(real_frame.drop(columns=["vix_open"]), [spike, needs_open],
                      horizons=(5,), n_boot=0)
    assert [n for n, _ in v.skipped] == ["spike_reversal"]
    assert "vix_open" in v.skipped[0][1]
    assert v.to_frame().strategy.tolist() == ["spike_reversal"]
    assert "skipped spike_reversal" in v.summary()


def test_strategy_study_sides_and_eras(real_frame: pd.DataFrame) -> None:
    st = study_strategy("bollinger_break", real_frame, horizons=(5, 21), n_boot=0)
    assert list(st.sides) == ["long", "short"]
    assert st.sides["long"].expect == "higher" and st.sides["short"].expect == "lower"
    eras = st.by_era("2008")
    for side in ("long", "short"):
        for h in (5, 21):
            per = eras.loc[side].xs(h, level="horizon")
            assert list(per.index) == ["before 2008", "2008 on"]
            assert per.signal_days.sum() == st.sides[side].table.loc[h, "signal_days"]
    assert {"1990s", "2000s", "2010s", "2020s"} <= set(
        st.by_era("decade").index.get_level_values("era"))


def test_grid_study_matches_single_studies(real_frame: pd.DataFrame) -> None:
    cls = get_strategy("bollinger_break")
    inst = cls.product(window=[21, 63], num_std=[1.5, 2.0])
    g = grid_event_study(cls, real_frame, inst, side="short", horizons=(5, 21))
    assert len(g.table) == 8
    one = study_strategy(inst[3], real_frame, horizons=(5, 21), n_boot=0).sides["short"].table
    key = (63, 2.0, "inside")
    for h in (5, 21):
        assert g.table.loc[(*key, h), "p_raw"] == pytest.approx(one.loc[h, "p_raw"])
    assert g.table.p_holm.to_numpy() == pytest.approx(_holm(g.table.p_raw.to_numpy()))
    with pytest.raises(ValueError, match="has no 'short' side"):
        grid_event_study(get_strategy("spike_reversal"), real_frame, [], side="short")


def test_verdict_table_by_era(table) -> None:  # type: ignore[no-untyped-def]
    eras = table.by_era("2008")
    assert list(eras.index.names) == ["strategy", "side", "era", "horizon"]
    t = table.to_frame().set_index(["strategy", "side", "horizon"])
    per = eras.groupby(level=["strategy", "side", "horizon"]).signal_days.sum()
    assert per.sort_index().to_numpy().tolist() == t.signal_days.sort_index().to_numpy().tolist()


def test_short_history_rows_are_too_few_and_out_of_the_family(real_frame: pd.DataFrame) -> None:
    """Two years of data: the rare Bollinger-band signals have a handful of episodes."""
    v = verdict_table(real_frame.loc["2017":"2018"], ["bollinger_break", "spike_reversal"],
                      horizons=(5, 21), n_boot=0, n_placebo=0, rw_reps=100)
    t = v.to_frame()
    few = (t.episodes < 10).to_numpy()
    assert few.any() and (~few).any()
    assert (t.verdict[few] == "too few").all() and "too few" not in set(t.verdict[~few])
    assert t.loc[few, "p_raw"].notna().any()  # still reported
    assert t.loc[few, ["p_adj", "p_rw"]].isna().all().all()
    prim = ~few & t.primary.to_numpy()
    p = t.p_raw.to_numpy()[prim]
    assert t.p_holm.to_numpy()[prim] == pytest.approx(_holm(np.concatenate([p, 1 - p]))[:len(p)])
    strict = verdict_table(real_frame.loc["2017":"2018"], ["bollinger_break"], horizons=(5,),
                           n_boot=0, n_placebo=0, rw_reps=0, min_episodes=10_000)
    assert (strict.table.verdict == "too few").all() and strict.table.p_adj.isna().all()


def test_era_table_matches_plain_pandas_for_one_era(real_frame: pd.DataFrame) -> None:
    """spike_reversal, h = 5, era "2000s" and "before 2008", recomputed with plain pandas."""
    f = real_frame
    vix = f["vix_close"]
    obs = vix.dropna()
    signal = (obs > 1.10 * obs.rolling(10).mean()).reindex(f.index, fill_value=False).to_numpy()
    pos = np.arange(len(f))
    first = int(np.flatnonzero(vix.notna().to_numpy())[0])
    sample = vix.notna().to_numpy() & (pos >= first + 9)
    h = 5
    fwd = (f["spx_open"].shift(-(1 + h)) / f["spx_open"].shift(-1) - 1.0).to_numpy()
    et = study_strategy("spike_reversal", real_frame, horizons=(h,), n_boot=0).era_table()
    assert "verdict" not in et.columns and list(et.columns)[-1] == "p_raw"
    eras = et.index.get_level_values("era")
    assert {"1990s", "2000s", "2010s", "before 2008", "2008 on"} <= set(eras)
    year = f.index.year
    for era, in_era in (("2000s", (year >= 2000) & (year < 2010)), ("before 2008", year < 2008)):
        ok = sample & np.isfinite(fwd) & np.asarray(in_era)
        y, d = fwd[ok], signal[ok]
        r = et.loc[("long", era, h)]
        assert r.n_days == ok.sum() and r.signal_days == d.sum()
        assert r.mean_signal == pytest.approx(y[d].mean(), rel=1e-9)
        assert r.mean_nonsignal == pytest.approx(y[~d].mean(), rel=1e-9)
        assert r.effect == pytest.approx(y[d].mean() - y[~d].mean(), rel=1e-7)
        days = np.flatnonzero(signal & ok)
        assert r.episodes == _episodes(days)
        fit = sm.OLS(y, sm.add_constant(d.astype(float))).fit(
            cov_type="HAC", cov_kwds={"maxlags": h})
        assert r.t_hac == pytest.approx(fit.tvalues[1], rel=1e-8)
        p_one = fit.pvalues[1] / 2 if fit.tvalues[1] > 0 else 1 - fit.pvalues[1] / 2
        assert r.p_raw == pytest.approx(p_one, rel=1e-8)
