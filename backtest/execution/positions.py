"""The position state machine: which lagged signals actually trade.

Every simulator in the project -- the vectorbt portfolio, the lean sweep kernel
-- needs the same answer to "on which fill bars does a position open or close?"
under the rules of :mod:`backtest.execution.config` (no pyramiding, opposite
entries ignored unless the position exits on the same bar, which
reverses it, same-bar conflicts cancel, exits by signal and/or after a holding
period).  :func:`resolve_positions` computes it once, over ``(T, n)``
arrays whose rows are *fill* bars (signals already passed through
:func:`backtest.execution.fills.lag_to_fill`), in one compiled pass.

Its outputs are the *effective* orders: every ``True`` opens or closes a
position, so a simulator fed with them (vectorbt has no time exit of its own)
needs no conflict logic and cannot disagree with another one.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from numba import njit

__all__ = ["resolve_positions"]

BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.int64]


@njit(cache=True)
def _resolve(
    long_entries: BoolArray,
    long_exits: BoolArray,
    short_entries: BoolArray,
    short_exits: BoolArray,
    holding_period: IntArray,
    exit_on_signal: bool,
) -> tuple[BoolArray, BoolArray, BoolArray, BoolArray, npt.NDArray[np.int8]]:
    t_len, n = long_entries.shape
    le_out = np.zeros((t_len, n), dtype=np.bool_)
    lx_out = np.zeros((t_len, n), dtype=np.bool_)
    se_out = np.zeros((t_len, n), dtype=np.bool_)
    sx_out = np.zeros((t_len, n), dtype=np.bool_)
    state = np.zeros((t_len, n), dtype=np.int8)
    for j in range(n):
        hp = holding_period[j]
        pos = 0
        opened = -1
        for i in range(t_len):
            le = long_entries[i, j]
            se = short_entries[i, j]
            lx = exit_on_signal and long_exits[i, j]
            sx = exit_on_signal and short_exits[i, j]
            if le and lx:
                le = False
                lx = False
            if se and sx:
                se = False
                sx = False
            if le and se:
                le = False
                se = False
            if pos != 0 and hp > 0 and i - opened >= hp:
                # time exit: the held side closes whatever its signals say, and
                # a same-side entry is not taken (an opposite one reverses)
                if pos > 0:
                    lx = True
                    le = False
                else:
                    sx = True
                    se = False
            if pos > 0:
                if not lx:
                    state[i, j] = pos
                    continue  # entries of either side are ignored
                lx_out[i, j] = True
                pos = 0
                le = False  # (already cancelled against the exit)
            elif pos < 0:
                if not sx:
                    state[i, j] = pos
                    continue
                sx_out[i, j] = True
                pos = 0
                se = False
            if le:
                le_out[i, j] = True
                pos = 1
                opened = i
            elif se:
                se_out[i, j] = True
                pos = -1
                opened = i
            state[i, j] = pos
    return le_out, lx_out, se_out, sx_out, state


def resolve_positions(
    long_entries: BoolArray,
    long_exits: BoolArray,
    short_entries: BoolArray,
    short_exits: BoolArray,
    holding_period: int | npt.ArrayLike | None = None,
    exit_on_signal: bool = True,
) -> tuple[BoolArray, BoolArray, BoolArray, BoolArray, npt.NDArray[np.int8]]:
    """Effective entries and exits of each side under the execution rules.

    All inputs are indexed by *fill* bar (already lagged).  For each column,
    bar by bar, with ``pos`` the position side before the bar:

    1. Exits are ignored unless ``exit_on_signal``; an entry and an exit of the
       same side on the bar cancel each other; then a long and a short entry
       on the bar cancel each other.
    2. If ``pos != 0``, a holding period ``N >= 1`` is set and the position
       was opened on bar ``f`` with ``i - f >= N``, the held side's exit is
       forced and its entry dropped.
    3. In a long (short) position without a long (short) exit, nothing happens
       (entries of either side are ignored).  With the exit, the position is
       closed; if a short (long) entry is on the same bar, the opposite
       position is then opened at the same fill: a *reversal* (both outputs
       ``True`` on that bar).  Flat, a long entry opens a long position, a
       short entry a short one; exits are ignored.

    Parameters
    ----------
    long_entries, long_exits, short_entries, short_exits : ndarray of bool, shape (T, n)
        Lagged signals (``True`` on the fill bar).
    holding_period : int, None or array-like of int, shape (n,), default None
        Bars after which a position is closed; ``None`` or ``0``: no time exit.
        An array gives each column its own holding period.
    exit_on_signal : bool, default True
        Whether exit signals close positions.

    Returns
    -------
    long_entries, long_exits, short_entries, short_exits : ndarray of bool, shape (T, n)
        Bars on which a position of that side is actually opened / closed.
    state : ndarray of int8, shape (T, n)
        Position side held at the close of each bar: ``1`` long, ``-1`` short,
        ``0`` flat.

    Raises
    ------
    ValueError
        If the arrays differ in shape or are not 2-D, or a holding period is
        negative.
    """
    arrays = [np.ascontiguousarray(a, dtype=np.bool_)
              for a in (long_entries, long_exits, short_entries, short_exits)]
    shape = arrays[0].shape
    if len(shape) != 2 or any(a.shape != shape for a in arrays):
        raise ValueError(f"signal arrays must be 2-D of one shape, got "
                         f"{[a.shape for a in arrays]}")
    if holding_period is None:
        hp = np.zeros(shape[1], dtype=np.int64)
    else:
        hp = np.broadcast_to(np.asarray(holding_period, dtype=np.int64), (shape[1],)).copy()
    if (hp < 0).any():
        raise ValueError(f"holding_period must be >= 1 (or 0/None for none), got {hp.min()}")
    return _resolve(arrays[0], arrays[1], arrays[2], arrays[3], hp, bool(exit_on_signal))
