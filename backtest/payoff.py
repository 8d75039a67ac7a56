"""Payoff at expiration of a multi-leg VIX option position.

A position is a list of :class:`Leg` objects (side, quantity, call/put, strike,
premium).  At expiration each leg is worth its intrinsic value at the VIX
settlement value ``S``; the position's profit per unit of the contract
multiplier is

.. math::

    P(S) = \\sum_i s_i q_i \\,(\\max(\\pm(S - K_i), 0) - c_i),

with ``s = +1`` for a long leg and ``-1`` for a short one, ``c`` the premium.
``P`` is piecewise linear with kinks at the strikes, so breakevens are found
exactly: on each linear piece the root is solved in closed form, and the
behaviour above the highest strike follows from the slope there (the number of
long calls minus short calls).  The settlement value cannot be negative, so the
domain is ``S >= 0`` and puts are always bounded.

Values are in index points per option; :attr:`PayoffResult.multiplier`
(100 for CBOE VIX options) converts them to dollars per contract.

Examples
--------
The commentary's example in SIGNALS.md (short the 14 and 20 calls, long the
30 calls, one each):

>>> pos = Position.parse(["short:1:call:14:5.15", "short:1:call:20:2.55",
...                       "long:1:call:30:0.85"])
>>> res = payoff(pos)
>>> round(res.net_premium, 2), [round(b, 3) for b in res.breakevens]
(6.85, [20.425])
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

from backtest.numbers import money

__all__ = ["Leg", "PayoffResult", "Position", "payoff"]

LegSide = Literal["long", "short"]
OptionKind = Literal["call", "put"]
FloatArray = npt.NDArray[np.float64]

#: Largest quantity, strike, premium or multiplier accepted.
MAX_LEG_VALUE = 1_000_000.0
#: Most settlement values a payoff is computed on.
MAX_POINTS = 1_000_000
_LEG_SYNTAX = "side:quantity:call|put:strike:premium, e.g. short:1:call:14:5.15"


@dataclass(frozen=True)
class Leg:
    """One option leg.

    Parameters
    ----------
    side : {"long", "short"}
        Bought (``"long"``) or sold (``"short"``).
    quantity : float
        Number of options, ``> 0``.
    kind : {"call", "put"}
        Option type.
    strike : float
        Strike in VIX points, ``>= 0``.
    premium : float
        Price paid or received per option in VIX points, ``>= 0``.
    """

    side: LegSide
    quantity: float
    kind: OptionKind
    strike: float
    premium: float

    def __post_init__(self) -> None:
        if self.side not in ("long", "short"):
            raise ValueError(f"leg side must be 'long' or 'short', got {self.side!r}")
        if self.kind not in ("call", "put"):
            raise ValueError(f"leg kind must be 'call' or 'put', got {self.kind!r}")
        for name, low_open in (("quantity", True), ("strike", False), ("premium", False)):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, int | float) or not np.isfinite(v):
                raise ValueError(f"leg {name} must be a finite number, got {v!r}")
            if (v <= 0) if low_open else (v < 0):
                raise ValueError(f"leg {name}={v!r} is not allowed: must be "
                                 f"{'> 0' if low_open else '>= 0'}")
            if v > MAX_LEG_VALUE:
                raise ValueError(f"leg {name}={v!r} is not allowed: must be at most "
                                 f"{MAX_LEG_VALUE:,.0f}")

    @classmethod
    def parse(cls, text: str) -> Leg:
        """Parse ``side:quantity:call|put:strike:premium``.

        Raises
        ------
        ValueError
            Naming the text and the part that is wrong.
        """
        parts = [p.strip() for p in text.split(":")]
        if len(parts) != 5:
            raise ValueError(f"bad leg {text!r}: expected 5 parts ({_LEG_SYNTAX})")
        side, qty, kind, strike, prem = parts
        side_l, kind_l = side.lower(), kind.lower()
        if side_l not in ("long", "short"):
            raise ValueError(f"bad leg {text!r}: side must be long or short, got {side!r}")
        if kind_l not in ("call", "put"):
            raise ValueError(f"bad leg {text!r}: type must be call or put, got {kind!r}")
        nums = []
        for label, raw in (("quantity", qty), ("strike", strike), ("premium", prem)):
            try:
                nums.append(float(raw))
            except ValueError:
                raise ValueError(f"bad leg {text!r}: {label} {raw!r} is not a number") from None
        try:
            return cls(side_l, nums[0], kind_l, nums[1], nums[2])  # type: ignore[arg-type]
        except ValueError as exc:
            raise ValueError(f"bad leg {text!r}: {exc}") from None

    @property
    def sign(self) -> float:
        """``+quantity`` for a long leg, ``-quantity`` for a short one."""
        return self.quantity if self.side == "long" else -self.quantity

    def value(self, settlement: npt.ArrayLike) -> FloatArray:
        """Profit of this leg at expiration for each settlement value."""
        s = np.asarray(settlement, dtype=float)
        intrinsic = np.maximum(s - self.strike, 0.0) if self.kind == "call" \
            else np.maximum(self.strike - s, 0.0)
        return np.asarray(self.sign * (intrinsic - self.premium), dtype=float)

    def label(self) -> str:
        """Short description, e.g. ``"short 1 x 14 call @ 5.15"``."""
        return f"{self.side} {self.quantity:g} x {self.strike:g} {self.kind} @ {self.premium:g}"


@dataclass(frozen=True)
class Position:
    """A multi-leg option position on one expiration.

    Parameters
    ----------
    legs : tuple of Leg
        At least one leg.
    """

    legs: tuple[Leg, ...]

    def __post_init__(self) -> None:
        if not self.legs:
            raise ValueError("a position needs at least one leg")

    @classmethod
    def parse(cls, texts: Iterable[str]) -> Position:
        """Build from leg strings (see :meth:`Leg.parse`)."""
        return cls(tuple(Leg.parse(t) for t in texts))

    @property
    def net_premium(self) -> float:
        """Premium received minus premium paid (positive: a net credit)."""
        return float(-sum(leg.sign * leg.premium for leg in self.legs))

    def value(self, settlement: npt.ArrayLike) -> FloatArray:
        """Profit at expiration for each settlement value (index points)."""
        s = np.asarray(settlement, dtype=float)
        total = np.zeros_like(s, dtype=float)
        for leg in self.legs:
            total = total + leg.value(s)
        return total

    @property
    def kinks(self) -> FloatArray:
        """Sorted distinct strikes plus 0, the points where the slope can change."""
        return np.unique(np.r_[0.0, [leg.strike for leg in self.legs]])

    @property
    def final_slope(self) -> float:
        """Slope of the payoff above the highest strike (long minus short calls)."""
        return float(sum(leg.sign for leg in self.legs if leg.kind == "call"))


@dataclass(frozen=True)
class PayoffResult:
    """Payoff at expiration of a position, with its breakevens and extremes.

    Attributes
    ----------
    position : Position
        The legs.
    settlement : numpy.ndarray
        VIX settlement values of the grid (for tables and charts).
    profit : numpy.ndarray
        Profit at each settlement value, index points per option.
    multiplier : float
        Dollars per index point per contract (100 for VIX options).
    """

    position: Position
    settlement: FloatArray
    profit: FloatArray
    multiplier: float = 100.0

    @property
    def net_premium(self) -> float:
        """Net credit (> 0) or debit (< 0) when the position is opened, in points."""
        return self.position.net_premium

    @cached_property
    def breakevens(self) -> list[float]:
        """Exact settlement values where the profit is zero, ascending.

        On each linear piece between kinks the root is solved in closed form;
        above the highest strike the root of the final ray is used when the
        slope points towards zero.  A piece lying exactly on zero contributes
        its two ends.
        """
        pos = self.position
        k = pos.kinks
        v = pos.value(k)
        roots: list[float] = [float(x) for x, y in zip(k, v, strict=True) if y == 0.0]
        for a, b, va, vb in zip(k[:-1], k[1:], v[:-1], v[1:], strict=True):
            if va * vb < 0:
                roots.append(float(a + (b - a) * va / (va - vb)))
        slope = pos.final_slope
        last, vlast = float(k[-1]), float(v[-1])
        if slope != 0 and vlast * slope < 0:
            roots.append(last - vlast / slope)
        return sorted({round(r, 12) for r in roots})

    @cached_property
    def max_gain(self) -> float | None:
        """Largest profit over ``S >= 0`` (points), ``None`` when unbounded."""
        if self.position.final_slope > 0:
            return None
        return float(self.position.value(self.position.kinks).max())

    @cached_property
    def max_loss(self) -> float | None:
        """Most negative profit over ``S >= 0`` (points, <= 0 when the position can
        lose), ``None`` when the loss is unbounded."""
        if self.position.final_slope < 0:
            return None
        return float(self.position.value(self.position.kinks).min())

    def summary(self) -> str:
        """Plain-text summary: legs, net premium, breakevens, extremes."""
        def fmt(x: float | None, unbounded: str) -> str:
            if x is None:
                return unbounded
            return f"{x:+.2f} points ({money(x * self.multiplier, 0)} per contract)"

        kind = "credit" if self.net_premium >= 0 else "debit"
        lines = ["VIX option position at expiration"]
        lines += [f"  leg: {leg.label()}" for leg in self.position.legs]
        lines.append(f"  net {kind}: {abs(self.net_premium):.2f} points "
                     f"(${abs(self.net_premium) * self.multiplier:,.0f} per contract)")
        be = ", ".join(f"{b:.6g}" for b in self.breakevens) or "none"
        lines.append(f"  breakevens (VIX settlement): {be}")
        lines.append(f"  max gain: {fmt(self.max_gain, 'unbounded (rises without limit)')}")
        lines.append(f"  max loss: {fmt(self.max_loss, 'unbounded (grows without limit)')}")
        return "\n".join(lines)

    def to_frame(self) -> pd.DataFrame:
        """Profit per settlement value (points and dollars per contract)."""
        return pd.DataFrame({"settlement": self.settlement, "profit": self.profit,
                             "profit_usd": self.profit * self.multiplier})

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready description (legs, net premium, breakevens, extremes)."""
        return {
            "legs": [{"side": leg.side, "quantity": leg.quantity, "kind": leg.kind,
                      "strike": leg.strike, "premium": leg.premium}
                     for leg in self.position.legs],
            "net_premium": self.net_premium,
            "net": "credit" if self.net_premium >= 0 else "debit",
            "breakevens": self.breakevens,
            "max_gain": self.max_gain,
            "max_loss": self.max_loss,
            "max_gain_unbounded": self.max_gain is None,
            "max_loss_unbounded": self.max_loss is None,
            "multiplier": self.multiplier,
        }


