"""Episode counting and era slicing: exact values on tiny hand-made inputs."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from backtest.evidence.episodes import count_episodes, episode_ids
from backtest.evidence.eras import era_masks


def test_episode_ids_merge_days_closer_than_horizon() -> None:
    s = [1, 1, 0, 1, 0, 0, 0, 1, 0, 0]
    # positions 0, 1, 3, 7: gaps 1, 2, 4
    assert episode_ids(s, 1).tolist() == [0, 1, -1, 2, -1, -1, -1, 3, -1, -1]
    assert episode_ids(s, 2).tolist() == [0, 0, -1, 1, -1, -1, -1, 2, -1, -1]
    assert episode_ids(s, 3).tolist() == [0, 0, -1, 0, -1, -1, -1, 1, -1, -1]
    assert episode_ids(s, 5).tolist() == [0, 0, -1, 0, -1, -1, -1, 0, -1, -1]
    assert [count_episodes(s, h) for h in (1, 2, 3, 4, 5)] == [4, 3, 2, 2, 1]


def test_chain_of_close_days_is_one_episode() -> None:
    # every gap is 3 < 4, so the chain spans 12 rows but is one episode
    s = np.zeros(20, dtype=bool)
    s[[0, 3, 6, 9, 12]] = True
    assert count_episodes(s, 4) == 1
    assert count_episodes(s, 3) == 5


def test_no_signal_and_bad_horizon() -> None:
    assert count_episodes(np.zeros(5, dtype=bool), 5) == 0
    assert count_episodes(np.array([], dtype=bool), 5) == 0
    with pytest.raises(ValueError, match="horizon must be an integer >= 1"):
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
