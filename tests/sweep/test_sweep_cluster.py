"""The sweep on a two-worker Dask LocalCluster equals the local run."""

from __future__ import annotations

import pandas as pd
import pytest

from backtest.evidence.cluster import parse_cluster
from backtest.evidence.runner import stream_sweep
from backtest.sweep import Sweep
from strategies.bollinger_break import BollingerBreak


@pytest.mark.slow
def test_two_worker_local_cluster_equals_the_local_run(market: pd.DataFrame) -> None:
    distributed = pytest.importorskip("dask.distributed")
    frame = market.loc["2015":"2019"]
    sw = Sweep(BollingerBreak, {"window": [21, 63], "num_std": [1.5, 2.0],
                                "holding_period": [5, 10]})
    kw = {"reps": 50, "seed": 1, "train": 300, "test": 200}
    local, ev_local = stream_sweep(sw, frame, chunk_size=2, progress=False, **kw)
    # real worker processes on 127.0.0.1 (the data are shipped by the client)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  host="127.0.0.1", dashboard_address=None) as lc, \
            distributed.Client(lc) as client:
        remote, ev_remote = stream_sweep(sw, frame, chunk_size=2, progress=False,
                                         cluster=client, **kw)
        assert len(client.scheduler_info()["workers"]) == 2
    pd.testing.assert_frame_equal(remote.table, local.table)
    pd.testing.assert_frame_equal(ev_remote.to_frame(), ev_local.to_frame())


def test_cluster_spec_is_checked() -> None:
    assert parse_cluster("local:2") == ("local", 2)
    assert parse_cluster("tcp://10.0.0.5:8786") == ("address", "tcp://10.0.0.5:8786")
    with pytest.raises(ValueError, match="must be local:N or tcp://host:port"):
        parse_cluster("lokal:2")
    with pytest.raises(ValueError, match="needs a worker count N >= 1"):
        parse_cluster("local:0")
