"""Per-combination arrays of a large sweep in memory-mapped files.

A sweep of millions of combinations keeps one row of statistics per
combination.  :class:`SpillFolder` holds such arrays in ``.npy`` files of a
temporary folder made inside a folder the user chooses (``--spill-dir``); the
operating system pages them in and out, so the resident memory stays bounded
whatever the grid size.  The folder is deleted when its owner is garbage
collected or at exit; an array mapped before then stays readable (the file's
pages live until the mapping goes).
"""

from __future__ import annotations

import os
import shutil
import tempfile
import weakref
from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["SpillFolder", "check_spill_dir"]


def check_spill_dir(root: str | os.PathLike[str], need: int) -> Path:
    """``root`` as a folder that can hold ``need`` more bytes (made if missing).

    Raises
    ------
    ValueError
        Naming the folder: it cannot be made, is not a folder, is not writable,
        or its disk has less than ``need`` bytes free.
    """
    base = Path(root)
    if base.exists() and not base.is_dir():
        raise ValueError(f"spill folder {base}: is not a folder")
    try:
        base.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ValueError(f"spill folder {base}: cannot be made ({exc.strerror or exc})") from None
    if not os.access(base, os.W_OK | os.X_OK):
        raise ValueError(f"spill folder {base}: is not writable")
    free = shutil.disk_usage(base).free
    if need > free:
        raise ValueError(f"spill folder {base}: the sweep needs {_size(need)} of disk there, "
                         f"but only {_size(free)} are free; narrow the grid or give "
                         "--spill-dir on a larger disk")
    return base


def _size(n: int) -> str:
    """Bytes in KiB below one MiB, else in MiB."""
    return f"{n / 2**10:,.0f} KiB" if n < 2**20 else f"{n / 2**20:,.0f} MiB"


class SpillFolder:
    """A temporary folder of memory-mapped ``.npy`` arrays.

    Parameters
    ----------
    root : path
        Folder to make the temporary folder in (checked by :func:`check_spill_dir`).
    need : int
        Bytes the arrays will take (checked against the free disk space).
    prefix : str, default "vixbt-sweep-"
    """

    def __init__(self, root: str | os.PathLike[str], need: int,
                 prefix: str = "vixbt-sweep-") -> None:
        base = check_spill_dir(root, need)
        self.dir = Path(tempfile.mkdtemp(prefix=prefix, dir=base))
        self._cleanup = weakref.finalize(self, shutil.rmtree, str(self.dir), True)

    def array(self, name: str, shape: tuple[int, ...], dtype: Any
              ) -> np.memmap[Any, np.dtype[Any]]:
        """A new zero-filled array backed by ``<name>.npy`` in the folder."""
        out: np.memmap[Any, np.dtype[Any]] = np.lib.format.open_memmap(
            self.dir / f"{name}.npy", mode="w+", dtype=dtype, shape=shape)
        return out

    def close(self) -> None:
        """Delete the folder (arrays already mapped stay readable)."""
        self._cleanup()
