"""Incremental-information regressions: exact against statsmodels, planted relations."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from backtest.errors import MissingDataError
from backtest.information.controls import DEFAULT_CONTROLS, control_frame, parse_controls
from backtest.information.regression import (
    hac_ols,
    incremental_table,
    independent_controls,
    predictor_information,
    signal_information,
    strategy_information,
)
from tests.information.conftest import random_market


def plain_controls(f: pd.DataFrame) -> pd.DataFrame:
    """The default controls written directly in pandas (independent of the package)."""
    c = f["spx_close"]
    lr = np.log(c).diff()
    return pd.DataFrame({
        "spx_ret_1": c / c.shift(1) - 1, "spx_ret_5": c / c.shift(5) - 1,
        "spx_ret_21": c / c.shift(21) - 1,
        "spx_rv_21": np.sqrt((lr ** 2).rolling(21).mean() * 252),
        "vix_level": f["vix_close"],
        "spx_above_200": (c > c.rolling(200).mean()).astype(float).where(
            c.rolling(200).mean().notna()),
    })


def planted_market(seed: int, T: int = 4000, reversal: float = -0.25, effect: float = 0.004
                   ) -> tuple[pd.DataFrame, pd.Series, pd.Series]:
    """SPX with a short-term reversal on its past 5-day return, a VIX that echoes
    sell-offs, a *proxy* signal (VIX spike = SPX fell 5 days) and an *incremental*
    signal (random clusters that lift the return of day t + 2 by ``effect``).

    Open equals close, so the 1-day next-open forward return of day t is the
    return of day t + 2.
    """
    rng = np.random.default_rng(seed)
    e = rng.normal(0.0003, 0.01, T)
    g = np.zeros(T, dtype=bool)
    u = rng.random(T)
    for t in range(1, T):
        g[t] = u[t] < (0.6 if g[t - 1] else 0.02)
    logp = np.zeros(T)
    r = np.zeros(T)
    for t in range(1, T):
        ret5 = np.exp(logp[t - 2] - logp[t - 7]) - 1 if t >= 7 else 0.0
        r[t] = e[t] + reversal * ret5 / 5.0 + (effect if t >= 2 and g[t - 2] else 0.0)
        logp[t] = logp[t - 1] + r[t]
    idx = pd.bdate_range("1995-01-02", periods=T)
    p = 1000 * np.exp(logp)
    past5 = pd.Series(p, index=idx).pct_change(5)
    vix = 15 + 300 * np.maximum(-past5.fillna(0).to_numpy(), 0) + rng.normal(0, 0.5, T)
    f = pd.DataFrame({"spx_open": p, "spx_close": p, "vix_close": vix}, index=idx)
    proxy = (past5 < -0.02).rename("proxy")
    return f, proxy, pd.Series(g, index=idx, name="incremental")


def test_controls_exact_against_pandas() -> None:
    f = random_market(0, T=600)
    got = control_frame(f)
    want = plain_controls(f)
    # vix_level keeps the VIX gaps; everything else is SPX-only
    pd.testing.assert_frame_equal(got, want, check_exact=False, rtol=1e-12, atol=1e-15)


def test_controls_no_look_ahead() -> None:
    f = random_market(1, T=500)
    full = control_frame(f)
    for t in (199, 250, 499):
        np.testing.assert_array_equal(control_frame(f.iloc[: t + 1]).to_numpy(),
                                      full.iloc[: t + 1].to_numpy())


def test_parse_controls_errors() -> None:
    assert parse_controls(None) == DEFAULT_CONTROLS
    assert parse_controls("spx_ret_5, vix_level") == ("spx_ret_5", "vix_level")
    assert parse_controls("none") == ()
    with pytest.raises(ValueError, match=r"unknown control 'spx_ret_2'; known controls: "):
        parse_controls("spx_ret_2")
    with pytest.raises(ValueError, match=r"name a control twice"):
        parse_controls(["vix_level", "vix_level"])
    with pytest.raises(MissingDataError, match=r"control 'vix_level' needs column 'vix_close'"):
        control_frame(pd.DataFrame({"spx_close": [1.0, 2.0]}), ["vix_level"])


@pytest.mark.parametrize("h", [1, 5, 21])
def test_exact_against_statsmodels(h: int) -> None:
    f, proxy, _ = planted_market(3, T=1500)
    res = signal_information(proxy, f, [h])
    row = res.table.loc[h]
    y = f["spx_open"].shift(-1 - h) / f["spx_open"].shift(-1) - 1
    Z = plain_controls(f)
    ok = y.notna() & Z.notna().all(axis=1)
    x = proxy.astype(float)[ok]
    alone = sm.OLS(y[ok], sm.add_constant(x)).fit(cov_type="HAC", cov_kwds={"maxlags": h})
    full = sm.OLS(y[ok], sm.add_constant(pd.concat([x, Z[ok]], axis=1))).fit(
        cov_type="HAC", cov_kwds={"maxlags": h})
    ctrl = sm.OLS(y[ok], sm.add_constant(Z[ok])).fit()
    assert row.n_obs == int(ok.sum())
    for got, want in ((row.coef_alone, alone.params["proxy"]),
                      (row.se_alone, alone.bse["proxy"]),
                      (row.t_alone, alone.tvalues["proxy"]),
                      (row.coef_controlled, full.params["proxy"]),
                      (row.se_controlled, full.bse["proxy"]),
                      (row.t_controlled, full.tvalues["proxy"]),
                      (row.partial_r2, 1 - full.ssr / ctrl.ssr),
                      (row.r2_controls, ctrl.rsquared)):
        assert got == pytest.approx(want, abs=1e-10, rel=1e-10)
    # one-sided p of the expected direction (higher) from the two-sided HAC p
    t, p2 = full.tvalues["proxy"], full.pvalues["proxy"]
    assert row.p_controlled_raw == pytest.approx(p2 / 2 if t > 0 else 1 - p2 / 2, abs=1e-12)


@pytest.mark.parametrize("lags", [0, 1, 7, 63])
def test_hac_ols_equals_statsmodels(lags: int) -> None:
    """The numpy HAC regression equals statsmodels' on every attribute used."""
    rng = np.random.default_rng(lags)
    n = 800
    e = np.convolve(rng.normal(0, 0.01, n + lags), np.ones(lags + 1), "valid")[:n]
    X = np.column_stack([np.ones(n), rng.uniform(size=n) < 0.1, 20 + 5 * rng.normal(size=n),
                         0.01 * rng.normal(size=n)]).astype(float)
    y = X @ np.array([0.001, 0.004, -0.0002, 0.3]) + e
    ours = hac_ols(y, X, lags)
    ref = sm.OLS(y, X).fit(cov_type="HAC", cov_kwds={"maxlags": lags})
    for got, want in ((ours.params, ref.params), (ours.bse, ref.bse),
                      (ours.tvalues, ref.tvalues), (ours.pvalues, ref.pvalues),
                      (ours.cov_params(), ref.cov_params())):
        np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-14)
    assert ours.ssr == pytest.approx(ref.ssr, rel=1e-10)
    assert ours.rsquared == pytest.approx(ref.rsquared, rel=1e-10)
    # dummies without a constant (the decile regression)
    D = (rng.integers(0, 3, size=n)[:, None] == np.arange(3)[None, :]).astype(float)
    ours = hac_ols(y, D, lags)
    ref = sm.OLS(y, D).fit(cov_type="HAC", cov_kwds={"maxlags": lags})
    np.testing.assert_allclose(ours.params, ref.params, rtol=1e-10, atol=1e-14)
    np.testing.assert_allclose(ours.cov_params(), ref.cov_params(), rtol=1e-10, atol=1e-16)


