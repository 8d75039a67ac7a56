"""Data repairs on the command line: one summary line instead of one warning per file.

The loader warns with :class:`~backtest.errors.DataRepairWarning` for every file
it repairs (fields ``source``, ``column`` and ``count``; message
``"<file>: <column>: ..."``); that is right for library users, but on the
command line the same lines would greet every command run on the same data.
:class:`RepairLog` collects them during one command and prints

* by default one line counting the repairs in the files the loaded table
  takes a column from: ``vixbt: data: 94 values repaired or dropped in 2 files
  the loaded table uses; repairs in 1 other file it does not use (details:
  vixbt data info, or --verbose)``; when some of
  them are stale or synthetic prices (warnings with per-year counts, see
  :mod:`backtest.data.stale`) the line says how many and from which years:
  ``..., 21,930 of them stale or synthetic prices, 1927-2021; ...``;
* with ``--verbose`` each file's line, as the loader wrote it;
* with ``--quiet`` nothing.

``vixbt data info`` lists the per-file lines itself (:meth:`RepairLog.take`).
Warnings of other categories are not collected here; the command prints them
as they come.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import TextIO

__all__ = ["Repair", "RepairLog", "summary_line"]

# "<file>: <column>: <detail>"; the column is a field name such as open, high/low, rows
_MESSAGE = re.compile(r"^(?P<file>.+?): (?P<column>[A-Za-z0-9_/]+): (?P<detail>.+)$", re.DOTALL)
_COUNT = re.compile(r"\d[\d,]*")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True)
class Repair:
    """One repair warning of the loader.

    Parameters
    ----------
    file : str
        The file repaired (as the loader names it).
    column : str
        The field repaired (``open``, ``high/low``, ``settle``, ``rows`` ...).
    count : int
        Values or rows repaired or dropped: the first number of the message
        (0 for a repair without a count, such as re-sorting the dates).
    text : str
        The whole message, on one line.
    by_year : tuple of (int, int), default ()
        ``count`` per calendar year, for stale or synthetic prices (the
        warning's ``by_year`` field); empty for other repairs.
    """

    file: str
    column: str
    count: int
    text: str
    by_year: tuple[tuple[int, int], ...] = ()

    @classmethod
    def from_warning(cls, warning: Warning | str) -> Repair:
        """The repair a ``DataRepairWarning`` describes: its ``source``, ``column``
        and ``count`` fields where the loader set them, else parsed from the text."""
        parsed = cls.parse(str(warning))
        source = getattr(warning, "source", None)
        column = getattr(warning, "column", None)
        count = getattr(warning, "count", None)
        by_year = getattr(warning, "by_year", None) or {}
        years = tuple(sorted((int(y), int(n)) for y, n in by_year.items()))
        if source is None or column is None:
            return cls(file=parsed.file, column=parsed.column, count=parsed.count,
                       text=parsed.text, by_year=years)
        return cls(file=str(source), column=str(column),
                   count=int(count) if count is not None else 0, text=parsed.text,
                   by_year=years)

    @classmethod
    def parse(cls, message: str) -> Repair:
        """The repair a ``DataRepairWarning`` message describes.

        A message not of the form ``"<file>: <column>: <detail>"`` is kept
        whole as its own file with column ``""``.
        """
        text = " ".join(str(message).split())
        m = _MESSAGE.match(text)
        if m is None:
            return cls(file=text, column="", count=_first_count(text), text=text)
        return cls(file=m["file"], column=m["column"], count=_first_count(m["detail"]),
                   text=text)


def _first_count(detail: str) -> int:
    """The first number of ``detail`` that is not part of a date (0 if none)."""
    for m in _COUNT.finditer(_DATE.sub(" ", detail)):
        return int(m.group().replace(",", ""))
    return 0


def summary_line(repairs: list[Repair], unused: list[Repair] | None = None) -> str:
    """The one-line summary, with the ``vixbt: data:`` prefix.

    Parameters
    ----------
    repairs : list of Repair
        Repairs in files the loaded table uses (counted).
    unused : list of Repair or None
        Repairs in files that were read but supply no column of the table (e.g.
        a second SPX file the first one overrides): not counted, only mentioned.
        ``None``: which files the table uses is not known; every repair counts.
    """
    files = len(dict.fromkeys(r.file for r in repairs))
    values = sum(r.count for r in repairs)
    where = f"in {files:,} file{'s' if files != 1 else ''} " + (
        "while loading" if unused is None else "the loaded table uses")
    what = (f"{values:,} value{'s' if values != 1 else ''} repaired or dropped" if values
            else "repairs")
    dated = [r for r in repairs if r.by_year]
    stale = ""
    if dated:
        years = [y for r in dated for y, n in r.by_year if n]
        k = sum(r.count for r in dated)
        span = f"{min(years)}-{max(years)}" if min(years) != max(years) else f"{min(years)}"
        stale = f", {k:,} of them stale or synthetic prices, {span}"
    other = ""
    if unused is not None and unused:
        n = len(dict.fromkeys(r.file for r in unused))
        other = f"; repairs in {n:,} other file{'s' if n != 1 else ''} it does not use"
    if not repairs and unused is not None:
        return (f"vixbt: data: no repairs in the files the loaded table uses{other} "
                "(details: vixbt data info, or --verbose)")
    return f"vixbt: data: {what} {where}{stale}{other} (details: vixbt data info, or --verbose)"


@dataclass
class RepairLog:
    """The data repairs of one command, and how they are shown.

    Parameters
    ----------
    verbose : bool, default False
        Print each repair's line (``vixbt: warning: <message>``) when it happens.
    quiet : bool, default False
        Print nothing (``verbose`` takes precedence).
    stream : file-like or None, default None
        Where lines go (None: ``sys.stderr`` at the time of printing).
    """

    verbose: bool = False
    quiet: bool = False
    stream: TextIO | None = None
    repairs: list[Repair] = field(default_factory=list)
    _pending: list[Repair] = field(default_factory=list, repr=False)

    def record(self, message: Warning | str) -> None:
        """Record one repair warning (a message seen before is ignored)."""
        repair = Repair.from_warning(message)
        if any(r.text == repair.text for r in self.repairs):
            return
        self.repairs.append(repair)
        if self.verbose:
            self._print(f"vixbt: warning: {repair.text}")
        else:
            self._pending.append(repair)

    def take(self) -> list[Repair]:
        """The repairs not yet shown; they count as shown from now on."""
        out, self._pending = self._pending, []
        return out

    def flush(self, used_files: Collection[str] | None = None) -> None:
        """Print the summary line of the repairs not yet shown (unless ``quiet``).

        Parameters
        ----------
        used_files : collection of str or None, default None
            Files the loaded table takes a column from: only their repairs are
            counted; the others are mentioned as files it does not use.
            ``None``: every repair counts.
        """
        pending = self.take()
        if not pending or self.quiet:
            return
        if used_files is None:
            self._print(summary_line(pending))
            return
        used = {str(f) for f in used_files}
        self._print(summary_line([r for r in pending if r.file in used],
                                 [r for r in pending if r.file not in used]))

    def _print(self, line: str) -> None:
        print(line, file=self.stream if self.stream is not None else sys.stderr, flush=True)
