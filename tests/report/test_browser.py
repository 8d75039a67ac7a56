"""Every kind of report, static and interactive, opened in headless Chromium.

One session fixture writes each report once (embedded sample, small bootstrap):
the headline (``vixbt report``), ``run``, ``study``, ``sweep``, ``weekly`` and
``payoff``, each as the static page and the ``--interactive`` page.  Each page
is loaded at 1,400 x 1,000 px with a probe script injected at the top of its
``<head>`` (a copy of the page; the report itself is untouched); the probe
records console errors and failed loads, then after ``load`` writes what it
measured into the DOM, which ``--dump-dom`` returns:

* no console error, no uncaught exception, no failed resource;
* every ``<img>`` decoded (``naturalWidth > 0``);
* every Plotly chart rendered (an SVG drawn) with data (traces with points);
* no element reaching past the 1,400 px viewport except inside a scrollable
  table wrapper (``div.scroll``);
* the headline and study pages carry their answer sentences, and their tables
  fit the page (the verdict column on screen, no sideways scrolling);
* a deliberately broken page is caught (the probe can fail).

Without a Chromium the test skips and says why; under CI (``CI`` set) a missing
browser fails (``.ci/run`` installs Debian's ``chromium``).
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.slow

_PROBE = r"""<script>
window.__errors = [];
(function () {
  var err = console.error;
  console.error = function () {
    window.__errors.push("console.error: " + Array.from(arguments).join(" "));
    err.apply(console, arguments);
  };
  window.addEventListener("error", function (ev) {
    var t = ev.target;
    window.__errors.push(ev.message ? "exception: " + ev.message
                         : "failed to load: " + ((t && (t.src || t.href)) || "?").slice(0, 80));
  }, true);
  window.addEventListener("unhandledrejection", function (ev) {
    window.__errors.push("rejection: " + ev.reason);
  });
  window.addEventListener("load", function () { setTimeout(function () {
    var W = document.documentElement.clientWidth, r = {errors: window.__errors, width: W,
        images: [], plots: [], wide: [], answer: []};
    document.querySelectorAll("img").forEach(function (im) {
      r.images.push({ok: im.complete && im.naturalWidth > 0, alt: im.alt});
    });
    document.querySelectorAll(".js-plotly-plot").forEach(function (p) {
      var d = p.data || [];
      r.plots.push({id: p.id, traces: d.length, svg: !!p.querySelector(".main-svg"),
                    points: d.reduce(function (a, t) {
                      return a + ((t.x && t.x.length) || 0); }, 0)});
    });
    document.querySelectorAll("body *").forEach(function (el) {
      var b = el.getBoundingClientRect();
      if (b.width > 0 && b.right > W + 1 && !el.closest(".scroll")) {
        r.wide.push(el.tagName + (el.id ? "#" + el.id : "") + " right=" + Math.round(b.right));
      }
    });
    document.querySelectorAll("p.answer").forEach(function (p) { r.answer.push(p.textContent); });
    r.overflow = [];
    document.querySelectorAll("div.scroll").forEach(function (d) {
      if (d.scrollWidth > d.clientWidth + 1) {
        var c = d.querySelector("caption");
        r.overflow.push((c ? c.textContent : "table").slice(0, 60));
      }
    });
    var pre = document.createElement("pre");
    pre.id = "__probe"; pre.textContent = JSON.stringify(r); document.body.appendChild(pre);
  }, 300); });
})();
</script>"""


def _browser() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


@pytest.fixture(scope="session")
def browser() -> str:
    found = _browser()
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("CI must run the browser test: no chromium on PATH (.ci/run installs "
                        "Debian's chromium package)")
        pytest.skip("no Chromium found (chromium, chromium-browser, google-chrome): install "
                    "one to open the reports in a browser")
    return found


def _probe(browser: str, page: Path) -> dict[str, Any]:
    probed = page.with_name(f".probe-{page.name}")
    text = page.read_text(encoding="utf-8")
    probed.write_text(text.replace("<head>", "<head>" + _PROBE, 1), encoding="utf-8")
    res = subprocess.run(
        [browser, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
         "--window-size=1400,1000", "--virtual-time-budget=20000", "--dump-dom",
         probed.as_uri()],
        capture_output=True, text=True, timeout=300, check=False)
    m = re.search(r'<pre id="__probe">(.*?)</pre>', res.stdout, re.DOTALL)
    assert m is not None, f"{page}: the probe did not report (chromium exit {res.returncode}): " \
                          f"{res.stderr[-500:]}"
    out: dict[str, Any] = json.loads(html.unescape(m.group(1)))
    return out


def _folder(parent: Path) -> Path:
    folders = sorted(p for p in parent.iterdir() if p.is_dir())
    assert len(folders) == 1, folders
    return folders[0]


@pytest.fixture(scope="session")
def pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Each kind of report written once, static and interactive (embedded sample)."""
    from backtest.cli.main import main
    from backtest.data.load import load_market_data
    from backtest.report import headline_page, run_page
    from backtest.report.metadata import run_metadata

    root = tmp_path_factory.mktemp("pages")
    table = load_market_data(None)
    out: dict[str, Path] = {}
    built = {"headline": headline_page(table, strategies=["bollinger_break", "vol_of_vol"],
                                       n_boot=50, write=False),
             "run": run_page("bollinger_break", table, n_boot=50, write=False)}
    for kind, page in built.items():
        for mode in ("static", "interactive"):
            where = root / f"{kind}-{mode}"
            folder = page.report.write(run_metadata(["test"], {}, table), where,
                                       interactive=mode == "interactive")
            out[f"{kind}-{mode}"] = folder / "index.html"
    commands = {
        "study": ["study", "bollinger_break", "--n-boot", "50", "--eras"],
        "sweep": ["sweep", "bollinger_break", "--grid", "window=21,63", "--grid",
                  "num_std=1.5,2.5", "--n-boot", "20"],
        "weekly": ["weekly", "--date", "2015-08-21"],
        "payoff": ["payoff", "--leg", "short:1:call:14:5.15", "--leg", "short:1:call:20:2.55",
                   "--leg", "long:1:call:30:0.85"],
    }
    env = os.environ.pop("VIXBT_DATA_DIR", None)
    try:
        for kind, argv in commands.items():
            for mode in ("static", "interactive"):
                where = root / f"{kind}-{mode}"
                extra = ["--interactive"] if mode == "interactive" else []
                code = main([*argv, "--quiet", "--out", str(where), "--format", "json", *extra],
                            exit=False)
                assert code == 0, (kind, mode)
                out[f"{kind}-{mode}"] = _folder(where) / "index.html"
    finally:
        if env is not None:
            os.environ["VIXBT_DATA_DIR"] = env
    return out


