"""Execution settings and the exact semantics every simulator must follow.

The vectorbt portfolio (:mod:`backtest.execution.portfolio`), the lean sweep
kernel (:mod:`backtest.sweep`) and the plain-Python reference in the tests all
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
   slippage).  No pyramiding: entries while in a position are ignored.  A
   short that loses more than the equity cannot be covered all in; such a run
   is refused with an error.
3. **Sides.** ``long_entries``/``long_exits`` open/close a long position,
   ``short_entries``/``short_exits`` a short one.  ``side`` chooses which sides
   trade (``None``: the strategy's own sides).  An entry of the opposite side
   while in a position is ignored.  Entry and exit of the same side on the same
   fill day cancel (nothing happens); long and short entries on the same fill
   day cancel too.
4. **Exits.** With ``exit_on_signal`` the side's exit signals close it.  With
   ``holding_period=N`` a position filled on bar ``f`` is closed on bar
   ``f + N`` at that bar's fill price (the exit order is generated at the close
   of bar ``f + N - 1``), unless an exit signal closed it earlier.  A time
   exit is the only order of its bar: signals filling on that bar are ignored.
   At least one of the two must be active.
5. **Costs.** ``fees``: fraction of traded value charged at every fill, entry
   and exit.  ``slippage``: fraction by which each fill price moves against
   the trade (buys at ``P * (1 + slippage)``, sells at ``P * (1 - slippage)``).
6. **Benchmark.** Buy-and-hold SPX bought at the first fill price of the
   period (first day's fill price) with the same costs, valued at each close.
7. **Period.** A run covers the rows from the first to the last day on which
   ``spx_close`` and every column the strategy reads have a value; signals are
   computed on the whole table (warm-up may use earlier rows).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from backtest.execution.fills import FILL_COLUMNS, Fill

__all__ = ["Execution", "PositionSide"]

PositionSide = Literal["long", "short", "both"]


@dataclass(frozen=True)
class Execution:
    """How signals become trades.

    Parameters
    ----------
    fill : {"next_open", "next_close"}, default "next_open"
        Fill timing (never the signal day itself).
    fees : float, default 0.0
        Fraction of traded value paid at each fill, ``0 <= fees < 1``.
    slippage : float, default 0.0
        Adverse fraction of price at each fill, ``0 <= slippage < 1``.
    side : {"long", "short", "both"} or None, default None
        Sides to trade; ``None`` trades the strategy's own sides.
    holding_period : int or None, default None
        Close a position after this many trading days (``>= 1``); ``None``: no
        time exit.
    exit_on_signal : bool, default True
        Close positions on the strategy's exit signals.
    init_cash : float, default 100000.0
        Starting equity.
    """

    fill: Fill = "next_open"
    fees: float = 0.0
    slippage: float = 0.0
    side: PositionSide | None = None
    holding_period: int | None = None
    exit_on_signal: bool = True
    init_cash: float = 100_000.0

    def __post_init__(self) -> None:
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
        if hp is None and not self.exit_on_signal:
            raise ValueError("Execution needs an exit: set holding_period or exit_on_signal=True")
        if not self.init_cash > 0:
            raise ValueError(f"Execution.init_cash={self.init_cash!r} is not allowed: must be > 0")
