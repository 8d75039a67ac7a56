"""How the commands and their pages show results: each test catches one defect a new
user met (false messages, wrong sample labels, run-together sentences, unreadable
numbers, help that does not fit, options that do nothing)."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest

REPO = Path(__file__).resolve().parents[2]


def _html(res: Any) -> str:
    folder = Path(res.json()["report"]) if res.out.lstrip().startswith("{") else None
    if folder is None:
        m = re.search(r"Report: (.+index\.html)", res.out + res.err)
        assert m, res.out[-300:]
        return Path(m.group(1)).read_text(encoding="utf-8")
    return (folder / "index.html").read_text(encoding="utf-8")


def _text_only(page: str) -> str:
    return re.sub(r"data:image/png;base64,[A-Za-z0-9+/=]+", "", page)


def _widest(text: str) -> int:
    """The longest line, leaving out the report's path (a path is not wrapped)."""
    return max((len(ln) for ln in text.splitlines() if not ln.startswith("Report: ")),
               default=0)


def test_no_false_term_structure_message_when_the_data_have_it(vixbt: Any, shared_data: Path,
                                                               tmp_path: Path) -> None:
    # a data directory WITH VIX3M: `run` and `study` load only their strategy's columns,
    # which once made their pages claim "No term-structure data ... is loaded"
    root = tmp_path / "data"
    root.mkdir()
    rows = [("spx_daily.csv", "SPX", "yahoo-ohlcv-lowercase"), ("vix_daily.csv", "VIX", "ohlc-iso"),
            ("vix3m_daily.csv", "VIX3M", "cboe-index")]
    for name, _, _ in rows:
        (root / name).symlink_to(shared_data / name)
    (root / "manifest.csv").write_text(
        "path,symbol,format\n" + "".join(f"{n},{s},{f}\n" for n, s, f in rows))
    common = ["--data-dir", str(root), "--start", "2012-01-01", "--end", "2016-12-31",
              "--n-boot", "20", "--horizons", "5,21", "--quiet", "--format", "json"]
    for cmd in (["run", "spike_reversal"], ["study", "spike_reversal"]):
        res = vixbt(*cmd, *common)
        assert res.code == 0, res.err
        page = _html(res)
        assert "No term-structure data" not in page, cmd
        # the page states the strategy's own sample, not the longest file's span
        assert "first and last signal-eligible day" in page
        assert "1927" not in _text_only(page).split('id="data"')[0], cmd


def test_headline_states_each_strategys_sample_and_fits_the_terminal(vixbt: Any) -> None:
    res = vixbt("report", "--strategies", "bollinger_break,spike_reversal", "--n-boot", "20",
                "--horizons", "5,21", "--quiet")
    assert res.code == 0, res.err
    # the embedded SPX starts 1999, its VIX 2014: every sample starts in 2014, and the
    # terminal and the page say the same
    samples = re.findall(r"^  (\w+) +(\d{4}-\d{2}-\d{2}) \.\. (\d{4}-\d{2}-\d{2})", res.out,
                         re.MULTILINE)
    assert {s[0] for s in samples} == {"bollinger_break", "spike_reversal"}
    assert all(s[1].startswith("2014") and s[2] == "2018-12-31" for s in samples), samples
    assert "1999" not in res.out
    page = _text_only(_html(res))
    lead = re.search(r'<p class="lead">(.*?)</p>', page)
    assert lead and "2014-" in lead.group(1) and "1999" not in lead.group(1)
    # the answer sentences come first, also on the terminal
    assert res.out.startswith("After fear extremes")
    assert _widest(res.out) <= 100
    # one number convention: no scientific notation, percentages with two decimals
    assert not re.search(r"\d\.\d+e[-+]\d", page + res.out)
    assert re.search(r"[+-]\d+\.\d\d%", page)


def test_study_page_leads_with_an_answer_in_a_table_that_fits(vixbt: Any) -> None:
    res = vixbt("study", "bollinger_break", "--n-boot", "20", "--horizons", "5,21,63",
                "--quiet", "--format", "json")
    assert res.code == 0, res.err
    assert res.json()["eras"] is None  # no --eras, no eras
    page = _text_only(_html(res))
    assert page.count('class="answer"') == 2  # one sentence per side
    lead = re.search(r'<p class="lead">(.*?)</p>', page)
    assert lead is not None
    # sentences end before the next begins ("...expect SPX to rise Forward SPX..." once)
    assert not re.search(r"[a-z] Forward SPX", lead.group(1))
    table = re.search(r"Event study by side and horizon.*?<thead><tr>(.*?)</tr>", page)
    assert table is not None
    heads = re.findall(r"<th[^>]*>(.*?)</th>", table.group(1))
    assert len(heads) <= 12 and heads[-1] == "verdict", heads
    assert "By era" not in page
    res = vixbt("study", "bollinger_break", "--n-boot", "20", "--horizons", "5", "--quiet",
                "--eras")
    assert res.code == 0, res.err
    assert "By era" in res.out and "By era" in _html(res)
    assert _widest(res.out) <= 100


def test_eras_without_a_strategy_is_refused(vixbt: Any, one_line_error: Any) -> None:
    one_line_error(vixbt("study", "--eras"), 2, "--eras needs a STRATEGY")


