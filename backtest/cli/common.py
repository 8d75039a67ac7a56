"""Helpers every command shares: data loading, parameters, output, the report folder."""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    import pandas as pd

    from backtest.data.table import MarketTable
    from backtest.evidence.event_study import EventStudyResult
    from backtest.execution.config import Execution
    from backtest.execution.result import RunResult
    from backtest.report.writer import Report
    from strategies.base import Strategy

__all__ = [
    "CliError",
    "basis_line",
    "emit",
    "load_table",
    "make_execution",
    "parse_horizons",
    "parse_params",
    "progress",
    "require_columns",
    "resolve_strategy",
    "status",
    "strategy_columns",
    "write_report",
]

T = TypeVar("T")


class CliError(Exception):
    """Bad command-line input; printed as one line, exit status 2."""


def _date(value: str | None, option: str) -> pd.Timestamp | None:
    import pandas as pd

    if value is None:
        return None
    try:
        return pd.Timestamp(value)
    except (ValueError, TypeError):
        raise CliError(f"{option} {value!r} is not a date (use YYYY-MM-DD)") from None


def load_table(args: argparse.Namespace, columns: Iterable[str] | None = None, *,
               summarise_repairs: bool = True) -> MarketTable:
    """The market table the options select (``--data-dir``, ``--start``, ``--end``).

    Once the data are loaded, the one-line summary of the files repaired while
    loading goes to stderr (:class:`~backtest.cli.repairs.RepairLog` of the
    command, ``args.repair_log``; per-file lines with ``--verbose``, nothing
    with ``--quiet``).

    Parameters
    ----------
    args : argparse.Namespace
        Parsed options.
    columns : iterable of str or None, default None
        Columns the command needs (None: all).  From a data directory only the
        files supplying them (and SPX) are read; see
        :func:`backtest.data.load.load_market_data`.
    summarise_repairs : bool, default True
        Print the repair summary now (False: the command shows the repairs
        itself, as ``vixbt data info`` does).

    Raises
    ------
    CliError
        If a date does not parse, ``--start`` is after ``--end``, or the period
        lies outside the data.
    """
    from backtest.data.load import load_market_data

    start = _date(getattr(args, "start", None), "--start")
    end = _date(getattr(args, "end", None), "--end")
    if start is not None and end is not None and start > end:
        raise CliError(f"--start {start:%Y-%m-%d} is after --end {end:%Y-%m-%d}")
    market = getattr(args, "market", "spx")
    vol = getattr(args, "vol", None)
    if columns is not None:
        columns = _market_columns(columns, market, vol, getattr(args, "returns", None))
    table = load_market_data(getattr(args, "data_dir", None), columns=columns)
    table = _select_market(args, table, market, vol)
    log = getattr(args, "repair_log", None)
    if summarise_repairs and log is not None:
        log.flush({str(src.path) for src in table.sources.values() if src.path})
    args.full_spans = {c: (src.first, src.last) for c, src in table.sources.items()}
    span = f"{table.start:%Y-%m-%d} .. {table.end:%Y-%m-%d}"
    if start is not None and start > table.end:
        raise CliError(f"--start {start:%Y-%m-%d} is after the end of the data ({span})")
    if end is not None and end < table.start:
        raise CliError(f"--end {end:%Y-%m-%d} is before the start of the data ({span})")
    if start is None and end is None:
        return table
    from backtest.data.info import refresh_sources
    from backtest.data.table import MarketTable

    frame = table.frame.loc[start:end]
    if len(frame) < 2:
        raise CliError(f"the period {args.start or '...'} .. {args.end or '...'} holds "
                       f"{len(frame)} trading day(s) of the data ({span})")
    return MarketTable(frame=frame, sources=refresh_sources(frame, table.sources))


def _market_columns(columns: Iterable[str], market: str, vol: str | None,
                    returns: str | None) -> list[str]:
    """``columns`` plus what the market choice and the returns mode read."""
    from backtest.data.market import market_choice

    try:
        choice = market_choice(market, vol)
    except ValueError as exc:
        raise CliError(str(exc)) from None
    extra: list[str] = list(choice.needs)
    if returns == "total":
        extra += ["spxtr", "dtb3"]
    cols = [c for c in columns if choice.is_default or not c.startswith(("spx_", "vix_"))]
    return list(dict.fromkeys([*cols, *extra]))


def _select_market(args: argparse.Namespace, table: MarketTable, market: str,
                   vol: str | None) -> MarketTable:
    """The table with the ``--market`` / ``--vol`` pair under the SPX/VIX names."""
    from backtest.data.market import market_choice, market_table

    try:
        choice = market_choice(market, vol)
    except ValueError as exc:
        raise CliError(str(exc)) from None
    args.market_dropped = choice.dropped
    return market_table(table, market, vol)


