"""The one comparison: ties are never breaks, NaN is never a signal."""

from __future__ import annotations

import numpy as np

from strategies.compare import (
    above,
    at_or_above,
    at_or_below,
    below,
    crosses_above,
    crosses_below,
)
from strategies.indicators import rolling_mean


def test_exact_tie_in_float_is_not_a_break() -> None:
    # 1.1 * 11 rounds to 12.100000000000001: mathematically a tie with 12.1
    band = 1.1 * 11.0
    assert band != 12.1
    assert not above(12.1, band) and not below(12.1, band)
    assert at_or_below(12.1, band) and at_or_above(12.1, band)
    assert not above(band, 12.1) and not below(band, 12.1)


def test_one_cent_is_a_break() -> None:
    assert above(22.01, 22.0) and below(21.99, 22.0)
    assert not at_or_below(22.01, 22.0) and not at_or_above(21.99, 22.0)
    # a cent over a 63-day mean: the smallest real difference of a cent-quoted series
    assert above(30.0 + 0.01 / 63, 30.0)


def test_rolling_mean_tie() -> None:
    # mean of 20.1, 20.2, 20.3 is 20.2 exactly; the float mean may be off by ulps
    closes = np.array([20.1, 20.2, 20.3, 20.2])
    m = rolling_mean(closes, 3)
    assert not above(closes[3], m[2]) and not below(closes[3], m[2])
    assert at_or_below(closes[3], m[2])


def test_nan_is_false_everywhere() -> None:
    for f in (above, below, at_or_above, at_or_below):
        assert not f(np.nan, 1.0) and not f(1.0, np.nan) and not f(np.nan, np.nan)


def test_infinite_values() -> None:
    assert above(np.inf, 10.0) and below(10.0, np.inf) and below(-np.inf, 0.0)
    assert not above(np.inf, np.inf) and not above(10.0, np.inf)


def test_near_zero_uses_absolute_tolerance() -> None:
    assert not above(1e-14, 0.0)  # float dust of a zero residual
    assert above(1e-9, 0.0) and below(-1e-9, 0.0)


def test_broadcast_shapes() -> None:
    x = np.array([[1.0], [2.0], [3.0]])
    b = np.array([[1.5, 2.0]])
    np.testing.assert_array_equal(above(x, b), [[False, False], [True, False], [True, True]])
    np.testing.assert_array_equal(at_or_above(x, b), [[False, False], [True, True], [True, True]])


def test_crosses() -> None:
    a = np.array([1.0, 2.0, 3.0, 2.0, 1.0, np.nan, 3.0])
    b = np.full(7, 2.0)
    # row 2 crosses above (row 1 is a tie, i.e. at or below); row 6 follows a NaN
    np.testing.assert_array_equal(crosses_above(a, b), [0, 0, 1, 0, 0, 0, 0])
    np.testing.assert_array_equal(crosses_below(a, b), [0, 0, 0, 0, 1, 0, 0])
