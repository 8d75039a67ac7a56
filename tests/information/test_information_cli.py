"""The command line: vixbt deciles, vixbt study --controls, the headline column."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path

from backtest.cli.schema import SCHEMA_KEYS
from tests.information.conftest import Outcome


def one_line_error(res: Outcome, *fragments: str) -> None:
    assert res.code == 2, (res.code, res.err)
    lines = [ln for ln in res.err.splitlines() if ln.strip() and "data:" not in ln]
    assert len(lines) == 1 and "Traceback" not in res.err, res.err
    for f in fragments:
        assert f in lines[0], (f, lines[0])


def test_deciles_json_csv_and_report(vixbt: Callable[..., Outcome], tmp_path: Path) -> None:
    res = vixbt("deciles", "vix_level", "--horizons", "5,21", "--n-boot", "50", "--format",
                "json", "--quiet")
    assert res.code == 0, res.err
    doc = json.loads(res.out)
    assert set(doc) == SCHEMA_KEYS["deciles"]
    assert doc["schema"] == "vixbt.deciles/1"
    assert doc["predictor"]["name"] == "vix_level"
    assert {r["horizon"] for r in doc["spread"]} == {5, 21}
    assert len(doc["buckets"]) == 20
    assert set(doc["buckets"][0]) == {"horizon", "bucket", "n_days", "x_low", "x_high", "mean",
                                      "se_hac", "ci_low", "ci_high", "hit_rate"}
    folder = Path(doc["report"])
    assert (folder / "deciles-vix_level.png").stat().st_size > 5000
    assert "Patton-Timmermann" in (folder / "index.html").read_text(encoding="utf-8")
    res = vixbt("deciles", "vix_change", "--window", "2", "--horizons", "5", "--n-boot", "0",
                "--format", "csv", "--no-report", "--quiet")
    assert res.code == 0, res.err
    rows = list(csv.DictReader(io.StringIO(res.out)))
    assert len(rows) == 10 and {"mean", "spread_spread", "spread_mr_p"} <= set(rows[0])


def test_deciles_bad_input(vixbt: Callable[..., Outcome]) -> None:
    one_line_error(vixbt("deciles", "vrpp", "--no-report"), "unknown predictor 'vrpp'",
                   "Did you mean 'vrp'?")
    one_line_error(vixbt("deciles", "vix_level", "--window", "3", "--no-report"),
                   "predictor 'vix_level' has no window")
    one_line_error(vixbt("deciles", "vrp", "--bins", "1", "--no-report"), "--bins 1")
    one_line_error(vixbt("deciles", "vvix", "--no-report", "--quiet"), "vvix")


def test_study_controls_json(vixbt: Callable[..., Outcome]) -> None:
    res = vixbt("study", "spike_reversal", "--controls", "spx_ret_5,vix_level", "--horizons",
                "5", "--n-boot", "0", "--format", "json", "--no-report", "--quiet")
    assert res.code == 0, res.err
    doc = json.loads(res.out)
    assert set(doc) == SCHEMA_KEYS["study"]
    c = doc["controls"]
    assert c["controls"] == ["spx_ret_5", "vix_level"] and c["hac_lags"] == "horizon"
    row = c["rows"][0]
    assert row["side"] == "long" and row["horizon"] == 5 and row["n_controls"] == 2
    assert {"coef_alone", "coef_controlled", "partial_r2", "p_controlled_raw"} <= set(row)
    pub = doc["publication"]
    assert {r["part"] for r in pub} == {"before publication (..2008)",
                                        "after publication (2009..)"}
    assert doc["regimes"] is None and doc["vol_scaled"] is None
    res = vixbt("study", "spike_reversal", "--horizons", "5", "--n-boot", "0", "--format",
                "json", "--no-report", "--quiet", "--regimes", "--vol-scaled")
    doc = json.loads(res.out)
    assert doc["controls"] is None
    assert {r["split"] for r in doc["regimes"]} == {"trend", "vix_tercile"}
    assert all(r["part_days"] > 0 for r in doc["regimes"])
    assert doc["vol_scaled"][0]["horizon"] == 5
    one_line_error(vixbt("study", "spike_reversal", "--controls", "spx_ret_2", "--no-report",
                         "--n-boot", "0", "--quiet"), "unknown control 'spx_ret_2'")


def test_headline_adds_information_column(vixbt: Callable[..., Outcome]) -> None:
    res = vixbt("study", "--n-boot", "0", "--format", "json", "--no-report", "--quiet")
    assert res.code == 0, res.err
    doc = json.loads(res.out)
    from strategies.registry import REGISTRY

    prim = {(n, s): h for n, c in REGISTRY.items() for s, h in c.primary_horizons().items()}
    studied = {(r["strategy"], r["side"]) for r in doc["rows"]}
    for r in doc["rows"]:
        if prim.get((r["strategy"], r["side"])) == r["horizon"]:
            assert r["adds_information"] in ("yes", "no", "cannot tell"), r
        else:
            assert r["adds_information"] is None, r
    assert any(prim.get(k) for k in studied)
