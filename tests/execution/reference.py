"""A plain-Python, bar-by-bar reference simulator of the execution rules.

Written from the rules in :mod:`backtest.execution.config` alone -- it does not
call the fill, position or portfolio code -- so that agreement with the
vectorised run is evidence, not tautology.  Deliberately small and slow: one
loop over days, one account (cash and signed units), one open trade at most.

Total mode is written the plain way: every day, before that day's fills, the
cash (idle, or a short's proceeds and the equity behind them) is credited
with a day of T-bill interest at the rate known at the previous close, and
a held position's units grow by the day's dividend reinvested (a short's
liability grows alike), the dividend read from the total-return and price
indices.  The engine instead trades a deflated instrument (a change of
numeraire); agreement is the proof that the two are the same.
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
    returns: str = "price",
) -> Outcome:
    """Trade raw (signal-day) signals over the days ``start .. end`` of ``frame``.

    The order triggered by a signal on day ``d`` executes on the trading day
    after ``d`` (the next row of ``frame``) at that day's open (``next_open``)
    or close (``next_close``).  A position that closes (exit signal or time up)
    while the other side's entry arrives is reversed: closed, then the other
    side opened with all the cash, at the same price.  ``holding_period`` is
    the one to use (the caller resolves a strategy's default).  A day without
    an open fills ``next_open`` orders at its close.  ``returns="total"``
    reinvests dividends (``spxtr`` / ``spx_close``) and pays the T-bill
    (``dtb3``, discount basis, 91-day bill, converted to its investment yield,
    accrued per calendar day) on cash; a trade's ``pnl`` leaves out the
    interest.

    Raises
    ------
    ValueError
        If covering a short costs more than the cash held (a ruined short).
    """
    dates = list(frame.index)
    opens = list(frame["spx_open"]) if "spx_open" in frame else [math.nan] * len(dates)
    closes = list(frame["spx_close"])
    fill_px = ([o if not math.isnan(o) else c for o, c in zip(opens, closes, strict=True)]
               if fill == "next_open" else closes)
    total = returns == "total"
    tr = list(frame["spxtr"]) if total and "spxtr" in frame else [math.nan] * len(dates)
    bill = list(frame["dtb3"]) if total and "dtb3" in frame else [math.nan] * len(dates)
    interest = 0.0  # interest credited while the open trade is held
    rate = math.nan  # last T-bill rate known (discount basis, percent)

    cash = init_cash
    units = 0.0  # > 0 long, < 0 short
    held = ""  # "", "long" or "short"
    bars_held = 0
    out = Outcome()
    trade: Trade | None = None

    started = False
    for i, day in enumerate(dates):
        if day < start or day > end:
            if not math.isnan(bill[i]):
                rate = bill[i]
            continue
        if started:
            # a day of cash interest at yesterday's rate, a day's dividend reinvested
            if not math.isnan(rate):
                d = rate / 100.0
                y = 365.0 * d / (360.0 - 91.0 * d)
                earned = cash * y * (day - dates[i - 1]).days / 365.0
                cash += earned
                if trade is not None:
                    interest += earned
            vals = (tr[i], tr[i - 1], closes[i], closes[i - 1])
            if units != 0.0 and not any(math.isnan(v) for v in vals):
                units *= (tr[i] / tr[i - 1]) / (closes[i] / closes[i - 1])
        started = True
        if not math.isnan(bill[i]):
            rate = bill[i]
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
            trade.pnl = cash - trade.committed - interest
            units, held, trade = 0.0, "", None
            interest = 0.0
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
        trade.pnl = out.equity[-1] - trade.committed - interest
    return out
