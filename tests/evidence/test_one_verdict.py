"""One verdict everywhere: every command and report section shows the words of
:func:`backtest.evidence.judge.judge_table`, and the same row never carries two."""

from __future__ import annotations

import ast
import json
import warnings
from pathlib import Path
from typing import Any

import pytest

from backtest.cli.main import main
from backtest.evidence.judge import VERDICTS

ROOT = Path(__file__).resolve().parents[2]


def _string_constants(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docs = {id(n.body[0].value) for n in ast.walk(tree)
            if isinstance(n, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
            and n.body and isinstance(n.body[0], ast.Expr)
            and isinstance(n.body[0].value, ast.Constant)}
    return {n.value for n in ast.walk(tree)
            if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in docs}


def test_no_code_outside_the_judge_writes_a_verdict_word() -> None:
    """A verdict word as a value in code appears only in judge.py (which makes them)
    and html.py (which colours them): nothing else can turn a p-value into a word."""
    words = set(VERDICTS) | {"no evidence"}
    offenders = []
    for path in sorted((ROOT / "backtest").rglob("*.py")) + sorted(
            (ROOT / "strategies").rglob("*.py")):
        if path.name in ("judge.py", "html.py"):
            continue
        hits = _string_constants(path) & words
        if hits:
            offenders.append(f"{path.relative_to(ROOT)}: {sorted(hits)}")
    assert not offenders, offenders
    for nb in sorted((ROOT / "notebooks").glob("*.ipynb")):
        cells = json.loads(nb.read_text(encoding="utf-8"))["cells"]
        code = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
        assert "p_raw < " not in code and "p_one_sided" not in code, nb.name


def _doc(capsys: pytest.CaptureFixture[str], *args: str) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        code = main([*args, "--n-boot", "20", "--format", "json", "--no-report", "--quiet"])
    out = capsys.readouterr()
    assert code == 0, out.err
    return json.loads(out.out)


@pytest.mark.slow
def test_every_command_gives_each_row_one_word(capsys: pytest.CaptureFixture[str],
                                               monkeypatch: pytest.MonkeyPatch,
                                               tmp_path: Path) -> None:
    """On the embedded sample: the verdict table, the headline report, `study STRATEGY`
    and `run STRATEGY` agree on the word of every (strategy, side, horizon)."""
    monkeypatch.delenv("VIXBT_DATA_DIR", raising=False)
    monkeypatch.chdir(tmp_path)
    words: dict[tuple[str, str, int], set[str]] = {}
    intervals: dict[tuple[str, str, int], set[tuple[float, float]]] = {}

    def add(strategy: str, rows: list[dict[str, Any]]) -> None:
        for r in rows:
            key = (strategy, r["side"], int(r["horizon"]))
            words.setdefault(key, set()).add(r["verdict"])
            if r.get("ci_low") is not None:
                intervals.setdefault(key, set()).add((r["ci_low"], r["placebo_p_raw"]))

    table = _doc(capsys, "study")
    for r in table["rows"]:
        add(r["strategy"], [r])
    assert table["headline"]["power_statement"]
    report = _doc(capsys, "report")
    for r in report["verdicts"]["rows"]:
        add(r["strategy"], [r])
    for s in report["strategies"]:
        if "event_study" in s:
            add(s["strategy"], s["event_study"])
    for name in ("spike_reversal", "bollinger_break"):
        add(name, _doc(capsys, "study", name)["rows"])
        add(name, _doc(capsys, "run", name)["strategy"]["event_study"])
    assert words
    assert all(len(w) == 1 for w in words.values()), {k: w for k, w in words.items()
                                                      if len(w) > 1}
    assert {next(iter(w)) for w in words.values()} <= set(VERDICTS)
    # same seed: the same bootstrap interval and placebo p-value in every command
    assert intervals and all(len(v) == 1 for v in intervals.values()), intervals
    # the single-strategy commands did contribute rows of both sides
    assert ("bollinger_break", "short", 21) in words
