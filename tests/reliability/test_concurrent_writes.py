"""Concurrent writers of one data directory never lose a manifest row."""

from __future__ import annotations

import multiprocessing as mp
import os
from pathlib import Path
from typing import Any

import pytest

from backtest.data.manifest import read_manifest
from backtest.data.store import ensure_data_dir, import_file

_BODY = "DATE,OPEN,HIGH,LOW,CLOSE\n" + "".join(
    f"01/{d:02d}/2020,{15 + d / 10:.2f},{16 + d / 10:.2f},{14 + d / 10:.2f},{15 + d / 10:.2f}\n"
    for d in range(2, 28))


def _import(root: str, src: str, start: Any) -> None:
    code = 0
    try:
        start.wait(timeout=30)
        import_file(root, src, symbol="VIX")
    except BaseException as exc:  # reported to the parent
        Path(src + ".error").write_text(repr(exc), encoding="utf-8")
        code = 1
    finally:
        os._exit(code)


@pytest.mark.parametrize("trial", range(4))
def test_four_simultaneous_imports_keep_every_row(tmp_path: Path, trial: int) -> None:
    ctx = mp.get_context("fork")
    root = ensure_data_dir(tmp_path / "dd")
    n = 4
    srcs = []
    for i in range(n):
        p = tmp_path / f"vix_{i}.csv"
        p.write_text(_BODY.replace("15.", f"{15 + i}."), encoding="utf-8")
        srcs.append(p)
    start = ctx.Barrier(n)
    procs = [ctx.Process(target=_import, args=(str(root), str(s), start)) for s in srcs]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
    errors = [p.read_text(encoding="utf-8") for p in sorted(tmp_path.glob("*.error"))]
    assert errors == []
    assert [p.exitcode for p in procs] == [0] * n
    names = sorted(e.path.name for e in read_manifest(root))
    assert names == [f"vix_{i}.csv" for i in range(n)]


def _commit(root: str, src: str, start: Any) -> None:
    """What `data update` does with a finished download: commit_file into the folder."""
    code = 0
    try:
        from backtest.data.store import commit_file, validate_file

        fmt, span = validate_file(src, None, "VIX")
        start.wait(timeout=30)
        commit_file(root, src, f"vix/{Path(src).name}", "VIX", fmt, span, notes="downloaded")
    except BaseException as exc:
        Path(src + ".error").write_text(repr(exc), encoding="utf-8")
        code = 1
    finally:
        os._exit(code)


@pytest.mark.parametrize("trial", range(3))
def test_imports_during_an_update_keep_every_row(tmp_path: Path, trial: int) -> None:
    ctx = mp.get_context("fork")
    root = ensure_data_dir(tmp_path / "dd")
    (root / ".vixbt" / "incoming").mkdir(parents=True)
    procs = []
    start = ctx.Barrier(4)
    for i in range(4):
        body = _BODY.replace("15.", f"{15 + i}.")
        if i % 2:
            p = root / ".vixbt" / "incoming" / f"vix_{i}.csv"
            p.write_text(body, encoding="utf-8")
            procs.append(ctx.Process(target=_commit, args=(str(root), str(p), start)))
        else:
            p = tmp_path / f"vix_{i}.csv"
            p.write_text(body, encoding="utf-8")
            procs.append(ctx.Process(target=_import, args=(str(root), str(p), start)))
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
    errors = [p.read_text(encoding="utf-8") for p in sorted(tmp_path.rglob("*.error"))]
    assert errors == []
    names = sorted(e.path.name for e in read_manifest(root))
    assert names == [f"vix_{i}.csv" for i in range(4)]