def test_dummy_coefficient_is_the_difference_of_means() -> None:
    f, _, inc = planted_market(4, T=1200)
    row = signal_information(inc, f, [5], controls="none").table.loc[5]
    y = (f["spx_open"].shift(-6) / f["spx_open"].shift(-1) - 1).dropna()
    d = inc.reindex(y.index)
    assert row.coef_alone == pytest.approx(y[d].mean() - y[~d].mean(), abs=1e-14)
    assert row.coef_controlled == pytest.approx(row.coef_alone, abs=1e-14)
    assert row.signal_days == int(d.sum())


def test_proxy_loses_its_coefficient_under_controls() -> None:
    """A 'VIX spike' that only echoes a 5-day SPX fall predicts the reversal alone,
    but not once the past 5-day return is controlled for."""
    f, proxy, _ = planted_market(5)
    row = signal_information(proxy, f, [1]).table.loc[1]
    assert row.t_alone > 4.0 and row.p_alone_raw < 1e-4
    assert abs(row.t_controlled) < 2.0
    assert abs(row.coef_controlled) < 0.25 * row.coef_alone


def test_incremental_signal_keeps_its_coefficient() -> None:
    f, _, inc = planted_market(6)
    row = signal_information(inc, f, [1]).table.loc[1]
    assert row.t_controlled > 4.0 and row.p_controlled_raw < 1e-4
    assert abs(row.coef_controlled - 0.004) < 3 * row.se_controlled  # the planted effect
    assert row.coef_controlled == pytest.approx(row.coef_alone, rel=0.2)
    assert row.partial_r2 > 0


