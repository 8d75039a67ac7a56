"""Returns modes: the T-bill conversion, dividends, cash interest, fills that fall back.

Exact values on hand-built frames, and the change of numeraire (the engine's
way of paying interest) against the plain bar-by-bar reference that credits
interest and reinvests dividends day by day.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from backtest import metrics as m
from backtest.execution import Execution, run_signals
from backtest.execution.basis import (
    bill_yield,
    cash_returns,
    describe_basis,
    dividend_factor,
    return_basis,
)
from backtest.execution.fills import fallback_share, fell_back, fill_prices, forward_returns
from backtest.sweep import Sweep

from .adhoc import SmaBand
from .reference import simulate
from .test_portfolio_exact import make_signals

FREE = {"fees": 0.0, "slippage": 0.0}


def _frame() -> pd.DataFrame:
    """Six days over a weekend: a dividend goes ex on day 3 (Mon), the bill at 5 %."""
    idx = pd.DatetimeIndex(["2024-01-03", "2024-01-04", "2024-01-05", "2024-01-08",
                            "2024-01-09", "2024-01-10"], name="date")
    close = [100.0, 102.0, 101.0, 103.0, 104.0, 106.0]
    # the total-return index gains an extra 1 % on day 3 (a 1 % dividend)
    tr = [1000.0, 1020.0, 1010.0, 1010.0 * 103.0 / 101.0 * 1.01, 0.0, 0.0]
    tr[4] = tr[3] * 104.0 / 103.0
    tr[5] = tr[4] * 106.0 / 104.0
    return pd.DataFrame({
        "spx_open": [99.0, 101.0, 103.0, 102.0, 105.0, 105.5],
        "spx_close": close,
        "vix_close": [20.0] * 6,
        "spxtr": tr,
        "dtb3": [5.0, 5.0, 5.0, np.nan, 4.0, 4.0],  # day 3 a bond holiday
    }, index=idx)


def test_bill_yield_by_hand() -> None:
    # a 91-day bill at a 5 % discount costs 1 - 0.05 * 91 / 360; its return over 91
    # days, stated per 365-day year, is the investment yield
    hpr = 1.0 / (1.0 - 0.05 * 91.0 / 360.0) - 1.0
    assert bill_yield([5.0])[0] == pytest.approx(hpr * 365.0 / 91.0, rel=1e-14)
    assert bill_yield([5.0])[0] == pytest.approx(0.0513433676, rel=1e-9)
    assert bill_yield([0.0])[0] == 0.0
    assert bill_yield([-0.05])[0] < 0.0  # negative rates of 2015 and 2020 stay negative


def test_cash_return_accrues_calendar_days_at_yesterdays_rate() -> None:
    c = cash_returns(_frame())
    y5, y4 = bill_yield([5.0])[0], bill_yield([4.0])[0]
    assert c[0] == 0.0
    assert c[1] == pytest.approx(y5 * 1 / 365, rel=1e-14)
    assert c[3] == pytest.approx(y5 * 3 / 365, rel=1e-14)  # Fri -> Mon: three days
    # day 3 has no rate (bond holiday): day 4 accrues at the last known one (5 %),
    # never at day 4's own 4 %
    assert c[4] == pytest.approx(y5 * 1 / 365, rel=1e-14)
    assert c[5] == pytest.approx(y4 * 1 / 365, rel=1e-14)
    assert (cash_returns(_frame().drop(columns="dtb3")) == 0.0).all()


def test_dividend_factor_and_spliced_span() -> None:
    f = _frame()
    np.testing.assert_allclose(dividend_factor(f), [1, 1, 1, 1.01, 1.01, 1.01], rtol=1e-12)
    # SPXTR ends before the run does: no dividend where it is missing, and said so
    cut = f.assign(spxtr=[*f["spxtr"].iloc[:4], np.nan, np.nan])
    b = return_basis(cut, "total")
    assert b.dividend_days == 3
    assert "price return (no dividends) on the other 2 of 5 days" in b.describe()
    assert "price return" in return_basis(f.drop(columns="spxtr"), "total").describe()
    p = return_basis(f, "price")
    assert p.trivial and "cash earns 0" in p.describe()


def test_long_earns_dividend_and_cash_earns_the_bill_by_hand() -> None:
    f = _frame()
    c = cash_returns(f)
    # buy at day 1's open (signal day 0), sell at day 4's open (signal day 3)
    res = run_signals(make_signals(f, le=[0], lx=[3]), f,
                      Execution(init_cash=1000.0, returns="total", **FREE))
    units = 1000.0 * (1 + c[1]) / 101.0  # the cash earned a day of interest first
    # held over the closes of days 1..3: the day-3 dividend (1 %) is reinvested
    proceeds = units * 1.01 * 105.0
    want = proceeds * (1 + c[5])  # day 4's proceeds earn the bill to day 5
    assert res.equity.iloc[-1] == pytest.approx(want, rel=1e-12)
    t = res.trades.iloc[0]
    assert t["entry_price"] == pytest.approx(101.0, rel=1e-12)
    assert t["exit_price"] == pytest.approx(105.0, rel=1e-12)
    assert t["pnl"] == pytest.approx(proceeds - 1000.0 * (1 + c[1]), rel=1e-12)
    # the price mode of the same trade: no dividend, no interest
    res_p = run_signals(make_signals(f, le=[0], lx=[3]), f,
                        Execution(init_cash=1000.0, returns="price", **FREE))
    assert res_p.equity.iloc[-1] == pytest.approx(1000.0 / 101.0 * 105.0, rel=1e-12)
    # the benchmark is a total-return buy-and-hold: close of day 5 with the dividend
    assert res.benchmark_equity.iloc[-1] == pytest.approx(1000.0 / 99.0 * 106.0 * 1.01,
                                                          rel=1e-12)


def test_short_pays_dividend_and_its_proceeds_earn_the_bill_by_hand() -> None:
    f = _frame()
    c = cash_returns(f)
    res = run_signals(make_signals(f, se=[0], sx=[3]), f,
                      Execution(init_cash=1000.0, returns="total", **FREE))
    equity = 1000.0 * (1 + c[1])
    n = equity / 101.0
    cash = 2.0 * equity  # proceeds plus equity
    for i in (2, 3, 4):
        cash *= 1 + c[i]
    cover = n * 1.01 * 105.0  # the short's liability grew by the dividend
    want = (cash - cover) * (1 + c[5])
    assert res.equity.iloc[-1] == pytest.approx(want, rel=1e-12)
    assert res.trades["pnl"].iloc[0] == pytest.approx(equity - cover, rel=1e-12)


@pytest.mark.parametrize("returns", ["price", "total"])
@pytest.mark.parametrize(("le", "lx", "se", "sx"), [
    ([0], [3], [], []), ([], [], [0], [2]), ([0], [2], [2], [4]), ([1, 3], [2], [], []),
])
def test_hand_frame_equals_reference(returns: str, le: list[int], lx: list[int],
                                     se: list[int], sx: list[int]) -> None:
    f = _frame()
    f.loc[f.index[2], "spx_open"] = np.nan  # day 2 has no real open: fills at its close
    sig = make_signals(f, le=le, lx=lx, se=se, sx=sx)
    ex = Execution(init_cash=1000.0, fees=0.001, slippage=0.002, returns=returns)  # type: ignore[arg-type]
    res = run_signals(sig, f, ex)
    ref = simulate(f, sig.long_entries, sig.long_exits, sig.short_entries, sig.short_exits,
                   start=f.index[0], end=f.index[-1], sides=res.sides, fees=0.001,
                   slippage=0.002, init_cash=1000.0, returns=returns)
    np.testing.assert_allclose(res.equity.to_numpy(), ref.equity, rtol=1e-12)
    np.testing.assert_allclose(res.trades["pnl"], [t.pnl for t in ref.trades], rtol=1e-9)
    np.testing.assert_allclose(res.trades["entry_price"],
                               [t.entry_price for t in ref.trades], rtol=1e-12)


def test_sharpe_and_sortino_are_in_excess_of_the_bill() -> None:
    f = _frame()
    res = run_signals(make_signals(f, le=[0], lx=[3]), f, Execution(returns="total", **FREE))
    r, rf = res.returns.to_numpy(), cash_returns(f)
    rf[0] = 0.0
    x = r - rf
    assert res.stats["sharpe"] == pytest.approx(np.mean(x) / np.std(x, ddof=1) * np.sqrt(252),
                                                rel=1e-12)
    assert res.stats["sharpe"] != pytest.approx(m.sharpe_ratio(r), rel=1e-6)
    assert res.stats["sortino"] == pytest.approx(m.sortino_ratio(r, rf), rel=1e-12)
    # the sweep kernel's derived statistics are the same (both modes)
    for mode in ("price", "total"):
        ex = Execution(returns=mode, fees=0.001, slippage=0.0005)  # type: ignore[arg-type]
        row = Sweep(SmaBand, {"window": [2], "band": [0.0]}, execution=ex).run(
            f, progress=False).table.iloc[0]
        from backtest.execution import run
        single = run(SmaBand(window=2, band=0.0), f, ex).stats
        for k in ("total_return", "sharpe", "sortino", "average_win", "average_loss",
                  "profit_factor", "max_drawdown"):
            assert row[k] == pytest.approx(single[k], rel=1e-9, nan_ok=True), (mode, k)


def test_fill_prices_fall_back_to_the_same_days_close() -> None:
    f = _frame()
    f.loc[f.index[[2, 4]], "spx_open"] = np.nan
    p = fill_prices(f, "next_open")
    assert list(p) == [99.0, 101.0, 101.0, 102.0, 104.0, 105.5]
    fb = fell_back(f, "next_open")
    assert list(fb) == [False, False, True, False, True, False]
    assert not fell_back(f, "next_close").any()
    assert fallback_share([1, 2, 4, 5], fb.to_numpy()) == 0.5
    assert np.isnan(fallback_share([], fb.to_numpy()))
    # forward returns start at the same fill price, never an earlier one
    fwd = forward_returns(f, (1,), "next_open")
    assert fwd[1].iloc[1] == pytest.approx(102.0 / 101.0 - 1)  # entry day 2 at its close
    # total mode: the dividend going ex on day 3 is in the forward return over it
    fwd_t = forward_returns(f, (1,), "next_open", returns="total")
    assert fwd_t[1].iloc[1] == pytest.approx(102.0 * 1.01 / 101.0 - 1)
    assert fwd_t[1].iloc[3] == pytest.approx(fwd[1].iloc[3])


def test_basis_line_states_everything() -> None:
    b = return_basis(_frame(), "total")
    line = describe_basis(b, fill="next_open", fees=0.00005, slippage=0.0001,
                          fallback_share=0.25)
    assert line.startswith("Basis: total mode: total return (dividends from SPXTR/SPX")
    assert "cash earns the 3-month T-bill (DTB3)" in line
    assert "costs 0.5 bp fees + 1 bp slippage per side" in line
    assert "or at that day's close where it has no real open" in line
    assert "(25.0% of fills fell back to the close)" in line
    free = describe_basis(return_basis(_frame(), "price"), fill="next_close", fees=0.0,
                          slippage=0.0)
    assert "no costs (frictionless)" in free and "next day's SPX close" in free


def test_default_costs_and_frictionless_override() -> None:
    ex = Execution()
    assert (ex.fees, ex.slippage, ex.returns) == (0.00005, 0.0001, "total")
    f = _frame()
    sig = make_signals(f, le=[0], lx=[3])
    free = run_signals(sig, f, Execution(fees=0, slippage=0, returns="price", init_cash=1000.0))
    assert free.equity.iloc[-1] == 1000.0 / 101.0 * 105.0
    costly = run_signals(sig, f, Execution(returns="price", init_cash=1000.0))
    want = 1000.0 / (101.0 * 1.0001 * 1.00005) * 105.0 * 0.9999 * 0.99995
    assert costly.equity.iloc[-1] == pytest.approx(want, rel=1e-12)
    with pytest.raises(ValueError, match=r"Execution\.returns must be one of price, total"):
        Execution(returns="excess")  # type: ignore[arg-type]


def test_event_study_reports_fallback_share_and_basis() -> None:
    from backtest.evidence.event_study import event_study

    f = _frame()
    f.loc[f.index[2], "spx_open"] = np.nan
    sig = pd.Series([True, True, False, False, False, False], index=f.index)
    res = event_study(sig, f, horizons=(1,), n_boot=0, min_episodes=0)
    assert res.fallback_share == 0.5  # day 0 fills day 1 (open), day 1 fills day 2 (close)
    assert res.config.returns == "total"
    assert res.basis_line.startswith("Basis: total mode: forward SPX returns, total return")
    assert "(50.0% of fills fell back to the close)" in res.basis_line
    price = event_study(sig, f, horizons=(1,), n_boot=0, min_episodes=0, returns="price")
    # the dividend going ex on day 3 lifts the total-return mean, not the price one
    assert res.table["mean_signal"].iloc[0] > price.table["mean_signal"].iloc[0]
