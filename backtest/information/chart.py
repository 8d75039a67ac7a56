"""The decile chart: mean forward return per real-time bucket, one panel per horizon."""

from __future__ import annotations

from typing import Any, Protocol

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter


class DecileResult(Protocol):
    """What the chart reads of a :class:`backtest.information.deciles.DecileResult`
    (a protocol, so this module does not import the analysis that draws with it)."""

    @property
    def settings(self) -> dict[str, Any]: ...
    @property
    def buckets(self) -> pd.DataFrame: ...
    @property
    def spread(self) -> pd.DataFrame: ...
    @property
    def predictor(self) -> Any: ...

__all__ = ["decile_chart"]

_BAR = "#1f4e9c"
_TOP = "#1a9850"
_BOTTOM = "#d73027"


def decile_chart(result: DecileResult) -> Figure:
    """Bars of each bucket's mean forward return with its HAC interval.

    One panel per horizon; the lowest and highest buckets are coloured, the
    panel title gives the top-minus-bottom spread and the monotonicity p-value
    (raw).  Created without pyplot (render with
    :func:`backtest.report.charts.to_png`).
    """
    s = result.settings
    hs = list(result.spread.index)
    k = int(s["n_bins"])
    fig = Figure(figsize=(3.2 * max(len(hs), 1) + 1.0, 3.8))
    axes = fig.subplots(1, max(len(hs), 1), squeeze=False)[0]
    vol = s["scale"] == "vol"
    for ax, h in zip(axes, hs, strict=False):
        b = result.buckets.loc[h]
        mean = b["mean"].to_numpy(dtype=float)
        lo = mean - b["ci_low"].to_numpy(dtype=float)
        hi = b["ci_high"].to_numpy(dtype=float) - mean
        colors = [_BOTTOM if i == 0 else _TOP if i == k - 1 else _BAR for i in range(k)]
        pos = np.arange(1, k + 1)
        ax.bar(pos, mean, color=colors, alpha=0.85)
        ax.errorbar(pos, mean, yerr=np.vstack([lo, hi]), fmt="none", ecolor="#333333",
                    capsize=2, linewidth=0.8)
        ax.axhline(0.0, color="#7f7f7f", linewidth=0.8)
        sp = result.spread.loc[h]
        spread = f"{sp.spread:.3f}" if vol else f"{sp.spread:.2%}"
        mr = "n/a" if not np.isfinite(sp.mr_p) else f"{sp.mr_p:.2f}"
        ax.set_title(f"{h} days: spread {spread}\nmonotonic p {mr} (raw)", fontsize=9)
        ax.set_xlabel("real-time bucket (1 = lowest)")
        ax.set_xticks(pos)
        ax.tick_params(labelsize=8)
        if not vol:
            ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=1))
        ax.grid(True, axis="y", alpha=0.3)
    axes[0].set_ylabel("mean forward SPX return" + (" (ex-ante sd)" if vol else ""))
    fig.suptitle(f"SPX forward returns by real-time {k}-bucket of "
                 f"{result.predictor.title} (bars: {s['conf']:.0%} HAC intervals)",
                 fontsize=10)
    fig.tight_layout()
    return fig
