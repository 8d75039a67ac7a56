"""The embedded sample (arch's bundled SPX and VIX files)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from backtest.data import data_info, load_embedded


@pytest.fixture(scope="module")
def embedded():  # type: ignore[no-untyped-def]
    return load_embedded()


def test_columns_and_spans(embedded) -> None:  # type: ignore[no-untyped-def]
    f = embedded.frame
    assert list(f.columns) == ["spx_open", "spx_high", "spx_low", "spx_close", "spx_volume",
                               "vix_close"]
    assert f.index[0] == pd.Timestamp("1999-01-04") and f.index[-1] == pd.Timestamp("2018-12-31")
    assert len(f) == 5_031 and f.index.dtype == "datetime64[ns]"
    vix = f["vix_close"]
    assert vix.first_valid_index() == pd.Timestamp("2014-01-03")
    assert vix.loc[:"2014-01-02"].isna().all()
    assert vix.notna().sum() == 1_257


def test_values_match_arch_loaders(embedded) -> None:  # type: ignore[no-untyped-def]
    from arch.data import sp500, vix

    s = sp500.load()
    f = embedded.frame
    np.testing.assert_array_equal(f["spx_close"].to_numpy(), s["Close"].to_numpy())
    # opens equal to the previous close are removed (not real); every other open is arch's
    opens = s["Open"].to_numpy()
    stale = opens[1:] == s["Close"].to_numpy()[:-1]
    assert stale.sum() == 2_004 and np.isnan(f["spx_open"].to_numpy()[1:][stale]).all()
    np.testing.assert_array_equal(f["spx_open"].to_numpy()[1:][~stale], opens[1:][~stale])
    np.testing.assert_array_equal(f["spx_volume"].to_numpy(), s["Volume"].to_numpy(float))
    v = vix.load()["vix"].dropna()
    v = v.loc[v.index <= pd.Timestamp("2018-12-31")]
    np.testing.assert_array_equal(f["vix_close"].dropna().to_numpy(), v.to_numpy())


def test_notes_say_what_is_missing(embedded) -> None:  # type: ignore[no-untyped-def]
    info = data_info(embedded)
    text = info.summary()
    assert "VIX close only 2014-01-03..2018-12-31" in text
    assert "term-structure signals need a data directory" in text
    assert "2 VIX row(s) on days outside the SPX sample dropped (2019-01-02, 2019-01-03)" in text
    assert "embedded sample" in info.to_frame().loc["spx_close", "source"]
    assert not embedded.has("vix3m") and not embedded.has("vx1")
