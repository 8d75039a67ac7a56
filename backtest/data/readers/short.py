"""Reader for the short yfinance header ``date,o,h,l,c,v``.

``yahoo-ohlcv-short``
    A yfinance cache written with one-letter column names: ``date,o,h,l,c,v``
    (open, high, low, close, volume), ISO dates.  Apart from the names it is the
    ``yahoo-ohlcv-lowercase`` layout and is read by the same code, with the same
    bad-print repairs (:mod:`backtest.data.readers.index`).  Error messages name
    the file's own column (``'c'``, not ``'close'``).
"""

from __future__ import annotations

import re

import pandas as pd

from backtest.data.readers._text import Repairs
from backtest.data.readers.index import read_index_text
from backtest.errors import DataError

__all__ = ["SHORT_FIELDS", "is_short_header", "read_short_text"]

#: One-letter names of the short header and the field each stands for.
SHORT_FIELDS: dict[str, str] = {"o": "open", "h": "high", "l": "low", "c": "close",
                                "v": "volume"}
_LONG_TO_SHORT = {v: k for k, v in SHORT_FIELDS.items()}


def _fields(line: str) -> list[str]:
    return [f.strip().strip('"').strip() for f in line.split(",")]


def is_short_header(fields: list[str]) -> bool:
    """Whether a split line is ``date,o,h,l,c[,v]`` (any case, any order after the date)."""
    if len(fields) < 5 or fields[0].lower() not in ("date", "datetime"):
        return False
    rest = [f.lower() for f in fields[1:]]
    return set(rest) <= set(SHORT_FIELDS) and {"o", "h", "l", "c"} <= set(rest) \
        and len(set(rest)) == len(rest)


def read_short_text(text: str, name: str, repairs: Repairs, *, prices: bool = True
                    ) -> pd.DataFrame:
    """Parse a ``date,o,h,l,c,v`` file (see the module docstring).

    Raises
    ------
    DataError
        On a bad date or number; the message names the file, line, date and the
        file's own column name.
    """
    lines = text.splitlines(keepends=True)
    for i, line in enumerate(lines[:11]):
        fields = _fields(line)
        if is_short_header(fields):
            end = line[len(line.rstrip("\r\n")):]
            lines[i] = ",".join(["date", *(SHORT_FIELDS[f.lower()] for f in fields[1:])]) + end
            break
    else:
        raise DataError(f"{name}: no 'date,o,h,l,c,v' header in the first 11 lines")
    try:
        return read_index_text("".join(lines), name, "yahoo-ohlcv-lowercase", repairs,
                               prices=prices, required=("open", "high", "low", "close"))
    except DataError as exc:
        msg = re.sub(r"column '(open|high|low|close|volume)'",
                     lambda m: f"column {_LONG_TO_SHORT[m.group(1)]!r}", str(exc))
        raise DataError(msg) from None
