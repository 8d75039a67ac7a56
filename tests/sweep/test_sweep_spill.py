"""A sweep's statistics table spilled to a file: the same table, rows and best sets."""

from __future__ import annotations

import gc
import os
import shutil
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from backtest.sweep import Sweep, SweepResult
from backtest.sweep.spill import SpillFolder, check_spill_dir
from backtest.sweep.table import StatsStore
from strategies.bollinger_break import BollingerBreak

GRID: dict[str, list[Any]] = {"window": [10, 21, 42], "num_std": [1.0, 1.5, 2.0, 2.5],
                              "holding_period": [None, 5]}


@pytest.fixture(scope="module")
def frame(market: pd.DataFrame) -> pd.DataFrame:
    return market.loc["2012":]


@pytest.fixture(scope="module")
def plain(frame: pd.DataFrame) -> SweepResult:
    return Sweep(BollingerBreak, GRID).run(frame, progress=False, chunk_size=5)


def test_spilled_table_equals_the_in_memory_table(frame: pd.DataFrame, plain: SweepResult,
                                                  tmp_path: Path) -> None:
    spilled = Sweep(BollingerBreak, GRID).run(frame, progress=False, chunk_size=2,
                                              spill=tmp_path)
    assert spilled.spilled and not plain.spilled
    (folder,) = list(tmp_path.iterdir())
    assert (folder / "stats.npy").is_file()
    pd.testing.assert_frame_equal(spilled.table, plain.table)
    pd.testing.assert_frame_equal(spilled.to_frame(), plain.to_frame())
    for rows in (1, 5, 24, 1000):
        got = pd.concat(list(spilled.iter_frames(rows)))
        pd.testing.assert_frame_equal(got, plain.table)
        assert len(list(spilled.iter_frames(rows))) == -(-len(plain) // rows)
    for metric in ("sharpe", "max_drawdown_duration", "profit_factor", "win_rate"):
        pd.testing.assert_series_equal(spilled.best(metric), plain.best(metric))
    assert spilled.summary() == plain.summary()
    del spilled
    gc.collect()
    assert list(tmp_path.iterdir()) == []  # the folder goes with the result


def test_top_rows_are_the_first_rows_of_the_ranking(plain: SweepResult) -> None:
    for metric in ("sharpe", "trades", "max_drawdown", "annualized_volatility", "win_rate"):
        for asc in (None, True, False):
            for k in (0, 1, 7, len(plain), len(plain) + 3):
                pd.testing.assert_frame_equal(plain.top(metric, k, asc),
                                              plain.ranked(metric, asc).head(k))
    with pytest.raises(ValueError, match="k=-1"):
        plain.top("sharpe", -1)


def test_store_rejects_rows_that_do_not_fit(tmp_path: Path) -> None:
    store = StatsStore(4, SpillFolder(tmp_path, 1000))
    store.write(1, np.arange(28.0).reshape(2, 14))
    with pytest.raises(ValueError, match=r"rows 3:5 of shape \(2, 14\) do not fit"):
        store.write(3, np.zeros((2, 14)))
    np.testing.assert_array_equal(store.rows(1, 3), np.arange(28.0).reshape(2, 14))
    np.testing.assert_array_equal(store.columns()[:, 1:3], np.arange(28.0).reshape(2, 14).T)


def test_spill_folder_errors_name_the_folder(tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    afile = tmp_path / "afile"
    afile.write_text("x")
    with pytest.raises(ValueError, match=r"spill folder .*afile/sub: cannot be made"):
        check_spill_dir(afile / "sub", 1)
    with pytest.raises(ValueError, match=r"spill folder .*afile: is not a folder"):
        check_spill_dir(afile, 1)
    monkeypatch.setattr(shutil, "disk_usage", lambda p: shutil_usage(2**20))
    with pytest.raises(ValueError, match=r"needs 2 MiB of disk there, but only 1 MiB are free"):
        check_spill_dir(tmp_path, 2 * 2**20)
    check_spill_dir(tmp_path, 2**20)
    # root may write anywhere: the permission check is exercised through os.access
    monkeypatch.setattr(os, "access", lambda p, mode: False)
    with pytest.raises(ValueError, match=r"spill folder .*: is not writable"):
        check_spill_dir(tmp_path, 1)


def shutil_usage(free: int) -> shutil._ntuple_diskusage:
    return shutil._ntuple_diskusage(10 * free, 9 * free, free)
