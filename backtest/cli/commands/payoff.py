"""``vixbt payoff``: payoff at expiration of a VIX option position."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

import numpy as np

from backtest.cli.common import CliError, emit, write_report
from backtest.cli.schema import schema_id

if TYPE_CHECKING:
    import pandas as pd

    from backtest.payoff import PayoffResult


def _range(text: str | None) -> np.ndarray | None:
    if text is None:
        return None
    lo, sep, hi = text.partition(":")
    try:
        a, b = float(lo), float(hi)
    except ValueError:
        raise CliError(f"--range {text!r} must look like LOW:HIGH, e.g. 10:40") from None
    if not sep or not 0 <= a < b or not np.isfinite(b):
        raise CliError(f"--range {text!r} must look like LOW:HIGH with 0 <= LOW < HIGH")
    if (b - a) / 0.05 > 1_000_000:
        raise CliError(f"--range {text!r} spans more than 1,000,000 steps of 0.05; "
                       "narrow it")
    return np.round(np.linspace(a, b, round((b - a) / 0.05) + 1), 10)


def _kink_table(res: PayoffResult) -> pd.DataFrame:
    """The payoff where its slope changes (strikes), at breakevens and at the range
    ends: every other row of a fine grid lies on the straight lines between these."""
    import pandas as pd

    from backtest.numbers import money

    s = res.settlement
    strikes = {float(leg.strike) for leg in res.position.legs}
    points = sorted({float(s[0]), float(s[-1]), *strikes, *map(float, res.breakevens)})
    prof = res.position.value(np.asarray(points, dtype=float))
    what = ["strike" if p in strikes else "breakeven" if any(abs(p - b) < 1e-9
                                                              for b in res.breakevens)
            else "range end" for p in points]
    return pd.DataFrame({"VIX settlement": [f"{p:g}" for p in points], "point": what,
                         "profit (points)": [f"{v:+.2f}" for v in prof],
                         "profit per contract": [money(v * res.multiplier) for v in prof]})


def run(args: argparse.Namespace) -> int:
    """Compute, print and report the payoff."""
    from backtest.payoff import Position, payoff

    if not args.leg:
        raise CliError("give at least one --leg side:quantity:call|put:strike:premium, "
                       "e.g. --leg short:1:call:14:5.15")
    position = Position.parse(args.leg)
    grid = _range(args.range)
    if grid is not None:
        extra = [k for k in [*position.kinks, *payoff(position).breakevens]
                 if grid[0] <= k <= grid[-1]]
        grid = np.unique(np.r_[grid, extra])
    res = payoff(position, settlement=grid, multiplier=args.multiplier)
    frame = res.to_frame().set_index("settlement")
    doc = {"schema": schema_id("payoff"), "report": None, "position": res.to_dict(),
           "table": res.to_frame()}
    folder = None
    if not args.no_report:
        from backtest.report.charts import payoff_chart
        from backtest.report.writer import Report

        rep = Report(title="VIX option position at expiration", name="payoff",
                     subtitle="Payoff at expiration over VIX settlement values; breakevens and "
                              "extremes are exact (piecewise-linear roots).")
        rep.page.heading("Position")
        rep.page.bullets([leg.label() for leg in position.legs])
        rep.page.key_values({
            "net premium (points)": res.net_premium,
            "net": "credit" if res.net_premium >= 0 else "debit",
            "breakevens": ", ".join(f"{b:g}" for b in res.breakevens) or "none",
            "max gain (points)": "unbounded" if res.max_gain is None else res.max_gain,
            "max loss (points)": "unbounded" if res.max_loss is None else res.max_loss,
            "multiplier ($ per point)": res.multiplier,
        })
        rep.page.heading("Payoff diagram")
        rep.add_chart(payoff_chart(res), "payoff", alt="payoff at expiration")
        rep.page.heading("Payoff table")
        rep.page.table(_kink_table(res), caption="Profit at expiration at the range ends, "
                                                 "every strike and every breakeven; the "
                                                 "payoff is a straight line between rows",
                       index=False)
        rep.stats = frame
        rep.summary = doc
        folder = write_report(rep, args, {"legs": args.leg, "range": args.range,
                                          "multiplier": args.multiplier}, None)
        doc["report"] = str(folder) if folder else None
    emit(args, doc, res.summary(), frame, folder)
    return 0
