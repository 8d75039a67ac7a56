"""Results folders, the HTML builder, metadata and the report writer."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from backtest.report import REPORT_FILES, HtmlPage, Report, new_run_folder, run_metadata, safe_name
from backtest.report.charts import equity_chart

EVIL = '<script>alert("x")</script>'


def test_same_second_runs_do_not_collide(tmp_path: Path) -> None:
    now = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    a = new_run_folder("report", tmp_path, now=now)
    b = new_run_folder("report", tmp_path, now=now)
    c = new_run_folder("report", tmp_path, now=now)
    assert a.name == "20260102-030405-report"
    assert b.name == "20260102-030405-report-2"
    assert c.name == "20260102-030405-report-3"
    assert len({a, b, c}) == 3 and all(p.is_dir() for p in (a, b, c))


def test_unsafe_run_name_is_sanitised(tmp_path: Path) -> None:
    folder = new_run_folder(f"../{EVIL}", tmp_path)
    assert folder.parent == tmp_path
    assert "<" not in folder.name and "/" not in folder.name
    assert safe_name("a b/c") == "a-b-c"


def test_every_text_is_escaped() -> None:
    page = HtmlPage(EVIL)
    page.heading(EVIL)
    page.paragraph(EVIL)
    page.callout(EVIL)
    page.bullets([EVIL])
    page.key_values({EVIL: EVIL})
    frame = pd.DataFrame({EVIL: [EVIL, "ok"], "x": [1.0, 2.0]},
                         index=pd.Index([EVIL, "b"], name=EVIL))
    page.table(frame, caption=EVIL)
    png = b"\x89PNG\r\n\x1a\n" + b"0" * 10
    page.image(png, alt=EVIL, caption=EVIL)
    text = page.render(subtitle=EVIL)
    assert "<script" not in text.lower()
    assert text.count("&lt;script&gt;") >= 12
    assert "http://" not in text and "https://" not in text


def test_image_requires_png() -> None:
    with pytest.raises(ValueError, match="PNG"):
        HtmlPage("t").image(b"GIF89a", alt="x")


def test_report_folder_has_every_file(tmp_path: Path) -> None:
    idx = pd.bdate_range("2020-01-01", periods=50)
    eq = pd.Series(np.linspace(100, 120, 50), idx)
    rep = Report(title=f"Run {EVIL}", name=f"run-{EVIL}", subtitle=EVIL)
    rep.page.heading("Equity")
    name = rep.add_chart(equity_chart(eq, eq * 1.01), f"equity {EVIL}", alt=EVIL)
    rep.stats = pd.DataFrame({"total_return": [0.2]}, index=pd.Index([EVIL], name="strategy"))
    rep.summary = {"schema": "vixbt.test/1", "value": float("nan")}
    meta = run_metadata(["vixbt", "run", EVIL], {"window": 63, "label": EVIL})
    folder = rep.write(meta, tmp_path)
    files = {p.name for p in folder.iterdir()}
    assert set(REPORT_FILES) <= files
    assert name in files and name.endswith(".png") and "<" not in name
    assert (folder / name).read_bytes().startswith(b"\x89PNG")
    html_text = (folder / "index.html").read_text()
    assert "<script" not in html_text.lower()
    assert re.search(r'<img src="data:image/png;base64,[A-Za-z0-9+/=]+"', html_text)
    summary = json.loads((folder / "summary.json").read_text())
    assert summary == {"schema": "vixbt.test/1", "value": None}
    meta_back = json.loads((folder / "metadata.json").read_text())
    assert meta_back["command"] == ["vixbt", "run", EVIL]
    assert meta_back["parameters"] == {"window": 63, "label": EVIL}
    assert meta_back["versions"]["pandas"] == pd.__version__
    assert meta_back["versions"]["numpy"] == np.__version__
    assert set(meta_back["files"]) == files
    stats = pd.read_csv(folder / "stats.csv", index_col=0)
    assert stats.loc[EVIL, "total_return"] == pytest.approx(0.2)
    # a second write never touches the first folder
    again = rep.write(meta, tmp_path)
    assert again != folder and (folder / "index.html").read_text() == html_text


def test_metadata_records_git_commit_of_this_checkout() -> None:
    meta = run_metadata([], {})
    git = meta["git"]
    repo = Path(__file__).resolve().parents[2]
    if (repo / ".git").exists():
        assert git is not None and re.fullmatch(r"[0-9a-f]{40}", git["commit"])
    assert meta["schema"] == "vixbt.metadata/1"


def _make(args: tuple[str, str]) -> str:
    root, stamp = args
    now = datetime.fromisoformat(stamp)
    return new_run_folder("report", root, now=now).name


def test_processes_in_the_same_second_do_not_collide(tmp_path: Path) -> None:
    from concurrent.futures import ProcessPoolExecutor

    stamp = "2026-01-02T03:04:05+00:00"
    with ProcessPoolExecutor(max_workers=4) as pool:
        names = list(pool.map(_make, [(str(tmp_path), stamp)] * 8))
    assert len(set(names)) == 8
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(names)
    assert "20260102-030405-report" in names and "20260102-030405-report-8" in names
