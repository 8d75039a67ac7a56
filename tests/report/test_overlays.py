"""Signal charts draw the lines the rules compare against, and the signals sit on them."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from backtest.report.charts import (
    Pane,
    equity_chart,
    forward_returns_chart,
    heatmap_chart,
    price_trades_chart,
    signal_chart,
)
from backtest.report.overlays import signal_panes
from strategies.registry import REGISTRY


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    import arch.data.sp500
    import arch.data.vix

    spx = arch.data.sp500.load()
    vix = arch.data.vix.load()["vix"]
    f = pd.DataFrame({"spx_open": spx["Open"], "spx_close": spx["Close"]})
    f["vix_close"] = vix.reindex(f.index)
    return f.loc["2014-01-03":].astype(float)


def _line(panes_lines: dict[str, pd.Series], startswith: str) -> pd.Series:
    return next(v for k, v in panes_lines.items() if k.startswith(startswith))


def test_bollinger_bands_match_pandas_and_signals(frame: pd.DataFrame) -> None:
    s = REGISTRY["bollinger_break"]()
    sig = s.signals(frame)
    panes = signal_panes(s, frame, sig)
    upper = _line(panes.main.lines, "upper band")
    lower = _line(panes.main.lines, "lower band")
    vix = frame["vix_close"]
    mean = vix.rolling(63).mean()
    sd = vix.rolling(63).std(ddof=0)
    assert np.allclose(upper.dropna(), (mean + 2 * sd).dropna(), rtol=1e-9)
    assert sig.long_entries.sum() > 0 and sig.short_entries.sum() > 0
    assert (vix[sig.long_entries] > upper[sig.long_entries]).all()
    assert (vix[sig.short_entries] < lower[sig.short_entries]).all()


def test_spike_threshold_line(frame: pd.DataFrame) -> None:
    s = REGISTRY["spike_reversal"]()
    sig = s.signals(frame)
    panes = signal_panes(s, frame, sig)
    entry = _line(panes.main.lines, "entry: SMA x 1.1")
    sma = frame["vix_close"].rolling(10).mean()
    assert np.allclose(entry.dropna(), (sma * 1.1).dropna(), rtol=1e-9)
    e = sig.long_entries
    assert e.sum() > 0 and (frame["vix_close"][e] > entry[e]).all()


def test_vol_of_vol_lower_pane(frame: pd.DataFrame) -> None:
    s = REGISTRY["vol_of_vol"]()
    sig = s.signals(frame)
    panes = signal_panes(s, frame, sig)
    assert panes.lower is not None
    hv = panes.lower.series
    # 21-day sample std of daily log changes, annualised, in percent
    ref = np.log(frame["vix_close"]).diff().rolling(21).std() * np.sqrt(252) * 100
    assert np.allclose(hv.dropna(), ref.dropna(), rtol=1e-9)
    low = _line(panes.lower.lines, "lower band")
    e = sig.short_entries
    assert e.sum() > 0 and (hv[e] < low[e]).all()


def test_unknown_strategy_gets_the_plain_vix_view(frame: pd.DataFrame) -> None:
    s = REGISTRY["bollinger_break"]()
    sig = s.signals(frame)

    class Other(type(s)):  # type: ignore[misc]
        name = "not_registered"

    panes = signal_panes(Other(), frame, sig)
    assert panes.lower is None and panes.main.lines == {}
    assert set(panes.main.marks) == {"fear signal (long entry)",
                                     "complacency signal (short entry)"}


def _labelled(fig) -> None:  # type: ignore[no-untyped-def]
    for ax in fig.axes:
        if ax.get_label() == "<colorbar>":
            continue
        assert ax.get_ylabel(), "every axis has a y label"
    assert any(ax.get_title() for ax in fig.axes) or fig._suptitle is not None


def test_charts_have_titles_labels_and_legends(frame: pd.DataFrame) -> None:
    close = frame["spx_close"]
    fig = price_trades_chart(close, long_entries=close.index[::50])
    _labelled(fig)
    assert fig.axes[0].get_legend() is not None
    assert fig.axes[0].get_xlabel() == "date"
    _labelled(equity_chart(close, close * 1.1))
    _labelled(signal_chart(Pane(frame["vix_close"], "VIX", "VIX (points)")))
    t = pd.DataFrame({"horizon": [5, 21], "effect": [0.005, 0.01], "ci_low": [-0.005, 0.001],
                      "ci_high": [0.015, 0.02], "n_signal": [40, 38], "n_episodes": [12, 9]})
    fig = forward_returns_chart(t)
    _labelled(fig)
    # the interval is drawn around the difference, with a zero line
    ax = fig.axes[0]
    assert any(list(ln.get_ydata()) == [-0.5, 1.5] for ln in ax.get_lines())
    assert any(list(ln.get_ydata()) == [0, 0] for ln in ax.get_lines())
    labels = [lab.get_text() for lab in ax.get_xticklabels()]
    assert labels[0] == "5d\n40 days\n12 ep."
    hm = pd.DataFrame([[1.0, 2.0]], index=pd.Index([1], name="y"),
                      columns=pd.Index([1, 2], name="x"))
    fig = heatmap_chart(hm, metric="sharpe")
    assert fig.axes[0].get_xlabel() == "x" and fig.axes[0].get_ylabel() == "y"
