"""One number convention per kind, for pages, terminal tables and charts.

* returns, effects and their intervals: percent with fixed decimals
  (:func:`pct`, ``"+0.27%"``), never scientific notation or a bare fraction;
* p-values: three decimals, ``"<0.001"`` below that (:func:`pval`);
* ratios (Sharpe, t): two decimals (:func:`ratio`);
* counts: thousands separators (:func:`count`);
* ordinals: ``"1st"``, ``"2nd"``, ``"13th"``; a fractional rank is written as a
  percentile, ``"1.3rd percentile"`` never appears (:func:`ordinal`,
  :func:`percentile`);
* money: the sign before the dollar sign, ``"+$685.00"``, ``"-$1,200.00"``
  (:func:`money`);
* futures settlements: at their tick, 0.05 for VX since 2004 and 0.01 for
  the VIX index, written with as many decimals as the tick needs, so
  ``18.625`` (an old 1/8 tick) stays ``18.625`` (:func:`price`).

Missing values (None, NaN) print as an empty string, or as ``na`` where a
terminal column needs a placeholder.
"""

from __future__ import annotations

import math
from typing import Any

__all__ = [
    "count",
    "is_missing",
    "money",
    "ordinal",
    "pct",
    "percentile",
    "price",
    "pval",
    "ratio",
]


def is_missing(value: Any) -> bool:
    """Whether ``value`` is None or a NaN float."""
    if value is None:
        return True
    try:
        return math.isnan(float(value))
    except (TypeError, ValueError):
        return False


def pct(value: Any, decimals: int = 2, *, sign: bool = True, na: str = "") -> str:
    """A fraction as a percentage with fixed decimals: ``0.0027 -> "+0.27%"``.

    Parameters
    ----------
    value : float
        The fraction (0.01 = 1 %).
    decimals : int, default 2
        Decimals of the percentage.
    sign : bool, default True
        Always print the sign (effects, returns); ``False`` for shares such as
        a win rate.
    na : str, default ""
        Text for a missing value.
    """
    if is_missing(value):
        return na
    v = float(value) * 100
    if round(v, decimals) == 0:
        v = 0.0  # no "-0.00%"
    return f"{v:+,.{decimals}f}%" if sign else f"{v:,.{decimals}f}%"


def pval(value: Any, *, na: str = "") -> str:
    """A p-value: three decimals, ``"<0.001"`` below 0.001."""
    if is_missing(value):
        return na
    v = float(value)
    return "<0.001" if v < 0.001 else f"{v:.3f}"


def ratio(value: Any, decimals: int = 2, *, na: str = "") -> str:
    """A ratio (Sharpe, t-statistic) with fixed decimals."""
    if is_missing(value):
        return na
    return f"{float(value):,.{decimals}f}"


def count(value: Any, *, na: str = "") -> str:
    """A count with thousands separators."""
    if is_missing(value):
        return na
    return f"{int(value):,}"


def ordinal(n: int) -> str:
    """``1 -> "1st"``, ``2 -> "2nd"``, ``11 -> "11th"``, ``23 -> "23rd"``.

    Raises
    ------
    TypeError
        For a non-integer (a fractional rank is a percentile: :func:`percentile`).
    """
    if isinstance(n, bool):
        raise TypeError(f"ordinal needs a whole number, got {n!r}")
    if not isinstance(n, int):
        if isinstance(n, float) and n.is_integer():
            n = int(n)
        else:
            raise TypeError(f"ordinal needs a whole number, got {n!r}; use percentile()")
    if 10 <= abs(n) % 100 <= 20:
        suffix = "th"
    else:
        suffix = {1: "st", 2: "nd", 3: "rd"}.get(abs(n) % 10, "th")
    return f"{n}{suffix}"


def percentile(fraction: float, decimals: int = 1) -> str:
    """A share of history as a percentile: ``0.013 -> "percentile 1.3"``.

    Whole percentiles read as ordinals (``0.99 -> "99th percentile"``); a
    fractional one is written ``"percentile 1.3"`` -- there is no "1.3rd".
    """
    if is_missing(fraction):
        return ""
    p = round(float(fraction) * 100, decimals)
    if float(p).is_integer():
        return f"{ordinal(int(p))} percentile"
    return f"percentile {p:.{decimals}f}"


def money(value: Any, decimals: int = 2, *, na: str = "") -> str:
    """Dollars with the sign first: ``685 -> "+$685.00"``, ``-1200 -> "-$1,200.00"``."""
    if is_missing(value):
        return na
    v = float(value)
    if round(v, decimals) == 0:
        return f"${0:.{decimals}f}"
    return f"{'+' if v > 0 else '-'}${abs(v):,.{decimals}f}"


def price(value: Any, tick: float = 0.01, *, na: str = "") -> str:
    """A price at its tick: as many decimals as the value needs on that grid.

    A VX settlement of 18.625 (an eighth-point tick before 2004) keeps its
    three decimals; 18.6 prints ``"18.60"`` with the 0.05 tick of today.

    Parameters
    ----------
    value : float
        The price.
    tick : float, default 0.01
        The smallest quoted step; at least its decimals are printed.
    """
    if is_missing(value):
        return na
    v = float(value)
    min_dec = max(0, -math.floor(math.log10(tick) + 1e-12)) if tick > 0 else 2
    for dec in range(min_dec, 7):
        if abs(round(v, dec) - v) < 1e-9:
            return f"{v:,.{dec}f}"
    return f"{v:,.6f}"
