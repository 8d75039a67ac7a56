"""Exception and warning hierarchy for vixbt.

Domain failures raise a subclass of :class:`VixbtError`; bad arguments raise the
built-in :class:`TypeError` / :class:`ValueError`.  Problems that the code repaired
(a bad print dropped, an unsorted index sorted) are reported with
:class:`DataRepairWarning` and ``stacklevel=2``.
"""

from __future__ import annotations

from collections.abc import Mapping

__all__ = [
    "DataError",
    "DataRepairWarning",
    "DownloadError",
    "LookAheadError",
    "MissingDataError",
    "VixbtError",
]


class VixbtError(Exception):
    """Base class of every domain error raised by vixbt."""


class DataError(VixbtError):
    """A data file or table is unusable: unknown layout, bad value, bad date.

    The message always names the file (or source), and where known the line or
    date and the column.
    """


class MissingDataError(DataError):
    """A computation needs columns that the loaded market data does not have."""

    def __init__(self, message: str, missing: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.missing = missing


class DownloadError(VixbtError):
    """A download failed; the previous cache is left intact."""


class LookAheadError(VixbtError):
    """A computation used information not known at the signal day's close."""


class DataRepairWarning(UserWarning):
    """A data problem was repaired (row dropped, value fixed, index sorted).

    Parameters
    ----------
    message : str
        ``"<file>: <column>: <what was done>"``.
    source : str or None, default None
        The file (or source) repaired.
    column : str or None, default None
        The field repaired (``open``, ``high/low``, ``settle``, ``rows`` ...).
    count : int or None, default None
        Values or rows repaired or dropped (``None``: not a count, e.g. re-sorting).
    by_year : Mapping[int, int] or None, default None
        ``count`` split by calendar year; set for stale or synthetic prices
        (:mod:`backtest.data.stale`: opens equal to the previous close, flat
        O=H=L=C days, stale flat rows), None for every other repair.
    """

    def __init__(self, message: str, *, source: str | None = None, column: str | None = None,
                 count: int | None = None, by_year: Mapping[int, int] | None = None) -> None:
        super().__init__(message)
        self.source = source
        self.column = column
        self.count = count
        self.by_year = dict(by_year) if by_year is not None else None
