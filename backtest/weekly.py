"""The weekly view: the VIX's Friday-to-Friday change, its rank in history, the curve.

Weeks run Saturday to Friday (pandas period ``W-FRI``).  A week's values are
the VIX and SPX closes of **one day**: its last trading day with both closes --
normally the Friday, the Thursday when the Friday is an exchange holiday (Good
Friday, Independence Day on a Friday, ...), or the last earlier day both were
recorded.  The VIX and SPX are never paired across days (a VIX file ending on
Thursday is not matched with Friday's SPX: the week then ends on Thursday for
both, and ``week_end`` says so).  The weekly change is that close over the
previous week's, minus one.

A week is **partial** when it is the last week of the data and ends before its
Friday (``days`` counts its trading days).  A partial week is never ranked and
never enters the history other weeks are ranked against; the default view is
the last complete week.  The rank compares the week's VIX change with every
complete week in the loaded history (from the first week with a VIX close;
SPX's percentile uses the same weeks): rank 1 is the largest weekly rise, and
the percentile is the share of weeks whose change was at or below this one's.

Where VIX futures data exist, the view adds the curve on the week's last
trading day: each listed monthly contract's settle by days to expiry, the
cheapest contract, whether the curve is in contango (settles rising with
maturity) or backwardation, and the front future's premium (+) or discount (-)
to the spot VIX.  With only the ``vx1``/``vx2`` columns of the market table the
curve has those two points.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from backtest.numbers import pct, percentile, price

if TYPE_CHECKING:
    from backtest.data.table import MarketTable

__all__ = ["CurveSnapshot", "WeeklyView", "curve_snapshot", "weekly_changes", "weekly_view"]

#: Tick of VIX futures settlements since 2004 (earlier contracts moved in eighths:
#: those settles keep their three decimals).
VX_TICK = 0.05

CurveShape = Literal["contango", "backwardation", "mixed", "flat"]


def _num(value: Any) -> float:
    """A scalar cell as float (pandas' stubs type cells as ``Any``-like unions)."""
    return float(value)


def _date_text(value: Any) -> str | None:
    """``YYYY-MM-DD`` of a date cell, ``None`` when missing."""
    return None if pd.isna(value) else pd.Timestamp(value).strftime("%Y-%m-%d")


def _frame(data: MarketTable | pd.DataFrame) -> pd.DataFrame:
    frame = getattr(data, "frame", data)
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"data must be a MarketTable or a DataFrame, got {type(data).__name__}")
    for col in ("vix_close", "spx_close"):
        if col not in frame.columns or not frame[col].notna().any():
            raise ValueError(f"the weekly view needs column {col!r}, which the data does not have")
    return frame


def weekly_changes(data: MarketTable | pd.DataFrame) -> pd.DataFrame:
    """Every week's last close and Friday-to-Friday change of the VIX and SPX.

    Parameters
    ----------
    data : MarketTable or pandas.DataFrame
        Daily data with ``vix_close`` and ``spx_close``.

    Returns
    -------
    pandas.DataFrame
        Indexed by the week's last trading day with both closes
        (``week_end``), columns ``week`` (the ``W-FRI`` period label),
        ``vix_close``, ``spx_close`` (both of ``week_end``), ``vix_change``,
        ``spx_change`` (fractions; NaN for the first week), ``days`` (trading
        days of the week with both closes) and ``partial`` (the last week of
        the data, ending before its Friday).
    """
    frame = _frame(data)
    both = frame[["vix_close", "spx_close"]].dropna()
    periods = pd.DatetimeIndex(both.index).to_period("W-FRI")
    grouped = both.groupby(periods)
    out = grouped.last()  # both closes of the same (last) day of each week
    out["days"] = grouped.size().astype(int)
    ends = pd.Series(both.index, index=periods).groupby(level=0).max()
    out["week"] = out.index.astype(str)
    out.index = pd.DatetimeIndex(ends.reindex(out.index).to_numpy(), name="week_end")
    prev = out[["vix_close", "spx_close"]].shift(1)
    out["vix_change"] = out["vix_close"] / prev["vix_close"] - 1.0
    out["spx_change"] = out["spx_close"] / prev["spx_close"] - 1.0
    out["partial"] = False
    if len(out):
        last = pd.Timestamp(out.index[-1])
        data_end = pd.Timestamp(frame.index[-1])
        # the data stops inside the week: more trading days may follow
        if data_end.weekday() < 4 and data_end.to_period("W-FRI") == last.to_period("W-FRI"):
            out.loc[last, "partial"] = True
    return out[["week", "vix_close", "spx_close", "vix_change", "spx_change", "days",
                "partial"]]


