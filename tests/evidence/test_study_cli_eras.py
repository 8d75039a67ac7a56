"""``vixbt study STRATEGY`` shows the per-era results (text, JSON, CSV with --eras)."""

from __future__ import annotations

import io
import json
import warnings
from pathlib import Path

import pandas as pd
import pytest

from backtest.cli.main import main
from backtest.evidence.strategy_study import ERA_COLUMNS, study_strategy


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        code = main(list(args))
    out = capsys.readouterr()
    assert code == 0, out.err
    return out.out


def test_study_prints_and_exports_eras(capsys: pytest.CaptureFixture[str], shared_data: Path,
                                       real_frame: pd.DataFrame) -> None:
    base = ("study", "spike_reversal", "--n-boot", "0", "--horizons", "5,21", "--no-report",
            "--data-dir", str(shared_data))
    text = _run(capsys, *base, "--eras")  # eras on request
    assert "By era" not in _run(capsys, *base)
    assert "By era" in text and "before 2008" in text and "2008 on" in text
    assert "1980s" not in text  # SPX decades before the VIX existed are left out
    doc = json.loads(_run(capsys, *base, "--format", "json", "--eras"))
    eras = pd.DataFrame(doc["eras"]).set_index(["side", "era", "horizon"])
    assert list(eras.columns) == list(ERA_COLUMNS)
    csv = pd.read_csv(io.StringIO(_run(capsys, *base, "--format", "csv", "--eras")),
                      index_col=["side", "era", "horizon"])
    direct = study_strategy("spike_reversal", real_frame, horizons=(5, 21), n_boot=0)
    et = direct.era_table()
    for era in ("2000s", "before 2008"):
        for h in (5, 21):
            got, want = csv.loc[("long", era, h)], et.loc[("long", era, h)]
            assert got.signal_days == want.signal_days and got.episodes == want.episodes
            assert got.effect == pytest.approx(want.effect, rel=1e-9)
            assert got.p_raw == pytest.approx(eras.loc[("long", era, h), "p_raw"], rel=1e-12)
            assert pd.isna(got.verdict)  # an era row carries no verdict word
    full = csv.xs("all", level="era")
    assert (full.loc[("long", 5), "signal_days"]
            == direct.sides["long"].table.loc[5, "signal_days"])
    assert sorted(set(csv.index.get_level_values("era"))) == sorted(
        {"all", *et.index.get_level_values("era")})
