"""``vixbt payoff``: payoff at expiration of a VIX option position."""

from __future__ import annotations

import argparse

import numpy as np

from backtest.cli.common import CliError, emit, write_report
from backtest.cli.schema import schema_id


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
        step = max(1, len(frame) // 60)
        rep.page.table(frame.iloc[::step], caption="Profit at expiration (sampled rows)")
        rep.stats = frame
        rep.summary = doc
        folder = write_report(rep, args, {"legs": args.leg, "range": args.range,
                                          "multiplier": args.multiplier}, None)
        doc["report"] = str(folder) if folder else None
    emit(args, doc, res.summary(), frame, folder)
    return 0
