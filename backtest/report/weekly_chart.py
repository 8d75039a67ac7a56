"""Chart of the weekly view (:mod:`backtest.weekly`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter

from backtest.numbers import percentile, price
from backtest.report.charts import _date_axis
from backtest.weekly import VX_TICK

if TYPE_CHECKING:
    from backtest.weekly import WeeklyView

__all__ = ["weekly_chart"]


def weekly_chart(view: WeeklyView) -> Figure:
    """Three panes: the week's VIX change against every week's; the VIX and SPX over
    the last six months with the week shaded; the futures curve that week."""
    fig = Figure(figsize=(15, 4.6), layout="constrained")
    ax1, ax2, ax3 = fig.subplots(1, 3, gridspec_kw={"width_ratios": (1.1, 1.3, 1.0)})
    ch = view.complete_weeks["vix_change"] * 100
    lo, hi = float(ch.min()), float(ch.max())
    bins = np.linspace(lo, hi, 60)
    ax1.hist(ch.to_numpy(), bins=bins, color="#9ecae1", edgecolor="#4a7fb0", lw=0.4,
             label=f"all weeks ({len(ch)})")
    this = view.vix_change * 100
    where = (f"rank {view.vix_rank}, {percentile(view.vix_percentile / 100)}"
             if view.vix_rank is not None else "partial week, not ranked")
    ax1.axvline(this, color="#d73027", lw=1.6, label=f"this week {this:+.1f}% ({where})")
    ax1.set_yscale("log")
    ax1.set_xlabel("weekly VIX change, Friday to Friday (%)")
    ax1.set_ylabel("number of weeks (log scale)")
    ax1.set_title(f"VIX change in the week ending {view.week_end:%Y-%m-%d}")
    ax1.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.18), frameon=False)
    ax1.grid(True, alpha=0.3)

    weeks = view.weeks.loc[:view.week_end].tail(27)
    ax2.plot(weeks.index, weeks["vix_close"].to_numpy(), color="#1f4e9c", marker="o", ms=3,
             lw=1.0, label="VIX weekly close")
    ax2.set_ylabel("VIX (index points)")
    ax2.axvspan(view.prev_week_end, view.week_end, color="#d73027", alpha=0.15,
                label="this week")
    ax2b = ax2.twinx()
    ax2b.plot(weeks.index, weeks["spx_close"].to_numpy(), color="#7f7f7f", lw=1.0,
              marker=".", ms=3, label="SPX weekly close (right axis)")
    ax2b.set_ylabel("SPX (index points)")
    _date_axis(ax2)
    ax2.set_xlabel("week ending")
    ax2.set_title(f"VIX {view.vix_change * 100:+.1f}%, SPX {view.spx_change * 100:+.2f}% "
                  "this week")
    h1, l1 = ax2.get_legend_handles_labels()
    h2, l2 = ax2b.get_legend_handles_labels()
    # below the panes: a legend inside would cover the weekly lines
    ax2.legend(h1 + h2, l1 + l2, fontsize=8, loc="upper center",
               bbox_to_anchor=(0.5, -0.18), ncol=3, frameon=False)

    c = view.curve
    if c is None:
        ax3.text(0.5, 0.5, "no VIX futures data for this week\n(point --data-dir at a "
                 "folder with VX futures)", ha="center", va="center", fontsize=9,
                 transform=ax3.transAxes)
        ax3.set_axis_off()
    else:
        k = c.contracts
        days = k["days_to_expiry"].to_numpy(dtype=float)
        ax3.plot(np.r_[0.0, days], np.r_[c.spot, k["settle"].to_numpy(dtype=float)],
                 color="#bdbdbd", lw=0.8, zorder=1)
        ax3.scatter([0.0], [c.spot], color="#d73027", s=40, zorder=3,
                    label=f"spot VIX {c.spot:.2f}")
        ax3.scatter(days, k["settle"], color="#1f4e9c", s=30, zorder=3,
                    label="monthly futures (settle)")
        cheap = c.cheapest
        ax3.scatter([float(cheap["days_to_expiry"])], [float(cheap["settle"])], s=130,
                    facecolors="none", edgecolors="#1a9850", lw=1.5, zorder=4,
                    label=f"cheapest {price(cheap['settle'], VX_TICK)}")
        for r in k.to_dict(orient="records"):
            if pd.notna(r["expiry"]):
                ax3.annotate(f"{pd.Timestamp(r['expiry']):%b %y}",
                             (float(r["days_to_expiry"]), float(r["settle"])),
                             textcoords="offset points", xytext=(0, 7), ha="center",
                             fontsize=7)
        ax3.set_xlabel("calendar days to expiry")
        ax3.set_ylabel("VIX / futures settle (index points)")
        ax3.set_title(f"Futures curve {c.date:%Y-%m-%d}: {c.shape}, "
                      f"front {c.front_premium:+.2f} vs spot")
        ax3.grid(True, alpha=0.3)
        ax3.legend(fontsize=8, loc="best")
    ax1.xaxis.set_major_formatter(PercentFormatter(100, decimals=0))
    return fig
