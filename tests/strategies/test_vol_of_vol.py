"""Vol-of-vol compression: exact signals on hand-built VIX and VVIX series."""

from __future__ import annotations

import itertools
import math
import statistics

import numpy as np
from strategy_frames import frame, ref_bands, rows

from strategies.vol_of_vol import VolOfVol

VVIX = [100.0, 100.0, 100.0, 90.0, 100.0, 120.0, 80.0, 95.0]


def test_vvix_bands() -> None:
    data = frame(vix_close=[20.0] * 8, vvix=VVIX)
    s = VolOfVol(measure="vvix", band_window=3, num_std=1.0).signals(data)
    # t=3: (100, 100, 90) lower 96.67 - 4.71 = 91.95 > 90; t=6: (100, 120, 80) lower 83.67 > 80
    assert rows(s.short_entries) == [3, 6]
    # middle exit: at or above the mean (t=2 is a tie of a constant window)
    assert rows(s.short_exits) == [2, 4, 5]
    assert not s.long_entries.any() and not s.long_exits.any()
    inside = VolOfVol(measure="vvix", band_window=3, num_std=1.0, exit_style="inside")
    # t=7: 95 is back above the lower band 81.8 but below the mean 98.3
    assert rows(inside.signals(data).short_exits) == [2, 4, 5, 7]
    none = VolOfVol(measure="vvix", band_window=3, num_std=1.0, exit_style="none")
    assert not none.signals(data).short_exits.any()


def test_hist_vol_measure_against_reference() -> None:
    rng = np.random.default_rng(3)
    closes = list(20 * np.exp(np.cumsum(rng.normal(0, 0.06, 120))))
    hw, bw, k = 5, 10, 1.0
    logs = [math.log(b / a) for a, b in itertools.pairwise(closes)]
    hv = [np.nan] * hw + [statistics.stdev(logs[t - hw:t]) * math.sqrt(252)
                          for t in range(hw, len(closes))]
    mid, _, lo = ref_bands(hv[hw:], bw, k)
    lo = [np.nan] * hw + lo
    mid = [np.nan] * hw + mid
    want_entries = [h < v for h, v in zip(hv, lo, strict=True)]
    want_exits = [h >= m for h, m in zip(hv, mid, strict=True)]
    s = VolOfVol(hv_window=hw, band_window=bw, num_std=k).signals(frame(vix_close=closes))
    assert list(s.short_entries) == want_entries
    assert list(s.short_exits) == want_exits
    assert sum(want_entries) >= 3


def test_columns_and_warmup() -> None:
    assert VolOfVol().columns_needed() == ("vix_close",)
    assert VolOfVol(measure="vvix").columns_needed() == ("vvix",)
    assert VolOfVol().warmup == 21 + 63 - 1
    assert VolOfVol(measure="vvix").warmup == 62
