"""vixbt report / run / study / sweep end to end on the embedded sample."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from backtest.report.writer import REPORT_FILES

EVIL = "<script>alert(1)</script>"


def _files(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir()}


def test_report_all_strategies(vixbt, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from strategies.registry import REGISTRY

    res = vixbt("report", "--n-boot", "50", "--quiet", "--format", "json", "--out", "res")
    assert res.code == 0, res.err
    doc = res.json()
    assert doc["schema"] == "vixbt.report/2"
    from backtest.cli.schema import SCHEMA_KEYS

    assert set(doc) == SCHEMA_KEYS["report"]
    folder = Path(doc["report"])
    files = _files(folder)
    assert set(REPORT_FILES) <= files
    ran = [s for s in doc["strategies"] if "skipped" not in s]
    skipped = {s["strategy"]: s["reason"] for s in doc["skipped"]}
    assert {s["strategy"] for s in doc["strategies"]} == set(REGISTRY)
    # the embedded sample has no term structure: contango_flip is skipped with the reason
    if "contango_flip" in REGISTRY:
        assert "vix3m" in skipped["contango_flip"]
    for s in ran:
        assert {f"{s['strategy']}-spx-trades.png", f"{s['strategy']}-signal.png",
                f"{s['strategy']}-equity.png", f"{s['strategy']}-forward-returns.png"} <= files
        assert s["period"][0] >= "2014-01-03"  # VIX starts 2014-01-03 in the sample
        assert set(s["stats"]) == set(s["buy_and_hold"])
    html_text = (folder / "index.html").read_text()
    import re

    text = re.sub(r"data:image/png;base64,[A-Za-z0-9+/=]+", "", html_text)  # images aside
    assert "<script" not in text.lower() and "http" not in text
    # the answer first, the embedded-sample warning at the top, the page's provenance
    assert text.index('class="answer"') < text.index('id="verdicts"')
    assert text.index("cannot answer the question") < text.index('class="answer"')
    assert 'id="provenance"' in text and "content hash" in text and "git commit" in text
    assert html_text.count("data:image/png;base64,") >= 4 * len(ran)
    meta = json.loads((folder / "metadata.json").read_text())
    assert meta["data"]["content_hash"] == doc["data"]["content_hash"]
    assert {"pandas", "numpy", "vectorbt", "vixbt"} <= set(meta["versions"])
    stats = pd.read_csv(folder / "stats.csv", index_col=0)
    assert set(stats.index) >= {s["strategy"] for s in ran}
    summary = json.loads((folder / "summary.json").read_text())
    assert summary["schema"] == "vixbt.report/2" and summary["report"] == str(folder)
    assert summary["verdicts"]["rows"] == doc["verdicts"]["rows"]


def test_report_unknown_strategy(vixbt, one_line_error) -> None:  # type: ignore[no-untyped-def]
    res = vixbt("report", "--strategies", "spike_reversal,bolinger_break")
    one_line_error(res, 2, "unknown strategy 'bolinger_break'", "Did you mean 'bollinger_break'")


def test_run_json_and_report(vixbt) -> None:  # type: ignore[no-untyped-def]
    res = vixbt("run", "bollinger_break", "--param", "num_std=2.5", "--param", "window=42",
                "--n-boot", "50", "--format", "json", "--out", "res", "--quiet")
    assert res.code == 0, res.err
    doc = res.json()
    assert doc["schema"] == "vixbt.run/2"
    s = doc["strategy"]
    assert s["params"]["num_std"] == 2.5 and s["params"]["window"] == 42
    assert {"total_return", "sharpe", "max_drawdown", "trades"} <= set(s["stats"])
    assert {r["side"] for r in s["event_study"]} == {"long", "short"}
    folder = Path(doc["report"])
    assert set(REPORT_FILES) <= _files(folder)
    meta = json.loads((folder / "metadata.json").read_text())
    assert meta["parameters"]["params"] == {"window": 42, "num_std": 2.5,
                                            "exit_style": "inside"}
    assert meta["command"][:3] == ["vixbt", "run", "bollinger_break"]


def test_run_csv(vixbt) -> None:  # type: ignore[no-untyped-def]
    res = vixbt("run", "spike_reversal", "--no-report", "--n-boot", "20", "--format", "csv",
                "--quiet")
    assert res.code == 0, res.err
    frame = pd.read_csv(pd.io.common.StringIO(res.out), index_col=0)
    assert list(frame.columns) == ["strategy", "buy_and_hold"]
    assert "sharpe" in frame.index


@pytest.mark.parametrize(("args", "fragments"), [
    (["run", "bolinger"], ["unknown strategy 'bolinger'", "Did you mean 'bollinger_break'"]),
    (["run", "bollinger_break", "--param", "windw=21"], ["'windw'", "Did you mean 'window'"]),
    (["run", "bollinger_break", "--param", "num_std=-1"], ["num_std", "not allowed"]),
    (["run", "bollinger_break", "--param", "window=21,63"], ["a run takes one",
                                                             "vixbt sweep"]),
    (["run", "bollinger_break", "--param", "window"], ["must look like name=value"]),
    (["run", "bollinger_break", "--start", "2030-01-01"], ["--start 2030-01-01",
                                                          "after the end of the data"]),
    (["run", "bollinger_break", "--end", "1980-01-01"], ["before the start of the data"]),
    (["run", "bollinger_break", "--start", "someday"], ["is not a date"]),
    (["run", "bollinger_break", "--horizons", "0,5"], ["--horizons"]),
    # the embedded sample has SPX from 1999 but the VIX only from 2014-01-03
    (["run", "bollinger_break", "--start", "2010-06-01", "--end", "2012-06-01"],
     ["needs vix_close", "from 2014-01-03 to 2018-12-31"]),
    (["run", "bollinger_break", "--start", "2018-06-01", "--end", "2018-07-01"],
     ["warm-up of 'bollinger_break'"]),
])
def test_run_bad_input(vixbt, one_line_error, args, fragments) -> None:  # type: ignore[no-untyped-def]
    one_line_error(vixbt(*args, "--no-report"), 2, "vixbt run: error:", *fragments)


def test_run_strategy_needing_absent_data(vixbt, one_line_error) -> None:  # type: ignore[no-untyped-def]
    from strategies.registry import REGISTRY

    if "contango_flip" not in REGISTRY:
        pytest.skip("contango_flip not registered")
    one_line_error(vixbt("run", "contango_flip", "--no-report"), 2, "vix3m")


def test_study_one_strategy(vixbt) -> None:  # type: ignore[no-untyped-def]
    res = vixbt("study", "spike_reversal", "--n-boot", "50", "--horizons", "5,21",
                "--format", "json", "--out", "res", "--eras")
    assert res.code == 0, res.err
    doc = res.json()
    assert doc["schema"] == "vixbt.study/2" and doc["strategy"] == "spike_reversal"
    assert sorted({r["horizon"] for r in doc["rows"]}) == [5, 21]
    assert {"signal_days", "episodes", "effect", "se_hac", "t_hac", "p_raw", "p_adj", "mde",
            "verdict"} <= set(doc["rows"][0])
    assert doc["eras"] is not None
    assert set(REPORT_FILES) <= _files(Path(doc["report"]))


def test_study_verdict_table(vixbt, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    res = vixbt("study", "--n-boot", "20", "--format", "csv", "--out", "res")
    assert res.code == 0, res.err
    frame = pd.read_csv(pd.io.common.StringIO(res.out))
    assert {"strategy", "side", "horizon", "verdict", "p_holm", "p_adj", "p_raw"} <= \
        set(frame.columns)
    assert set(frame["verdict"]) <= {"supports", "contradicts", "no effect", "inconclusive",
                                     "too few"}
    folder = Path(res.err.strip().splitlines()[-1].removeprefix("Report: ")).parent
    assert {"verdicts.csv", "verdicts.json", *REPORT_FILES} <= _files(folder)


def test_study_bad_input(vixbt, one_line_error) -> None:  # type: ignore[no-untyped-def]
    one_line_error(vixbt("study", "--param", "window=3"), 2, "--param needs a STRATEGY")
    one_line_error(vixbt("study", "spike_reversl"), 2, "Did you mean 'spike_reversal'")


def test_sweep_grid(vixbt) -> None:  # type: ignore[no-untyped-def]
    res = vixbt("sweep", "bollinger_break", "--grid", "window=21,63", "--grid",
                "num_std=1.5:2.5:0.5", "--n-boot", "50", "--format", "json", "--out", "res",
                "--quiet")
    assert res.code == 0, res.err
    doc = res.json()
    assert doc["schema"] == "vixbt.sweep/2"
    assert doc["n_combinations"] == 6 and len(doc["rows"]) == 6
    assert doc["grid"] == {"window": [21, 63], "num_std": [1.5, 2.0, 2.5]}
    assert 0.0 <= doc["spa"]["pvalue_consistent"] <= 1.0
    assert isinstance(doc["stepm"]["superior"], list)
    best = doc["best"]["stats"]["sharpe"]
    assert best == max(r["sharpe"] for r in doc["rows"])
    split = doc["split"]
    assert set(split) == {"chosen", "is_metric", "oos_metric", "oos_percentile", "oos_best",
                          "benchmark_is", "benchmark_oos", "split", "is_return", "oos_return",
                          "benchmark_is_return", "benchmark_oos_return", "start", "end",
                          "metric"}
    assert split["chosen"] in {f"{r['window']}, {r['num_std']}" for r in doc["rows"]}
    assert doc["period"][0] == split["start"] < split["split"] < split["end"] == doc["period"][1]
    wf = doc["walk_forward"]
    # the 2014-2018 sample has 1,257 days: test windows start after 756 and 1,008 days
    assert wf["n_windows"] == len(wf["windows"]) == 2
    assert set(wf["windows"][0]) == {"train_start", "train_end", "test_start", "test_end",
                                     "chosen", "is_metric", "oos_metric", "oos_return",
                                     "benchmark_return"}
    growth = np.prod([1 + w["oos_return"] for w in wf["windows"]]) - 1
    assert wf["oos_total_return"] == pytest.approx(growth)
    assert doc["notes"] == []
    folder = Path(doc["report"])
    assert {"heatmap-sharpe.png", "walk-forward-equity.png", *REPORT_FILES} <= _files(folder)
    html = (folder / "index.html").read_text()
    assert "In-sample / out-of-sample split" in html and "Walk-forward windows" in html


def test_sweep_holding_period_axis_needs_no_cost_note(vixbt) -> None:  # type: ignore[no-untyped-def]
    res = vixbt("sweep", "bollinger_break", "--grid", "window=21,63", "--grid",
                "holding_period=5,21", "--n-boot", "20", "--format", "json", "--no-report",
                "--quiet")
    assert res.code == 0, res.err
    doc = res.json()
    assert doc["notes"] == []
    assert "cost variants" not in res.out


def test_sweep_experiment_file(vixbt, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    exp = tmp_path / "exp.toml"
    exp.write_text('strategy = "bollinger_break"\n[grid]\nwindow = [21, 42]\n'
                   'holding_period = [5, 10]\n')
    res = vixbt("sweep", "--experiment", str(exp), "--n-boot", "20", "--format", "json",
                "--no-report", "--quiet")
    assert res.code == 0, res.err
    assert res.json()["n_combinations"] == 4


@pytest.mark.parametrize(("args", "fragments"), [
    (["sweep", "bollinger_break", "--grid", "window"], ["must look like name=v1,v2"]),
    (["sweep", "bollinger_break", "--grid", "windo=1,2"], ["Did you mean 'window'"]),
    (["sweep", "bollinger_break", "--grid", "window=21,x"], ["window"]),
    (["sweep", "bollinger_break"], ["at least one --grid"]),
    (["sweep", "bollinger_break", "--grid", "window=21,63", "--metric", "luck"], ["luck"]),
])
def test_sweep_bad_input(vixbt, one_line_error, args, fragments) -> None:  # type: ignore[no-untyped-def]
    one_line_error(vixbt(*args, "--no-report", "--quiet"), 2, "vixbt sweep: error:", *fragments)


def test_text_from_data_paths_is_escaped(vixbt, shared_data: Path,  # type: ignore[no-untyped-def]
                                         tmp_path: Path) -> None:
    root = tmp_path / EVIL.replace("/", "_")
    for name, sym in (("spx_daily.csv", "SPX"), ("vix_daily.csv", "VIX")):
        assert vixbt("data", "import", str(shared_data / name), "--symbol", sym,
                     "--data-dir", str(root)).code == 0
    res = vixbt("run", "bollinger_break", "--data-dir", str(root), "--start", "2015-01-01",
                "--end", "2016-12-31", "--n-boot", "20", "--format", "json", "--out",
                str(tmp_path / f"out{EVIL.replace('/', '_')}"), "--quiet")
    assert res.code == 0, res.err
    folder = Path(res.json()["report"])
    html_text = (folder / "index.html").read_text()
    assert "<script" not in html_text.lower()
    # the data files' paths are shown in the page, escaped
    assert "&lt;script&gt;alert(1)&lt;_script&gt;" in html_text
    meta = json.loads((folder / "metadata.json").read_text())
    paths = [s["path"] for s in meta["data"]["sources"] if s["path"]]
    assert paths and all("<script>" in p for p in paths)


@pytest.mark.realdata
@pytest.mark.slow
def test_report_on_the_full_data_runs_every_strategy(data_dir: Path, vixbt) -> None:  # type: ignore[no-untyped-def]
    from strategies.registry import REGISTRY

    res = vixbt("report", "--data-dir", str(data_dir), "--n-boot", "20", "--quiet",
                "--format", "json", "--out", "res")
    assert res.code == 0, res.err
    doc = res.json()
    assert doc["skipped"] == []
    assert [s["strategy"] for s in doc["strategies"]] == list(REGISTRY)
    assert doc["data"]["start"] <= "1990-01-02"
    folder = Path(doc["report"])
    files = _files(folder)
    for name in REGISTRY:
        assert f"{name}-signal.png" in files and f"{name}-signal-recent.png" in files
