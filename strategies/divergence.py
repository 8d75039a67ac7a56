"""VIX/SPX divergences: fear and price telling different stories."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
import numpy.typing as npt
import pandas as pd

from strategies.base import ParamArrays, RawSignals, Side, Strategy, param
from strategies.compare import above, at_or_above, below
from strategies.gridtools import by_group
from strategies.indicators import (
    consecutive_count,
    pct_change,
    per_unique,
    rolling_max,
    rolling_ols,
)

__all__ = ["DIVERGENCES", "Divergence"]

DIVERGENCES = ("jump_no_drop", "up_days", "weak_fear", "fear_after_high")
"""The four divergence examples of SIGNALS.md (see :class:`Divergence`)."""


@dataclass(frozen=True)
class Divergence(Strategy):
    """VIX/SPX divergences (SIGNALS.md, further ideas); short side.

    ``variant`` picks one of the commentary's four examples, each read on day
    ``t`` from closes up to ``t``:

    ``"jump_no_drop"`` (default)
        The VIX rose more than ``vix_jump`` (25 %) over the last ``jump_days``
        days while SPX fell less than ``spx_max_drop`` (1 %) over the same days.
    ``"up_days"``
        The VIX closed up on at least ``up_count`` (9) of the last
        ``up_window`` (11) days while SPX moved less than ``flat_band`` (1 %)
        either way over those days.
    ``"weak_fear"``
        SPX closed down ``down_days`` (5) days in a row but the VIX's log
        change over those days is less than ``fear_fraction`` (half) of its
        usual amount: the slope of daily VIX log changes on daily SPX log
        returns over the ``usual_window`` days before ``t`` (rolling, never on
        the full sample) times the SPX log return of the streak.  Only when
        that usual amount is a rise (a negative slope).
    ``"fear_after_high"``
        SPX closed at its ``high_window``-day high on ``t - 1`` (a new high) and
        the VIX rose more than ``fear_jump`` (10 %) on day ``t``.

    Side: in each case fear is rising without the price decline that would
    justify it (or, for ``weak_fear``, the decline fails to produce the fear a
    bottom needs); the commentary read all four as warnings, so they expect SPX
    to fall (short side).

    No exit signal: a divergence is a one-day event; the execution layer's
    holding period closes the trade (21 trading days, about a month, unless
    ``Execution.holding_period`` says otherwise).

    Known at the signal day's close: VIX and SPX closes up to and including
    that day.  The execution layer fills the trade on the next day (SPX open by
    default); this class never shifts its output.

    Parameters
    ----------
    variant : {"jump_no_drop", "up_days", "weak_fear", "fear_after_high"}
        Divergence example, default ``"jump_no_drop"``.
    jump_days : int, default 5
        jump_no_drop: days of the VIX rise and SPX move.  The commentary gives
        no horizon; a trading week is used because a one-day rise of more than
        25 % with SPX down less than 1 % never happened from 1990 to 2026.
    vix_jump : float, default 0.25
        jump_no_drop: VIX rise (fraction).
    spx_max_drop : float, default 0.01
        jump_no_drop: SPX must have fallen less than this (fraction).
    up_window : int, default 11
        up_days: window in days.
    up_count : int, default 9
        up_days: VIX up days needed in the window (at most ``up_window``).
    flat_band : float, default 0.01
        up_days: largest SPX move over the window that counts as flat.
    down_days : int, default 5
        weak_fear: consecutive SPX down days.
    fear_fraction : float, default 0.5
        weak_fear: fraction of the usual VIX rise below which fear is weak.
    usual_window : int, default 252
        weak_fear: days in the rolling regression that defines the usual rise.
    high_window : int, default 252
        fear_after_high: N of the SPX N-day closing high.
    fear_jump : float, default 0.10
        fear_after_high: VIX rise on the day after the high (fraction).

    Notes
    -----
    Thresholds are strict: SPX down exactly 1 % has not "fallen less than 1 %";
    a VIX up exactly 25 % has not risen more than 25 %.  An SPX close equal to
    its earlier high is at its high.
    """

    name: ClassVar[str] = "divergence"
    title: ClassVar[str] = "VIX/SPX divergence"
    idea: ClassVar[str] = ("VIX up 25% while SPX fell <1% (or 9 of 11 VIX up days, weak fear in "
                           "a 5-day SPX slide, fear up 10% after an SPX high): expect SPX to fall")
    required_columns: ClassVar[tuple[str, ...]] = ("vix_close", "spx_close")
    sides: ClassVar[tuple[Side, ...]] = ("short",)
    # The commentary states no forward horizon for this idea: each side's primary
    # hypothesis is the month after the signal (21 trading days), fixed before any test.
    primary_horizon: ClassVar[dict[str, int]] = {"short": 21}
    published: ClassVar[int | None] = 2013
    signals_on_complete_rows: ClassVar[bool] = True
    holding_period: ClassVar[int | None] = 21

    variant: str = param("jump_no_drop", "which divergence", choices=DIVERGENCES)
    jump_days: int = param(5, "jump_no_drop: days of the moves", low=1, high=21)
    vix_jump: float = param(0.25, "jump_no_drop: VIX rise (fraction)", low=0.0, low_open=True,
                            high=10.0)
    spx_max_drop: float = param(0.01, "jump_no_drop: SPX fell less than this (fraction)",
                                low=0.0, high=0.5)
    up_window: int = param(11, "up_days: window, days", low=2, high=63)
    up_count: int = param(9, "up_days: VIX up days needed in the window", low=1, high=63)
    flat_band: float = param(0.01, "up_days: largest SPX move that counts as flat (fraction)",
                             low=0.0, low_open=True, high=0.5)
    down_days: int = param(5, "weak_fear: consecutive SPX down days", low=2, high=21)
    fear_fraction: float = param(0.5, "weak_fear: fraction of the usual VIX rise",
                                 low=0.0, low_open=True, high=2.0)
    usual_window: int = param(252, "weak_fear: days in the rolling VIX-on-SPX regression",
                              low=20, high=2520)
    high_window: int = param(252, "fear_after_high: N of the SPX N-day closing high",
                             low=2, high=2520)
    fear_jump: float = param(0.10, "fear_after_high: VIX rise the next day (fraction)",
                             low=0.0, low_open=True, high=10.0)

    def validate(self) -> None:
        """``up_count`` cannot exceed ``up_window``."""
        if self.up_count > self.up_window:
            raise ValueError(f"Divergence: up_count={self.up_count} cannot exceed "
                             f"up_window={self.up_window}")

    @property
    def has_exit_rule(self) -> bool:
        """No exit in the commentary: positions close after :attr:`holding_period`."""
        return False

    @classmethod
    def warmup_for(cls, p: ParamArrays) -> np.ndarray:
        """Rows of history each variant's indicators need."""
        v = np.asarray(p.variant)
        out: np.ndarray = np.select(
            [v == "jump_no_drop", v == "up_days", v == "weak_fear"],
            [np.asarray(p.jump_days, np.int64), np.asarray(p.up_window, np.int64),
             np.maximum(np.asarray(p.usual_window, np.int64) + 1,
                        np.asarray(p.down_days, np.int64))],
            default=np.asarray(p.high_window, np.int64),
        )
        return out

    @classmethod
    def generate(cls, data: pd.DataFrame, p: ParamArrays) -> RawSignals:
        """Divergence entries; see the class docstring."""
        return by_group(data, p, ("variant",), lambda key: cls.required_columns, _compute,
                        warmup=cls.warmup_for(p))


