"""The research notebooks run top to bottom (embedded sample; full data when configured)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb"))


def test_there_are_at_least_three_stripped_notebooks() -> None:
    assert len(NOTEBOOKS) >= 3
    for path in NOTEBOOKS:
        book = nbformat.read(path, as_version=4)
        for cell in book.cells:
            if cell.cell_type == "code":
                assert not cell.outputs and cell.execution_count is None, path.name
                # notebooks use the packages, never define their own helpers; a strategy
                # (a Strategy subclass or an @strategy function) is the extension point
                if "def " in cell.source:
                    assert "(Strategy):" in cell.source or "@strategy(" in cell.source, path.name


def _execute(path: Path, cwd: Path) -> nbformat.NotebookNode:
    book = nbformat.read(path, as_version=4)
    client = nbclient.NotebookClient(book, timeout=900, kernel_name="python3",
                                     resources={"metadata": {"path": str(cwd)}})
    client.execute()
    return book


def _errors(book: nbformat.NotebookNode) -> list[str]:
    return [o.get("ename", "") for c in book.cells if c.cell_type == "code"
            for o in c.outputs if o.get("output_type") == "error"]


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs_on_the_embedded_sample(path: Path, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("VIXBT_DATA_DIR", raising=False)
    book = _execute(path, tmp_path)
    assert _errors(book) == []
    if path.stem == "01_tour":
        folders = list((tmp_path / "results").iterdir())
        assert len(folders) == 1 and (folders[0] / "index.html").is_file()


@pytest.mark.slow
@pytest.mark.realdata
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs_on_the_full_data(path: Path, tmp_path: Path, data_dir: Path,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VIXBT_DATA_DIR", str(data_dir))
    assert os.environ["VIXBT_DATA_DIR"] == str(data_dir)
    book = _execute(path, tmp_path)
    assert _errors(book) == []
