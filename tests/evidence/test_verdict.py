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

from backtest.evidence.strategy_study import grid_event_study, study_strategy
from backtest.evidence.verdict import (
    SCHEMA,
    VERDICT_COLUMNS,
    adjust_both_directions,
    verdict_table,
)
from strategies.registry import REGISTRY, get_strategy

HORIZONS = (1, 5, 21, 63)


@pytest.fixture(scope="module")
def table(real_frame: pd.DataFrame):  # type: ignore[no-untyped-def]
    return verdict_table(real_frame, horizons=HORIZONS, n_boot=200, seed=0)


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
        px = f["spx_open"].fillna(f["spx_close"])  # a day without a real open fills at its close
        fwd = (px.shift(-(1 + h)) / px.shift(-1) - 1.0).to_numpy()
        ok = sample & np.isfinite(fwd)
        y, d = fwd[ok], signal[ok]
        r = rows.loc[h]
        assert r.n_days == ok.sum()
        assert r.n_signal == d.sum()
        assert r.mean_signal == pytest.approx(y[d].mean(), rel=1e-9)
        assert r.median_signal == pytest.approx(np.median(y[d]), rel=1e-9)
        assert r.hit_rate == pytest.approx((y[d] > 0).mean(), rel=1e-12)
        assert r.mean_uncond == pytest.approx(y.mean(), rel=1e-9)
        assert r.effect == pytest.approx(y[d].mean() - y.mean(), rel=1e-7)
        days = np.flatnonzero(signal & ok)
        episodes = 1 + sum(1 for a, b in itertools.pairwise(days) if b - a >= h)
        assert r.n_episodes == episodes
        fit = sm.OLS(y, sm.add_constant(d.astype(float))).fit(
            cov_type="HAC", cov_kwds={"maxlags": h})
        assert r.t_hac == pytest.approx(fit.tvalues[1], rel=1e-8)
        p_one = fit.pvalues[1] / 2 if fit.tvalues[1] > 0 else 1 - fit.pvalues[1] / 2
        assert r.p_raw == pytest.approx(p_one, rel=1e-8)
        assert r.ci_low < r.effect < r.ci_high


def test_table_schema_adjustment_and_verdicts(table) -> None:  # type: ignore[no-untyped-def]
    t = table.to_frame()
    assert list(t.columns) == list(VERDICT_COLUMNS)
    assert set(t.strategy) == set(REGISTRY) - {n for n, _ in table.skipped}
    assert len(t) == len(HORIZONS) * sum(len(REGISTRY[s].sides) for s in set(t.strategy))
    for name in set(t.strategy):
        sides = t[t.strategy == name].side.unique().tolist()
        assert sides == list(REGISTRY[name].sides)
    assert (t.expect == t.side.map({"long": "higher", "short": "lower"})).all()
    few = (t.n_episodes < 10).to_numpy()
    ok = t.p_raw.notna().to_numpy() & ~few
    p = t.p_raw.to_numpy()[ok]
    # one Holm family: both one-sided directions of every testable row
    both = _holm(np.concatenate([p, 1 - p]))
    assert t.p_holm.to_numpy()[ok] == pytest.approx(both[:len(p)])
    assert t.p_opposite_holm.to_numpy()[ok] == pytest.approx(both[len(p):])
    assert (t.p_by.to_numpy()[ok] >= p - 1e-15).all()
    assert t.loc[few, ["p_holm", "p_by", "p_opposite_holm"]].isna().all().all()
    expect = np.where(few, "too few", np.where(
        t.p_holm < 0.05, "supports",
        np.where(t.p_opposite_holm < 0.05, "contradicts", "no evidence")))
    assert t.verdict.tolist() == expect.tolist()
    assert table.settings["min_episodes"] == 10
    assert "spike_reversal" in table.summary() and "p_opp" in table.summary()


def test_csv_and_json_round_trip(table, tmp_path) -> None:  # type: ignore[no-untyped-def]
    csv = pd.read_csv(table.to_csv(tmp_path / "verdict.csv"))
    assert list(csv.columns) == list(VERDICT_COLUMNS)
    pd.testing.assert_series_equal(csv.effect, table.table.effect, check_exact=False)
    doc = json.loads(table.to_json(tmp_path / "verdict.json").read_text(encoding="utf-8"))
    assert doc["schema"] == SCHEMA
    assert set(doc) == {"schema", "settings", "data", "strategies", "skipped", "rows"}
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
            assert per.n_signal.sum() == st.sides[side].table.loc[h, "n_signal"]
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
        assert g.table.loc[(*key, h), "p_one_sided"] == pytest.approx(one.loc[h, "p_one_sided"])
    assert g.table.p_holm.to_numpy() == pytest.approx(_holm(g.table.p_one_sided.to_numpy()))
    with pytest.raises(ValueError, match="has no 'short' side"):
        grid_event_study(get_strategy("spike_reversal"), real_frame, [], side="short")


