"""The research notebooks run top to bottom (embedded sample; full data when configured)."""

from __future__ import annotations

import os
import re
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


def test_notebooks_end_with_a_written_conclusion() -> None:
    for path in NOTEBOOKS:
        last = nbformat.read(path, as_version=4).cells[-1]
        assert last.cell_type == "markdown", path.name
        assert last.source.startswith(("## Conclusion", "## What this shows")), path.name
        assert len(last.source) > 300, path.name  # sentences, not a heading


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
    # the data load prints one line, never the loader's warning blocks
    first = next(c for c in book.cells if c.cell_type == "code")
    text = "".join(str(o.get("text", "")) for o in first.outputs)
    assert "DataRepairWarning" not in text and not any(
        o.get("name") == "stderr" for o in first.outputs), text
    if path.stem == "01_tour":
        folders = list((tmp_path / "results").iterdir())
        assert len(folders) == 1 and (folders[0] / "index.html").is_file()
    if path.stem == "02_fear_vs_complacency":
        # the era section shows every strategy, not only the first
        html = "".join(str(o.get("data", {}).get("text/html", "")) for c in book.cells
                       if c.cell_type == "code" for o in c.outputs)
        from strategies.registry import REGISTRY

        shown = set(re.findall(r"<h4>(\w+)</h4>", html))
        assert len(shown) >= 2 and shown <= set(REGISTRY), shown


@pytest.mark.slow
@pytest.mark.realdata
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs_on_the_full_data(path: Path, tmp_path: Path, data_dir: Path,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VIXBT_DATA_DIR", str(data_dir))
    assert os.environ["VIXBT_DATA_DIR"] == str(data_dir)
    book = _execute(path, tmp_path)
    assert _errors(book) == []
