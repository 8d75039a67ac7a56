"""``vixbt weekly``: the week's VIX change, its rank in history, the futures curve."""

from __future__ import annotations

import argparse

import pandas as pd

from backtest.cli.common import data_doc, emit, load_table, write_report
from backtest.cli.schema import schema_id


def run(args: argparse.Namespace) -> int:
    """Compute, print and report the weekly view."""
    from backtest.data.load import load_futures_curve
    from backtest.weekly import weekly_view

    table = load_table(args)
    curve = load_futures_curve(args.data_dir)
    view = weekly_view(table, args.date, curve=curve if not curve.empty else None)
    doc = {"schema": schema_id("weekly"), "report": None, "week": view.to_dict(),
           "data": data_doc(table)}
    frame = view.to_frame()
    folder = None
    if not args.no_report:
        from backtest.report.weekly_chart import weekly_chart
        from backtest.report.writer import Report

        rep = Report(title=f"VIX weekly view: week ending {view.week_end:%Y-%m-%d}",
                     name=f"weekly-{view.week_end:%Y-%m-%d}",
                     subtitle="Friday-to-Friday change of the VIX and SPX, both closes of the "
                              "same day (the week's last trading day with both: Thursday when "
                              "Friday is a holiday), ranked among every complete week of the "
                              "data; a partial last week is shown but never ranked.")
        rep.page.heading("The week")
        rep.page.table(frame, caption="This week")
        rep.add_chart(weekly_chart(view), "weekly", alt="weekly VIX view")
        if view.curve is not None:
            rep.page.heading("Futures curve")
            from backtest.numbers import price as _price
            from backtest.weekly import VX_TICK

            con = view.curve.contracts.set_index("expiry").copy()
            con["settle"] = con["settle"].map(lambda v: _price(v, VX_TICK))
            con["premium_to_spot"] = con["premium_to_spot"].map(lambda v: f"{v:+.2f}")
            rep.page.table(con,
                           caption=f"VIX futures settles on {view.curve.date:%Y-%m-%d}, "
                                   f"spot {view.curve.spot:.2f}")
        else:
            rep.page.callout("No VIX futures data in the loaded data: the curve is not shown. "
                             "Point --data-dir at a data directory with VX futures files.")
        rep.page.heading("Largest weekly VIX rises in the data")
        top = view.complete_weeks.nlargest(10, "vix_change")
        from backtest.numbers import pct, price

        shown = pd.DataFrame({
            "week": top["week"],
            "VIX close": top["vix_close"].map(price),
            "VIX change": top["vix_change"].map(lambda v: pct(v, 1)),
            "SPX close": top["spx_close"].map(price),
            "SPX change": top["spx_change"].map(lambda v: pct(v, 2)),
        }, index=top.index)
        rep.page.table(shown, caption="Top 10 complete weeks by VIX change")
        from backtest.report.data_section import add_data_section

        add_data_section(rep, table)
        rep.stats = view.weeks
        rep.summary = doc
        folder = write_report(rep, args, {"date": args.date}, table)
        doc["report"] = str(folder) if folder else None
    emit(args, doc, view.summary(), frame, folder)
    return 0