def test_verdict_table_by_era(table) -> None:  # type: ignore[no-untyped-def]
    eras = table.by_era("2008")
    assert list(eras.index.names) == ["strategy", "side", "era", "horizon"]
    t = table.to_frame().set_index(["strategy", "side", "horizon"])
    per = eras.groupby(level=["strategy", "side", "horizon"]).n_signal.sum()
    assert per.sort_index().to_numpy().tolist() == t.n_signal.sort_index().to_numpy().tolist()


def test_both_directions_share_one_holm_family() -> None:
    # family {0.001, 0.999, 0.999, 0.001}: Holm gives 4 x 0.001, then max(3 x 0.001, 0.004)
    holm, by, opp = adjust_both_directions(np.array([0.001, 0.999, 0.3]),
                                           np.array([True, True, False]))
    assert holm[:2] == pytest.approx([0.004, 1.0]) and opp[:2] == pytest.approx([1.0, 0.004])
    # BY over 4 tests: c(4) = 1 + 1/2 + 1/3 + 1/4; rank 2 of 4 -> 0.001 * 4 / 2 * c(4)
    c4 = 1 + 1 / 2 + 1 / 3 + 1 / 4
    assert by[0] == pytest.approx(0.001 * 4 / 2 * c4) and by[1] == pytest.approx(1.0)
    assert np.isnan(holm[2]) and np.isnan(by[2]) and np.isnan(opp[2])
    # a row left out does not enlarge the family; the same row inside does
    holm_in, _, _ = adjust_both_directions(np.array([0.001, 0.999, 0.3]), np.ones(3, bool))
    assert holm_in[0] == pytest.approx(0.006)


def test_short_history_rows_are_too_few_and_out_of_the_family(real_frame: pd.DataFrame) -> None:
    """Two years of data: the rare Bollinger-band signals have a handful of episodes."""
    v = verdict_table(real_frame.loc["2017":"2018"], ["bollinger_break", "spike_reversal"],
                      horizons=(5, 21), n_boot=0)
    t = v.to_frame()
    few = (t.n_episodes < 10).to_numpy()
    assert few.any() and (~few).any()
    assert (t.verdict[few] == "too few").all() and "too few" not in set(t.verdict[~few])
    assert t.loc[few, "p_raw"].notna().any()  # still reported
    assert t.loc[few, "p_holm"].isna().all()
    p = t.p_raw.to_numpy()[~few]
    assert t.p_holm.to_numpy()[~few] == pytest.approx(_holm(np.concatenate([p, 1 - p]))[:len(p)])
    strict = verdict_table(real_frame.loc["2017":"2018"], ["bollinger_break"], horizons=(5,),
                           n_boot=0, min_episodes=10_000)
    assert (strict.table.verdict == "too few").all() and strict.table.p_holm.isna().all()


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
    px = f["spx_open"].fillna(f["spx_close"])  # a day without a real open fills at its close
    fwd = (px.shift(-(1 + h)) / px.shift(-1) - 1.0).to_numpy()
    et = study_strategy("spike_reversal", real_frame, horizons=(h,), n_boot=0).era_table()
    assert list(et.columns)[-1] == "verdict"
    eras = et.index.get_level_values("era")
    assert {"1990s", "2000s", "2010s", "before 2008", "2008 on"} <= set(eras)
    year = f.index.year
    for era, in_era in (("2000s", (year >= 2000) & (year < 2010)), ("before 2008", year < 2008)):
        ok = sample & np.isfinite(fwd) & np.asarray(in_era)
        y, d = fwd[ok], signal[ok]
        r = et.loc[("long", era, h)]
        assert r.n_days == ok.sum() and r.n_signal == d.sum()
        assert r.mean_signal == pytest.approx(y[d].mean(), rel=1e-9)
        assert r.mean_uncond == pytest.approx(y.mean(), rel=1e-9)
        assert r.effect == pytest.approx(y[d].mean() - y.mean(), rel=1e-7)
        days = np.flatnonzero(signal & ok)
        assert r.n_episodes == 1 + sum(1 for a, b in itertools.pairwise(days) if b - a >= h)
        fit = sm.OLS(y, sm.add_constant(d.astype(float))).fit(
            cov_type="HAC", cov_kwds={"maxlags": h})
        assert r.t_hac == pytest.approx(fit.tvalues[1], rel=1e-8)
        p_one = fit.pvalues[1] / 2 if fit.tvalues[1] > 0 else 1 - fit.pvalues[1] / 2
        assert r.p_one_sided == pytest.approx(p_one, rel=1e-8)
        expect = ("too few" if r.n_episodes < 10 else "supports" if p_one < 0.05
                  else "contradicts" if 1 - p_one < 0.05 else "no evidence")
        assert r.verdict == expect
