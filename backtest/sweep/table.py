"""The per-combination statistics of a sweep, stored column by column.

:class:`StatsStore` holds one float64 column per statistic
(:data:`~backtest.sweep.stats.STAT_NAMES`), filled chunk by chunk as the
sweep runs, either in memory or -- for grids too large for the memory budget
-- in a ``.npy`` file of a :class:`~backtest.sweep.spill.SpillFolder`.  A
spilled store is written with plain file writes and read back through a
read-only memory map (the table) or plain file reads (row chunks), so the
pages a run writes or streams out do not stay in the process's memory.
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np
import numpy.typing as npt

from backtest.sweep.spill import SpillFolder
from backtest.sweep.stats import STAT_NAMES

__all__ = ["BYTES_PER_STATS_ROW", "StatsStore"]

#: Bytes per combination of the statistics columns (float64 each).
BYTES_PER_STATS_ROW: int = 8 * len(STAT_NAMES)

FloatArray = npt.NDArray[np.float64]


class StatsStore:
    """``(len(STAT_NAMES), n)`` float64 statistics, in memory or in a spilled file.

    Parameters
    ----------
    n : int
        Combinations (rows of the table).
    folder : SpillFolder or None, default None
        Keep the columns in ``stats.npy`` in this folder instead of in memory.
        The store keeps a reference to the folder (deleted with its last owner).
    """

    def __init__(self, n: int, folder: SpillFolder | None = None) -> None:
        self.n = int(n)
        self.width = len(STAT_NAMES)
        self.folder = folder
        self._fd: int | None = None
        self._offset = 0
        self._mem: FloatArray | None = None
        if folder is None:
            self._mem = np.empty((self.width, self.n), dtype=np.float64)
            return
        made = folder.array("stats", (self.width, self.n), np.float64)
        self._offset = int(made.offset)
        self.path = folder.dir / "stats.npy"
        del made  # the header is written; the data pages are written below, not mapped
        self._fd = os.open(self.path, os.O_RDWR)

    @property
    def spilled(self) -> bool:
        """Whether the columns live in a file."""
        return self.folder is not None

    def write(self, start: int, values: FloatArray) -> None:
        """Rows ``start : start + len(values)`` from a ``(c, width)`` array."""
        v = np.asarray(values, dtype=np.float64)
        if v.ndim != 2 or v.shape[1] != self.width or not 0 <= start <= self.n - len(v):
            raise ValueError(f"rows {start}:{start + len(v)} of shape {v.shape} do not fit "
                             f"a ({self.n}, {self.width}) table")
        if self._mem is not None:
            self._mem[:, start:start + len(v)] = v.T
            return
        assert self._fd is not None
        for j in range(self.width):
            data = np.ascontiguousarray(v[:, j]).tobytes()
            pos = self._offset + 8 * (j * self.n + start)
            while data:
                done = os.pwrite(self._fd, data, pos)
                data, pos = data[done:], pos + done

    def columns(self) -> FloatArray:
        """All columns, ``(width, n)``: the array itself, or a read-only memory map
        of the file (pages read when touched)."""
        if self._mem is not None:
            return self._mem
        self.close_writer()
        mapped: Any = np.load(self.path, mmap_mode="r")
        return np.asarray(mapped)

    def rows(self, start: int, stop: int) -> FloatArray:
        """Rows ``start:stop`` as a ``(stop - start, width)`` array (a copy; read from
        the file with plain reads when spilled)."""
        if self._mem is not None:
            return np.ascontiguousarray(self._mem[:, start:stop].T)
        out = np.empty((stop - start, self.width), dtype=np.float64)
        with open(self.path, "rb") as f:
            for j in range(self.width):
                f.seek(self._offset + 8 * (j * self.n + start))
                col = np.fromfile(f, dtype=np.float64, count=stop - start)
                if len(col) != stop - start:
                    raise OSError(f"{self.path}: short read of statistics column {j}")
                out[:, j] = col
        return out

    def close_writer(self) -> None:
        """Close the file written by :meth:`write` (a no-op in memory)."""
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def __del__(self) -> None:
        self.close_writer()
