"""One number convention per kind (backtest.numbers), exact strings."""

from __future__ import annotations

import math
import os
import stat
from pathlib import Path

import pytest

from backtest.numbers import count, money, ordinal, pct, percentile, price, pval, ratio


def test_percentages_fixed_decimals_never_scientific() -> None:
    assert pct(9.017e-06) == "+0.00%"
    assert pct(-1.970e-04, 3) == "-0.020%"
    assert pct(0.0027) == "+0.27%"
    assert pct(4.117) == "+411.70%"
    assert pct(0.1996, 1, sign=False) == "20.0%"
    assert pct(-0.00001) == "+0.00%"  # no "-0.00%"
    assert pct(math.nan) == "" and pct(None, na="na") == "na"


def test_ordinals_and_percentiles() -> None:
    assert [ordinal(n) for n in (1, 2, 3, 4, 11, 12, 13, 21, 22, 23, 101, 111)] == [
        "1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "23rd", "101st",
        "111th"]
    assert percentile(0.99) == "99th percentile"
    assert percentile(0.013) == "percentile 1.3"
    assert percentile(0.03) == "3rd percentile"
    with pytest.raises(TypeError, match="percentile"):
        ordinal(1.3)  # type: ignore[arg-type]


def test_money_sign_before_dollar() -> None:
    assert money(685) == "+$685.00"
    assert money(-1170) == "-$1,170.00"
    assert money(0.001) == "$0.00"


def test_prices_at_their_tick() -> None:
    assert price(18.625, 0.05) == "18.625"
    assert price(18.6, 0.05) == "18.60"
    assert price(2485.74) == "2,485.74"
    assert price(12.0, 0.05) == "12.00"


def test_pvalues_ratios_counts() -> None:
    assert pval(0.0004) == "<0.001" and pval(0.0415) == "0.042"
    assert ratio(0.5412) == "0.54" and count(24777) == "24,777"


def test_written_files_follow_the_umask(tmp_path: Path) -> None:
    from backtest.data.manifest import atomic_write_bytes

    old = os.umask(0o022)
    try:
        atomic_write_bytes(tmp_path / "a.txt", b"x")
        os.umask(0o027)
        atomic_write_bytes(tmp_path / "b.txt", b"x")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "a.txt").stat().st_mode) == 0o644
    assert stat.S_IMODE((tmp_path / "b.txt").stat().st_mode) == 0o640
