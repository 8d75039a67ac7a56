"""Results folders: one new folder per run, never overwriting an earlier one.

A run writes ``<root>/<YYYYmmdd-HHMMSS>-<name>/``.  The folder is created with
an atomic :func:`os.mkdir` (which fails if the name exists), so two runs in the
same second -- even in two processes -- get distinct folders: the second one
takes the next free suffix (``-2``, ``-3`` ...).
"""

from __future__ import annotations

import os
import re
from datetime import UTC, datetime
from pathlib import Path

__all__ = ["DEFAULT_RESULTS_DIR", "new_run_folder", "safe_name"]

#: Default results root, relative to the working directory.
DEFAULT_RESULTS_DIR = Path("results")

_MAX_TRIES = 10_000


def safe_name(name: str, max_len: int = 60) -> str:
    """File-system-safe form of a run name: letters, digits, ``.``, ``_`` and ``-``."""
    s = re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-.")
    return s[:max_len].rstrip("-.") or "run"


def new_run_folder(name: str, root: str | Path | None = None, *,
                   now: datetime | None = None) -> Path:
    """Create and return a new, empty results folder ``<root>/<timestamp>-<name>``.

    Parameters
    ----------
    name : str
        Run name (sanitised with :func:`safe_name`).
    root : str, Path or None, default None
        Results root; ``None``: ``results/`` in the working directory.  Created
        if missing.
    now : datetime or None, default None
        Timestamp to use (UTC now by default).

    Returns
    -------
    pathlib.Path
        The new folder; it did not exist before this call.
    """
    base = Path(root) if root is not None else DEFAULT_RESULTS_DIR
    if base.exists() and not base.is_dir():
        raise ValueError(f"results root {str(base)!r} exists and is not a folder")
    base.mkdir(parents=True, exist_ok=True)
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%d-%H%M%S")
    stem = f"{stamp}-{safe_name(name)}"
    for i in range(1, _MAX_TRIES + 1):
        candidate = base / (stem if i == 1 else f"{stem}-{i}")
        try:
            os.mkdir(candidate)
        except FileExistsError:
            continue
        return candidate
    raise RuntimeError(f"could not create a new results folder under {base} "
                       f"after {_MAX_TRIES} attempts")
