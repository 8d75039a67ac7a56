"""Execution settings and the exact semantics every simulator must follow.

The run's simulators (:mod:`backtest.execution.portfolio`: the project's numba
simulator and vectorbt, its reference), the lean sweep kernel
(:mod:`backtest.sweep`) and the plain-Python reference in the tests all
implement the rules below; tests hold them to agree to 1e-9.

Rules
-----
1. **Timing.** A signal on day ``t`` is computed from data known at ``t``'s
   close.  The order fills on day ``t + 1`` at SPX's open (``fill="next_open"``)
   or close (``fill="next_close"``); see :mod:`backtest.execution.fills`.  Equity
   is marked at every day's SPX close.  A position open at the end of the data
   is valued at the last close, not closed.
2. **Sizing.** All in: an entry commits the whole current equity ``E``, fee
   included: a long entry buys ``E / (P_buy * (1 + fees))`` units, a short
   entry sells ``E / (P_sell * (1 + fees))`` units short (``P_*`` after
   slippage).  No pyramiding: entries of the held side are ignored.  A short
   whose loss exceeds the equity (covering it would cost more than the cash
   held) cannot be covered all in: every simulator refuses such a run with a
   ``ValueError`` naming the column and day, rather than carrying a partly
   covered short (the vectorbt run and the sweep alike).
3. **Sides and reversals.** ``long_entries``/``long_exits`` open/close a long
   position, ``short_entries``/``short_exits`` a short one.  ``side`` chooses
   which sides trade (``None``: the strategy's own sides).  Same-day
   conflicts are resolved first: an entry and an exit of the same side on
   the same fill day cancel (neither happens); then long and short entries
   on the same fill day cancel.  In a position, what remains acts as follows:

   * an exit of the held side closes it;
   * an exit of the held side together with an entry of the opposite side
     is a **reversal** (stop and reverse): the position is closed and the
     opposite one opened at the same fill price, exit first, then entry, each
     paying its own fee and slippage, the entry committing the whole equity
     left after the exit;
   * an entry of the opposite side *without* an exit of the held side is
     ignored: the held idea has not ended by its own rule, so the opposite
     signal would otherwise cut it short on the other idea's terms (and a
     strategy whose exit and opposite entry are one event, like a contango
     flip, emits both, so it reverses).
4. **Exits.** With ``exit_on_signal`` the side's exit signals close it.  With
   a holding period ``N`` a position filled on bar ``f`` is closed on bar
   ``f + N`` at that bar's fill price (the exit order is generated at the close
   of bar ``f + N - 1``), unless an exit signal closed it earlier.  On that bar
   the time exit acts as an exit of the held side: an entry of the same side
   is not taken, an entry of the opposite side (left after rule 3's
   cancellations) reverses the position as in rule 3.

   The holding period is ``Execution.holding_period``; when that is ``None``,
   each parameter set's :attr:`strategies.base.Strategy.default_holding_period`
   (the natural horizon of an idea with no exit rule, e.g. 21 days for the
   divergence and residual-surprise signals; ``None`` for ideas with exits).
   A traded side that can never close -- no holding period and, with
   ``exit_on_signal``, no exit signal of that side in the whole data while
   it has entries -- is refused with a ``ValueError`` naming the strategy and
   the fix, rather than held to the end of the data.  ``exit_on_signal=False``
   requires an explicit ``holding_period``.
5. **Costs.** ``fees``: fraction of traded value charged at every fill, entry
   and exit.  ``slippage``: fraction by which each fill price moves against
   the trade (buys at ``P * (1 + slippage)``, sells at ``P * (1 - slippage)``).
   Default costs (:data:`DEFAULT_FEES`, :data:`DEFAULT_SLIPPAGE`) are those of
   a trader of SPY or the E-mini future: 0.5 bp fees per side (an ES
   round-turn commission plus exchange fees is about $2.50-5 on $250k+ of
   notional, under 0.2 bp per side; SPY commissions are zero but SEC/FINRA
   fees apply on sales -- 0.5 bp covers both with a margin) and 1 bp slippage
   per side (half of SPY's one-cent spread is about 0.1-0.25 bp, half an ES
   tick 0.3-0.6 bp; at the open auction and in the stressed markets these
   signals fire in, 1 bp is a realistic allowance).  ``fees=0, slippage=0``
   gives frictionless results.
6. **Benchmark.** Buy-and-hold SPX bought at the first fill price of the
   period (first day's fill price) with the same costs, valued at each close.
   It trades the same return basis (a total-return benchmark in total mode).
7. **Period.** A run covers the rows from the first to the last day on which
   ``spx_close`` and every column the strategy reads have a value; signals are
   computed on the whole table (warm-up may use earlier rows).
8. **Fill prices.** A fill on a day without a real SPX open takes that day's
   close (:mod:`backtest.execution.fills`); the share of such fills is
   reported (:attr:`backtest.execution.result.RunResult.fallback_share`).
9. **Returns mode.** ``returns="total"``: dividends (longs earn, shorts pay),
   cash (idle and short proceeds) earns the 3-month T-bill, Sharpe/Sortino in
   excess of it; ``"price"``: none of these.  See
   :mod:`backtest.execution.basis` for the formulas and for what is used
   outside the total-return index's span.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from backtest.execution.basis import RETURNS_MODES, ReturnsMode
from backtest.execution.costs import DEFAULT_FEES, DEFAULT_SLIPPAGE
from backtest.execution.fills import FILL_COLUMNS, Fill

__all__ = ["DEFAULT_FEES", "DEFAULT_SLIPPAGE", "Execution", "PositionSide"]

PositionSide = Literal["long", "short", "both"]


@dataclass(frozen=True)
class Execution:
    """How signals become trades.

    Parameters
    ----------
    fill : {"next_open", "next_close"}, default "next_open"
        Fill timing (never the signal day itself).
    fees : float, default DEFAULT_FEES (0.5 bp)
        Fraction of traded value paid at each fill, ``0 <= fees < 1``.
    slippage : float, default DEFAULT_SLIPPAGE (1 bp)
        Adverse fraction of price at each fill, ``0 <= slippage < 1``.
    side : {"long", "short", "both"} or None, default None
        Sides to trade; ``None`` trades the strategy's own sides.
    holding_period : int or None, default None
        Close a position after this many trading days (``>= 1``); ``None``: the
        strategy's ``default_holding_period`` (no time exit for strategies with
        exit signals; see rule 4).
    exit_on_signal : bool, default True
        Close positions on the strategy's exit signals.
    init_cash : float, default 100000.0
        Starting equity.
    returns : {"price", "total"}, default "total"
        Returns mode (rule 9).
    """

    fill: Fill = "next_open"
    fees: float = DEFAULT_FEES
    slippage: float = DEFAULT_SLIPPAGE
    side: PositionSide | None = None
    holding_period: int | None = None
    exit_on_signal: bool = True
    init_cash: float = 100_000.0
    returns: ReturnsMode = "total"

    def __post_init__(self) -> None:
        if self.returns not in RETURNS_MODES:
            raise ValueError(f"Execution.returns must be one of {', '.join(RETURNS_MODES)}, "
                             f"got {self.returns!r}")
        if self.fill not in FILL_COLUMNS:
            raise ValueError(f"Execution.fill must be one of {sorted(FILL_COLUMNS)}, "
                             f"got {self.fill!r}")
        for name in ("fees", "slippage"):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, int | float) or not 0.0 <= v < 1.0:
                raise ValueError(f"Execution.{name}={v!r} is not allowed: must be >= 0 and < 1")
        if self.side not in (None, "long", "short", "both"):
            raise ValueError(f"Execution.side must be 'long', 'short', 'both' or None, "
                             f"got {self.side!r}")
        hp = self.holding_period
        if hp is not None and (isinstance(hp, bool) or not isinstance(hp, int) or hp < 1):
            raise ValueError(f"Execution.holding_period={hp!r} is not allowed: "
                             "must be an integer >= 1 or None")
        if not isinstance(self.exit_on_signal, bool | np.bool_):
            raise TypeError(f"Execution.exit_on_signal must be True or False, got "
                            f"{self.exit_on_signal!r}")
        if hp is None and not self.exit_on_signal:
            raise ValueError("Execution needs an exit: set holding_period or exit_on_signal=True")
        ic = self.init_cash
        if isinstance(ic, bool) or not isinstance(ic, int | float) or not np.isfinite(ic):
            raise ValueError(f"Execution.init_cash={ic!r} is not allowed: must be a finite "
                             "number > 0")
        if not self.init_cash > 0:
            raise ValueError(f"Execution.init_cash={self.init_cash!r} is not allowed: must be > 0")
