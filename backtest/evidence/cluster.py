"""A sweep and its evidence as a map-reduce over chunks on a Dask cluster.

The map step runs one chunk of parameter sets -- the kernel
(:meth:`~backtest.sweep.sweep.Sweep.run_chunk`) and that chunk's evidence
summary (:meth:`~backtest.evidence.stream.EvidenceStream.summarise`) -- and
returns only the kernel rows and the summary; the reduce step
(:meth:`~backtest.evidence.stream.EvidenceStream.absorb`, then
:meth:`~backtest.sweep.sweep.Sweep.result_from_raw`) runs on the client.  Every
number is computed exactly as in the local run, so the result equals it.

**How workers get the data**: the client ships it.  The market frame, the
sweep and the evidence stream's bootstrap plan are scattered to every worker
once (``broadcast=True``); a worker needs this package installed (the same
version) but no data directory.  The frame of 1927-2026 is about 6 MB and the
plan about 7 MB at 1,000 replicates, so shipping costs far less than a chunk.

``cluster`` is ``"local:N"`` (a :class:`dask.distributed.LocalCluster` of ``N``
single-threaded worker processes on 127.0.0.1, closed afterwards), a scheduler
address ``"tcp://host:port"`` (a cluster started with ``dask scheduler`` and
``dask worker``), or a :class:`dask.distributed.Client`.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import numpy as np

from backtest.evidence.stream import EvidenceStream, StreamChunk

if TYPE_CHECKING:
    from backtest.evidence.sweep_result import SweepEvidence
    from backtest.sweep.result import SweepResult
    from backtest.sweep.sweep import Sweep

__all__ = ["parse_cluster", "run_on_cluster"]


def parse_cluster(spec: str) -> tuple[str, int | str]:
    """``"local:N"`` -> ``("local", N)``; ``"tcp://host:port"`` -> ``("address", spec)``.

    Raises
    ------
    ValueError
        Naming the accepted forms.
    """
    if spec.startswith("local:"):
        n = spec.split(":", 1)[1]
        if not n.isdigit() or int(n) < 1:
            raise ValueError(f"cluster {spec!r}: local:N needs a worker count N >= 1")
        return "local", int(n)
    if spec.startswith(("tcp://", "tls://", "inproc://")) and ":" in spec.split("://", 1)[1]:
        return "address", spec
    raise ValueError(f"cluster {spec!r} must be local:N or tcp://host:port")


def _task(sweep: Sweep, frame: Any, stream: EvidenceStream, start: int, stop: int,
          n_var: int) -> tuple[int, np.ndarray, StreamChunk]:
    # one thread per task: Dask runs the tasks side by side
    raw, rets, bench, labels = sweep.run_chunk(frame, start, stop, parallel=False)
    return start * n_var, raw, stream.summarise(start * n_var, rets, bench, labels)


def run_on_cluster(sweep: Sweep, data: Any, cluster: Any, *, chunk_size: int | None = None,
                   memory_budget: int | None = None, progress: bool = True,
                   top_k: int = 1024, **evidence: Any) -> tuple[SweepResult, SweepEvidence]:
    """:func:`~backtest.evidence.runner.stream_sweep` with the chunks on a Dask cluster.

    Parameters
    ----------
    sweep, data, chunk_size, memory_budget, progress, top_k, **evidence
        As :func:`~backtest.evidence.runner.stream_sweep`.
    cluster : str or dask.distributed.Client
        ``"local:N"``, ``"tcp://host:port"`` or a client.

    Returns
    -------
    tuple of SweepResult and SweepEvidence
    """
    import importlib

    from tqdm.auto import tqdm

    dd: Any = importlib.import_module("dask.distributed")  # untyped library
    Client, LocalCluster, as_completed = dd.Client, dd.LocalCluster, dd.as_completed

    from backtest.sweep.chunks import DEFAULT_MEMORY_BUDGET
    from backtest.sweep.kernel import RAW_FIELDS

    frame = getattr(data, "frame", data)
    owned: list[Any] = []
    if isinstance(cluster, Client):
        client = cluster
    else:
        kind, arg = parse_cluster(str(cluster))
        if kind == "local":
            # silence_logs: the workers' shutdown chatter (a heartbeat racing the
            # scheduler's close) is not an error of the run; task errors still raise
            lc = LocalCluster(n_workers=int(arg), threads_per_worker=1, processes=True,
                              host="127.0.0.1", dashboard_address=None,
                              silence_logs=logging.CRITICAL)
            owned.append(lc)
            client = Client(lc)
        else:
            client = Client(str(arg))
        owned.insert(0, client)
    try:
        budget = DEFAULT_MEMORY_BUDGET if memory_budget is None else int(memory_budget)
        width = sweep.chunk_width(frame, chunk_size=chunk_size, memory_budget=budget)
        days = sweep.trading_days(frame)
        n_var = len(sweep.variants)
        k = int(top_k)
        while True:
            stream = EvidenceStream(days, top_k=k, parallel=False,
                                    n_sets=sweep.n_combinations, **evidence)
            f_sweep, f_frame, f_stream = client.scatter([sweep, frame, stream], broadcast=True)
            futures = [client.submit(_task, f_sweep, f_frame, f_stream, lo,
                                     min(lo + width, sweep.n_sets), n_var, pure=False)
                       for lo in range(0, sweep.n_sets, width)]
            raw_all = np.empty((sweep.n_combinations, len(RAW_FIELDS)))
            with tqdm(total=sweep.n_combinations, disable=not progress, unit="comb",
                      desc=f"sweep on {len(client.scheduler_info()['workers'])} workers") as bar:
                for fut in as_completed(futures):
                    lo, raw, part = fut.result()
                    raw_all[lo:lo + len(raw)] = raw
                    stream.absorb(part)
                    bar.update(len(raw))
            try:
                ev = stream.result()
            finally:
                stream.close()
            if k >= sweep.n_combinations or not any(n.startswith("StepM rejected more")
                                                     for n in ev.notes):
                break
            k = min(sweep.n_combinations, 4 * k)
        return sweep.result_from_raw(frame, raw_all, width), ev
    finally:
        for obj in owned:
            obj.close()
