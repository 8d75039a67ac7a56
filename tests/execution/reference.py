"""A plain-Python, bar-by-bar reference simulator of the execution rules.

Written from the rules in :mod:`backtest.execution.config` alone -- it does not
call the fill, position or portfolio code -- so that agreement with the
vectorised run is evidence, not tautology.  Deliberately small and slow: one
loop over days, one account (cash and signed units), one open trade at most.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import pandas as pd


@dataclass
class Trade:
    """One round trip (``exit_date`` None while open)."""

    side: str
    entry_date: pd.Timestamp
    entry_price: float  # after slippage
    units: float
    committed: float  # equity put into the trade at entry (fees included)
    exit_date: pd.Timestamp | None = None
    exit_price: float | None = None
    pnl: float | None = None


@dataclass
class Outcome:
    """What the reference produced."""

    equity: list[float] = field(default_factory=list)
    trades: list[Trade] = field(default_factory=list)


def simulate(
    frame: pd.DataFrame,
    long_entries: pd.Series,
    long_exits: pd.Series,
    short_entries: pd.Series,
    short_exits: pd.Series,
    *,
    start: pd.Timestamp,
    end: pd.Timestamp,
    sides: tuple[str, ...],
    fill: str = "next_open",
    fees: float = 0.0,
    slippage: float = 0.0,
    holding_period: int | None = None,
    exit_on_signal: bool = True,
    init_cash: float = 100_000.0,
) -> Outcome:
    """Trade raw (signal-day) signals over the days ``start .. end`` of ``frame``.

    The order triggered by a signal on day ``d`` executes on the trading day
    after ``d`` (the next row of ``frame``) at that day's open (``next_open``)
    or close (``next_close``).  A position that closes (exit signal or time up)
    while the other side's entry arrives is reversed: closed, then the other
    side opened with all the cash, at the same price.  ``holding_period`` is
    the one to use (the caller resolves a strategy's default).

    Raises
    ------
    ValueError
        If covering a short costs more than the cash held (a ruined short).
    """
    dates = list(frame.index)
    opens = list(frame["spx_open"]) if "spx_open" in frame else [math.nan] * len(dates)
    closes = list(frame["spx_close"])
    fill_px = opens if fill == "next_open" else closes

    cash = init_cash
    units = 0.0  # > 0 long, < 0 short
    held = ""  # "", "long" or "short"
    bars_held = 0
    out = Outcome()
    trade: Trade | None = None

    for i, day in enumerate(dates):
        if day < start or day > end:
            continue
        # yesterday's signals (the day before this one in the frame)
        if i > 0:
            prev = dates[i - 1]
            go_long = "long" in sides and bool(long_entries[prev])
            stop_long = "long" in sides and exit_on_signal and bool(long_exits[prev])
            go_short = "short" in sides and bool(short_entries[prev])
            stop_short = "short" in sides and exit_on_signal and bool(short_exits[prev])
        else:
            go_long = stop_long = go_short = stop_short = False
        # an entry and an exit of one side on the same day cancel
        if go_long and stop_long:
            go_long = stop_long = False
        if go_short and stop_short:
            go_short = stop_short = False
        # long and short entries on the same day cancel
        if go_long and go_short:
            go_long = go_short = False

        p = fill_px[i]
        # what closes today: the holding period running out, or the held side's exit
        time_up = bool(held) and holding_period is not None and bars_held >= holding_period
        close_today = time_up or (held == "long" and stop_long) or (
            held == "short" and stop_short)
        # what opens today: flat, either entry; after a close, only the other side
        # (a reversal); in a position that does not close, nothing
        open_side = ""
        if not held or close_today:
            if go_long and held != "long":
                open_side = "long"
            elif go_short and held != "short":
                open_side = "short"

        if close_today:
            assert trade is not None
            if held == "long":
                px = p * (1 - slippage)
                cash += units * px * (1 - fees)
            else:
                px = p * (1 + slippage)
                cost = -units * px * (1 + fees)
                if cost > cash * (1 + 1e-9):
                    raise ValueError(f"ruined short: covering on {day.date()} costs {cost} "
                                     f"with {cash} in cash")
                cash -= cost
            trade.exit_date, trade.exit_price = day, px
            trade.pnl = cash - trade.committed
            units, held, trade = 0.0, "", None
        if open_side == "long":
            px = p * (1 + slippage)
            committed = cash
            units = cash / (px * (1 + fees))
            cash = 0.0
            held, bars_held = "long", 0
            trade = Trade("long", day, px, units, committed)
            out.trades.append(trade)
        elif open_side == "short":
            px = p * (1 - slippage)
            committed = cash
            n = cash / (px * (1 + fees))  # sale value plus its fee = equity
            cash += n * px * (1 - fees)
            units = -n
            held, bars_held = "short", 0
            trade = Trade("short", day, px, n, committed)
            out.trades.append(trade)

        if held:
            bars_held += 1
        out.equity.append(cash + units * closes[i])

    if trade is not None:  # open at the end: valued at the last close
        trade.pnl = out.equity[-1] - trade.committed
    return out
