"""`vixbt sweep --dry-run`: the plan of a grid far too large to run, printed at once."""

from __future__ import annotations

import pytest


def test_dry_run_prints_only_the_plan(vixbt) -> None:  # type: ignore[no-untyped-def]
    res = vixbt("sweep", "bollinger_break", "--grid", "window=2:2520:1", "--grid",
                "num_std=0.01:10:0.01", "--dry-run", "--quiet")
    assert res.code == 0, res.err
    assert res.out.startswith("plan: 2,519,000 parameter sets x 1 execution variant(s)")
    assert "bootstrap replicates" in res.out and "peak memory" in res.out


def test_spill_dir_gives_the_same_document(vixbt, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """--spill-dir: per-set evidence in memory-mapped files, the same JSON; folder removed."""
    args = ["sweep", "bollinger_break", "--grid", "window=21,42,63", "--grid",
            "num_std=1.5:2.5:0.5", "--grid", "fees=0,0.001", "--n-boot", "40", "--format",
            "json", "--no-report", "--quiet"]
    plain = vixbt(*args)
    assert plain.code == 0, plain.err
    spill = tmp_path / "spill"
    spilled = vixbt(*args, "--spill-dir", str(spill))
    assert spilled.code == 0, spilled.err
    assert spilled.json() == plain.json()
    assert spill.is_dir() and list(spill.iterdir()) == []


def test_dry_run_says_what_spills(vixbt) -> None:  # type: ignore[no-untyped-def]
    big = vixbt("sweep", "bollinger_break", "--grid", "window=2:2520:1", "--grid",
                "num_std=0.01:10:0.01", "--dry-run", "--quiet")
    assert big.code == 0, big.err
    assert "MiB of per-set arrays spilled to disk (in " in big.out
    small = vixbt("sweep", "bollinger_break", "--grid", "window=21,42", "--dry-run", "--quiet")
    assert small.code == 0, small.err
    assert "with the per-set arrays in memory" in small.out and "(in " not in small.out


_SMALL = ["sweep", "bollinger_break", "--grid", "window=10,21,42", "--grid",
          "num_std=1:2.5:0.5", "--grid", "holding_period=none,5", "--n-boot", "30",
          "--no-report", "--quiet"]


def test_forced_spill_gives_the_same_bytes(vixbt, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A memory target of 1 byte: the table and the evidence spill; JSON and CSV unchanged."""
    import tempfile

    import backtest.sweep.plan as plan

    outs = {}
    for fmt in ("json", "csv"):
        outs[fmt] = vixbt(*_SMALL, "--format", fmt)
        assert outs[fmt].code == 0, outs[fmt].err
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    monkeypatch.setattr(plan, "MEMORY_TARGET", 1)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp))
    import backtest.sweep.spill as spill

    made: list[str] = []
    array = spill.SpillFolder.array

    def spy(self, name, shape, dtype):  # type: ignore[no-untyped-def]
        made.append(name)
        return array(self, name, shape, dtype)

    monkeypatch.setattr(spill.SpillFolder, "array", spy)
    dry = vixbt(*_SMALL, "--dry-run")
    assert f"spilled to disk (in {tmp})" in dry.out
    for fmt in ("json", "csv"):
        res = vixbt(*_SMALL, "--format", fmt)
        assert res.code == 0, res.err
        assert res.out == outs[fmt].out
    assert made == ["stats", "stats"]  # the table went to a file in both runs
    assert outs["csv"].out.count("\n") == 1 + 3 * 4 * 2
    assert list(tmp.iterdir()) == []  # the temporary folders are gone


def test_streamed_json_and_csv_equal_the_whole_document() -> None:
    import io

    import numpy as np
    import pandas as pd

    from backtest.cli.commands.sweep import _write_csv, _write_json
    from backtest.report.metadata import dumps

    idx = pd.MultiIndex.from_product([[10, 21], [1.5, 2.0], ["long", "both"]],
                                     names=["window", "num_std", "side"])
    table = pd.DataFrame({"sharpe": [0.1, np.nan, np.inf, -0.0, 1e-17, 2.5, -3.0, 7.0],
                          "trades": np.arange(8.0)}, index=idx)
    doc = {"schema": "x", "n": 8, "best": {"params": {"window": 10}}, "rows": table}
    for rows in (1, 3, 8, 100):
        chunks = [table.iloc[i:i + rows] for i in range(0, 8, rows)]
        out = io.StringIO()
        _write_json(out, doc, iter(chunks))
        assert out.getvalue() == dumps(doc) + "\n"
        out = io.StringIO()
        _write_csv(out, iter(chunks))
        assert out.getvalue() == table.to_csv()
    out = io.StringIO()
    _write_json(out, {**doc, "rows": table.iloc[:0]}, iter([]))
    assert out.getvalue() == dumps({**doc, "rows": []}) + "\n"


def test_spill_dir_errors_are_one_line(vixbt, one_line_error, tmp_path) -> None:  # type: ignore[no-untyped-def]
    afile = tmp_path / "afile"
    afile.write_text("x")
    res = vixbt(*_SMALL, "--spill-dir", str(afile))
    one_line_error(res, 2, "--spill-dir", "afile: is not a folder")
    res = vixbt(*_SMALL, "--spill-dir", str(afile / "sub"))
    one_line_error(res, 2, "--spill-dir", "cannot be made")


def test_spill_dir_without_room_is_one_line(vixbt, one_line_error, tmp_path,  # type: ignore[no-untyped-def]
                                            monkeypatch) -> None:
    import shutil

    monkeypatch.setattr(shutil, "disk_usage", lambda p: shutil._ntuple_diskusage(10, 10, 0))
    res = vixbt(*_SMALL, "--spill-dir", str(tmp_path / "spill"))
    one_line_error(res, 2, "--spill-dir", "KiB of disk there, but only 0 KiB are free")


@pytest.mark.slow
def test_sigterm_deletes_the_spill_folders(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A terminated sweep exits 143 and leaves nothing in the spill folder."""
    import os
    import signal
    import subprocess
    import sys
    import time

    spill = tmp_path / "spill"
    env = {k: v for k, v in os.environ.items() if k != "VIXBT_DATA_DIR"}  # the sample
    proc = subprocess.Popen(
        [sys.executable, "-m", "backtest.cli.main", "sweep", "bollinger_break", "--grid",
         "window=5:204:1", "--grid", "num_std=0.05:5:0.05", "--n-boot", "20", "--no-report",
         "--quiet", "--spill-dir", str(spill)],
        cwd=tmp_path, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while not (spill.is_dir() and len(list(spill.iterdir())) == 2):
            assert proc.poll() is None, proc.communicate()[1]
            assert time.monotonic() < deadline
            time.sleep(0.02)
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:  # pragma: no cover - only on a failure above
            proc.kill()
    assert proc.returncode == 143, err
    assert list(spill.iterdir()) == []
