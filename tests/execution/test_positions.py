"""The position state machine on small hand-made arrays."""

from __future__ import annotations

import numpy as np
import pytest

from backtest.execution.positions import resolve_positions


def cols(*rows: str) -> np.ndarray:
    """One column per string: ``"..x.."`` -> True where ``x``."""
    return np.array([[c == "x" for c in r] for r in rows]).T


def test_no_pyramiding_and_exit() -> None:
    le = cols("xx.x..")
    lx = cols("...x.x")
    z = cols("......")
    e, x, se, sx, state = resolve_positions(le, lx, z, z)
    assert e[:, 0].tolist() == cols("x.....")[:, 0].tolist()
    # day 3 has entry and exit together: cancel, the position stays
    assert x[:, 0].tolist() == cols(".....x")[:, 0].tolist()
    assert state[:, 0].tolist() == [1, 1, 1, 1, 1, 0]
    assert not se.any() and not sx.any()


def test_holding_period_per_column() -> None:
    le = np.repeat(cols("x......"), 3, axis=1)
    z = np.zeros_like(le)
    _, x, _, _, state = resolve_positions(le, z, z, z, holding_period=[0, 1, 3])
    assert x[:, 0].tolist() == [False] * 7
    assert np.flatnonzero(x[:, 1]).tolist() == [1]
    assert np.flatnonzero(x[:, 2]).tolist() == [3]
    assert state[:, 2].tolist() == [1, 1, 1, 0, 0, 0, 0]


def test_exit_signal_before_holding_period_and_signals_ignored_on_time_exit() -> None:
    le = cols("x.x.x..")
    lx = cols(".x.....")
    z = cols(".......")
    e, x, _, _, _ = resolve_positions(le, lx, z, z, holding_period=2)
    assert np.flatnonzero(e[:, 0]).tolist() == [0, 2]
    # opened 2, time exit 4; the entry on 4 is not taken
    assert np.flatnonzero(x[:, 0]).tolist() == [1, 4]


def test_exit_on_signal_false_ignores_exits() -> None:
    le = cols("x.....")
    lx = cols(".x.x..")
    z = cols("......")
    _, x, _, _, _ = resolve_positions(le, lx, z, z, holding_period=4, exit_on_signal=False)
    assert np.flatnonzero(x[:, 0]).tolist() == [4]


def test_sides_and_direction_conflicts() -> None:
    le = cols("x..x....")
    se = cols("x.x...x.")
    lx = cols("....x...")
    sx = cols(".......x")
    e, x, s_e, s_x, state = resolve_positions(le, lx, se, sx)
    # day 0: both entries cancel; day 2: short; day 3: long entry while short ignored;
    # day 4: long exit while short ignored; day 7: short exit
    assert not e.any() and not x.any()
    assert np.flatnonzero(s_e[:, 0]).tolist() == [2]
    assert np.flatnonzero(s_x[:, 0]).tolist() == [7]
    assert state[:, 0].tolist() == [0, 0, -1, -1, -1, -1, -1, 0]


def test_bad_arrays_rejected() -> None:
    a = np.zeros((5, 2), dtype=bool)
    with pytest.raises(ValueError, match="2-D of one shape"):
        resolve_positions(a, a, a, np.zeros((5, 3), dtype=bool))
    with pytest.raises(ValueError, match="holding_period must be >= 1"):
        resolve_positions(a, a, a, a, holding_period=[-1, 2])


def _on(a: np.ndarray) -> list[int]:
    return np.flatnonzero(a[:, 0]).tolist()


def test_exit_with_opposite_entry_reverses() -> None:
    le = cols("x....x..")
    lx = cols("..x.....")
    se = cols("..x.x...")
    sx = cols(".......x")
    e, x, s_e, s_x, state = resolve_positions(le, lx, se, sx)
    # day 2: the long's exit and a short entry -> closed and reversed on the same bar;
    # day 4: short entry while short (no pyramiding); day 5: long entry without the
    # short's exit is ignored; day 7: the short exits
    assert (_on(e), _on(x), _on(s_e), _on(s_x)) == ([0], [2], [2], [7])
    assert state[:, 0].tolist() == [1, 1, -1, -1, -1, -1, -1, 0]


def test_opposite_entry_without_exit_is_ignored() -> None:
    le = cols("x.....")
    z = cols("......")
    se = cols(".x.x..")
    e, x, s_e, s_x, state = resolve_positions(le, z, se, z)
    assert (_on(e), _on(x), _on(s_e), _on(s_x)) == ([0], [], [], [])
    assert state[:, 0].tolist() == [1] * 6


def test_time_exit_with_opposite_entry_reverses() -> None:
    # N=2: long 0 -> time exit on 2 meets a short entry: reversed; the short's
    # time exit on 4 meets a long entry: reversed again; the long ends on 6
    le = cols("x...x..")
    se = cols("..x....")
    z = cols(".......")
    e, x, s_e, s_x, state = resolve_positions(le, z, se, z, holding_period=2)
    assert (_on(e), _on(x), _on(s_e), _on(s_x)) == ([0, 4], [2, 6], [2], [4])
    assert state[:, 0].tolist() == [1, 1, -1, -1, 1, 1, 0]


def test_conflicts_cancel_before_a_reversal() -> None:
    le = cols("xx.x..")
    lx = cols(".x.x..")
    se = cols(".xxx..")
    sx = cols("..x...")
    e, x, s_e, s_x, state = resolve_positions(le, lx, se, sx)
    # day 1: long entry and exit cancel, so no exit: the short entry is ignored;
    # day 2: short entry and exit cancel: nothing; day 3: long entry/exit cancel,
    # the short entry finds no exit of the long: ignored
    assert (_on(e), _on(x), _on(s_e), _on(s_x)) == ([0], [], [], [])
    lx2 = cols("..x...")
    e, x, s_e, s_x, state = resolve_positions(le, lx2, se, sx)
    # day 2: the long exits; the short entry is cancelled by its own exit
    assert (_on(e), _on(x), _on(s_e), _on(s_x)) == ([0], [2], [], [])
    assert state[:, 0].tolist() == [1, 1, 0, 0, 0, 0]
