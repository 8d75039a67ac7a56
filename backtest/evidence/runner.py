"""Run a sweep and its data-snooping evidence in one streamed pass (:func:`stream_sweep`).

Locally the chunks run in this process (numba threads inside each chunk); with
``cluster`` they run on Dask workers (:mod:`backtest.evidence.cluster`).  Each
chunk's daily returns go straight into an
:class:`~backtest.evidence.stream.EvidenceStream` and are dropped.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from backtest.evidence.stream import EvidenceStream

if TYPE_CHECKING:
    from backtest.evidence.sweep_result import SweepEvidence
    from backtest.sweep.result import SweepResult
    from backtest.sweep.sweep import Sweep

__all__ = ["stream_sweep"]

FloatArray = npt.NDArray[np.float64]


def stream_sweep(sweep: Sweep, data: Any, *, chunk_size: int | None = None,
                 memory_budget: int | None = None, progress: bool = True,
                 parallel: bool = True, top_k: int = 1024, cluster: Any = None,
                 spill: str | os.PathLike[str] | None = None,
                 **evidence: Any) -> tuple[SweepResult, SweepEvidence]:
    """Run a sweep and its data-snooping evidence in one pass, in bounded memory.

    Each chunk's daily returns go from the kernel straight into an
    :class:`EvidenceStream` and are dropped; only the statistics table and the
    per-set summaries are kept.  Every set is compared with buy-and-hold
    under its own execution variant (as :func:`~backtest.evidence.sweep.evidence_of_sweep`).

    Parameters
    ----------
    sweep : Sweep
    data : MarketTable or pandas.DataFrame
    chunk_size, memory_budget, progress, parallel
        As :meth:`~backtest.sweep.sweep.Sweep.run` (``memory_budget=None``: its
        default).
    top_k : int, default 1024
        StepM's per-replicate list; if more sets are rejected, the sweep is run
        again with a list long enough (so StepM is always exact).
    cluster : str, dask.distributed.Client or None, default None
        Run the chunks on a Dask cluster: ``"local:N"`` (N worker processes on
        this machine), ``"tcp://host:port"`` (a running scheduler) or a client
        (:mod:`backtest.evidence.cluster`); the result is the same.
    spill : path or None, default None
        Keep the per-set evidence (each set's means, variances, Sharpe ratios,
        exposure, in/out-of-sample scores and PBO block sums, about 350 bytes
        a set) in files of a temporary folder made inside this folder (deleted
        at the end) instead of in memory, PBO then reading them in chunks; and
        the statistics table in a file of another such folder, deleted with
        the result (:meth:`~backtest.sweep.sweep.Sweep.run`).  The result is
        identical.
    **evidence
        :class:`EvidenceStream` arguments (``reps``, ``seed``, ``size``,
        ``metric``, ``split``, ``train``, ``test``, ``n_partitions``, ``cash``
        (a Series is aligned to the run span), ``cash_label``, ``views`` ...).

    Returns
    -------
    tuple of SweepResult and SweepEvidence
    """
    if cluster is not None:
        from backtest.evidence.cluster import run_on_cluster

        return run_on_cluster(sweep, data, cluster, chunk_size=chunk_size,
                              memory_budget=memory_budget, progress=progress, top_k=top_k,
                              spill=spill, **evidence)
    from tqdm.auto import tqdm

    from backtest.sweep.chunks import DEFAULT_MEMORY_BUDGET

    days = sweep.trading_days(data)
    budget = DEFAULT_MEMORY_BUDGET if memory_budget is None else int(memory_budget)
    k = int(top_k)
    while True:
        stream = EvidenceStream(days, top_k=k, parallel=parallel, spill=spill,
                                n_sets=sweep.n_combinations, **evidence)
        with tqdm(total=sweep.n_combinations, disable=not progress, unit="comb",
                  desc="SPA/StepM bootstrap", position=1, leave=False) as bar:

            def sink(start: int, rets: FloatArray, bench: FloatArray, labels: list[str],
                     stream: EvidenceStream = stream, bar: Any = bar) -> None:
                stream.add(start, rets, bench, labels)
                bar.update(len(labels))

            try:
                result = sweep.run(data, chunk_size=chunk_size, memory_budget=budget,
                                   progress=progress, parallel=parallel, on_returns=sink,
                                   spill=spill)
                ev = stream.result()
            finally:
                stream.close()
        if k >= sweep.n_combinations or not any(n.startswith("StepM rejected more")
                                                 for n in ev.notes):
            return result, ev
        k = min(sweep.n_combinations, 4 * k)