def basis_line(frame: pd.DataFrame, *, returns: str, fill: str, fees: float = 0.0,
               slippage: float = 0.0, runs: Iterable[RunResult] = (),
               studies: Iterable[EventStudyResult] = (), study: bool = False) -> str:
    """The basis line of a command's output over ``frame``, with the pooled fallback share
    of its runs or studies (:func:`backtest.execution.basis.describe_basis`).

    ``study``: the line of event studies (forward returns, no cash, no costs).
    Without runs or studies the share is not stated.
    """
    from backtest.execution.basis import check_mode, describe_basis, return_basis
    from backtest.execution.fills import pooled_fallback_share

    shares: list[float] = []
    counts: list[int] = []
    for r in runs:
        shares.append(r.fallback_share)
        counts.append(len(r.fill_bars))
    for st in studies:
        shares.append(st.fallback_share)
        counts.append(st.fills)
    share = pooled_fallback_share(shares, counts) if counts else None
    return describe_basis(return_basis(frame, check_mode(returns)), fill=fill, fees=fees,
                          slippage=slippage, fallback_share=share,
                          kind="study" if study else "run")


def strategy_columns(strategy: Strategy) -> tuple[str, ...]:
    """Columns a single-strategy command loads: the strategy's own and ``vix_close``
    (every signal chart shows the VIX).  SPX always comes with the table."""
    return tuple(dict.fromkeys((*strategy.columns_needed(), "vix_close")))


def load_family_table(args: argparse.Namespace, strategy: Strategy) -> MarketTable:
    """The data a single-strategy command judges ``strategy`` with.

    A verdict is made inside the family of every registered strategy
    (:func:`backtest.evidence.verdict.family_study`), so the columns of every
    registered strategy are loaded when the data directory supplies them; if a
    file that only *other* strategies need cannot be read, the command falls
    back to the strategy's own columns (the family then holds the strategies
    those columns serve, and the verdict table records the others as skipped).
    """
    from backtest.errors import DataError
    from strategies.registry import REGISTRY

    cols = list(strategy_columns(strategy))
    for cls in REGISTRY.values():
        cols.extend(c for c in cls.required_columns if c not in cols)
    try:
        return load_table(args, cols)
    except DataError:
        return load_table(args, strategy_columns(strategy))


def require_columns(args: argparse.Namespace, table: MarketTable, strategy: Strategy) -> None:
    """Check that ``table`` has the strategy's columns and enough days for its warm-up.

    Raises
    ------
    MissingDataError
        If a column is absent from the data, or has no value in the chosen
        period (the message gives the column's span in the data).
    CliError
        If the period is shorter than the strategy's warm-up.
    """
    from backtest.errors import MissingDataError

    spans = getattr(args, "full_spans", {})
    dropped: Mapping[str, str] = getattr(args, "market_dropped", {})
    for col in strategy.columns_needed():
        if table.has(col):
            continue
        if col in dropped:  # e.g. the VIX term structure on --market ndx
            raise MissingDataError(f"strategy {strategy.name!r} is skipped on this market: it "
                                   f"needs {col}, {dropped[col]}", (col,))
        first, last = spans.get(col, (None, None))
        if first is not None and last is not None:
            raise MissingDataError(
                f"strategy {strategy.name!r} needs {col}, which has no value between "
                f"{table.start:%Y-%m-%d} and {table.end:%Y-%m-%d}; the data has {col} from "
                f"{first:%Y-%m-%d} to {last:%Y-%m-%d} (adjust --start/--end)", (col,))
        table.require([col], purpose=f"strategy {strategy.name!r}")
    rows = int(table.frame[list(strategy.columns_needed())].notna().all(axis=1).sum())
    if rows <= strategy.warmup:
        raise CliError(f"the period has {rows} day(s) with {', '.join(strategy.columns_needed())}"
                       f", not more than the warm-up of {strategy.name!r} ({strategy.warmup} "
                       "days): widen --start/--end")


def resolve_strategy(name: str) -> type[Strategy]:
    """The registered strategy class (``ValueError`` with "did you mean" otherwise)."""
    from strategies.registry import get_strategy

    return get_strategy(name)


def parse_params(cls: type[Strategy], items: Sequence[str]
                 ) -> tuple[dict[str, Any], dict[str, Any]]:
    """Split ``--param name=value`` items into strategy parameters and execution settings.

    Returns
    -------
    (dict, dict)
        Strategy parameters; execution settings (``holding_period``, ``fees`` ...).

    Raises
    ------
    ValueError
        For an unknown name (with a hint), a bad value, several values or a
        parameter given twice.
    """
    own: dict[str, Any] = {}
    ex: dict[str, Any] = {}
    if not items:  # nothing to parse: the sweep's parser is not imported
        return own, ex
    from backtest.sweep.spec import EXEC_PARAMS, parse_assignment

    for item in items:
        if "=" not in item:
            raise CliError(f"--param {item!r} must look like name=value")
        name, values = parse_assignment(cls, item)
        if len(values) != 1:
            raise CliError(f"--param {item!r} gives {len(values)} values; a run takes one "
                           "(use `vixbt sweep` to try several)")
        target = ex if name in EXEC_PARAMS and name not in cls.param_specs() else own
        if name in target:
            raise CliError(f"parameter {name!r} is given twice")
        target[name] = values[0]
    return own, ex