def test_predictor_information_uses_the_predictor() -> None:
    f = random_market(7, T=900)
    res = predictor_information("vix_level", f, [5], controls=["spx_ret_5"])
    y = f["spx_open"].shift(-6) / f["spx_open"].shift(-1) - 1
    x = f["vix_close"]
    z = f["spx_close"].pct_change(5)
    ok = y.notna() & x.notna() & z.notna()
    fit = sm.OLS(y[ok], sm.add_constant(pd.concat([x, z], axis=1)[ok])).fit(
        cov_type="HAC", cov_kwds={"maxlags": 5})
    assert res.table.loc[5, "coef_controlled"] == pytest.approx(fit.params["vix_close"],
                                                                abs=1e-12)
    assert res.kind == "predictor" and res.expect == "higher"


def test_vol_scaled_returns() -> None:
    from backtest.information.scaling import scaled_forward_returns

    f = random_market(8, T=300)
    raw = scaled_forward_returns(f, [5])
    vol = scaled_forward_returns(f, [5], scale="vol")
    rv = np.sqrt((np.log(f["spx_close"]).diff() ** 2).rolling(21).mean() * 252)
    np.testing.assert_allclose(vol[5], raw[5] / (rv * np.sqrt(5 / 252)), rtol=1e-12)
    # the scale uses only the signal day's past: truncating later days leaves it
    part = scaled_forward_returns(f.iloc[:200], [5], scale="vol")
    np.testing.assert_allclose(part[5].iloc[:194], vol[5].iloc[:194], rtol=1e-15)
    with pytest.raises(ValueError, match="scale must be 'raw' or 'vol'"):
        scaled_forward_returns(f, [5], scale="sd")  # type: ignore[arg-type]


@pytest.mark.slow
def test_spike_reversal_real_history_against_plain_statsmodels(full_frame: pd.DataFrame
                                                                ) -> None:
    """spike_reversal's controlled regression on the full history, recomputed
    with pandas and statsmodels only."""
    f = full_frame
    res = strategy_information("spike_reversal", f, [5, 21]).sides["long"]
    vix = f["vix_close"]
    v = vix.dropna()
    sig = (v > 1.10 * v.rolling(10).mean()).reindex(f.index, fill_value=False)
    first = int(np.argmax(vix.notna().to_numpy()))
    sample = pd.Series(False, index=f.index)
    sample.iloc[first + 9:] = True
    sample &= vix.notna()
    Z = plain_controls(f)
    for h in (5, 21):
        # the fill rule: the open where it is a real price, else that day's close
        fill = f["spx_open"].fillna(f["spx_close"])
        y = fill.shift(-1 - h) / fill.shift(-1) - 1
        ok = sample & y.notna() & Z.notna().all(axis=1)
        X = pd.concat([sig.astype(float).rename("sig"), Z], axis=1)[ok]
        full = sm.OLS(y[ok], sm.add_constant(X)).fit(cov_type="HAC", cov_kwds={"maxlags": h})
        alone = sm.OLS(y[ok], sm.add_constant(X[["sig"]])).fit(cov_type="HAC",
                                                              cov_kwds={"maxlags": h})
        row = res.table.loc[h]
        assert row.n_obs == int(ok.sum())
        assert row.signal_days == int(sig[ok].sum())
        assert row.coef_alone == pytest.approx(alone.params["sig"], abs=1e-10)
        assert row.t_alone == pytest.approx(alone.tvalues["sig"], abs=1e-8)
        assert row.coef_controlled == pytest.approx(full.params["sig"], abs=1e-10)
        assert row.t_controlled == pytest.approx(full.tvalues["sig"], abs=1e-8)
    # the finding: a significant raw 5-day effect that controls remove
    assert res.table.loc[5, "t_alone"] > 2.0
    assert abs(res.table.loc[5, "t_controlled"]) < 1.0