@pytest.mark.parametrize("command", [[], ["report"], ["run"], ["sweep"], ["study"], ["list"],
                                     ["data", "info"], ["data", "import"], ["data", "update"],
                                     ["weekly"], ["payoff"]])
def test_help_is_wrapped_to_100_columns(command: list[str], vixbt: Any,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "250")  # a wide terminal still gets readable lines
    res = vixbt(*command, "--help")
    assert res.code == 0
    assert _widest(res.out) <= 100, max(res.out.splitlines(), key=len)


def test_help_shows_cost_defaults_and_only_options_that_do_something(vixbt: Any) -> None:
    run_help = " ".join(vixbt("run", "--help").out.split())
    from backtest.execution.costs import DEFAULT_FEES, DEFAULT_SLIPPAGE

    options = " ".join(run_help.split("options:", 1)[1].split())
    fees = options.split("--fees FEES ", 1)[1].split(" --slippage SLIPPAGE ", 1)
    assert f"(default: {DEFAULT_FEES:g})" in fees[0]
    assert f"(default: {DEFAULT_SLIPPAGE:g})" in fees[1].split(" --returns ", 1)[0]
    for cmd in (["list"], ["data", "import"], ["data", "update"], ["data", "info"]):
        out = vixbt(*cmd, "--help").out
        assert "--out" not in out and "--no-report" not in out and "Reports go" not in out, cmd
        assert "--interactive" not in out, cmd
    for cmd in (["list"], ["data", "import"], ["data", "update"]):
        assert "--verbose" not in vixbt(*cmd, "--help").out, cmd


def test_the_sweep_help_example_file_is_shipped_and_valid(vixbt: Any) -> None:
    from backtest.sweep import load_experiment

    out = vixbt("sweep", "--help").out
    named = re.findall(r"--experiment (experiments/\S+\.toml)", out)
    assert named, out
    for rel in named:
        exp = load_experiment(REPO / rel)
        assert exp.strategy.name == "bollinger_break" and len(exp.grid) >= 2
    assert (REPO / "experiments" / "README.md").read_text().count("[grid]") >= 1


def test_same_study_same_seed_same_intervals_in_report_and_run() -> None:
    # `vixbt report` studies strategies in turn; `vixbt run` / `study` studies one
    # (family_study); with the same seed a row's interval must not depend on what
    # was studied before it
    from backtest.data.load import load_market_data
    from backtest.evidence.verdict import family_study, verdict_table
    from strategies.registry import get_strategy

    frame = load_market_data(None).frame
    first, second = get_strategy("spike_reversal")(), get_strategy("bollinger_break")()
    vt = verdict_table(frame, [first, second], (5, 21), n_boot=50, seed=7, n_placebo=0,
                       rw_reps=0)
    alone = family_study(second, frame, (5, 21), n_boot=50, seed=7, n_placebo=0,
                         rw_reps=0)[0].to_frame()
    rows = vt.table[vt.table["strategy"] == "bollinger_break"]
    np.testing.assert_array_equal(rows["ci_low"].to_numpy(), alone["ci_low"].to_numpy())
    np.testing.assert_array_equal(rows["ci_high"].to_numpy(), alone["ci_high"].to_numpy())


def test_payoff_page_labels_strikes_and_tabulates_the_kinks(vixbt: Any) -> None:
    res = vixbt("payoff", "--leg", "short:1:call:14:5.15", "--leg", "short:1:call:20:2.55",
                "--leg", "long:1:call:30:0.85", "--quiet")
    assert res.code == 0, res.err
    assert "$+" not in res.out and "(+$685 per contract)" in res.out  # sign before the $
    page = _text_only(_html(res))
    table = page.split('id="payoff-table"')[1]
    rows = re.findall(r"<tr><td", table)
    # two range ends, three strikes, one breakeven (20.425): 6 rows, not 60 sampled ones
    assert len(rows) == 6, len(rows)
    assert "20.425" in table and "breakeven" in table
    assert "+$685.00" in table  # max gain 6.85 points x 100, sign first

    from backtest.payoff import Position, payoff
    from backtest.report.charts import payoff_chart

    fig = payoff_chart(payoff(Position.parse(["short:1:call:14:5.15", "long:1:call:30:0.85"])))
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert "short call 14" in texts and "long call 30" in texts


def test_weekly_names_the_day_and_never_ranks_a_partial_week(vixbt: Any) -> None:
    # the embedded sample ends on Monday 2018-12-31: that one-day week is not the default
    res = vixbt("weekly", "--quiet", "--no-report")
    assert res.code == 0, res.err
    assert res.out.startswith("Week ending Friday 2018-12-28")
    assert "same day" in res.out and "th percentile" not in res.out.replace("0th", "")
    res = vixbt("weekly", "--date", "2018-12-31", "--quiet", "--no-report", "--format", "json")
    week = res.json()["week"]
    assert week["partial"] and week["days"] == 1 and week["vix_rank"] is None


def test_results_follow_the_umask(vixbt: Any, tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        res = vixbt("payoff", "--leg", "long:1:call:20:2", "--quiet", "--format", "json")
    finally:
        os.umask(old)
    folder = Path(res.json()["report"])
    modes = {p.name: p.stat().st_mode & 0o777 for p in folder.iterdir()}
    assert set(modes.values()) == {0o644}, modes