def payoff(position: Position | Sequence[Leg] | Sequence[str], *,
           settlement: npt.ArrayLike | None = None, multiplier: float = 100.0) -> PayoffResult:
    """Payoff at expiration of a multi-leg VIX option position.

    Parameters
    ----------
    position : Position, sequence of Leg, or sequence of str
        The legs; strings use ``side:quantity:call|put:strike:premium``.
    settlement : array-like or None, default None
        Settlement values for the table and chart; default 0 to 1.5 times the
        highest strike (at least up to the last breakeven plus a margin), in
        steps of 0.05.  Breakevens and extremes are exact whatever the grid.
    multiplier : float, default 100.0
        Dollars per index point per contract.

    Returns
    -------
    PayoffResult
    """
    m = multiplier
    if isinstance(m, bool) or not isinstance(m, int | float) or not np.isfinite(m) or not (
            0 < m <= MAX_LEG_VALUE):
        raise ValueError(f"multiplier={m!r} is not allowed: must be a finite number > 0 and "
                         f"at most {MAX_LEG_VALUE:,.0f} (dollars per index point)")
    if not isinstance(position, Position):
        legs_list: list[Leg] = []
        for x in position:
            if isinstance(x, str):
                legs_list.append(Leg.parse(x))
            elif isinstance(x, Leg):
                legs_list.append(x)
            else:
                raise TypeError(f"a leg must be a Leg or a string, got {type(x).__name__}")
        legs = tuple(legs_list)
        position = Position(legs)
    if settlement is None:
        top = max(leg.strike for leg in position.legs) * 1.5
        probe = PayoffResult(position, np.zeros(1), np.zeros(1), multiplier)
        if probe.breakevens:
            top = max(top, probe.breakevens[-1] * 1.2)
        top = max(top, 10.0)
        if top / 0.05 > MAX_POINTS:
            raise ValueError(f"the default settlement grid up to {top:,.2f} would have more than "
                             f"{MAX_POINTS:,} points; pass settlement values (a range)")
        grid = np.round(np.arange(0.0, top + 0.05, 0.05), 10)
        # include the kinks and breakevens exactly so the table shows them
        s = np.unique(np.r_[grid, position.kinks, probe.breakevens])
    else:
        s = np.asarray(settlement, dtype=float)
        if s.ndim != 1 or s.size == 0 or not np.all(np.isfinite(s)) or (s < 0).any():
            raise ValueError("settlement must be a non-empty 1-D array of values >= 0")
        if s.size > MAX_POINTS:
            raise ValueError(f"settlement has {s.size:,} values; at most {MAX_POINTS:,}")
    return PayoffResult(position, s, position.value(s), multiplier)
