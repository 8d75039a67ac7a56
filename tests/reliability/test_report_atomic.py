"""A report folder is complete or absent: an interruption leaves no half folder."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from backtest.report.writer import REPORT_FILES, Report


def _report() -> Report:
    rep = Report(title="t", name="run-x")
    rep.stats = pd.DataFrame({"a": [1.0]})
    rep.summary = {"report": None, "x": 1}
    return rep


def test_interrupt_while_writing_leaves_nothing(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    rep = _report()

    def interrupted(self: Report, **kwargs: object) -> str:
        raise KeyboardInterrupt

    monkeypatch.setattr(Report, "html", interrupted)
    with pytest.raises(KeyboardInterrupt):
        rep.write({"command": ["vixbt"]}, tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_complete_folder_and_no_leftovers(tmp_path: Path) -> None:
    folder = _report().write({"command": ["vixbt"]}, tmp_path)
    assert sorted(p.name for p in folder.iterdir()) == sorted(REPORT_FILES)
    assert [p.name for p in tmp_path.iterdir()] == [folder.name]
    assert str(folder) in (folder / "summary.json").read_text(encoding="utf-8")
    second = _report().write({"command": ["vixbt"]}, tmp_path)
    assert second != folder and (second / "index.html").is_file()
