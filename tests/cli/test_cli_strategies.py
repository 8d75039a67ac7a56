"""Strategies of your own on the command line: --strategy-file and vixbt check."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from strategies.registry import REGISTRY

MINE = '''
import pandas as pd
from strategies import strategy


@strategy(name="vix_jump_trend", idea="VIX up 20 % in two days while SPX is above its "
          "200-day average: expect SPX up", required_columns=("vix_close", "spx_close"),
          ranges={"rise": (0.0, 5.0), "days": (1, 63), "trend_window": (2, 2520)},
          warmup=lambda rise, days, trend_window: max(days, trend_window - 1))
def vix_jump_trend(data: pd.DataFrame, rise: float = 0.20, days: int = 2,
                   trend_window: int = 200) -> pd.Series:
    vix, spx = data["vix_close"], data["spx_close"]
    return (vix / vix.shift(days) - 1 >= rise) & (spx > spx.rolling(trend_window).mean())
'''

PEEK = '''
import pandas as pd
from strategies import strategy


@strategy(name="peeking", idea="tomorrow's VIX close 5 % above today's (a planted leak)")
def peeking(data: pd.DataFrame, rise: float = 0.05) -> pd.Series:
    vix = data["vix_close"]
    return vix.shift(-1) > vix * (1 + rise)
'''


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    out = {}
    for name, text in {"mine": MINE, "peek": PEEK,
                       "clash": PEEK.replace('"peeking"', '"bollinger_break"'),
                       "broken": MINE.replace("import pandas as pd", "import pandas as pd\n1/0"),
                       "empty": "x = 1\n"}.items():
        path = tmp_path / f"{name}.py"
        path.write_text(text, encoding="utf-8")
        out[name] = path
    return out


def test_strategy_file_on_list_run_sweep_study(vixbt: Callable[..., Any],
                                               files: dict[str, Path]) -> None:
    before = dict(REGISTRY)
    f = str(files["mine"])
    doc = vixbt("list", "--strategy-file", f, "--format", "json").json()
    assert [s["name"] for s in doc["strategies"]] == [*before, "vix_jump_trend"]
    mine = doc["strategies"][-1]
    assert mine["required_columns"] == ["vix_close", "spx_close"]
    assert [p["name"] for p in mine["params"]] == ["rise", "days", "trend_window"]
    run = vixbt("run", "vix_jump_trend", "--strategy-file", f, "--no-report", "--format",
                "json", "--quiet")
    assert run.code == 0, run.err
    stats = run.json()["strategy"]["stats"]
    assert stats["trades"] > 10
    sweep = vixbt("sweep", "vix_jump_trend", "--strategy-file", f, "--grid", "rise=0.1,0.2",
                  "--grid", "days=1,2", "--no-report", "--format", "json", "--quiet",
                  "--n-boot", "50")
    assert sweep.code == 0, sweep.err
    rows = sweep.json()["rows"]
    assert len(rows) == 4
    row = next(r for r in rows if r["rise"] == 0.2 and r["days"] == 2)
    assert row["trades"] == stats["trades"]
    study = vixbt("study", "vix_jump_trend", "--strategy-file", f, "--no-report", "--format",
                  "json", "--quiet", "--n-boot", "50")
    assert study.code == 0 and study.json()["strategy"] == "vix_jump_trend"
    # the file's strategies are registered for the command only
    assert before == REGISTRY
    missing = vixbt("run", "vix_jump_trend", "--no-report")
    assert missing.code == 2 and "unknown strategy 'vix_jump_trend'" in missing.err


@pytest.mark.parametrize(("name", "fragments"), [
    ("clash", ["strategy file", "clash.py', line 6", "'bollinger_break'",
               "has the name of a built-in strategy; choose another name"]),
    ("broken", ["strategy file", "broken.py', line 3: ZeroDivisionError"]),
    ("empty", ["empty.py' defines no strategy"]),
])
def test_strategy_file_refused(vixbt: Callable[..., Any], one_line_error: Callable[..., None],
                               files: dict[str, Path], name: str, fragments: list[str]) -> None:
    res = vixbt("list", "--strategy-file", str(files[name]))
    one_line_error(res, 2, *fragments)
    one_line_error(vixbt("list", "--strategy-file", "nope.py"), 2,
                   "strategy file 'nope.py' does not exist")


def test_check_passes_a_sound_file_and_fails_a_planted_leak(vixbt: Callable[..., Any],
                                                            files: dict[str, Path]) -> None:
    ok = vixbt("check", str(files["mine"]))
    assert ok.code == 0, ok.out + ok.err
    assert re.search(r"PASS +no_look_ahead", ok.out)
    assert re.search(r"PASS +self_test +a planted one-day leak is caught", ok.out)
    assert "vix_jump_trend: every check passed" in ok.out
    bad = vixbt("check", str(files["peek"]), "--format", "json")
    assert bad.code == 1
    doc = bad.json()
    assert doc["schema"] == "vixbt.check/1" and doc["passed"] is False
    checks = {c["name"]: c for c in doc["strategies"][0]["checks"]}
    assert not checks["no_look_ahead"]["passed"]
    assert all(c["passed"] for n, c in checks.items() if n != "no_look_ahead")
    # the first signal day of the leak is the first date that changes
    assert re.match(r"look-ahead: long_entries of \(rise=0\.05\) on (\d{4}-\d\d-\d\d) change "
                    r"when the data end on \1 ", checks["no_look_ahead"]["message"])
    table = vixbt("check", str(files["peek"]), "--only", "no_look_ahead")
    assert table.code == 1 and "FAIL  no_look_ahead" in table.out
    assert "peeking: 1 check(s) failed" in table.out
    assert "peeking" not in REGISTRY and "vix_jump_trend" not in REGISTRY


def test_check_builtin_and_bad_input(vixbt: Callable[..., Any],
                                     one_line_error: Callable[..., None]) -> None:
    res = vixbt("check", "bollinger_break", "--format", "csv")
    assert res.code == 0, res.err
    lines = res.out.splitlines()
    assert lines[0] == "strategy,name,passed,message,seconds"
    assert len(lines) == 9 and all(",True," in ln for ln in lines[1:])
    one_line_error(vixbt("check", "bolinger_break"), 2, "unknown strategy 'bolinger_break'",
                   "Did you mean 'bollinger_break'")
    one_line_error(vixbt("check", "bollinger_break", "--only", "speed"), 2,
                   "--only: unknown check(s) speed")
    one_line_error(vixbt("check", "contango_flip", "--quiet"), 2, "contango_flip", "vix3m",
                   "see `vixbt data info`")
    # the embedded sample has no VVIX: the defaults are checked, the VVIX variant left out
    vv = vixbt("check", "vol_of_vol", "--quiet")
    assert vv.code == 0, vv.out
    assert "note: 1 example set(s) left out: they need vvix, which the data does not have" in vv.out


def test_readme_example_runs_and_passes_the_check(vixbt: Callable[..., Any],
                                                  tmp_path: Path) -> None:
    """The README's my_signals.py, verbatim, through vixbt check and vixbt run."""
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    block = re.search(r"Save it as `my_signals\.py`:\n\n```python\n(.*?)```", readme, re.S)
    assert block is not None
    path = tmp_path / "my_signals.py"
    path.write_text(block.group(1), encoding="utf-8")
    res = vixbt("check", str(path), "--quiet")
    assert res.code == 0, res.out + res.err
    assert "vix_jump_trend: every check passed" in res.out
    run = vixbt("run", "vix_jump_trend", "--strategy-file", str(path), "--no-report",
                "--quiet", "--format", "json")
    assert run.code == 0 and run.json()["strategy"]["stats"]["trades"] > 10
