"""vixbt: help, list, payoff, weekly, data -- end to end through main()."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from backtest.cli.main import build_parser, main

COMMANDS = [["report"], ["run"], ["sweep"], ["study"], ["list"], ["data"], ["data", "info"],
            ["data", "import"], ["data", "update"], ["weekly"], ["payoff"]]


@pytest.mark.parametrize("cmd", COMMANDS, ids=" ".join)
def test_every_command_has_help_with_examples(cmd: list[str],
                                              capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*cmd, "--help"]) == 0
    out = capsys.readouterr().out
    assert "examples:" in out and f"vixbt {cmd[0]}" in out


def test_usage_error_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["list", "--format", "xml"]) == 2
    assert "invalid choice" in capsys.readouterr().err
    assert main(["frobnicate"]) == 2


def test_startup_does_not_import_heavy_modules() -> None:
    code = ("import sys; from backtest.cli.main import build_parser; build_parser(); "
            "print(sorted(m for m in ('vectorbt', 'matplotlib', 'numba', 'strategies.registry')"
            " if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, timeout=120).stdout.strip()
    assert out == "[]"


def test_list_json_schema(vixbt) -> None:  # type: ignore[no-untyped-def]
    from strategies.registry import REGISTRY

    res = vixbt("list", "--format", "json")
    assert res.code == 0
    doc = res.json()
    assert doc["schema"] == "vixbt.list/1"
    assert [s["name"] for s in doc["strategies"]] == list(REGISTRY)
    for s in doc["strategies"]:
        assert set(s) >= {"name", "title", "idea", "sides", "required_columns", "params"}
        cls = REGISTRY[s["name"]]
        assert {p["name"]: p["default"] for p in s["params"]} == json.loads(
            json.dumps(cls.defaults()))
    table = vixbt("list")
    assert "bollinger_break" in table.out and "num_std=2.0" in table.out


def test_payoff_json_and_report(vixbt, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    res = vixbt("payoff", "--leg", "short:1:call:14:5.15", "--leg", "short:1:call:20:2.55",
                "--leg", "long:1:call:30:0.85", "--format", "json", "--out", "res")
    assert res.code == 0, res.err
    doc = res.json()
    assert doc["schema"] == "vixbt.payoff/1"
    pos = doc["position"]
    assert pos["breakevens"] == pytest.approx([20.425])  # derived in tests/test_payoff.py
    assert pos["net_premium"] == pytest.approx(6.85) and pos["max_loss"] is None
    folder = Path(doc["report"])
    assert folder.parent == tmp_path / "res"
    for name in ("index.html", "stats.csv", "summary.json", "metadata.json", "payoff.png"):
        assert (folder / name).is_file(), name
    assert json.loads((folder / "summary.json").read_text())["report"] == str(folder)
    meta = json.loads((folder / "metadata.json").read_text())
    assert meta["command"][:2] == ["vixbt", "payoff"]


def test_payoff_bad_leg(vixbt, one_line_error) -> None:  # type: ignore[no-untyped-def]
    res = vixbt("payoff", "--leg", "short:1:straddle:14:5")
    one_line_error(res, 2, "vixbt payoff: error:", "type must be call or put")
    one_line_error(vixbt("payoff"), 2, "give at least one --leg")


def test_two_runs_in_the_same_second_do_not_collide(vixbt) -> None:  # type: ignore[no-untyped-def]
    from datetime import UTC, datetime
    from unittest import mock

    frozen = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)

    class _Frozen(datetime):
        @classmethod
        def now(cls, tz=None):  # type: ignore[no-untyped-def, override]
            return frozen

    with mock.patch("backtest.report.folder.datetime", _Frozen):
        a = vixbt("payoff", "--leg", "long:1:call:20:2", "--format", "json", "--out", "r")
        b = vixbt("payoff", "--leg", "long:1:call:20:2", "--format", "json", "--out", "r")
    fa, fb = Path(a.json()["report"]), Path(b.json()["report"])
    assert fa.name == "20260102-030405-payoff" and fb.name == "20260102-030405-payoff-2"
    assert (fa / "index.html").is_file() and (fb / "index.html").is_file()


def test_weekly_on_embedded_sample(vixbt) -> None:  # type: ignore[no-untyped-def]
    res = vixbt("weekly", "--date", "2015-08-20", "--format", "json", "--out", "res")
    assert res.code == 0, res.err
    doc = res.json()
    assert doc["schema"] == "vixbt.weekly/1"
    wk = doc["week"]
    # VIX 12.83 (2015-08-14) -> 28.03 (2015-08-21), CBOE history
    assert wk["week_end"] == "2015-08-21" and wk["prev_week_end"] == "2015-08-14"
    assert wk["vix_change"] == pytest.approx(28.03 / 12.83 - 1, abs=1e-4)
    assert wk["curve"] is None  # the embedded sample has no futures
    assert (Path(doc["report"]) / "weekly.png").is_file()


def test_weekly_date_outside_data(vixbt, one_line_error) -> None:  # type: ignore[no-untyped-def]
    res = vixbt("weekly", "--date", "2031-01-02", "--no-report")
    one_line_error(res, 2, "outside the data")


def test_data_info(vixbt) -> None:  # type: ignore[no-untyped-def]
    res = vixbt("data", "info", "--format", "json")
    assert res.code == 0, res.err
    doc = res.json()
    assert doc["schema"] == "vixbt.data-info/1"
    cols = {c["column"]: c for c in doc["columns"]}
    assert {"spx_close", "vix_close"} <= set(cols)
    assert cols["vix_close"]["first"] == "2014-01-03"  # arch's embedded VIX starts there
    assert len(doc["content_hash"]) == 64
    csv_out = vixbt("data", "info", "--format", "csv")
    assert csv_out.out.splitlines()[0].startswith("column,source")


def test_data_info_bad_dir(vixbt, one_line_error, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    res = vixbt("data", "info", "--data-dir", str(tmp_path / "nowhere"))
    assert res.code in (1, 2)
    one_line_error(res, res.code, "nowhere")


def test_data_import_and_update_bad_input(vixbt, one_line_error, shared_data: Path,  # type: ignore[no-untyped-def]
                                          tmp_path: Path) -> None:
    root = tmp_path / "mydata"
    res = vixbt("data", "import", str(shared_data / "vix_daily.csv"), "--symbol", "VIX",
                "--data-dir", str(root), "--format", "json")
    assert res.code == 0, res.err
    doc = res.json()
    assert doc["schema"] == "vixbt.data-import/1" and doc["entry"]["symbol"] == "VIX"
    assert (root / "manifest.csv").is_file()
    missing = vixbt("data", "import", str(tmp_path / "nope.csv"), "--data-dir", str(root))
    one_line_error(missing, 1, "nope.csv")
    one_line_error(vixbt("data", "update"), 2, "no data directory")


def test_debug_shows_the_traceback(vixbt) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError, match="type must be call or put"):
        vixbt("payoff", "--leg", "short:1:straddle:14:5", "--debug")


def test_console_script_runs() -> None:
    exe = Path(sys.executable).with_name("vixbt")
    if not exe.exists():
        pytest.skip("the vixbt console script is not installed next to this Python")
    res = subprocess.run([str(exe), "--version"], capture_output=True, text=True, timeout=120)
    assert res.returncode == 0 and res.stdout.startswith("vixbt ")


def test_parser_lists_every_command() -> None:
    text = build_parser().format_help()
    for cmd in ("report", "run", "sweep", "study", "list", "data", "weekly", "payoff"):
        assert cmd in text


def test_json_documents_have_exactly_the_documented_keys(vixbt, shared_data: Path,  # type: ignore[no-untyped-def]
                                                         tmp_path: Path) -> None:
    from backtest.cli.schema import SCHEMA_KEYS, schema_id

    calls = {
        "list": ["list"],
        "payoff": ["payoff", "--leg", "long:1:call:20:2", "--no-report"],
        "weekly": ["weekly", "--no-report"],
        "data-info": ["data", "info"],
        "data-import": ["data", "import", str(shared_data / "vix_daily.csv"), "--symbol",
                        "VIX", "--data-dir", str(tmp_path / "d")],
        "run": ["run", "spike_reversal", "--no-report", "--n-boot", "10", "--quiet"],
        "study": ["study", "spike_reversal", "--no-report", "--n-boot", "10", "--quiet"],
        "verdict_table": ["study", "--no-report", "--n-boot", "10", "--quiet"],
        "sweep": ["sweep", "bollinger_break", "--grid", "window=21,63", "--no-report",
                  "--n-boot", "10", "--quiet"],
    }
    for kind, args in calls.items():
        res = vixbt(*args, "--format", "json")
        assert res.code == 0, (kind, res.err)
        doc = res.json()
        assert set(doc) == SCHEMA_KEYS[kind], kind
        assert doc["schema"] == schema_id(kind), kind
