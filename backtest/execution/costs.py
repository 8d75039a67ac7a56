"""Default trading costs of an SPX trader (no imports: the command line's help reads them).

Fees 0.5 bp per side: an E-mini S&P 500 round turn costs about $2.50-5 in
commission and exchange fees on $250k+ of notional (under 0.2 bp per side);
SPY trades commission-free but pays SEC/FINRA fees on sales; 0.5 bp covers
both with a margin.  Slippage 1 bp per side: half of SPY's one-cent spread is
0.1-0.25 bp and half an ES tick 0.3-0.6 bp; at the opening auction and in
the stressed markets these signals fire in, 1 bp is a realistic allowance.
"""

from __future__ import annotations

__all__ = ["COSTS_NOTE", "DEFAULT_FEES", "DEFAULT_SLIPPAGE"]

#: Default fees per side, a fraction of traded value (0.5 bp).
DEFAULT_FEES = 0.00005
#: Default slippage per side, a fraction of price (1 bp).
DEFAULT_SLIPPAGE = 0.0001
#: One-line justification, for help texts.
COSTS_NOTE = ("the defaults, 0.5 bp fees + 1 bp slippage per side, are those of SPY or "
              "E-mini futures (commission and exchange fees, half the spread at the open); "
              "--fees 0 --slippage 0 is frictionless")
