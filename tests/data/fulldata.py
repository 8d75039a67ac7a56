"""A data directory holding every shared data file: the parent folder and ``more/``.

:func:`build_full_data_dir` writes a ``manifest.csv`` into a folder and
symlinks the files listed by ``manifest.csv`` and ``more/files.csv`` of the
shared data folder into it (symlinked files inside a data directory are
allowed); manifest paths stay relative.
"""

from __future__ import annotations

import csv
from pathlib import Path

__all__ = ["MORE_FOLDER", "build_full_data_dir"]

MORE_FOLDER = "more"


def _rows(listing: Path) -> list[dict[str, str]]:
    with listing.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def build_full_data_dir(shared: Path, target: Path) -> Path:
    """Fill ``target`` with symlinks to every shared file and a manifest listing them.

    Parameters
    ----------
    shared : pathlib.Path
        The shared data folder (with ``manifest.csv`` and ``more/files.csv``).
    target : pathlib.Path
        An empty folder (created if absent).

    Returns
    -------
    pathlib.Path
        ``target``.
    """
    target.mkdir(parents=True, exist_ok=True)
    rows = [(r, shared / r["path"], r["path"]) for r in _rows(shared / "manifest.csv")]
    rows += [(r, shared / MORE_FOLDER / r["path"], f"{MORE_FOLDER}/{r['path']}")
             for r in _rows(shared / MORE_FOLDER / "files.csv")]
    with (target / "manifest.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["path", "symbol", "format", "span", "notes"])
        for row, src, rel in rows:
            link = target / rel
            link.parent.mkdir(parents=True, exist_ok=True)
            if not link.exists():
                link.symlink_to(src.resolve())
            w.writerow([rel, row["symbol"], row["format"], row.get("span", ""),
                        row.get("notes", "")])
    return target
