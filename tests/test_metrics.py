"""Each performance metric on hand-computed examples."""

from __future__ import annotations

import math

import numpy as np
import pytest

from backtest import metrics as m

R = [0.1, -0.2, 0.05, 0.0]
# wealth 1 -> 1.1 -> 0.88 -> 0.924 -> 0.924
MEAN = -0.05 / 4
SD = math.sqrt((0.1125**2 + 0.1875**2 + 0.0625**2 + 0.0125**2) / 3)


def test_returns_from_equity_and_wealth() -> None:
    np.testing.assert_allclose(m.returns_from_equity([110.0, 99.0, 99.0], 100.0),
                               [0.1, -0.1, 0.0], rtol=1e-15)
    np.testing.assert_allclose(m.wealth_index(R), [1.0, 1.1, 0.88, 0.924, 0.924], rtol=1e-15)


def test_total_and_annualized_return() -> None:
    assert m.total_return(R) == pytest.approx(-0.076, rel=1e-12)
    assert m.annualized_return(R) == pytest.approx(0.924**63 - 1.0, rel=1e-12)
    assert m.total_return([]) == 0.0
    assert math.isnan(m.annualized_return([]))
    assert m.annualized_return([0.5, -1.0]) == -1.0   # wiped out
    # one year of 252 bars of 0.1 % each
    assert m.annualized_return([0.001] * 252) == pytest.approx(1.001**252 - 1, rel=1e-12)


def test_volatility_and_sharpe() -> None:
    assert pytest.approx(0.131497782, rel=1e-8) == SD
    assert m.annualized_volatility(R) == pytest.approx(SD * math.sqrt(252), rel=1e-12)
    assert m.sharpe_ratio(R) == pytest.approx(MEAN / SD * math.sqrt(252), rel=1e-12)
    assert math.isnan(m.sharpe_ratio([0.01, 0.01, 0.01]))   # zero deviation
    assert math.isnan(m.sharpe_ratio([0.01]))
    assert math.isnan(m.annualized_volatility([0.01]))


def test_sortino_uses_all_bars_in_downside_deviation() -> None:
    # only -0.2 is below 0: DD = sqrt(0.04 / 4) = 0.1
    assert m.sortino_ratio(R) == pytest.approx(MEAN / 0.1 * math.sqrt(252), rel=1e-12)
    assert m.sortino_ratio(R) == pytest.approx(-1.984313483298443, rel=1e-12)
    assert math.isnan(m.sortino_ratio([0.01, 0.0]))


def test_drawdown_depth_and_duration() -> None:
    np.testing.assert_allclose(m.drawdown(R), [0.0, -0.2, -0.16, -0.16], rtol=1e-12)
    assert m.max_drawdown(R) == pytest.approx(-0.2, rel=1e-12)
    assert m.max_drawdown_duration(R) == 3          # under water bars 2..4, peak at bar 1
    assert m.calmar_ratio(R) == pytest.approx((0.924**63 - 1.0) / 0.2, rel=1e-12)


def test_drawdown_duration_equal_high_counts_as_recovered() -> None:
    r = [-0.5, 0.0, 1.0, -0.25]                       # wealth 1, .5, .5, 1, .75
    assert m.max_drawdown_duration(r) == 2
    assert m.max_drawdown(r) == -0.5
    assert m.max_drawdown_duration([-0.1]) == 1       # the first bar below the initial cash
    assert m.max_drawdown_duration([0.1, 0.1]) == 0
    assert m.max_drawdown([0.1, 0.1]) == 0.0
    assert math.isnan(m.calmar_ratio([0.1, 0.1]))


def test_trade_metrics() -> None:
    tr = [0.1, -0.05, 0.0, 0.2, -0.15]
    assert m.win_rate(tr) == pytest.approx(0.4)
    assert m.average_win(tr) == pytest.approx(0.15)
    assert m.average_loss(tr) == pytest.approx(-0.1)
    assert m.profit_factor([100.0, -50.0, 0.0, 300.0, -150.0]) == pytest.approx(2.0)
    assert m.profit_factor([10.0]) == math.inf
    assert math.isnan(m.profit_factor([]))
    assert math.isnan(m.profit_factor([0.0]))
    assert math.isnan(m.win_rate([]))
    assert math.isnan(m.average_loss([0.1]))


def test_time_in_market() -> None:
    assert m.time_in_market([0.0, 1.5, -2.0, 0.0]) == 0.5
    assert math.isnan(m.time_in_market([]))


def test_two_dimensional_input_rejected() -> None:
    with pytest.raises(ValueError, match=r"expected a 1-D array, got shape \(2, 2\)"):
        m.total_return(np.zeros((2, 2)))
