"""Forward returns of the information analyses follow the event study's returns mode."""

from __future__ import annotations

import numpy as np
import pandas as pd

from backtest.execution.fills import forward_returns
from backtest.information.scaling import scaled_forward_returns


def test_default_is_the_event_studys_total_return() -> None:
    idx = pd.bdate_range("2020-01-02", periods=8)
    spx = np.array([100.0, 101, 99, 102, 103, 101, 104, 105])
    tr = spx * np.cumprod([1.0, 1, 1.01, 1, 1, 1, 1.02, 1])  # two dividend days
    frame = pd.DataFrame({"spx_open": spx, "spx_close": spx, "spxtr": tr}, index=idx)
    got = scaled_forward_returns(frame, [1, 2])
    pd.testing.assert_frame_equal(got, forward_returns(frame, [1, 2], returns="total"))
    price = scaled_forward_returns(frame, [1, 2], returns="price")
    pd.testing.assert_frame_equal(price, forward_returns(frame, [1, 2], returns="price"))
    # the dividend days make the two modes differ, so the default is not price by accident
    assert not np.allclose(got.to_numpy(), price.to_numpy(), equal_nan=True)
