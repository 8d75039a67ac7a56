"""Payoff at expiration of VIX option positions: breakevens and extremes by hand."""

from __future__ import annotations

import numpy as np
import pytest

from backtest.payoff import Leg, Position, payoff

SIGNALS_EXAMPLE = ["short:1:call:14:5.15", "short:1:call:20:2.55", "long:1:call:30:0.85"]


def test_signals_md_example_by_hand() -> None:
    # Net premium: +5.15 + 2.55 - 0.85 = +6.85 (a credit).
    # P(S) for S <= 14:        6.85 (all calls expire worthless).
    # 14 <= S <= 20:           6.85 - (S - 14); at S = 20: 0.85 > 0 -> no root here.
    # 20 <= S <= 30:           0.85 - 2 (S - 20); root at S = 20 + 0.85 / 2 = 20.425.
    #                          at S = 30: 0.85 - 20 = -19.15.
    # S >= 30:                 -19.15 - (S - 30) (slope -2 + 1 = -1): unbounded loss.
    res = payoff(SIGNALS_EXAMPLE)
    assert res.net_premium == pytest.approx(6.85)
    assert res.breakevens == pytest.approx([20.425])
    assert res.max_gain == pytest.approx(6.85)
    assert res.max_loss is None
    assert res.position.value([0.0, 14.0, 20.0, 30.0, 40.0]) == pytest.approx(
        [6.85, 6.85, 0.85, -19.15, -29.15])
    d = res.to_dict()
    assert d["net"] == "credit" and d["max_loss_unbounded"] is True
    assert "unbounded" in res.summary()


def test_long_call() -> None:
    # Long 1 x 20 call @ 2: P = -2 below 20, S - 22 above; breakeven 22;
    # max loss -2 (premium), gain unbounded.
    res = payoff([Leg("long", 1, "call", 20, 2.0)])
    assert res.net_premium == pytest.approx(-2.0)
    assert res.breakevens == pytest.approx([22.0])
    assert res.max_gain is None
    assert res.max_loss == pytest.approx(-2.0)


def test_short_put_is_bounded_by_zero_settlement() -> None:
    # Short 2 x 15 puts @ 1.5: P = 2 * (1.5 - max(15 - S, 0)); breakeven 13.5;
    # max gain 3 (credit) for S >= 15; worst case at S = 0: 2 * (1.5 - 15) = -27.
    res = payoff(["short:2:put:15:1.5"])
    assert res.net_premium == pytest.approx(3.0)
    assert res.breakevens == pytest.approx([13.5])
    assert res.max_gain == pytest.approx(3.0)
    assert res.max_loss == pytest.approx(-27.0)


def test_butterfly() -> None:
    # Long 15C @4, short 2 x 20C @1.5, long 25C @0.5: debit 4 + 0.5 - 3 = 1.5.
    # P = -1.5 below 15; rises 1:1 to 3.5 at 20 (root 16.5); falls to -1.5 at 25
    # (root 23.5); flat above 25 (slope 1 - 2 + 1 = 0): both extremes bounded.
    res = payoff(["long:1:call:15:4", "short:2:call:20:1.5", "long:1:call:25:0.5"])
    assert res.net_premium == pytest.approx(-1.5)
    assert res.breakevens == pytest.approx([16.5, 23.5])
    assert res.max_gain == pytest.approx(3.5)
    assert res.max_loss == pytest.approx(-1.5)
    assert res.to_dict()["net"] == "debit"


def test_breakeven_on_a_kink_and_the_grid_contains_it() -> None:
    # Long 20 call @ 0 and short 20 put @ 0 (synthetic long): P = S - 20, root exactly 20.
    res = payoff(["long:1:call:20:0", "short:1:put:20:0"])
    assert res.breakevens == pytest.approx([20.0])
    assert res.max_gain is None and res.max_loss == pytest.approx(-20.0)
    frame = res.to_frame()
    assert 20.0 in frame["settlement"].to_numpy()
    row = frame.loc[frame["settlement"] == 20.0].iloc[0]
    assert row["profit"] == 0.0 and row["profit_usd"] == 0.0


def test_grid_values_match_the_formula() -> None:
    res = payoff(SIGNALS_EXAMPLE, settlement=np.array([10.0, 17.0, 25.0, 35.0]))
    # 17: 6.85 - 3 = 3.85; 25: 0.85 - 10 = -9.15; 35: -19.15 - 5 = -24.15
    assert res.profit == pytest.approx([6.85, 3.85, -9.15, -24.15])


@pytest.mark.parametrize(("text", "match"), [
    ("short:1:call:14", "expected 5 parts"),
    ("sell:1:call:14:5", "side must be long or short"),
    ("short:1:straddle:14:5", "type must be call or put"),
    ("short:x:call:14:5", "quantity 'x' is not a number"),
    ("short:0:call:14:5", "quantity=0.0 is not allowed"),
    ("short:1:call:-3:5", "strike=-3.0 is not allowed"),
])
def test_bad_legs_are_rejected(text: str, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        Leg.parse(text)


def test_empty_position_rejected() -> None:
    with pytest.raises(ValueError, match="at least one leg"):
        Position(())
