"""Run metadata: what was run, on which data, with which software.

``metadata.json`` in every results folder lets a reader reproduce or cite a
report: the command line, the parameters, each data column's source, span and
the table's content hash, the package and dependency versions, and the git
commit of the code when it runs from a git checkout.
"""

from __future__ import annotations

import json
import platform
import subprocess
import sys
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from importlib import metadata as importlib_metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

from backtest.jsonable import frame_records, to_jsonable

if TYPE_CHECKING:
    from backtest.data.table import MarketTable

__all__ = [
    "DEPENDENCIES",
    "data_sources",
    "dumps",
    "frame_records",
    "git_commit",
    "package_versions",
    "run_metadata",
    "to_jsonable",
]

#: Distributions whose versions every metadata file records.
DEPENDENCIES: tuple[str, ...] = (
    "vixbt", "vectorbt", "numba", "pandas", "numpy", "scipy", "matplotlib", "arch",
    "statsmodels", "exchange_calendars", "tqdm",
)

METADATA_SCHEMA = "vixbt.metadata/1"


def dumps(obj: Any) -> str:
    """JSON text of ``obj`` after :func:`to_jsonable` (indented, strict: no NaN)."""
    return json.dumps(to_jsonable(obj), indent=2, allow_nan=False, ensure_ascii=False)


def package_versions(names: Sequence[str] = DEPENDENCIES) -> dict[str, str | None]:
    """Installed version of each distribution (``None`` when not installed)."""
    out: dict[str, str | None] = {}
    for n in names:
        try:
            out[n] = importlib_metadata.version(n)
        except importlib_metadata.PackageNotFoundError:
            out[n] = None
    return out


def git_commit(path: str | Path | None = None) -> dict[str, Any] | None:
    """Commit (and whether the tree has local changes) of the checkout holding ``path``.

    Returns ``None`` when git is unavailable or ``path`` is not in a checkout.
    """
    where = Path(path) if path is not None else Path(__file__).resolve().parents[2]
    try:
        head = subprocess.run(["git", "-C", str(where), "rev-parse", "HEAD"],
                              capture_output=True, text=True, timeout=5, check=False)
        if head.returncode != 0:
            return None
        status = subprocess.run(["git", "-C", str(where), "status", "--porcelain",
                                 "--untracked-files=no"],
                                capture_output=True, text=True, timeout=10, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    return {"commit": head.stdout.strip(),
            "dirty": bool(status.stdout.strip()) if status.returncode == 0 else None}


def data_sources(table: MarketTable) -> dict[str, Any]:
    """Provenance of a market table: span, content hash and every column's source."""
    cols = []
    for name, src in table.sources.items():
        cols.append({
            "column": name, "source": src.source, "path": src.path,
            "first": to_jsonable(src.first), "last": to_jsonable(src.last),
            "rows": src.rows, "gaps": src.gaps, "repairs": src.repairs,
            "notes": list(src.notes),
        })
    return {
        "start": to_jsonable(table.start) if len(table.frame) else None,
        "end": to_jsonable(table.end) if len(table.frame) else None,
        "rows": len(table.frame),
        "columns": list(table.columns),
        "content_hash": table.content_hash,
        "sources": cols,
    }


def run_metadata(command: Sequence[str] | None, parameters: Mapping[str, Any],
                 table: MarketTable | None = None, **extra: Any) -> dict[str, Any]:
    """Everything ``metadata.json`` records about a run.

    Parameters
    ----------
    command : sequence of str or None
        The command line (``None``: ``sys.argv``).
    parameters : mapping
        The run's parameters (strategy parameters, execution settings ...).
    table : MarketTable or None, default None
        The data the run used.
    **extra
        Further JSON-ready fields.
    """
    argv = list(sys.argv) if command is None else list(command)
    out: dict[str, Any] = {
        "schema": METADATA_SCHEMA,
        "created_utc": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": argv,
        "parameters": to_jsonable(parameters),
        "data": data_sources(table) if table is not None else None,
        "versions": package_versions(),
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "git": git_commit(),
    }
    out.update({k: to_jsonable(v) for k, v in extra.items()})
    return out
