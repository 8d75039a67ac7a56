"""VX final settlement dates: the exchange rule, holidays, and the raw CFE files."""

from __future__ import annotations

import warnings
from pathlib import Path

import pandas as pd
import pytest

from backtest.data.expirations import next_expirations, vx_expiration, vx_expirations
from backtest.data.manifest import read_manifest
from backtest.data.readers import read_file
from backtest.errors import DataRepairWarning


def test_plain_months() -> None:
    # Third Friday of Feb 2018 is 2018-02-16; 30 days before is Wednesday 2018-01-17.
    assert vx_expiration(2018, 1) == pd.Timestamp("2018-01-17")
    # Third Friday of March 2018 is 2018-03-16 -> Wednesday 2018-02-14.
    assert vx_expiration(2018, 2) == pd.Timestamp("2018-02-14")
    assert vx_expiration(2018, 2).day_name() == "Wednesday"


def test_friday_holiday_moves_settlement() -> None:
    # Third Friday of March 2008 is Good Friday (2008-03-21, exchange closed): settlement is
    # 30 days before Thursday 2008-03-20, i.e. Tuesday 2008-02-19.
    assert vx_expiration(2008, 2) == pd.Timestamp("2008-02-19")


def test_wednesday_holiday_moves_settlement() -> None:
    # June 2024: third Friday of July is 2024-07-19; 30 days before is Wednesday 2024-06-19,
    # Juneteenth (exchange closed), so settlement is the business day before: 2024-06-18.
    assert vx_expiration(2024, 6) == pd.Timestamp("2024-06-18")


def test_range_and_ordering() -> None:
    exp = vx_expirations("2008-01-01", "2008-12-31")
    assert len(exp) == 12 and exp.is_monotonic_increasing and exp.name == "expiry"
    assert exp[0] == pd.Timestamp("2008-01-16") and exp[1] == pd.Timestamp("2008-02-19")
    assert list(vx_expirations("2008-01-16", "2008-01-16")) == [pd.Timestamp("2008-01-16")]
    with pytest.raises(ValueError, match="end 2008-01-01 is before start 2008-02-01"):
        vx_expirations("2008-02-01", "2008-01-01")
    with pytest.raises(ValueError, match=r"month must be 1\.\.12, got 13"):
        vx_expiration(2008, 13)


def test_next_expirations_roll_on_expiry_day() -> None:
    days = pd.DatetimeIndex(["2008-01-15", "2008-01-16", "2008-01-17"])
    got = next_expirations(days, 2)
    assert [pd.Timestamp(x) for x in got[0]] == [pd.Timestamp("2008-01-16"),
                                                 pd.Timestamp("2008-02-19")]
    # on the expiration day itself the expiring contract is no longer counted
    assert [pd.Timestamp(x) for x in got[1]] == [pd.Timestamp("2008-02-19"),
                                                 pd.Timestamp("2008-03-19")]
    assert pd.Timestamp(got[2][0]) == pd.Timestamp("2008-02-19")


def test_rule_matches_last_trade_dates_in_raw_cfe_files(shared_data: Path) -> None:
    entry = next(e for e in read_manifest(shared_data) if e.format == "cfe-contracts-archive")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataRepairWarning)
        raw = read_file(entry.path, entry.format)
    f = raw.frame
    last = f.groupby("contract")["trade_date"].max()
    # contracts whose files end on 2015-04-01 are the partial, unexpired histories
    expired = last[last < pd.Timestamp("2015-04-01")]
    assert len(expired) == 87
    months = {m: i + 1 for i, m in enumerate(["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul",
                                              "Aug", "Sep", "Oct", "Nov", "Dec"])}
    for contract, last_day in expired.items():
        mon, yy = str(contract).split("(")[1].rstrip(")").split()
        assert vx_expiration(2000 + int(yy), months[mon]) == last_day, contract
    # and the schedule lists exactly those days, nothing in between
    sched = vx_expirations(expired.min(), expired.max())
    assert sorted(sched) == sorted(expired)
