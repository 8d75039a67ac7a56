"""Charts rendered in parallel: forked processes draw PNGs while the report is computed.

A :class:`ChartPool` takes figures (or functions building them) as the report
adds them and renders them in child processes made with ``os.fork`` -- the
child already holds the figure or its data (no pickling, no imports), builds
and draws it with :func:`~backtest.report.charts.to_png` exactly as the parent
would, writes the PNG into a private temporary folder and
exits.  Up to ``jobs - 1`` children run while the parent goes on computing the
next strategy; at :meth:`ChartPool.results` the parent draws the remaining
figures from the back of the queue while children, as they become free, take
batches from the front.  The bytes are those of serial rendering (the same
code on the same objects; tested).

Why fork, not a spawned pool: a spawned or forkserver worker must import
matplotlib and receive every figure pickled (tens of MB for the full report),
which costs more than drawing them.  The parent's other threads (numba's
thread pool, idle between kernels) are never used by a child, which runs only
matplotlib and the PNG encoder and ends with ``os._exit``; CPython holds the import
lock across ``fork``.  Where ``os.fork`` does not exist (Windows) or on macOS
(system libraries that are not fork-safe), figures are rendered in the parent,
one after the other.

A child that fails (or is killed) leaves no file: the parent then renders that
batch itself, so a genuine error surfaces with its own traceback.
"""

from __future__ import annotations

import gc
import os
import shutil
import signal
import sys
import tempfile
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeAlias

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["ChartPool", "available_cores", "can_fork"]


