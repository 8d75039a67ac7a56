"""From the kernel's raw aggregates to the statistics of a run.

:func:`derive_stats` turns the rows of :func:`backtest.sweep.kernel.sweep_kernel`
into the columns of :data:`backtest.metrics.STAT_NAMES`, following the
definitions of :mod:`backtest.metrics` term by term (same edge cases: ``nan``
for an undefined ratio, ``inf`` profit factor without losing trades), so a
sweep row equals the full run's statistics.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd

from backtest.metrics import STAT_NAMES, TRADING_DAYS
from backtest.sweep.kernel import RAW_FIELDS

__all__ = ["LOWER_IS_BETTER", "STAT_NAMES", "derive_stats"]


#: Statistics where a smaller value is better (for ``best``).
LOWER_IS_BETTER: frozenset[str] = frozenset({"annualized_volatility", "max_drawdown_duration"})

_F = {name: i for i, name in enumerate(RAW_FIELDS)}


def _div(num: npt.NDArray[np.float64], den: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """``num / den`` with ``nan`` where ``den == 0``."""
    out = np.full(num.shape, np.nan)
    ok = den != 0.0
    np.divide(num, den, out=out, where=ok)
    return out


def derive_stats(raw: npt.NDArray[np.float64]) -> pd.DataFrame:
    """Statistics of each combination from the kernel's raw rows.

    Parameters
    ----------
    raw : ndarray, shape (k, len(RAW_FIELDS))
        Output of the sweep kernel.

    Returns
    -------
    pandas.DataFrame
        ``k`` rows (positional index), one column per :data:`STAT_NAMES` entry.
    """
    raw = np.asarray(raw, dtype=np.float64)

    def f(name: str) -> npt.NDArray[np.float64]:
        return raw[:, _F[name]]

    n = f("n_bars")
    ann = np.sqrt(TRADING_DAYS)
    total = f("wealth_end") - 1.0
    growth = 1.0 + total
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        ann_ret = np.where(growth <= 0.0, -1.0,
                           np.power(np.where(growth > 0.0, growth, 1.0),
                                    _div(np.full(n.shape, float(TRADING_DAYS)), n)) - 1.0)
    ann_ret = np.where(n == 0, np.nan, ann_ret)
    sd = f("std_return")
    enough = n >= 2
    vol = np.where(enough, sd * ann, np.nan)
    sdx = f("std_excess")
    sharpe = np.where(enough & (sdx != 0.0), _div(f("mean_excess"), sdx) * ann, np.nan)
    down = f("downside_rms")
    sortino = np.where((n > 0) & (down != 0.0), _div(f("mean_excess"), down) * ann, np.nan)
    mdd = -f("max_drawdown")
    calmar = np.where(mdd == 0.0, np.nan, _div(ann_ret, np.abs(mdd)))
    closed = f("closed_trades")
    wins = f("winning_trades")
    losses = f("losing_trades")
    gain = f("gross_profit")
    loss = -f("gross_loss")
    with np.errstate(divide="ignore", invalid="ignore"):
        pf = np.where(loss == 0.0, np.where(gain > 0.0, np.inf, np.nan), _div(gain, loss))
    table = {
        "total_return": total,
        "annualized_return": ann_ret,
        "annualized_volatility": vol,
        "sharpe": sharpe,
        "sortino": sortino,
        "max_drawdown": mdd + 0.0,
        "max_drawdown_duration": f("max_dd_duration"),
        "calmar": calmar,
        "trades": closed,
        "win_rate": _div(wins, closed),
        "average_win": _div(f("sum_win_return"), wins),
        "average_loss": _div(f("sum_loss_return"), losses),
        "profit_factor": pf,
        "time_in_market": _div(f("bars_in_market"), n),
    }
    return pd.DataFrame(table, columns=list(STAT_NAMES))
