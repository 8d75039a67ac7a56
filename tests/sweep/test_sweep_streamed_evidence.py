"""The sweep's streamed evidence equals the in-memory one, whatever the chunking."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from backtest.evidence.runner import stream_sweep
from backtest.evidence.sweep import evidence_of_sweep
from backtest.sweep import Sweep
from strategies.bollinger_break import BollingerBreak


@pytest.fixture(scope="module")
def recent(market: pd.DataFrame) -> pd.DataFrame:
    return market.loc["2012":"2019"]


def test_streamed_evidence_equals_the_in_memory_evidence(recent: pd.DataFrame) -> None:
    sw = Sweep(BollingerBreak, {"window": [21, 42, 63], "num_std": [1.5, 2.0, 2.5],
                                "fees": [0.0, 0.001]})
    kw = {"reps": 120, "seed": 2, "train": 500, "test": 250}
    full = sw.run(recent, keep_returns=True, progress=False)
    ref = evidence_of_sweep(full, **kw)
    for chunk, parallel in ((2, False), (9, True), (4, True)):
        result, ev = stream_sweep(sw, recent, chunk_size=chunk, progress=False,
                                  parallel=parallel, top_k=3, **kw)
        pd.testing.assert_frame_equal(result.table, full.table)
        pd.testing.assert_frame_equal(ev.to_frame(), ref.to_frame())
        assert ev.pbo is not None and ref.pbo is not None
        np.testing.assert_array_equal(ev.pbo.logits, ref.pbo.logits)
        assert result.daily_returns is None
