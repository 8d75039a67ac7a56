"""Episode counting and era slicing: exact values on tiny hand-made inputs."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from backtest.evidence.episodes import DEFAULT_MAX_GAP, count_episodes, episode_ids, episodes
from backtest.evidence.eras import era_masks


def test_episode_ids_join_days_at_most_max_gap_apart() -> None:
    s = [1, 1, 0, 1, 0, 0, 0, 1, 0, 0]
    # positions 0, 1, 3, 7: distances 1, 2, 4
    assert episode_ids(s, 1).tolist() == [0, 0, -1, 1, -1, -1, -1, 2, -1, -1]
    assert episode_ids(s, 2).tolist() == [0, 0, -1, 0, -1, -1, -1, 1, -1, -1]
    assert episode_ids(s, 4).tolist() == [0, 0, -1, 0, -1, -1, -1, 0, -1, -1]
    assert [count_episodes(s, g) for g in (1, 2, 3, 4, 5)] == [3, 2, 2, 1, 1]
    # default rule: two trading weeks
    assert DEFAULT_MAX_GAP == 10
    assert count_episodes([1] + [0] * 9 + [1]) == 1   # 10 rows apart: one episode
    assert count_episodes([1] + [0] * 10 + [1]) == 2  # 11 rows apart: two


def test_a_run_longer_than_the_horizon_is_one_episode_at_every_horizon() -> None:
    """A 100-day condition is one episode; the horizon plays no part in the count."""
    s = np.zeros(400, dtype=bool)
    s[50:150] = True           # one run of 100 signal days (longer than a 63-day horizon)
    s[[200, 215, 230]] = True  # three isolated days 15 rows apart: three episodes
    e = episodes(s)
    assert len(e) == 4 and count_episodes(s) == 4
    assert e.start.tolist() == [50, 200, 215, 230]
    assert e.end.tolist() == [149, 200, 215, 230]
    assert e.signal_days.tolist() == [100, 1, 1, 1]
    assert e.largest() == 0
    assert np.flatnonzero(e.first_days(400)).tolist() == [50, 200, 215, 230]


def test_days_never_chain_across_long_gaps() -> None:
    # signal every 11 rows for 20 years' worth of rows: each day its own episode
    s = np.zeros(5000, dtype=bool)
    s[::11] = True
    assert count_episodes(s) == s.sum()
    s[::10] = True  # now some pairs are within 10 rows: they chain
    assert count_episodes(s) < s.sum()


def test_no_signal_and_bad_gap() -> None:
    assert count_episodes(np.zeros(5, dtype=bool), 5) == 0
    assert count_episodes(np.array([], dtype=bool), 5) == 0
    assert len(episodes(np.zeros(3, dtype=bool))) == 0 and episodes([0, 0]).largest() == -1
    with pytest.raises(ValueError, match=r"max_gap must be an integer >= 1 \(trading days\)"):
        episode_ids([True], 0)


def test_era_masks_decades_and_2008() -> None:
    idx = pd.DatetimeIndex(["1999-12-31", "2000-01-03", "2007-12-31", "2008-01-02",
                            "2010-05-05"])
    dec = era_masks(idx, "decade")
    assert list(dec) == ["1990s", "2000s", "2010s"]
    assert dec["2000s"].tolist() == [False, True, True, True, False]
    gfc = era_masks(idx, "2008")
    assert list(gfc) == ["before 2008", "2008 on"]
    assert gfc["before 2008"].tolist() == [True, True, True, False, False]
    custom = era_masks(idx, ["2000-01-01"])
    assert list(custom) == ["1999-12-31..1999-12-31", "2000-01-03..2010-05-05"]


def test_era_masks_bad_input() -> None:
    idx = pd.DatetimeIndex(["2000-01-03"])
    with pytest.raises(ValueError, match="eras must be 'decade', '2008'"):
        era_masks(idx, "century")
    with pytest.raises(ValueError, match="cannot read break dates"):
        era_masks(idx, ["not a date"])
    with pytest.raises(TypeError, match="DatetimeIndex"):
        era_masks(pd.RangeIndex(3), "decade")  # type: ignore[arg-type]
