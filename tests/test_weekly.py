"""The weekly view: Friday-to-Friday changes, holiday Fridays, rank, the curve."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from backtest.weekly import curve_snapshot, weekly_changes, weekly_view


def _frame() -> pd.DataFrame:
    # Four weeks of business days; 2024-03-29 (Good Friday) is a holiday, so the
    # second week ends on Thursday 2024-03-28.
    days = pd.bdate_range("2024-03-18", "2024-04-12")
    days = days[days != pd.Timestamp("2024-03-29")]
    vix = pd.Series(np.nan, index=days)
    spx = pd.Series(np.nan, index=days)
    vix[:] = 11.0
    spx[:] = 100.0
    vix["2024-03-22"], spx["2024-03-22"] = 10.0, 100.0   # week 1 end
    vix["2024-03-28"], spx["2024-03-28"] = 12.0, 98.0    # week 2 end (Thursday)
    vix["2024-04-05"], spx["2024-04-05"] = 9.0, 101.0    # week 3 end
    vix["2024-04-11"] = 18.0                              # week 4: Friday's VIX missing,
    vix["2024-04-12"], spx["2024-04-12"] = np.nan, 95.0  # so the week ends Thursday for both
    return pd.DataFrame({"vix_close": vix, "spx_close": spx})


def test_weekly_changes_by_hand() -> None:
    w = weekly_changes(_frame())
    assert list(w.index.strftime("%Y-%m-%d")) == ["2024-03-22", "2024-03-28", "2024-04-05",
                                                  "2024-04-11"]
    assert np.isnan(w["vix_change"].iloc[0])
    # 12/10 - 1 = 0.2; 9/12 - 1 = -0.25; 18/9 - 1 = 1.0
    assert w["vix_change"].iloc[1:].to_numpy() == pytest.approx([0.2, -0.25, 1.0])
    # 98/100 - 1; 101/98 - 1; Thursday's 100/101 - 1 (never Friday's SPX with
    # Thursday's VIX)
    assert w["spx_change"].iloc[1:].to_numpy() == pytest.approx(
        [-0.02, 101 / 98 - 1, 100 / 101 - 1])
    assert list(w["days"]) == [5, 4, 5, 4]
    assert not w["partial"].any()


def test_holiday_friday_uses_thursday_and_rank() -> None:
    v = weekly_view(_frame(), "2024-03-27")
    assert v.week_end == pd.Timestamp("2024-03-28")
    assert v.prev_week_end == pd.Timestamp("2024-03-22")
    assert v.vix_change == pytest.approx(0.2)
    # changes 0.2, -0.25, 1.0: 0.2 is the 2nd largest rise; 2 of 3 at or below it
    assert v.vix_rank == 2 and v.n_weeks == 3
    assert v.vix_percentile == pytest.approx(200 / 3)
    assert v.curve is None
    assert "rank 2 of 3" in v.summary()
    d = v.to_dict()
    assert d["vix_prev_close"] == 10.0 and d["vix_close"] == 12.0


def test_default_is_last_week() -> None:
    v = weekly_view(_frame())
    assert v.week_end == pd.Timestamp("2024-04-11")
    assert "Thursday 2024-04-11" in v.summary() and "same day" in v.summary()
    assert v.vix_change == pytest.approx(1.0) and v.vix_rank == 1


def test_default_skips_weeks_without_a_vix_close() -> None:
    # SPX runs one week past the VIX: the default week is the last one with both.
    f = _frame()
    extra = pd.DataFrame({"vix_close": np.nan, "spx_close": 96.0},
                         index=pd.bdate_range("2024-04-15", "2024-04-19"))
    f = pd.concat([f, extra])
    assert weekly_view(f).week_end == pd.Timestamp("2024-04-11")
    with pytest.raises(ValueError, match="has no VIX close"):
        weekly_view(f, "2024-04-17")


@pytest.mark.parametrize(("date", "match"), [
    ("2030-01-01", "outside the data"),
    ("2024-03-20", "first in the data"),
    ("not-a-date", "is not a date"),
])
def test_bad_dates(date: str, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        weekly_view(_frame(), date)


def test_curve_snapshot_by_hand() -> None:
    # Curve on 2024-04-05 (Friday): spot 9.0; contracts Apr-17 10.5, May-22 12.0,
    # Jun-18 11.8 (a hump); the row for 04-11 exists but must not be used.
    exp = pd.to_datetime(["2024-04-17", "2024-05-22", "2024-06-18"])
    curve = pd.DataFrame([[10.5, 12.0, 11.8], [20.0, 19.0, 18.0]],
                         index=pd.to_datetime(["2024-04-05", "2024-04-11"]), columns=exp)
    v = weekly_view(_frame(), "2024-04-03", curve=curve)
    c = v.curve
    assert c is not None and c.date == pd.Timestamp("2024-04-05")
    assert c.spot == 9.0
    assert list(c.contracts["days_to_expiry"]) == [12, 47, 74]
    assert c.front_premium == pytest.approx(1.5)
    assert c.shape == "mixed" and c.front_shape == "contango"
    assert float(c.cheapest["settle"]) == 10.5
    # the week of 04-12 ends Thursday 04-11 (Friday has no VIX): a falling curve ->
    # backwardation, front 20 vs spot 18
    c2 = weekly_view(_frame(), "2024-04-12", curve=curve).curve
    assert c2 is not None and c2.shape == "backwardation"
    assert c2.spot == 18.0 and c2.front_premium == pytest.approx(2.0)


def test_curve_ignores_expired_and_zero_settles() -> None:
    exp = pd.to_datetime(["2024-03-20", "2024-04-17", "2024-05-22"])
    curve = pd.DataFrame([[9.0, 0.0, 12.0]], index=pd.to_datetime(["2024-04-05"]), columns=exp)
    snap = curve_snapshot(curve, pd.Timestamp("2024-04-05"), 9.0)
    assert snap is not None
    assert list(snap.contracts["settle"]) == [12.0]


def test_embedded_sample_week_of_august_2015() -> None:
    # VIX closed 12.83 on 2015-08-14 and 28.03 on 2015-08-21 (CBOE history): +118.5 %,
    # the largest weekly rise in the embedded 2014-2018 sample.
    import arch.data.sp500
    import arch.data.vix

    vix = arch.data.vix.load()["vix"]
    spx = arch.data.sp500.load()["Close"]
    frame = pd.DataFrame({"spx_close": spx}).join(vix.rename("vix_close"), how="left")
    frame = frame.loc["2014-01-03":"2018-12-31"]
    v = weekly_view(frame, "2015-08-19")
    assert v.week_end == pd.Timestamp("2015-08-21")
    assert v.vix_change == pytest.approx(28.03 / 12.83 - 1, abs=1e-4)
    assert v.vix_rank == 1


@pytest.mark.realdata
def test_full_data_week_and_curve(data_dir) -> None:  # type: ignore[no-untyped-def]
    # Known closes (CBOE history): VIX 41.94 on 2020-03-06 and 57.83 on 2020-03-13.
    from backtest.data import load_futures_curve, load_market_data

    table = load_market_data(data_dir)
    curve = load_futures_curve(data_dir)
    v = weekly_view(table, "2020-03-11", curve=curve)
    assert v.week_end == pd.Timestamp("2020-03-13")
    assert v.vix_change == pytest.approx(57.83 / 41.94 - 1, abs=1e-6)
    assert v.weeks.index[0].year == 1990  # history starts with the VIX, not SPX's 1927
    assert v.curve is not None and v.curve.front_shape == "backwardation"
    # The front future settled 33.225 on 2018-02-05 when the VIX closed 37.32: a 4.095
    # point discount to spot.
    snap = curve_snapshot(curve, pd.Timestamp("2018-02-05"), table.frame["vix_close"])
    assert snap is not None and snap.date == pd.Timestamp("2018-02-05")
    assert snap.contracts["settle"].iloc[0] == pytest.approx(33.225)
    assert snap.front_premium == pytest.approx(33.225 - 37.32)


def test_partial_last_week_is_not_ranked() -> None:
    # The data stop on a Monday: that one-day week is partial, never ranked, and
    # not part of the history; the default view is the last complete week.
    f = _frame()
    f.loc[pd.Timestamp("2024-04-15")] = [30.0, 90.0]
    w = weekly_changes(f)
    assert bool(w["partial"].iloc[-1]) and int(w["days"].iloc[-1]) == 1
    assert weekly_view(f).week_end == pd.Timestamp("2024-04-11")
    v = weekly_view(f, "2024-04-15")
    assert v.partial and v.vix_rank is None and np.isnan(v.vix_percentile)
    assert "not ranked" in v.summary()
    assert weekly_view(f, "2024-04-11").n_weeks == 3  # the partial week is left out


def test_weekly_numbers_read_plainly() -> None:
    text = weekly_view(_frame(), "2024-03-27").summary()
    assert "th percentile" not in text.replace("67th", "")
    assert "percentile 66.7" in text