def available_cores() -> int:
    """CPU cores this process may run on (its affinity where the system reports it)."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


def can_fork() -> bool:
    """Whether charts can be rendered in forked processes on this system."""
    return hasattr(os, "fork") and sys.platform.startswith("linux")


#: A figure, or a function building it (called where it is drawn: in a child, the
#: figure's construction leaves this process too).
Chart: TypeAlias = "Figure | Callable[[], Figure]"


def _render_batch(batch: list[tuple[int, Chart]], folder: Path, dpi: int | None) -> None:
    for i, fig in batch:
        png = _png(fig, dpi)
        tmp = folder / f"{i}.tmp"
        tmp.write_bytes(png)
        os.replace(tmp, folder / f"{i}.png")


def _end(running: dict[int, Any], folder: Path) -> None:
    """End the children still running and remove the folder (at close, or at exit)."""
    for pid in list(running):
        try:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        except (ProcessLookupError, ChildProcessError):
            pass
        del running[pid]
    shutil.rmtree(folder, ignore_errors=True)


def _warm_up() -> None:
    """Draw a small figure with text, a legend and a date axis, so the imports
    (Pillow's PNG writer) and matplotlib's font and text caches are filled in this
    process before it forks, not again in each child."""
    import numpy as np
    from matplotlib.figure import Figure

    from backtest.report.charts import _date_axis, to_png

    fig = Figure(figsize=(2, 1.5), layout="constrained")
    ax = fig.add_subplot(1, 1, 1)
    ax.plot(np.arange("2000-01", "2001-01", dtype="datetime64[D]"), np.arange(366.0),
            label="x")
    _date_axis(ax)
    ax.set_title("x")
    ax.legend(fontsize=8)
    fig.suptitle("x")
    to_png(fig, 24)


def _png(chart: Chart, dpi: int | None) -> bytes:
    from backtest.report.charts import to_png

    fig = chart() if callable(chart) else chart
    return to_png(fig) if dpi is None else to_png(fig, dpi)


@dataclass
class ChartPool:
    """Render figures in up to ``jobs`` processes (the parent included).

    Parameters
    ----------
    jobs : int
        Processes drawing at the same time, the parent included; ``1`` renders
        every figure in the parent when it is added.
    batch : int, default 4
        Figures queued before a child process starts (one fork per batch; each
        fork of a large process costs some CPU, about 0.1-0.2 s with the caches
        the child fills again).  While this process computes (before
        :meth:`results`) it cannot hand out work, so a child then takes up to
        ``ahead`` figures; smaller batches at the end.
    ahead : int, default 12
        Most figures a child started by :meth:`submit` takes.
    dpi : int or None, default None
        Resolution of the PNGs (default: :func:`~backtest.report.charts.to_png`'s).

    Notes
    -----
    Use :meth:`submit` for each figure, then :meth:`results` once (the PNG
    bytes in submission order); :meth:`close` ends any children left (e.g.
    after an error) and removes the temporary folder.
    """

    jobs: int
    batch: int = 4
    dpi: int | None = None
    ahead: int = 12
    _queue: list[tuple[int, Chart]] = field(default_factory=list, init=False)
    _running: dict[int, list[tuple[int, Chart]]] = field(default_factory=dict, init=False)
    _failed: list[tuple[int, Chart]] = field(default_factory=list, init=False)
    _done: dict[int, bytes] = field(default_factory=dict, init=False)
    _n: int = field(default=0, init=False)
    _folder: Path | None = field(default=None, init=False)
    _finalizer: weakref.finalize[Any, Any] | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        if self.jobs < 1:
            raise ValueError(f"jobs must be at least 1, got {self.jobs}")
        if self.batch < 1:
            raise ValueError(f"batch must be at least 1, got {self.batch}")
        if self.ahead < self.batch:
            raise ValueError(f"ahead must be at least batch ({self.batch}), got {self.ahead}")

    @property
    def parallel(self) -> bool:
        """Whether figures go to child processes (``jobs > 1`` and fork available)."""
        return self.jobs > 1 and can_fork()

    def submit(self, fig: Chart) -> int:
        """Queue ``fig`` (a figure, or a function building one); returns its position
        (the key of :meth:`results`)."""
        i, self._n = self._n, self._n + 1
        if not self.parallel:
            self._done[i] = _png(fig, self.dpi)
            return i
        self._queue.append((i, fig))
        self._reap(block=False)
        while len(self._queue) >= self.batch and len(self._running) < self.jobs - 1:
            # this process goes on computing and looks at its children only at the next
            # submit: everything queued (up to ahead) keeps the child busy until then
            self._start(self._queue[:self.ahead])
            del self._queue[:self.ahead]
        return i

    def results(self) -> list[bytes]:
        """Wait for every figure and return the PNGs in submission order."""
        try:
            # the rest: children take batches from the front as they become free,
            # this process draws from the back in the meantime
            while self._queue:
                self._reap(block=False)
                while self._queue and len(self._running) < self.jobs - 1:
                    # smaller batches towards the end, so no child finishes long after
                    # this process
                    size = max(1, min(self.batch, len(self._queue) // (2 * self.jobs)))
                    self._start(self._queue[:size])
                    del self._queue[:size]
                if self._queue:
                    self._render_here([self._queue.pop()])
            while self._running:
                self._reap(block=True)
            if self._failed:
                failed, self._failed = self._failed, []
                self._render_here(failed)
            return [self._done.pop(i) for i in range(self._n)]
        finally:
            self.close()

    def close(self) -> None:
        """End running children and remove the temporary folder."""
        self._queue = []
        if self._finalizer is not None:
            self._finalizer()  # also run at exit if never called (an error on the way)
            self._finalizer = None
        self._folder = None

    # -- internals -----------------------------------------------------------------

    def _render_here(self, batch: list[tuple[int, Chart]]) -> None:
        for i, fig in batch:
            self._done[i] = _png(fig, self.dpi)

    def _start(self, batch: list[tuple[int, Chart]]) -> None:
        if self._folder is None:
            self._folder = Path(tempfile.mkdtemp(prefix="vixbt-charts-"))
            self._finalizer = weakref.finalize(self, _end, self._running, self._folder)
            _warm_up()  # imports and font caches once here, inherited by every child
        folder = self._folder
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the child (coverage does not follow forks)
            # no garbage collection in this short-lived child: a collection walks every
            # object inherited from the parent, which copies its memory page by page
            gc.disable()
            code = 1
            try:
                _render_batch(batch, folder, self.dpi)
                code = 0
            finally:
                os._exit(code)
        self._running[pid] = batch

    def _reap(self, *, block: bool) -> None:
        """Collect finished children (only this pool's: never ``waitpid(-1)``,
        which could take a child another part of the program waits for);
        ``block``: wait for the oldest one."""
        for pid in list(self._running):
            done, status = os.waitpid(pid, 0 if block else os.WNOHANG)
            if done == 0:
                continue
            self._collect(pid, os.waitstatus_to_exitcode(status) == 0)
            if block:
                return

    def _collect(self, pid: int, ok: bool) -> None:
        batch = self._running.pop(pid)
        assert self._folder is not None
        for i, fig in batch:
            path = self._folder / f"{i}.png"
            if ok and path.is_file():
                self._done[i] = path.read_bytes()
                path.unlink()
            else:
                self._failed.append((i, fig))
