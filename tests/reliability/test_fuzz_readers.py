"""Fuzzing the readers: random bytes, CSV-like text and encodings only ever give a result
or a clean DataError/ValueError naming the file -- never another exception."""

from __future__ import annotations

import gzip
import tempfile
import warnings
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backtest.data.readers import detect_format, read_file
from backtest.errors import DataError, DataRepairWarning

HEADERS = [
    "DATE,OPEN,HIGH,LOW,CLOSE", "Date,Open,High,Low,Close,Adj Close,Volume",
    "date,open,high,low,close,volume", "DATE,VVIX", "observation_date,VIXCLS",
    "Date,M1,M2,M3,days_to_expiration",
    "Trade Date,Futures,Open,High,Low,Close,Settle,Change,Total Volume,EFP,Open Interest",
]
TOKENS = st.one_of(
    st.sampled_from(["01/02/2020", "2020-01-03", "12/31/9999", "1600-01-01", "2020-13-45",
                     "F (Jan 20)", "F (Jan 2999)", "X (Foo 20)", "17,24", "1,234.5", "-1",
                     "0", "inf", "nan", ".", "null", "", '"', "1e308", "9" * 40, "\x00",
                     "2020-01-02T10:00:00+05:00", " ", "<html>"]),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.integers(-10**12, 10**12).map(str),
    st.text(max_size=12),
)
ROWS = st.lists(st.lists(TOKENS, min_size=1, max_size=12).map(",".join), max_size=12)
CSV_LIKE = st.builds(lambda h, rows, pre: "\n".join([*pre, h, *rows]) + "\n",
                     st.sampled_from(HEADERS), ROWS,
                     st.lists(st.text(max_size=30), max_size=2))
ENCODINGS = st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "latin-1", "cp1252", "gzip"])
SYMBOLS = st.sampled_from([None, "VIX", "SPX", "VX", "VVIX"])
NAMES = st.sampled_from(["VIX_History.csv", "spx.csv", "CFE_F08_VX.csv", "data.csv.gz",
                         "vx.csv"])
FORMATS = st.sampled_from([None, "cboe-index", "yahoo-classic", "fred", "cfe-contract",
                           "continuous-wide", "ohlc-iso"])


def _encode(text: str, encoding: str) -> bytes:
    if encoding == "gzip":
        return gzip.compress(text.encode("utf-8"))
    return text.encode(encoding, errors="replace")


def _check(body: bytes, name: str, fmt: str | None, symbol: str | None) -> None:
    with tempfile.TemporaryDirectory() as d:
        p = Path(d) / name
        p.write_bytes(body)
        for call in (lambda: detect_format(p), lambda: read_file(p, fmt, symbol)):
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", DataRepairWarning)
                    call()
            except (DataError, ValueError) as exc:
                msg = str(exc)
                assert name in msg or "format" in msg, msg
                assert "\n" not in msg.strip() or name in msg.splitlines()[0], msg


FUZZ = settings(max_examples=120, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@FUZZ
@given(body=st.binary(max_size=600), name=NAMES, fmt=FORMATS, symbol=SYMBOLS)
def test_random_bytes(body: bytes, name: str, fmt: str | None, symbol: str | None) -> None:
    _check(body, name, fmt, symbol)


@FUZZ
@given(text=CSV_LIKE, encoding=ENCODINGS, name=NAMES, fmt=FORMATS, symbol=SYMBOLS)
def test_csv_like_text(text: str, encoding: str, name: str, fmt: str | None,
                       symbol: str | None) -> None:
    _check(_encode(text, encoding), name, fmt, symbol)
