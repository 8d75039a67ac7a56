"""The standard controls: what SPX itself already tells at each close.

A VIX spike is partly the echo of an SPX sell-off, and SPX has short-term
reversals of its own.  Whether a VIX signal adds information is asked by
regressing forward SPX returns on the signal *and* these controls
(:mod:`backtest.information.regression`).  Every control is known at day
``t``'s close:

``spx_ret_1``, ``spx_ret_5``, ``spx_ret_21``
    Past SPX return over 1, 5 and 21 trading days, ``close[t] / close[t-k] - 1``.
``spx_rv_21``
    SPX realised volatility over the past 21 days, annualised:
    ``sqrt(252/21 * sum of the last 21 squared daily log returns)``
    (:func:`strategies.predictors.realised_vol`, the computation the variance
    risk premium uses).
``vix_level``
    The VIX close.
``spx_above_200``
    1 when the SPX close is above its 200-day simple moving average (today
    included), else 0 (:func:`strategies.compare.above`, the project's one
    "above").

:data:`DEFAULT_CONTROLS` holds all six.  Any subset (by name) can be passed
instead; :data:`CONTROLS` describes each.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from backtest.errors import MissingDataError
from strategies.compare import above
from strategies.indicators import complete_rows, pct_change, rolling_mean
from strategies.predictors import realised_vol

__all__ = ["CONTROLS", "DEFAULT_CONTROLS", "Control", "control_frame", "parse_controls"]

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Control:
    """One control variable: a name, a definition and the columns it reads."""

    name: str
    doc: str
    column: str
    fn: Callable[[FloatArray], FloatArray]


def _above_200(close: FloatArray) -> FloatArray:
    sma = rolling_mean(close, 200)
    return np.where(np.isfinite(sma), above(close, sma).astype(np.float64), np.nan)


_LIST: tuple[Control, ...] = (
    Control("spx_ret_1", "SPX return over the past trading day", "spx_close",
            lambda c: pct_change(c, 1)),
    Control("spx_ret_5", "SPX return over the past 5 trading days", "spx_close",
            lambda c: pct_change(c, 5)),
    Control("spx_ret_21", "SPX return over the past 21 trading days", "spx_close",
            lambda c: pct_change(c, 21)),
    Control("spx_rv_21", "SPX realised volatility over the past 21 days, annualised",
            "spx_close", lambda c: realised_vol(c, 21)),
    Control("vix_level", "VIX close", "vix_close", lambda c: c),
    Control("spx_above_200", "1 if the SPX close is above its 200-day average, else 0",
            "spx_close", _above_200),
)

#: Control name -> definition, in display order.
CONTROLS: dict[str, Control] = {c.name: c for c in _LIST}

#: The standard control set: past 1/5/21-day SPX returns, 21-day realised
#: volatility, the VIX level and the 200-day trend dummy.
DEFAULT_CONTROLS: tuple[str, ...] = tuple(CONTROLS)


def parse_controls(controls: Sequence[str] | str | None) -> tuple[str, ...]:
    """Validated control names (``None`` or ``"default"``: :data:`DEFAULT_CONTROLS`).

    A string is split on commas.  An empty selection (``"none"`` or ``()``)
    is allowed: the "controlled" regression is then the plain one.

    Raises
    ------
    ValueError
        For an unknown name (the message lists the known ones) or a repeat.
    """
    if controls is None:
        return DEFAULT_CONTROLS
    if isinstance(controls, str):
        text = controls.strip().lower()
        if text in ("", "default"):
            return DEFAULT_CONTROLS
        if text == "none":
            return ()
        items = [t.strip() for t in text.split(",") if t.strip()]
    else:
        items = [str(t) for t in controls]
    for name in items:
        if name not in CONTROLS:
            raise ValueError(f"unknown control {name!r}; known controls: "
                             f"{', '.join(CONTROLS)}")
    if len(set(items)) != len(items):
        raise ValueError(f"controls {items!r} name a control twice")
    return tuple(items)


def control_frame(data: pd.DataFrame,
                  controls: Sequence[str] | str | None = None) -> pd.DataFrame:
    """The controls on every row of ``data`` (``NaN`` where not yet defined).

    Each control is computed on the rows where its column has a value, so
    SPX controls span SPX's whole history and do not depend on the VIX.

    Parameters
    ----------
    data : pandas.DataFrame
        Market table frame with ``spx_close`` (and ``vix_close`` for ``vix_level``).
    controls : sequence of str, str or None, default None
        Control names (:func:`parse_controls`).

    Returns
    -------
    pandas.DataFrame
        One column per control, indexed like ``data``.

    Raises
    ------
    MissingDataError
        If a control's column is absent.
    """
    names = parse_controls(controls)
    out: dict[str, FloatArray] = {}
    for name in names:
        ctl = CONTROLS[name]
        if ctl.column not in data.columns:
            raise MissingDataError(f"control {name!r} needs column {ctl.column!r}, which the "
                                   "market data does not have", (ctl.column,))
        frame, pos = complete_rows(data, [ctl.column])
        col = np.full(len(data), np.nan)
        if len(frame):
            col[pos] = ctl.fn(frame[ctl.column].to_numpy(np.float64))
        out[name] = col
    return pd.DataFrame(out, index=data.index, columns=list(names))
