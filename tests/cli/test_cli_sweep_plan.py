"""`vixbt sweep --dry-run`: the plan of a grid far too large to run, printed at once."""

from __future__ import annotations


def test_dry_run_prints_only_the_plan(vixbt) -> None:  # type: ignore[no-untyped-def]
    res = vixbt("sweep", "bollinger_break", "--grid", "window=2:2520:1", "--grid",
                "num_std=0.01:10:0.01", "--dry-run", "--quiet")
    assert res.code == 0, res.err
    assert res.out.startswith("plan: 2,519,000 parameter sets x 1 execution variant(s)")
    assert "bootstrap replicates" in res.out and "peak memory" in res.out
