"""Shared fixtures.

Tests that need the full market history use the ``data_dir`` fixture: it reads
``VIXBT_DATA_DIR`` and skips with a reason when that is unset or missing --
except under CI (``CI`` set), where missing data fails the run.
"""

from __future__ import annotations

import csv
import os
from pathlib import Path

import pytest

SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"


def _data_dir() -> Path | None:
    raw = os.environ.get("VIXBT_DATA_DIR")
    if not raw:
        return None
    p = Path(raw).expanduser().resolve()
    return p if (p / "manifest.csv").is_file() else None


def _missing(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"CI run without full market data: {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def data_dir() -> Path:
    """Folder with the full real market data (``VIXBT_DATA_DIR``)."""
    p = _data_dir()
    if p is None:
        _missing("needs the full market data: set VIXBT_DATA_DIR to a data directory "
                 "with a manifest.csv (e.g. ../shared/data)")
    assert p is not None
    return p


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The project's raw test-data folder (``../shared/data``), read in place."""
    p = _data_dir() or SHARED_DATA
    if not (p / "manifest.csv").is_file():
        _missing(f"needs the real data files; {p} has no manifest.csv")
    return p


@pytest.fixture(scope="session")
def full_table(data_dir: Path):  # type: ignore[no-untyped-def]
    """The aligned market table over the full real history (loaded once)."""
    from backtest.data import load_market_data

    return load_market_data(data_dir)


@pytest.fixture(scope="session")
def full_frame(full_table):  # type: ignore[no-untyped-def]
    """``full_table.frame``."""
    return full_table.frame


def _listing_rows(listing: Path) -> list[dict[str, str]]:
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
    rows = [(r, shared / r["path"], r["path"]) for r in _listing_rows(shared / "manifest.csv")]
    rows += [(r, shared / "more" / r["path"], f"more/{r['path']}")
             for r in _listing_rows(shared / "more" / "files.csv")]
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


@pytest.fixture(scope="session")
def full_data_dir_more(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data directory listing every shared file: the parent folder's and ``more/``'s.

    Symlinks to the shared files and a ``manifest.csv`` (relative paths), so the
    table also has ``vxo, skew, spxtr, dtb3, ndx_*, vxn_*`` (built once per session).
    """
    if not (shared_data / "more" / "files.csv").is_file():
        _missing(f"needs the real data files of {shared_data / 'more'} (files.csv)")
    return build_full_data_dir(shared_data, tmp_path_factory.mktemp("full_data_more"))


@pytest.fixture(scope="session")
def full_table_more(full_data_dir_more: Path):  # type: ignore[no-untyped-def]
    """The aligned market table of :func:`full_data_dir_more` (loaded once)."""
    import warnings

    from backtest.data import load_market_data
    from backtest.errors import DataRepairWarning

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataRepairWarning)
        return load_market_data(full_data_dir_more)