@dataclass(frozen=True)
class CurveSnapshot:
    """The VIX futures curve on one day.

    Attributes
    ----------
    date : pandas.Timestamp
        Trade date of the settles.
    spot : float
        VIX close that day.
    contracts : pandas.DataFrame
        One row per contract, ascending expiry: ``expiry``, ``days_to_expiry``
        (calendar days), ``settle``, ``premium_to_spot`` (settle - spot).
    """

    date: pd.Timestamp
    spot: float
    contracts: pd.DataFrame

    @property
    def cheapest(self) -> pd.Series:
        """Row of the contract with the lowest settle."""
        i = int(np.argmin(self.contracts["settle"].to_numpy(dtype=float)))
        return self.contracts.iloc[i]

    @property
    def shape(self) -> CurveShape:
        """``"contango"`` if settles rise with maturity, ``"backwardation"`` if they
        fall, ``"mixed"`` otherwise (``"flat"`` with fewer than two contracts or
        all equal)."""
        d = np.diff(self.contracts["settle"].to_numpy(dtype=float))
        if d.size == 0 or (d == 0).all():
            return "flat"
        if (d >= 0).all():
            return "contango"
        if (d <= 0).all():
            return "backwardation"
        return "mixed"

    @property
    def front_premium(self) -> float:
        """Front contract's settle minus spot (negative: a discount to spot)."""
        return float(self.contracts["settle"].iloc[0] - self.spot)

    @property
    def front_shape(self) -> CurveShape:
        """Shape of the front two contracts alone."""
        if len(self.contracts) < 2:
            return "flat"
        a, b = self.contracts["settle"].iloc[:2].to_numpy(dtype=float)
        return "contango" if b > a else "backwardation" if b < a else "flat"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready description."""
        cheap = self.cheapest
        return {
            "date": self.date.strftime("%Y-%m-%d"),
            "spot": self.spot,
            "shape": self.shape,
            "front_shape": self.front_shape,
            "front_premium": self.front_premium,
            "cheapest_expiry": _date_text(cheap["expiry"]),
            "cheapest_settle": float(cheap["settle"]),
            "contracts": [
                {"expiry": _date_text(r["expiry"]),
                 "days_to_expiry": _num(r["days_to_expiry"]), "settle": _num(r["settle"]),
                 "premium_to_spot": _num(r["premium_to_spot"])}
                for r in self.contracts.to_dict(orient="records")
            ],
        }


def curve_snapshot(curve: pd.DataFrame, date: pd.Timestamp, spot: float | pd.Series,
                   earliest: pd.Timestamp | None = None) -> CurveSnapshot | None:
    """The curve on the last row of ``curve`` at or before ``date``.

    Parameters
    ----------
    curve : pandas.DataFrame
        Trade dates by contract expiry (columns: expiry dates), settles as values;
        missing or zero settles mean "no quote".
    date : pandas.Timestamp
        Day of the snapshot.
    spot : float or pandas.Series
        VIX close that day, or the daily VIX closes (looked up on the curve's day).
    earliest : pandas.Timestamp or None, default None
        Ignore rows before this day (e.g. the start of the week); ``None``: any.

    Returns
    -------
    CurveSnapshot or None
        ``None`` when no quoted contract exists in the window.
    """
    rows = curve.loc[:date]
    if earliest is not None:
        rows = rows.loc[earliest:]
    if rows.empty:
        return None
    day = pd.Timestamp(rows.index[-1])
    row = pd.to_numeric(rows.iloc[-1], errors="coerce")
    expiries = pd.to_datetime(pd.Index(row.index))
    ok = row.notna().to_numpy() & (row.to_numpy(dtype=float) > 0) & (expiries >= day)
    if not ok.any():
        return None
    settles = row.to_numpy(dtype=float)[ok]
    exp = expiries[ok]
    order = np.argsort(exp.to_numpy())
    contracts = pd.DataFrame({
        "expiry": exp[order],
        "days_to_expiry": (exp[order] - day).days.to_numpy(),
        "settle": settles[order],
    })
    spot_value = float(spot.loc[:day].dropna().iloc[-1]) if isinstance(spot, pd.Series) \
        else float(spot)
    contracts["premium_to_spot"] = contracts["settle"] - spot_value
    return CurveSnapshot(date=day, spot=spot_value, contracts=contracts)


def _curve_from_table(frame: pd.DataFrame, day: pd.Timestamp,
                      spot: float) -> CurveSnapshot | None:
    if not {"vx1", "vx2"} <= set(frame.columns):
        return None
    v1 = _num(frame.at[day, "vx1"])
    v2 = _num(frame.at[day, "vx2"])
    if not np.isfinite(v1) or not np.isfinite(v2):
        return None
    d1 = _num(frame.at[day, "vx1_days"]) if "vx1_days" in frame.columns else np.nan
    days = [d1, d1 + 30 if np.isfinite(d1) else np.nan]
    contracts = pd.DataFrame({
        "expiry": [day + pd.Timedelta(days=d) if np.isfinite(d) else pd.NaT for d in days],
        "days_to_expiry": days,
        "settle": [v1, v2],
    })
    contracts["premium_to_spot"] = contracts["settle"] - spot
    return CurveSnapshot(date=day, spot=spot, contracts=contracts)


@dataclass(frozen=True)
class WeeklyView:
    """One week's VIX and SPX change, its rank in history, and the futures curve.

    Attributes
    ----------
    week_end : pandas.Timestamp
        The week's last trading day (a Thursday when Friday was a holiday).
    prev_week_end : pandas.Timestamp
        The previous week's last trading day.
    weeks : pandas.DataFrame
        Every week of the history (see :func:`weekly_changes`).
    curve : CurveSnapshot or None
        Futures curve on ``week_end`` (``None`` without futures data).
    """

    week_end: pd.Timestamp
    prev_week_end: pd.Timestamp
    weeks: pd.DataFrame
    curve: CurveSnapshot | None

    @property
    def row(self) -> pd.Series:
        """This week's row of :attr:`weeks`."""
        row = self.weeks.loc[self.week_end]
        assert isinstance(row, pd.Series)
        return row

    @property
    def vix_change(self) -> float:
        """VIX change over the week (fraction)."""
        return float(self.row["vix_change"])

    @property
    def spx_change(self) -> float:
        """SPX change over the week (fraction)."""
        return float(self.row["spx_change"])

    @property
    def partial(self) -> bool:
        """Whether this is the data's last week, cut before its Friday (never ranked)."""
        return bool(self.row["partial"])

    @property
    def complete_weeks(self) -> pd.DataFrame:
        """The weeks rankings use: every complete week with a change."""
        w = self.weeks
        return w[~w["partial"].astype(bool) & w["vix_change"].notna()]

    @property
    def n_weeks(self) -> int:
        """Complete weeks with a change in the history."""
        return len(self.complete_weeks)

    @property
    def vix_rank(self) -> int | None:
        """Rank of the VIX change among complete weeks (1 = largest rise); ``None``
        for a partial week."""
        if self.partial:
            return None
        ch = self.complete_weeks["vix_change"]
        return int((ch > self.vix_change).sum()) + 1

    @property
    def vix_percentile(self) -> float:
        """Share of complete weeks (in %) whose VIX change was at or below this
        week's (NaN for a partial week)."""
        if self.partial:
            return float("nan")
        ch = self.complete_weeks["vix_change"]
        return float((ch <= self.vix_change).mean() * 100.0)

    @property
    def spx_percentile(self) -> float:
        """Share of complete weeks (in %) whose SPX change was at or below this
        week's (NaN for a partial week)."""
        if self.partial:
            return float("nan")
        ch = self.complete_weeks["spx_change"]
        return float((ch <= self.spx_change).mean() * 100.0)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready description."""
        r = self.row
        return {
            "week": str(r["week"]),
            "week_end": self.week_end.strftime("%Y-%m-%d"),
            "prev_week_end": self.prev_week_end.strftime("%Y-%m-%d"),
            "vix_close": float(r["vix_close"]),
            "vix_prev_close": _num(self.weeks.at[self.prev_week_end, "vix_close"]),
            "vix_change": self.vix_change,
            "vix_rank": self.vix_rank,
            "vix_percentile": self.vix_percentile,
            "n_weeks": self.n_weeks,
            "days": int(r["days"]),
            "partial": self.partial,
            "history_start": self.weeks.index[0].strftime("%Y-%m-%d"),
            "spx_close": float(r["spx_close"]),
            "spx_prev_close": _num(self.weeks.at[self.prev_week_end, "spx_close"]),
            "spx_change": self.spx_change,
            "spx_percentile": self.spx_percentile,
            "curve": self.curve.to_dict() if self.curve is not None else None,
        }

    def to_frame(self) -> pd.DataFrame:
        """The week's figures as a one-column table (label -> value)."""
        d = self.to_dict()
        rows: dict[str, Any] = {
            "week end (last trading day)": d["week_end"],
            "previous week end": d["prev_week_end"],
            "trading days in the week": d["days"],
            "VIX close": price(d["vix_close"]),
            "VIX change": pct(d["vix_change"], 1),
            "VIX rank (1 = largest rise)": (f"{d['vix_rank']} of {d['n_weeks']}"
                                            if d["vix_rank"] is not None
                                            else "not ranked (partial week)"),
            "VIX percentile": percentile(d["vix_percentile"] / 100),
            "SPX close": price(d["spx_close"]),
            "SPX change": pct(d["spx_change"], 2),
            "SPX percentile": percentile(d["spx_percentile"] / 100),
        }
        c = self.curve
        if c is not None:
            rows["futures curve date"] = c.date.strftime("%Y-%m-%d")
            rows["curve shape"] = c.shape
            rows["front two contracts"] = c.front_shape
            rows["front future minus spot (points)"] = f"{c.front_premium:+.2f}"
            cheap = c.cheapest
            rows["cheapest contract"] = (f"{pd.Timestamp(cheap['expiry']):%Y-%m-%d} "
                                         f"at {price(cheap['settle'], VX_TICK)}")
        return pd.DataFrame({"value": pd.Series(rows, dtype=object)})

    def summary(self) -> str:
        """Plain-text summary of the week."""
        d = self.to_dict()
        day = pd.Timestamp(d["week_end"]).day_name()
        if self.partial:
            rank = (f"partial week ({d['days']} trading day{'s' if d['days'] != 1 else ''} "
                    f"so far): not ranked against the {d['n_weeks']} complete weeks")
            spx_rank = "not ranked"
        else:
            rank = (f"rank {d['vix_rank']} of {d['n_weeks']} weeks since "
                    f"{d['history_start']} ({percentile(d['vix_percentile'] / 100)})")
            spx_rank = percentile(d["spx_percentile"] / 100)
        lines = [
            f"Week ending {day} {d['week_end']} (previous: {d['prev_week_end']}); VIX and "
            "SPX closes of the same day",
            f"  VIX {price(d['vix_prev_close'])} -> {price(d['vix_close'])} "
            f"({pct(d['vix_change'], 1)}), {rank}",
            f"  SPX {price(d['spx_prev_close'])} -> {price(d['spx_close'])} "
            f"({pct(d['spx_change'], 2)}, {spx_rank})",
        ]
        c = self.curve
        if c is None:
            lines.append("  futures curve: no VIX futures data for this week")
        else:
            lines.append(f"  futures curve on {c.date:%Y-%m-%d}: {c.shape} "
                         f"(front two: {c.front_shape}); front future {c.front_premium:+.2f} "
                         f"points vs spot {c.spot:.2f}")
            for r in c.contracts.to_dict(orient="records"):
                head = (f"{pd.Timestamp(r['expiry']):%Y-%m-%d} ({int(r['days_to_expiry']):>3}d)"
                        if pd.notna(r["expiry"]) else "front/second")
                lines.append(f"    {head} {price(r['settle'], VX_TICK):>7}  "
                             f"({float(r['premium_to_spot']):+.2f})")
            lines.append(f"    cheapest: {price(c.cheapest['settle'], VX_TICK)}")
        return "\n".join(lines)


def weekly_view(data: MarketTable | pd.DataFrame, date: str | pd.Timestamp | None = None,
                *, curve: pd.DataFrame | None = None) -> WeeklyView:
    """The weekly view of the week containing ``date``.

    Parameters
    ----------
    data : MarketTable or pandas.DataFrame
        Daily data with ``vix_close`` and ``spx_close`` (and ``vx1``/``vx2`` for a
        two-point curve when ``curve`` is not given).
    date : str, Timestamp or None, default None
        Any day of the wanted week; ``None``: the last week in which both the VIX
        and SPX have a close (it may be incomplete: its last trading day so far
        is used).
    curve : pandas.DataFrame or None, default None
        Full futures curve (trade date x contract expiry settles), e.g. from
        ``backtest.data.load_futures_curve``.

    Raises
    ------
    ValueError
        If ``date`` is not a date, lies outside the data, or is in the first week
        (no previous week to compare with).
    """
    frame = _frame(data)
    weeks = weekly_changes(frame)
    # history = the weeks the VIX exists (the SPX may reach further back)
    weeks = weeks.loc[weeks["vix_close"].first_valid_index():]
    weeks.loc[weeks.index[0], ["vix_change", "spx_change"]] = np.nan
    both = weeks[["vix_close", "spx_close"]].notna().all(axis=1)
    if date is None:
        # the last complete week with both closes (SPX files often run past the VIX file)
        full = both.to_numpy() & ~weeks["partial"].astype(bool).to_numpy()
        end = pd.Timestamp(weeks.index[full][-1] if full.any()
                           else weeks.index[both.to_numpy()][-1])
    else:
        try:
            day = pd.Timestamp(date)
        except (ValueError, TypeError):
            raise ValueError(f"--date {date!r} is not a date (use YYYY-MM-DD)") from None
        first, last = frame.index[0], frame.index[-1]
        week = day.to_period("W-FRI")
        if week < first.to_period("W-FRI") or week > last.to_period("W-FRI"):
            raise ValueError(f"date {day:%Y-%m-%d} is outside the data "
                             f"({first:%Y-%m-%d} .. {last:%Y-%m-%d})")
        match = weeks.index[weeks["week"] == str(week)]
        if len(match) == 0:
            in_week = frame[pd.DatetimeIndex(frame.index).to_period("W-FRI") == week]
            if in_week.empty:
                raise ValueError(f"no trading day in the week of {day:%Y-%m-%d}")
            which = "VIX" if not in_week["vix_close"].notna().any() else "SPX"
            raise ValueError(f"the week of {day:%Y-%m-%d} has no {which} close in the data"
                             if not in_week[["vix_close", "spx_close"]].notna().all(axis=1)
                             .any() or which == "VIX"
                             else f"the week of {day:%Y-%m-%d} has no day with both closes")
        end = pd.Timestamp(match[0])
    pos = weeks.index.get_loc(end)
    if not isinstance(pos, int) or pos == 0:
        raise ValueError(f"the week ending {end:%Y-%m-%d} is the first in the data; "
                         "there is no previous week to compare with")
    prev = pd.Timestamp(weeks.index[pos - 1])
    spot = _num(weeks.at[end, "vix_close"])
    start_of_week = prev + pd.Timedelta(days=1)
    snap: CurveSnapshot | None = None
    if curve is not None and not curve.empty:
        snap = curve_snapshot(curve, end, frame["vix_close"], earliest=start_of_week)
    if snap is None:
        snap = _curve_from_table(frame, end, spot)
    return WeeklyView(week_end=end, prev_week_end=prev, weeks=weeks, curve=snap)