@pytest.fixture(scope="session")
def probes(browser: str, pages: dict[str, Path]) -> dict[str, dict[str, Any]]:
    with ThreadPoolExecutor(max_workers=3) as pool:
        results = dict(zip(pages, pool.map(lambda p: _probe(browser, p), pages.values()),
                           strict=True))
    return results


def _kinds() -> Iterator[str]:
    for kind in ("headline", "run", "study", "sweep", "weekly", "payoff"):
        for mode in ("static", "interactive"):
            yield f"{kind}-{mode}"


@pytest.mark.parametrize("name", list(_kinds()))
def test_report_opens_cleanly_in_chromium(name: str, probes: dict[str, dict[str, Any]],
                                          pages: dict[str, Path]) -> None:
    r = probes[name]
    assert r["width"] >= 1300  # laid out at 1,400 px
    assert r["errors"] == [], r["errors"]
    assert r["images"] or r["plots"], f"{name}: no chart at all"
    assert all(i["ok"] for i in r["images"]), [i["alt"] for i in r["images"] if not i["ok"]]
    assert r["wide"] == [], f"{name}: elements wider than the viewport: {r['wide'][:5]}"
    text = pages[name].read_text(encoding="utf-8")
    if name.endswith("interactive"):
        if name.split("-")[0] in ("headline", "run"):
            assert r["plots"], f"{name}: no Plotly chart"
        assert all(p["svg"] and p["traces"] > 0 and p["points"] > 0 for p in r["plots"]), \
            r["plots"]
        assert text.count("Plotly.newPlot") == len(r["plots"])
        # plotly.js is inline exactly once: one self-contained file, no network
        assert len(re.findall(r"<script[^>]*\bsrc=", text)) == 0
    else:
        assert r["plots"] == [] and "<script" not in text
    if name.startswith(("headline", "study")):
        assert r["answer"] and all(len(a) > 60 for a in r["answer"]), r["answer"]
        assert r["overflow"] == [], f"{name}: tables wider than the page: {r['overflow']}"


def test_the_probe_catches_a_broken_page(browser: str, tmp_path: Path) -> None:
    bad = tmp_path / "bad.html"
    bad.write_text('<html><head></head><body><div style="width:2000px">wide</div>'
                   '<img src="data:image/png;base64,AAAA" alt="broken">'
                   '<script>console.error("boom")</script></body></html>', encoding="utf-8")
    r = _probe(browser, bad)
    assert "console.error: boom" in r["errors"]
    assert any(e.startswith("failed to load") for e in r["errors"])
    assert r["images"] == [{"ok": False, "alt": "broken"}]
    assert r["wide"] == ["DIV right=2008"]