def test_controlled_test_size_under_the_null() -> None:
    """A clustered signal unrelated to returns: the controlled one-sided 5 % test
    rejects in few of 40 random markets (measured 0.07 over 200 at 1 and 5 days)."""
    from backtest.execution.fills import forward_returns
    from backtest.information.regression import incremental_table

    rng = np.random.default_rng(21)
    T, rejections = 1000, 0
    idx = pd.bdate_range("2000-01-03", periods=T)
    for _ in range(40):
        p = 100 * np.exp(np.cumsum(rng.normal(0.0003, 0.01, T)))
        f = pd.DataFrame({"spx_open": p, "spx_close": p,
                          "vix_close": 20 + rng.normal(0, 1, T)}, index=idx)
        g = np.zeros(T, dtype=bool)
        u = rng.random(T)
        for t in range(1, T):
            g[t] = u[t] < (0.7 if g[t - 1] else 0.02)
        tab = incremental_table(forward_returns(f, [1]), pd.Series(g, index=idx, dtype=float),
                                control_frame(f), dummy=True)
        rejections += bool(tab.loc[1, "p_controlled_raw"] < 0.05)
    assert rejections <= 6  # nominal 2 of 40


def _collinear_case(seed: int = 11, n: int = 600) -> tuple[pd.DataFrame, pd.Series, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    idx = pd.bdate_range("2000-01-03", periods=n)
    x = pd.Series((rng.uniform(size=n) < 0.1).astype(float), index=idx)
    z1, z2 = rng.normal(size=n), rng.normal(size=n)
    y = 0.003 * x.to_numpy() + 0.001 * z1 + rng.normal(0, 0.01, n)
    fwd = pd.DataFrame({1: y}, index=idx)
    Z = pd.DataFrame({"z1": z1, "z2": z2}, index=idx)
    return fwd, x, Z


def test_collinear_controls_are_dropped_not_a_crash() -> None:
    """A control that repeats (a multiple of) another, or is constant, is left out: the
    table equals the one without it, and statsmodels on the independent columns."""
    fwd, x, Z = _collinear_case()
    base = incremental_table(fwd, x, Z)
    dup = incremental_table(fwd, x, Z.assign(z3=2.5 * Z["z1"] - Z["z2"], z4=7.0))
    assert int(dup.loc[1, "n_controls"]) == 2
    pd.testing.assert_frame_equal(dup, base, rtol=1e-12, atol=1e-15)
    X = sm.add_constant(np.column_stack([x, Z]))
    ref = sm.OLS(fwd[1], X).fit(cov_type="HAC", cov_kwds={"maxlags": 1})
    assert base.loc[1, "coef_controlled"] == pytest.approx(ref.params.iloc[1], rel=1e-10)
    assert independent_controls(np.ones((4, 1)), np.array(
        [[1.0, 2.0, 5.0], [2.0, 4.0, 5.0], [3.0, 6.0, 5.0], [5.0, 10.0, 5.0]])) == [0]


def test_signal_spanned_by_the_controls_is_not_identified() -> None:
    """If the signal is a control (or their combination), its effect beyond the controls
    cannot be measured: the controlled fields are NaN, the signal-alone fields are not."""
    fwd, x, Z = _collinear_case(12)
    tab = incremental_table(fwd, x, Z.assign(same=3.0 * x.to_numpy() + Z["z2"]))
    row = tab.loc[1]
    assert np.isfinite(row.coef_alone) and np.isfinite(row.p_alone_raw)
    for c in ("coef_controlled", "se_controlled", "t_controlled", "p_controlled_raw",
              "partial_r2"):
        assert np.isnan(row[c]), c
    assert int(row.n_controls) == 3 and np.isfinite(row.r2_controls)


def test_too_few_days_for_the_controls() -> None:
    """With no residual degree of freedom left the controlled fields are NaN, not an
    exactly fitting regression."""
    fwd, x, Z = _collinear_case(13, n=5)
    x.iloc[:] = [1.0, 0.0, 1.0, 0.0, 0.0]
    more = Z.assign(z3=np.arange(5.0) ** 2, z4=np.arange(5.0) ** 3)
    row = incremental_table(fwd, x, more).loc[1]
    assert np.isnan(row.coef_controlled) and np.isfinite(row.coef_alone)


def test_hac_ols_rank_deficient_is_a_clear_error() -> None:
    rng = np.random.default_rng(0)
    a = rng.normal(size=50)
    X = np.column_stack([np.ones(50), a, 2 * a])
    with pytest.raises(ValueError, match=r"not of full column rank \(2 of 3 columns"):
        hac_ols(rng.normal(size=50), X, 3)
