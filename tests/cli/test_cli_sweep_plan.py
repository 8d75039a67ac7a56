"""`vixbt sweep --dry-run`: the plan of a grid far too large to run, printed at once."""

from __future__ import annotations


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
