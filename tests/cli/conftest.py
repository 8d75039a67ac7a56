"""Fixtures of the command-line tests: run ``vixbt`` in-process on the embedded sample."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from backtest.cli.main import main


@dataclass
class Outcome:
    """Exit status and captured output of one ``vixbt`` call."""

    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)


@pytest.fixture
def vixbt(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
          tmp_path: Path) -> Callable[..., Outcome]:
    """``vixbt(*args)`` -> Outcome, on the embedded sample, results under tmp_path."""
    monkeypatch.delenv("VIXBT_DATA_DIR", raising=False)
    monkeypatch.chdir(tmp_path)

    def call(*args: str) -> Outcome:
        capsys.readouterr()
        code = main(list(args))
        got = capsys.readouterr()
        return Outcome(code, got.out, got.err)

    return call


def _assert_one_line_error(res: Outcome, code: int, *fragments: str) -> None:
    """The call failed with ``code`` and one stderr line holding every fragment."""
    assert res.code == code, (res.code, res.err)
    lines = [ln for ln in res.err.splitlines() if ln.strip()]
    # the data-repair summary printed once the data were loaded (the embedded sample has
    # stale opens) is not part of the error; the error itself is one line
    if len(lines) == 2 and lines[0].startswith("vixbt: data: "):
        lines = lines[1:]
    assert len(lines) == 1, res.err
    assert "Traceback" not in res.err
    assert lines[0].startswith("vixbt ")
    for f in fragments:
        assert f in lines[0], (f, lines[0])


@pytest.fixture
def one_line_error() -> Callable[..., None]:
    """``one_line_error(outcome, code, *fragments)``: assert a one-line error."""
    return _assert_one_line_error