def make_execution(args: argparse.Namespace, overrides: Mapping[str, Any] | None = None
                   ) -> Execution:
    """The :class:`~backtest.execution.config.Execution` the options describe."""
    from backtest.execution.config import Execution

    ex = Execution(fill=args.fill, fees=args.fees, slippage=args.slippage, side=args.side,
                   holding_period=args.holding_period,
                   returns=getattr(args, "returns", "total"))
    if overrides:
        ex = dataclasses.replace(ex, **dict(overrides))
    return ex


def parse_horizons(text: str) -> tuple[int, ...]:
    """``"1,5,10"`` -> ``(1, 5, 10)``; each an integer >= 1."""
    out = []
    for tok in str(text).split(","):
        tok = tok.strip()
        try:
            h = int(tok)
        except ValueError:
            raise CliError(f"--horizons: {tok!r} is not an integer") from None
        if h < 1:
            raise CliError(f"--horizons: {h} is not allowed (horizons are >= 1 trading day)")
        out.append(h)
    if not out:
        raise CliError("--horizons needs at least one horizon")
    return tuple(dict.fromkeys(out))


def progress(items: Iterable[T], args: argparse.Namespace, *, desc: str,
             total: int | None = None) -> Iterator[T]:
    """Iterate with a tqdm progress bar on stderr (off with ``--quiet``)."""
    from tqdm import tqdm

    yield from tqdm(items, desc=desc, total=total, file=sys.stderr, unit="step",
                    disable=bool(getattr(args, "quiet", False)), leave=False)


def status(args: argparse.Namespace, message: str) -> None:
    """One progress line on stderr (silenced by ``--quiet``)."""
    if not getattr(args, "quiet", False):
        print(f"vixbt: {message}", file=sys.stderr, flush=True)


def check_out(args: argparse.Namespace) -> None:
    """Fail before any computation if ``--out`` cannot receive a report.

    Raises
    ------
    CliError
        Naming ``--out`` and why (a file, a read-only or missing-permission folder).
    """
    out = getattr(args, "out", None)
    if out is None or getattr(args, "no_report", False):
        return
    import tempfile

    root = Path(out).expanduser()
    if root.exists() and not root.is_dir():
        raise CliError(f"--out {out}: exists and is not a folder")
    probe = root
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent  # the folder is created when the report is written
    if not probe.is_dir():
        raise CliError(f"--out {out}: {probe} is not a folder")
    try:
        with tempfile.TemporaryFile(dir=probe):
            pass
    except OSError as exc:
        raise CliError(f"--out {out}: cannot write a report there ({exc.strerror or exc}); "
                       "nothing was computed") from None


def write_report(report: Report, args: argparse.Namespace, parameters: Mapping[str, Any],
                 table: MarketTable | None, argv: Sequence[str] | None = None) -> Path | None:
    """Write ``report`` to a new folder under ``--out`` (unless ``--no-report``)."""
    if getattr(args, "no_report", False):
        return None
    from backtest.report.metadata import run_metadata

    if argv is None:
        argv = getattr(args, "argv", None)
    command = ["vixbt", *(argv if argv is not None else sys.argv[1:])]
    meta = run_metadata(command, parameters, table)
    return report.write(meta, Path(getattr(args, "out", None) or "results").resolve(),
                        interactive=bool(getattr(args, "interactive", False)))


def emit(args: argparse.Namespace, doc: Mapping[str, Any], text: str,
         frame: pd.DataFrame | None = None, report: Path | None = None) -> None:
    """Print the command's result in the chosen ``--format``.

    ``table``: ``text`` and the report location; ``json``: ``doc``; ``csv``:
    ``frame``.  With ``json``/``csv`` the report location goes to stderr.
    """
    from backtest.report.metadata import dumps

    fmt = getattr(args, "format", "table")
    where = f"Report: {report / 'index.html'}" if report is not None else None
    if fmt == "json":
        print(dumps(doc))
        if where:
            print(where, file=sys.stderr)
    elif fmt == "csv":
        if frame is None:
            raise CliError("--format csv is not available for this command")
        sys.stdout.write(frame.to_csv())
        if where:
            print(where, file=sys.stderr)
    else:
        print(text.rstrip())
        if where:
            print(where)


def data_doc(table: MarketTable) -> dict[str, Any]:
    """The ``data`` object of the JSON documents."""
    from backtest.report.metadata import data_sources

    return data_sources(table)


def json_roundtrip(doc: Mapping[str, Any]) -> dict[str, Any]:
    """``doc`` as plain JSON types (what ``--format json`` prints)."""
    from backtest.report.metadata import dumps

    out: dict[str, Any] = json.loads(dumps(doc))
    return out
