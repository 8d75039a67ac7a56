"""The README's two commands are the ones the project really runs."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _bash_blocks(text: str) -> list[str]:
    return re.findall(r"```bash\n(.*?)```", text, flags=re.S)


def _commands(block: str) -> list[str]:
    return [ln.strip() for ln in block.splitlines() if ln.strip() and not ln.startswith("#")]


def test_readme_shows_two_commands_first() -> None:
    blocks = _bash_blocks((ROOT / "README.md").read_text(encoding="utf-8"))
    first, second = _commands(blocks[0]), _commands(blocks[1])
    assert len(first) == 1 and len(second) == 1
    assert first[0].endswith("vixbt report"), first[0]
    assert "pip install" in first[0] and "[test]" not in first[0]
    assert '".[test]"' in second[0] and "pytest" in second[0]


def test_ci_runs_exactly_the_readme_test_command() -> None:
    blocks = _bash_blocks((ROOT / "README.md").read_text(encoding="utf-8"))
    test_command = _commands(blocks[1])[0]
    ci_lines = [ln.strip() for ln in (ROOT / ".ci" / "run").read_text().splitlines()]
    assert test_command in ci_lines, f"{test_command!r} is not a line of .ci/run"


def test_ci_checks_style_and_types_after_the_tests() -> None:
    """.ci/run lints and type-checks both packages, after the test command."""
    lines = [ln.strip() for ln in (ROOT / ".ci" / "run").read_text().splitlines()]
    tests = next(i for i, ln in enumerate(lines) if "pytest" in ln)
    ruff = lines.index(".venv/bin/ruff check backtest strategies tests")
    mypy = lines.index(".venv/bin/mypy --strict backtest strategies")
    dev = lines.index('.venv/bin/pip install -q -e ".[dev]"')
    assert tests < dev < ruff < mypy