def _lag(x: npt.NDArray[Any]) -> npt.NDArray[Any]:
    out = np.empty_like(x, dtype=np.float64)
    out[:1] = np.nan
    out[1:] = x[:-1]
    return out


def _compute(frame: pd.DataFrame, q: ParamArrays, key: tuple[Any, ...]) -> RawSignals:
    v = frame["vix_close"].to_numpy(np.float64)
    s = frame["spx_close"].to_numpy(np.float64)
    variant = key[0]
    if variant == "jump_no_drop":
        vchg = per_unique(lambda k: pct_change(v, k), q.jump_days)
        schg = per_unique(lambda k: pct_change(s, k), q.jump_days)
        entries = above(vchg, q.col("vix_jump")) & above(schg, -q.col("spx_max_drop"))
    elif variant == "up_days":
        ups = np.cumsum(above(v, _lag(v)), dtype=np.float64)

        def up_count(w: int) -> npt.NDArray[np.float64]:
            out = np.full(len(v), np.nan)
            out[w:] = ups[w:] - ups[:-w]
            return out
        count = per_unique(up_count, q.up_window)
        move = np.abs(per_unique(lambda w: pct_change(s, w), q.up_window))
        entries = at_or_above(count, q.col("up_count")) & below(move, q.col("flat_band"))
    elif variant == "weak_fear":
        with np.errstate(invalid="ignore", divide="ignore"):
            lv = np.log(v)
            ls = np.log(s)
        dv = np.diff(lv, prepend=np.nan)
        ds = np.diff(ls, prepend=np.nan)
        streak = consecutive_count(below(s, _lag(s)))[:, None] >= q.col("down_days")
        beta = per_unique(lambda w: _lag(rolling_ols(dv, ds, w)[1]), q.usual_window)
        spx_move = per_unique(lambda d: _diff(ls, d), q.down_days)
        vix_move = per_unique(lambda d: _diff(lv, d), q.down_days)
        usual = beta * spx_move
        entries = streak & above(usual, 0.0) & below(vix_move, q.col("fear_fraction") * usual)
    else:  # fear_after_high
        at_high = at_or_above(s[:, None], per_unique(lambda n: rolling_max(s, n), q.high_window))
        setup = np.zeros_like(at_high)
        setup[1:] = at_high[:-1]
        entries = setup & above(pct_change(v, 1)[:, None], q.col("fear_jump"))
    return RawSignals(short_entries=entries)


def _diff(x: npt.NDArray[np.float64], d: int) -> npt.NDArray[np.float64]:
    out = np.full(len(x), np.nan)
    out[d:] = x[d:] - x[:-d]
    return out
